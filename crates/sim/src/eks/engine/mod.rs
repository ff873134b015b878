//! The EKS engine: one cluster evolving on one clock. Pods are created by their controllers,
//! scheduled by kube-scheduler's cycle (FailedScheduling retried with backoff and on cluster
//! changes), started by the kubelet, Ready per their readinessProbe, and the Deployment /
//! ReplicaSet controllers (`rollout.rs`) react to that readiness. The Scenario timeline acts
//! on Deployments, nodes and pods at its instants. Every loop is bounded; stepping is by
//! instant, so a run is the same however `advance_within` slices it.

mod actions;
pub mod arrivals;
pub mod aws_calls;
pub mod spot;
mod rebalance;
pub mod daemonset_ctl;
pub mod job_ctl;
pub mod cronjob_ctl;
pub mod replicaset_ctl;
mod deployment_mirror;
pub mod disruption;
pub mod events;
pub mod fargate_nodes;
mod ingress_traffic;
pub mod hpa_metrics;
pub mod hpa_sync;
mod hpa_memo;
pub mod lbc_ctl;
mod lbc_nodes;
pub mod node_scaling;
pub mod ca_scale_down;
pub mod karpenter_engine;
mod karpenter_drift;
mod karpenter_termination;
mod karpenter_forceful;
mod node_retire;
mod decision_nodes;
mod lifecycle;
pub mod image_pull;
mod image_cache;
mod pod_ips;
mod node_pods;
mod pod_compact;
mod queue;
pub mod retention;

use super::daemonsets::{daemon_labels, daemon_pod_spec, SYSTEM_DAEMONSETS};
use super::manifest::timeline::TimelineEntry;
use super::manifest::Manifest;
use super::nodes::{cluster_aws, cluster_nodes_on};
use super::objects::{PodDisruptionBudget, Service};
use super::services::{allocate, kubernetes_service, Allocated};
use super::rollout::Rollout;
use super::run::random_suffix;
use super::scheduler::decision::Decision;
use super::scheduler::state::{ClusterState, PodInfo};
use super::scheduler::Scheduler;
use events::Recorder;
use queue::Queue;
use rand_pcg::Pcg64;
use rand_core::SeedableRng;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use lifecycle::{PodRecord, Owner, PULL_S};

/// Bounds: rounds of work at one instant, and instants per `advance_to`.
const MAX_ROUNDS: usize = 200;
const MAX_STEPS: usize = 10_000_000;

/// Something the engine itself scheduled for a later instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    /// The kubelet started the pod's containers.
    Started(usize),
    /// The pod's containers exited after SIGTERM (or its grace period ended): it is gone.
    Gone(usize),
    /// A failed pod's backoff ended and a cluster change had moved it out of the pool.
    Retry(usize),
    /// The periodic flush of a pod left in the unschedulable pool (with its attempt number).
    Flush(usize, u32),
    /// A drain's eviction retry (kubectl retries every 5 s).
    Drain(usize),
    /// A Job pod's container exited (`job_ctl`).
    Finished(usize),
    /// The HPA controller's sync of every HPA (`hpa_sync.rs`).
    HpaSync,
    /// A Fargate pod's node is Ready (`fargate_nodes.rs`).
    FargateReady(usize),
    /// Cluster Autoscaler's scan (`node_scaling.rs`).
    CaScan,
    /// A scaled-up node group's new node is Ready.
    NodeJoin(usize),
    /// EC2 takes a Spot node back, two minutes after its notice (`spot.rs`).
    SpotReclaim(usize),
    /// A Spot node's replacement is Ready (`spot.rs`).
    SpotJoin(usize),
    /// Cluster Autoscaler's drains of nodes it scales down (`ca_scale_down.rs`).
    CaDrain,
    /// Karpenter's provisioning and disruption pass (`karpenter_engine.rs`).
    KarpenterScan,
    /// A NodeClaim's instance registered and its node is Ready.
    ClaimReady(usize),
    /// A timeline `apply` of a changed NodePool or EC2NodeClass (`karpenter_drift.rs`).
    KarpenterApply(usize),
    /// The pod sync after a failed image pull (with the failure count): ImagePullBackOff.
    PullSync(usize, u32),
    /// The image back-off ended: the kubelet pulls again (`image_pull.rs`).
    PullRetry(usize, u32),
}

/// One `kubectl drain` in progress.
#[derive(Debug, Clone)]
struct Drain {
    node: usize,
    grace_s: Option<i64>,
    /// Pods still to evict; then pods evicted and not yet gone.
    to_evict: Vec<usize>,
    evicted: Vec<usize>,
    done: bool,
}

