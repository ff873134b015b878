//! A pod's life in the engine: admitted to the scheduling queue (or bound directly when it
//! names its node), scheduled, its images pulled and containers started by the kubelet,
//! Ready per its readinessProbe, then terminated (SIGTERM, grace period) and gone.
//!
//! Timing choices (Kubernetes depends on the image and the app): pulling an image a node does
//! not have takes `PULL_S`, or its ECR pull time when the Scenario models ECR (`image_pull`); creating and starting the containers `START_S`; a container exits
//! `SIGTERM_EXIT_S` after SIGTERM (the app handles it), or at `terminationGracePeriodSeconds`
//! if that is shorter. Every readiness probe succeeds: Ready comes `initialDelaySeconds +
//! (successThreshold − 1) × periodSeconds` after the start.

use super::queue::{backoff_s, UNSCHEDULABLE_FLUSH_S};
use super::{Engine, Ev};
use crate::eks::rollout::NEVER;
use crate::eks::scheduler::state::PodInfo;
use std::collections::BTreeMap;

pub const PULL_S: i64 = 4;
pub const START_S: i64 = 1;
pub const SIGTERM_EXIT_S: i64 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    None,
    /// The k-th Deployment of the manifest (through its ReplicaSet).
    Deployment(usize),
    DaemonSet(&'static str),
    /// The k-th DaemonSet of the manifest (`daemonset_ctl`).
    UserDaemonSet(usize),
    /// The k-th Job (`job_ctl`).
    Job(usize),
    /// The k-th standalone ReplicaSet (`replicaset_ctl`).
    ReplicaSet(usize),
}

#[derive(Debug, Clone)]
pub struct PodRecord {
    pub info: PodInfo,
    pub owner: Owner,
    /// The owning ReplicaSet's name.
    pub rs: Option<String>,
    pub created_at: i64,
    pub node: Option<usize>,
    pub scheduled_at: Option<i64>,
    pub started_at: Option<i64>,
    pub ready_at: Option<i64>,
    /// `metadata.deletionTimestamp`: Terminating since.
    pub deleting_at: Option<i64>,
    pub gone_at: Option<i64>,
    /// The last FailedScheduling message while Pending.
    pub message: Option<String>,
    /// Pending because no scheduler of ours owns it (another schedulerName, a missing node).
    pub unowned: bool,
    pub attempts: u32,
    /// When the scheduler last tried it (its backoff runs from there).
    pub last_attempt: i64,
    /// Per container: whether this pod's bind started the image pull on its node.
    pub pulled: Vec<bool>,
    /// A Job pod's (run seconds, exit code) once started (`job_ctl`).
    pub run: Option<(i64, i64)>,
    /// When its containers exited (phase Succeeded / Failed).
    pub finished_at: Option<i64>,
    /// `metadata.annotations` the platform set (Fargate's `CapacityProvisioned`).
    pub annotations: Vec<(String, String)>,
    /// `status.podIP`: a secondary address the VPC CNI took from the node's subnet, the node's
    /// own address for host-network and Fargate pods; None before it has one.
    pub ip: Option<String>,
    /// The (subnet, address) the pod holds in the VPC's books, returned when its sandbox goes.
    pub lease: Option<(usize, u32)>,
    /// The latest failed image pull, while the kubelet backs off (`image_pull`).
    pub pull_failure: Option<super::image_pull::PullFailure>,
}

impl PodRecord {
    pub fn new(info: PodInfo, owner: Owner, rs: Option<String>, now: i64) -> PodRecord {
        PodRecord { info, owner, rs, created_at: now, node: None, scheduled_at: None, started_at: None, ready_at: None, deleting_at: None, gone_at: None, message: None, unowned: false, attempts: 0, last_attempt: now, pulled: Vec::new(), run: None, finished_at: None, annotations: Vec::new(), ip: None, lease: None, pull_failure: None }
    }

    /// Whether a DaemonSet manages the pod (drain skips those with --ignore-daemonsets).
    pub fn daemon(&self) -> bool {
        matches!(self.owner, Owner::DaemonSet(_) | Owner::UserDaemonSet(_))
    }

    pub fn started(&self, now: i64) -> bool {
        self.started_at.is_some_and(|t| t <= now)
    }

    /// Condition Ready (a terminating pod is no longer Ready: its endpoints go).
    pub fn ready(&self, now: i64) -> bool {
        self.deleting_at.is_none() && self.finished_at.is_none_or(|f| f > now) && self.ready_at.is_some_and(|t| t <= now)
    }
}

impl Engine {
    /// A new pod enters the scheduler's active queue, or is bound to the node it names.
    pub(super) fn admit(&mut self, id: usize) {
        let spec = self.pods[id].info.spec.clone();
        if let Some(want) = &spec.node_name {
            match self.state.nodes.iter().position(|n| n.node.name == *want) {
                Some(i) => self.bind(id, i),
                None => self.pods[id].unowned = true,
            }
            return;
        }
        if self.fargate_admit(id) {
            return;
        }
        if spec.scheduler_name != "default-scheduler" {
            self.pods[id].unowned = true;
            return;
        }
        self.queue.push(id, spec.priority, self.now);
    }

    /// One pass over the active queue: each pod through filter and score, in queue order.
    pub(super) fn schedule_cycle(&mut self) {
        let mut bound: Vec<usize> = Vec::new();
        // The last failure, while no pod has bound since: a pod that schedules like it (same
        // template: `PodInfo::schedules_like`) meets the same filters on the same cluster, so it
        // fails alike. A failure evaluates every node, so the scheduler's start index comes
        // back where it was, and it draws nothing from the RNG: reusing it changes no later
        // decision. (A scale-up of hundreds of pods on a full cluster was most of the day's
        // scheduling.)
        let mut failed: Option<(usize, super::Decision)> = None;
        for _ in 0..self.pods.len() + 1 {
            let Some(id) = self.queue.pop() else { break };
            if self.pods[id].deleting_at.is_some() || self.pods[id].node.is_some() {
                continue;
            }
            let info = &self.pods[id].info;
            let (d, reused) = match &failed {
                Some((like, d)) if self.pods[*like].info.schedules_like(info) => (super::Decision { pod: format!("{}/{}", info.namespace, info.name), ..d.clone() }, true),
                _ => (self.sched.schedule_one(&self.state, info), false),
            };
            match d.node {
                Some(n) => {
                    failed = None;
                    self.bind(id, n);
                    bound.push(id);
                }
                None => {
                    // A reused failure's pod is like the one kept: keep that one, uncloned.
                    if !reused {
                        failed = Some((id, d.clone()));
                    }
                    self.unschedulable(id, d.message.clone());
                }
            }
            self.record_decision(d);
        }
        self.tell_rollouts(&bound);
    }

    fn unschedulable(&mut self, id: usize, message: Option<String>) {
        let now = self.now;
        let p = &mut self.pods[id];
        p.attempts += 1;
        p.last_attempt = now;
        let attempt = p.attempts;
        self.failed_unbound.insert(id);
        if let Some(m) = &message {
            let (ns, name) = (p.info.namespace.clone(), p.info.name.clone());
            self.events.repeatable(now, "Pod", &ns, &name, "FailedScheduling", m.clone(), true, "default-scheduler");
        }
        self.pods[id].message = message;
        self.queue.unschedulable.insert(id);
        self.ca_pod_unschedulable();
        self.at(now + UNSCHEDULABLE_FLUSH_S, Ev::Flush(id, attempt));
    }

    /// Something that may let a pending pod fit happened (a pod gone, a node schedulable):
    /// every pod in the pool moves on, to active now or when its backoff ends.
    pub(super) fn cluster_changed(&mut self) {
        let pool: Vec<usize> = std::mem::take(&mut self.queue.unschedulable).into_iter().collect();
        for id in pool {
            self.retry_after_backoff(id);
        }
        self.node_scaling_poke();
    }