pub struct Engine {
    pub now: i64,
    pub state: ClusterState,
    /// Pods in creation order; gone ones are freed now and then (`pod_compact.rs`), so an id
    /// is an index valid until the next compaction, and index order is creation order.
    pub pods: Vec<PodRecord>,
    /// The pod and Job lists' lengths at which `pod_compact` next runs.
    next_compact: (usize, usize),
    by_name: BTreeMap<(String, String), usize>,
    /// Pods that failed to schedule and are not bound or gone yet, ascending: what the node
    /// autoscalers' scans look at, instead of every pod record.
    failed_unbound: std::collections::BTreeSet<usize>,
    /// Whether `pods_on_node` may read the scheduler's bound pods (`node_pods.rs`).
    node_pods_exact: bool,
    /// Live (not gone) pod ids per Deployment, and of bare pods (`Owner::None`), ascending:
    /// kept on create/gone so the HPA sync and `sync_pods_of` never walk every pod ever made.
    live_of_deployment: Vec<Vec<usize>>,
    /// The names of `live_of_deployment`'s pods, for `sync_pods_of`'s diff.
    live_names: Vec<crate::eks::name_set::NameCounts>,
    live_bare: Vec<usize>,
    pub rollouts: Vec<Rollout>,
    /// The manifest's DaemonSets (`daemonset_ctl`).
    pub daemon_sets: Vec<daemonset_ctl::DaemonSetCtl>,
    /// The manifest's Jobs (`job_ctl`).
    pub jobs: Vec<job_ctl::JobCtl>,
    /// The manifest's CronJobs (`cronjob_ctl`).
    pub cron_jobs: Vec<cronjob_ctl::CronJobCtl>,
    /// The manifest's standalone ReplicaSets (`replicaset_ctl`).
    pub replica_sets: Vec<replicaset_ctl::ReplicaSetCtl>,
    dirty: Vec<bool>,
    generations: Vec<u64>,
    pub pdbs: Vec<PodDisruptionBudget>,
    /// The manifest's Services with their allocated ClusterIP and NodePorts.
    pub services: Vec<(Service, Allocated)>,
    timeline: Vec<TimelineEntry>,
    next_entry: usize,
    pub timeline_errors: Vec<String>,
    pub decisions: Vec<Decision>,
    /// Per decision: how many of `node_removals` had happened when it was recorded.
    decision_epochs: Vec<u32>,
    /// Node indices removed since the decisions were last renumbered (`decision_nodes.rs`).
    node_removals: Vec<usize>,
    pub events: Recorder,
    /// What `kubectl drain` printed, at its instant.
    pub drain_log: Vec<(i64, String)>,
    drains: Vec<Drain>,
    /// (node, image) → when its pull finished (the kubelet's image cache).
    images: image_cache::ImageCache,
    /// The Scenario's `spec.repositories` (ECR), when it declares them (`image_pull.rs`).
    repositories: Option<Vec<crate::ecr::Repository>>,
    queue: Queue,
    agenda: BTreeMap<(i64, u64), Ev>,
    agenda_seq: u64,
    sched: Scheduler,
    rng: Pcg64,
    /// HorizontalPodAutoscalers and their status (`hpa_sync.rs`).
    pub hpas: Vec<hpa_sync::HpaState>,
    /// The Scenario's `SetPodUsage` entries, by time.
    usage: Vec<super::manifest::pod_usage::PodUsage>,
    /// Traffic and the metrics adapters' values (`hpa_metrics.rs`).
    sources: hpa_metrics::Sources,
    /// Fargate profiles and the nodes they provisioned.
    pub fargate: fargate_nodes::FargateNodes,
    /// Cluster Autoscaler, when the manifest has one.
    pub autoscaler: Option<node_scaling::Autoscaler>,
    /// When each node that joined mid-run (CA, Karpenter) became Ready, by name.
    pub node_joined: BTreeMap<String, i64>,
    /// Karpenter, when the manifest has NodePools.
    pub karpenter: Option<karpenter_engine::Karpenter>,
    /// The cluster's AWS (VPC books, instances) when nodes join mid-run (Fargate, CA).
    aws: Option<crate::substrate::Aws>,
    /// The AWS Load Balancer Controller's ALBs/NLBs and their targets (`lbc_ctl`), if any.
    pub lbc: Option<lbc_ctl::Lbc>,
    /// Spot interruptions and the nodes EC2 took back (`spot.rs`).
    pub spot: spot::Spot,
    /// Pods' identities and AWS calls (`aws_calls.rs`).
    pub calls: aws_calls::Calls,
    /// The eksctl cluster, for Spot replacements.
    spot_cluster: Option<super::objects::ClusterConfig>,
    /// The run's start (Unix seconds), for event wording.
    start_unix_s: i64,
    /// Bound pods whose sandbox waits for a free address in their node's subnet.
    ip_waiting: Vec<usize>,
    /// The VPC CNI's prefix delegation (`pod_ips.rs`; the prefixes are `Aws::eni_prefixes`).
    prefix_delegation: bool,
    /// Change counters for the HPA sync's memo, and the memo per HPA (`hpa_memo.rs`).
    pod_epochs: hpa_memo::PodEpochs,
    hpa_memos: Vec<Option<hpa_memo::Memo>>,
    /// HPA readings taken so far (each memo's id).
    hpa_readings: u64,
}