    fn retry_after_backoff(&mut self, id: usize) {
        let p = &self.pods[id];
        let until = p.last_attempt + backoff_s(p.attempts);
        if until <= self.now {
            self.queue.push(id, p.info.spec.priority, self.now);
        } else {
            self.at(until, Ev::Retry(id));
        }
    }

    pub(super) fn bind(&mut self, id: usize, node: usize) {
        let now = self.now;
        self.state.bind(self.pods[id].info.clone(), node);
        let node_name = self.state.nodes[node].node.name.clone();
        let p = &mut self.pods[id];
        p.node = Some(node);
        p.scheduled_at = Some(now);
        self.failed_unbound.remove(&id);
        p.message = None;
        self.touch(id);
        let p = &self.pods[id];
        let (ns, name) = (p.info.namespace.clone(), p.info.name.clone());
        self.events.once(now, "Pod", &ns, &name, "Scheduled", format!("Successfully assigned {ns}/{name} to {node_name}"), false, "default-scheduler");
        if self.assign_ip(id) {
            self.kubelet_start(id);
        }
    }

    /// The kubelet pulls what the node lacks (images pulled once per node), then starts.
    pub(super) fn kubelet_start(&mut self, id: usize) {
        let now = self.now;
        let Some(node) = self.pods[id].node else { return };
        let mut ready_images = now;
        let mut pulled = Vec::new();
        let spec = self.pods[id].info.spec.clone();
        if self.pods[id].pull_failure.is_none() {
            self.identity_bound(id);
        }
        // Every image the node lacks, pulled through ECR when the Scenario models it.
        let mut need = Vec::new();
        for (k, c) in spec.containers.iter().enumerate() {
            let fresh = !self.images.contains(node, &c.image);
            pulled.push(fresh);
            if !fresh {
                continue;
            }
            match self.ecr_pull_s(id, node, &c.image) {
                Ok(s) => need.push((c.image.clone(), s)),
                Err(error) => return self.pull_failed(id, k, c.image.clone(), error),
            }
        }
        for (image, s) in need {
            self.images.insert_absent(node, image, now + s);
        }
        for c in spec.containers.iter() {
            ready_images = ready_images.max(self.images.get(node, &c.image).unwrap_or(now));
        }
        self.pods[id].pulled = pulled;
        let started = ready_images + START_S;
        let probe = spec.readiness.map_or(0, |p| p.initial_delay_s + (p.success_threshold - 1) * p.period_s);
        self.pods[id].started_at = Some(started);
        self.pods[id].ready_at = Some(started + probe + self.readiness_gate_s(id));
        self.touch(id);
        self.at(started, Ev::Started(id));
    }

    /// Pulling / Pulled / Created / Started, as the kubelet reports them.
    fn started(&mut self, id: usize) {
        let p = &self.pods[id];
        if p.deleting_at.is_some() {
            return;
        }
        let (ns, name, node) = (p.info.namespace.clone(), p.info.name.clone(), p.node.unwrap_or(0));
        let (bound_at, started) = (p.scheduled_at.unwrap_or(self.now), self.now);
        let did_pull = p.pulled.clone();
        let spec = p.info.spec.clone();
        for (k, c) in spec.containers.iter().enumerate() {
            let pulled = self.images.get(node, &c.image).unwrap_or(bound_at);
            if did_pull.get(k).copied().unwrap_or(false) {
                self.events.once(bound_at, "Pod", &ns, &name, "Pulling", format!("Pulling image {:?}", c.image), false, "kubelet");
                let took = pulled - bound_at;
                self.events.once(pulled, "Pod", &ns, &name, "Pulled", format!("Successfully pulled image {:?} in {took}s ({took}s including waiting)", c.image), false, "kubelet");
            } else {
                self.events.once(started, "Pod", &ns, &name, "Pulled", format!("Container image {:?} already present on machine", c.image), false, "kubelet");
            }
            self.events.once(started, "Pod", &ns, &name, "Created", format!("Created container {}", c.name), false, "kubelet");
            self.events.once(started, "Pod", &ns, &name, "Started", format!("Started container {}", c.name), false, "kubelet");
        }
        self.schedule_exit(id);
    }