impl Engine {
    /// The cluster at time 0: nodes with their aws-node / kube-proxy pods, the manifest's Pods
    /// and Deployments created (their pods queued in creation order).
    pub fn new(m: &Manifest, explain: bool) -> Engine {
        let seed = m.scenario.as_ref().map_or(1, |s| s.seed);
        // The cluster's AWS: the first nodes' instances launched in its VPC, whose subnets then
        // give every pod its address.
        let mut aws = m.cluster.as_ref().map(cluster_aws);
        if let Some(a) = aws.as_mut() {
            a.start_unix_s = m.scenario.as_ref().and_then(|s| crate::time::parse_iso_seconds(&s.start).ok()).unwrap_or(1_735_689_600);
        }
        let nodes = match (m.cluster.as_ref(), aws.as_mut()) {
            (Some(c), Some(a)) => cluster_nodes_on(c, a),
            _ => Vec::new(),
        };
        let mut state = ClusterState::new(nodes);
        for ns in &m.namespaces {
            state.add_namespace(&ns.name, ns.labels.clone());
        }
        state.service_selectors = m.services.iter().filter_map(|s| Some((s.namespace.clone(), s.selector.clone()?))).collect();
        let mut sched = Scheduler::new(seed);
        sched.explain = explain;
        let mut e = Engine {
            now: 0,
            state,
            pods: Vec::new(),
            next_compact: (0, 0),
            by_name: BTreeMap::new(),
            failed_unbound: std::collections::BTreeSet::new(),
            node_pods_exact: true,
            live_of_deployment: Vec::new(),
            live_names: Vec::new(),
            live_bare: Vec::new(),
            rollouts: Vec::new(),
            daemon_sets: m.daemon_sets.iter().cloned().map(daemonset_ctl::DaemonSetCtl::new).collect(),
            jobs: m.jobs.iter().cloned().map(|j| job_ctl::JobCtl::new(j, 0, None)).collect(),
            replica_sets: m.replica_sets.iter().cloned().map(|rs| replicaset_ctl::ReplicaSetCtl { rs, pods: Vec::new() }).collect(),
            cron_jobs: {
                let start = m.scenario.as_ref().and_then(|s| crate::time::parse_iso_seconds(&s.start).ok()).unwrap_or(1_735_689_600);
                m.cron_jobs.iter().cloned().map(|c| cronjob_ctl::CronJobCtl::new(c, start)).collect()
            },
            dirty: Vec::new(),
            generations: Vec::new(),
            pdbs: m.pdbs.clone(),
            services: {
                let mut all = vec![kubernetes_service()];
                all.extend(m.services.iter().cloned());
                let alloc = allocate(&all, seed);
                all.into_iter().zip(alloc).collect()
            },
            timeline: m.scenario.as_ref().map(|s| s.timeline.clone()).unwrap_or_default(),
            next_entry: 0,
            timeline_errors: Vec::new(),
            decisions: Vec::new(),
            decision_epochs: Vec::new(),
            node_removals: Vec::new(),
            events: Recorder::default(),
            drain_log: Vec::new(),
            drains: Vec::new(),
            images: image_cache::ImageCache::default(),
            repositories: m.repositories.clone(),
            queue: Queue::default(),
            agenda: BTreeMap::new(),
            agenda_seq: 0,
            sched,
            rng: Pcg64::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15),
            hpas: m.hpas.iter().cloned().map(hpa_sync::HpaState::new).collect(),
            pod_epochs: Default::default(),
            hpa_memos: vec![None; m.hpas.len()],
            hpa_readings: 0,
            fargate: fargate_nodes::FargateNodes::new(m),
            autoscaler: node_scaling::Autoscaler::new(m),
            karpenter: karpenter_engine::Karpenter::new(m),
            node_joined: BTreeMap::new(),
            aws,
            ip_waiting: Vec::new(),
            prefix_delegation: m.cluster.as_ref().is_some_and(|c| c.prefix_delegation),
            usage: m.scenario.as_ref().map(|s| s.pod_usage.clone()).unwrap_or_default(),
            sources: hpa_metrics::Sources::new(m),
            lbc: None,
            spot: spot::Spot::new(m),
            calls: aws_calls::Calls::new(m),
            spot_cluster: m.cluster.clone(),
            start_unix_s: m.scenario.as_ref().and_then(|s| crate::time::parse_iso_seconds(&s.start).ok()).unwrap_or(1_735_689_600),
        };
        let region = m.cluster.as_ref().map_or("us-east-1", |c| c.region.as_str());
        e.lbc = lbc_ctl::Lbc::new(super::lbc::build(m, &e.services, region), m.ingresses.clone());
        // The system DaemonSets run on every node from the moment it joins (Ready at 0).
        for (ds, app, cpu) in SYSTEM_DAEMONSETS {
            let spec = Arc::new(daemon_pod_spec(ds, *cpu));
            for i in 0..e.state.nodes.len() {
                let name = format!("{ds}-{}", random_suffix(&mut e.rng, 5));
                let info = PodInfo::new(name, "kube-system".into(), daemon_labels(app), spec.clone(), None);
                let id = e.add_pod(info, Owner::DaemonSet(ds), None);
                e.state.bind(e.pods[id].info.clone(), i);
                let p = &mut e.pods[id];
                (p.node, p.scheduled_at, p.started_at, p.ready_at) = (Some(i), Some(0), Some(0), Some(0));
                // hostNetwork: the node's own address.
                p.ip = Some(e.state.nodes[i].node.internal_ip.clone());
            }
        }
        for p in &m.pods {
            let info = PodInfo::new(p.name.clone(), p.namespace.clone(), p.labels.clone(), Arc::new(p.spec.clone()), None);
            let id = e.add_pod(info, Owner::None, None);
            e.admit(id);
        }
        for (k, d) in m.deployments.iter().enumerate() {
            e.rollouts.push(Rollout::driven(d.clone(), seed.wrapping_add(k as u64), 0));
            e.dirty.push(false);
            e.generations.push(u64::MAX);
            e.sync_pods_of(k);
        }
        e.sync_replica_sets();
        e.sync_daemon_sets();
        e.sync_cron_jobs();
        e.sync_jobs();
        e.hpa_start();
        // Node scalers look at the cluster from their first tick (scale-down needs no trigger).
        e.node_scaling_poke();
        e.karpenter_schedule_applies();
        e
    }

    /// Runs every instant up to and including `t`, then sets the clock to `t`.
    pub fn advance_to(&mut self, t: i64) {
        while !self.advance_within(t, MAX_STEPS) {}
    }

    /// Runs at most `max_steps` instants up to `t`; true when the clock reached `t`. The same
    /// instants run in the same order however the calls slice them.
    pub fn advance_within(&mut self, t: i64, max_steps: usize) -> bool {
        let mut reached = false;
        for _ in 0..max_steps {
            match self.next_instant().filter(|x| *x <= t) {
                Some(x) => self.step(x),
                None => {
                    self.now = self.now.max(t);
                    for r in &mut self.rollouts {
                        r.advance_to(self.now);
                    }
                    reached = true;
                    break;
                }
            }
        }
        self.settle_decisions();
        reached
    }

    /// The next instant with work: now (queued pods), an agenda entry, a timeline entry or a
    /// controller's own change (a pod Available, the progress deadline).
    pub fn next_instant(&self) -> Option<i64> {
        let mut next: Option<i64> = None;
        let mut take = |x: i64| next = Some(next.map_or(x, |n: i64| n.min(x)));
        if !self.queue.is_empty() {
            take(self.now);
        }
        if let Some(((x, _), _)) = self.agenda.first_key_value() {
            take(*x);
        }
        if let Some(t) = self.timeline.get(self.next_entry) {
            take(t.at_s.max(self.now));
        }
        for (k, r) in self.rollouts.iter().enumerate() {
            if self.dirty[k] {
                take(self.now);
            }
            if let Some(x) = r.next_change() {
                take(x);
            }
        }
        if let Some(x) = self.ds_next_change() {
            take(x);
        }
        if let Some(x) = self.jobs_next_change() {
            take(x);
        }
        if let Some(x) = self.cron_next_change() {
            take(x);
        }
        if let Some(x) = self.lbc_next_change() {
            take(x);
        }
        for x in [self.spot.next_at(), self.calls.next_at()].into_iter().flatten() {
            take(x.max(self.now));
        }
        next
    }

    fn step(&mut self, x: i64) {
        self.now = self.now.max(x);
        let now = self.now;
        self.events.expire_some(now);
        self.compact_pods_some();
        // Controllers first see the clock (a timeline action below acts at `now`).
        for r in &mut self.rollouts {
            r.advance_to(now);
            r.expire_events(now);
        }
        for _ in 0..MAX_ROUNDS {
            let mut worked = false;
            while let Some(entry) = self.agenda.first_entry().filter(|e| e.key().0 <= now) {
                let ev = entry.remove();
                self.handle(ev);
                worked = true;
            }
            while self.timeline.get(self.next_entry).is_some_and(|t| t.at_s <= now) {
                let t = self.timeline[self.next_entry].clone();
                self.next_entry += 1;
                self.apply(&t);
                worked = true;
            }
            if self.spot_due() | self.calls_due() {
                worked = true;
            }
            for k in 0..self.rollouts.len() {
                self.rollouts[k].advance_to(now);
                if self.dirty[k] {
                    self.dirty[k] = false;
                    self.rollouts[k].resync();
                }
                if self.rollouts[k].generation != self.generations[k] {
                    self.sync_pods_of(k);
                    worked = true;
                }
            }
            if self.sync_replica_sets() | self.sync_daemon_sets() | self.sync_cron_jobs() | self.sync_jobs() {
                worked = true;
            }
            if !self.queue.is_empty() {
                self.schedule_cycle();
                worked = true;
            }
            if self.lbc_reconcile() {
                worked = true;
            }
            if !worked {
                break;
            }
        }
    }

    fn at(&mut self, t: i64, ev: Ev) {
        self.agenda_seq += 1;
        self.agenda.insert((t, self.agenda_seq), ev);
    }

    /// `generateName` for a pod: `prefix` and five random characters no pod in `namespace`
    /// that is not gone has (`run::fresh_name`).
    fn generate_pod_name(&mut self, namespace: &str, prefix: &str) -> String {
        let by_name = &self.by_name;
        crate::eks::run::fresh_name(&mut self.rng, prefix, |n| by_name.contains_key(&(namespace.to_string(), n.to_string())))
    }

    fn add_pod(&mut self, info: PodInfo, owner: Owner, rs: Option<String>) -> usize {
        let id = self.pods.len();
        if self.by_name.insert((info.namespace.clone(), info.name.clone()), id).is_some() {
            // Two pods share a name: `by_name` no longer names every live pod (`node_pods.rs`).
            self.node_pods_exact = false;
        }
        if let Some(list) = self.live_list(owner) {
            list.push(id);
        }
        if let Owner::Deployment(k) = owner {
            if self.live_names.len() <= k {
                self.live_names.resize_with(k + 1, Default::default);
            }
            self.live_names[k].add(&info.name);
        }
        self.pods.push(PodRecord::new(info, owner, rs, self.now));
        self.touch(id);
        id
    }

    /// The live-id list a pod of this owner is kept in, if its owner has one.
    fn live_list(&mut self, owner: Owner) -> Option<&mut Vec<usize>> {
        match owner {
            Owner::Deployment(k) => {
                if self.live_of_deployment.len() <= k {
                    self.live_of_deployment.resize_with(k + 1, Vec::new);
                }
                Some(&mut self.live_of_deployment[k])
            }
            Owner::None => Some(&mut self.live_bare),
            Owner::DaemonSet(_) | Owner::UserDaemonSet(_) | Owner::Job(_) | Owner::ReplicaSet(_) => None,
        }
    }

    /// The pod left the API: out of its owner's live list (ids there are ascending).
    fn live_forget(&mut self, id: usize) {
        let owner = self.pods[id].owner;
        if let Some(list) = self.live_list(owner) {
            if let Ok(at) = list.binary_search(&id) {
                list.remove(at);
                if let Owner::Deployment(k) = owner {
                    let name = &self.pods[id].info.name;
                    self.live_names[k].remove(name);
                    if !self.live_names[k].contains(name) {
                        self.rollouts[k].unmirror(name);
                    }
                }
            }
        }
    }

    /// A Deployment's live pod ids, ascending (creation order).
    fn live_of(&self, k: usize) -> &[usize] {
        self.live_of_deployment.get(k).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&PodRecord> {
        self.by_name.get(&(namespace.to_string(), name.to_string())).map(|i| &self.pods[*i])
    }

    /// Pods that exist now (not yet gone), in creation order.
    pub fn live_pods(&self) -> impl Iterator<Item = &PodRecord> {
        self.pods.iter().filter(|p| p.gone_at.is_none())
    }
}