    /// Deletion: Terminating now (SIGTERM, `Killing`), gone when the containers exit.
    pub(super) fn terminate(&mut self, id: usize, grace_s: i64) {
        let now = self.now;
        let p = &mut self.pods[id];
        if p.deleting_at.is_some() || p.gone_at.is_some() {
            return;
        }
        p.deleting_at = Some(now);
        self.touch(id);
        let p = &self.pods[id];
        if p.node.is_none() || p.finished_at.is_some() {
            self.queue.remove(id);
            self.gone(id);
            return;
        }
        let (ns, name) = (p.info.namespace.clone(), p.info.name.clone());
        let running = p.started(now);
        let spec = p.info.spec.clone();
        for c in spec.containers.iter() {
            if running {
                self.events.once(now, "Pod", &ns, &name, "Killing", format!("Stopping container {}", c.name), false, "kubelet");
            }
        }
        let exit = if running { SIGTERM_EXIT_S.min(grace_s.max(0)) } else { 0 };
        self.at(now + exit, Ev::Gone(id));
    }

    pub(super) fn gone(&mut self, id: usize) {
        let p = &mut self.pods[id];
        if p.gone_at.is_some() {
            return;
        }
        p.gone_at = Some(self.now);
        self.failed_unbound.remove(&id);
        self.touch(id);
        let p = &self.pods[id];
        let (ns, name) = (p.info.namespace.clone(), p.info.name.clone());
        if p.node.is_some() {
            self.state.unbind(&ns, &name);
        }
        self.by_name.remove(&(ns, name));
        self.live_forget(id);
        self.ip_released(id);
        self.cluster_changed();
    }

    pub(super) fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Started(id) => self.started(id),
            Ev::PullSync(id, n) => self.pull_sync(id, n),
            Ev::PullRetry(id, n) => self.pull_retry(id, n),
            Ev::Gone(id) => self.gone(id),
            Ev::Retry(id) => {
                let p = &self.pods[id];
                if p.node.is_none() && p.deleting_at.is_none() {
                    self.queue.push(id, p.info.spec.priority, self.now);
                }
            }
            Ev::Flush(id, attempt) => {
                if self.pods[id].attempts == attempt && self.queue.unschedulable.remove(&id) {
                    self.retry_after_backoff(id);
                }
            }
            Ev::Drain(k) => self.drain_try(k),
            Ev::Finished(id) => self.pod_finished(id),
            Ev::HpaSync => self.hpa_sync(),
            Ev::FargateReady(id) => self.fargate_ready(id),
            Ev::CaScan => self.ca_scan(),
            Ev::NodeJoin(g) => self.ca_node_join(g),
            Ev::SpotReclaim(n) => self.spot_reclaim(n),
            Ev::SpotJoin(k) => self.spot_join(k),
            Ev::CaDrain => self.ca_drain_tick_event(),
            Ev::KarpenterScan => self.karpenter_scan(),
            Ev::ClaimReady(k) => self.karpenter_claim_ready(k),
            Ev::KarpenterApply(i) => self.karpenter_apply(i),
        }
    }

    /// Newly bound Deployment pods: their controllers learn when they will be Ready.
    pub(super) fn tell_rollouts(&mut self, bound: &[usize]) {
        let mut per: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for id in bound {
            if let super::Owner::Deployment(k) = self.pods[*id].owner {
                per.entry(k).or_default().push(*id);
            }
        }
        for (k, ids) in per {
            let seen: BTreeMap<&str, (bool, i64)> = ids.iter().map(|i| (self.pods[*i].info.name.as_str(), (true, self.pods[*i].ready_at.unwrap_or(NEVER)))).collect();
            self.rollouts[k].observe(&seen);
        }
    }
}
