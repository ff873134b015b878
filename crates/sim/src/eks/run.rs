//! One EKS run: the engine (`eks::engine`) advanced to an instant, and what it holds then —
//! the scheduler cache, the decisions, the pending pods, the controllers, events and budgets.

use super::engine::disruption::PdbStatus;
use super::engine::events::KEvent;
use super::engine::{Engine, PodRecord};
use super::manifest::Manifest;
use super::objects::{PodDisruptionBudget, PodTemplate, Service};
use super::services::Allocated;
use super::rollout::Rollout;
use super::scheduler::decision::Decision;
use super::scheduler::state::{ClusterState, PodInfo};
use rand_core::RngCore;
use rand_pcg::Pcg64;

/// A pod that could not be placed: Pending, `PodScheduled=False` reason `Unschedulable`.
#[derive(Debug, Clone)]
pub struct PendingPod {
    pub pod: PodInfo,
    /// FailedScheduling event text; None for pods another scheduler owns.
    pub message: Option<String>,
}

pub struct EksRun {
    pub state: ClusterState,
    /// Every scheduling attempt in order (DaemonSet pods are bound directly, not listed).
    pub decisions: Vec<Decision>,
    pub pending: Vec<PendingPod>,
    /// One per Deployment, in manifest order, advanced to `until_s`.
    pub rollouts: Vec<Rollout>,
    /// Timeline actions kubectl would refuse (`rollout undo` with no history…), with their path.
    pub timeline_errors: Vec<String>,
    pub until_s: i64,
    /// Every pod that exists at `until_s` (Terminating ones included), in creation order.
    pub pods: Vec<PodRecord>,
    pub events: Vec<KEvent>,
    pub pdbs: Vec<(PodDisruptionBudget, PdbStatus)>,
    /// What each `kubectl drain` of the timeline printed, with its sim second.
    pub drain_log: Vec<(i64, String)>,
    /// The `kubernetes` Service, then the manifest's, with their allocations.
    pub services: Vec<(Service, Allocated)>,
    /// The manifest's DaemonSets with their `.status` at `until_s`.
    pub daemon_sets: Vec<(super::engine::daemonset_ctl::DaemonSetCtl, super::engine::daemonset_ctl::DaemonSetStatus)>,
    /// The manifest's Jobs not deleted by their TTL, with their counts at `until_s`.
    pub jobs: Vec<(super::engine::job_ctl::JobCtl, super::engine::job_ctl::JobCounts)>,
    /// The manifest's CronJobs with the names of their running Jobs.
    pub cron_jobs: Vec<(super::engine::cronjob_ctl::CronJobCtl, Vec<String>)>,
    /// Standalone ReplicaSets with their counts.
    pub replica_sets: Vec<(super::engine::replicaset_ctl::ReplicaSetCtl, super::engine::replicaset_ctl::ReplicaSetCounts)>,
    /// HorizontalPodAutoscalers with their status after the last sync.
    pub hpas: Vec<super::engine::hpa_sync::HpaState>,
    /// The AWS Load Balancer Controller's load balancers and target groups, if any.
    pub lbc: Option<super::engine::lbc_ctl::Lbc>,
    /// Pods with a readiness gate: (namespace, name) → (target group name, target healthy).
    pub gates: std::collections::BTreeMap<(String, String), (String, bool)>,
    /// The pods `ip` targets were registered for: engine pod id → (namespace, name).
    pub target_pods: std::collections::BTreeMap<usize, (String, String)>,
    /// Nodes EC2 took back (Spot), by index: gone from the cluster.
    pub removed_nodes: std::collections::BTreeMap<usize, i64>,
    /// Nodes under a Spot interruption notice → when EC2 reclaims them.
    pub spot_notices: std::collections::BTreeMap<usize, i64>,
    /// Pods' AWS calls with their identity and verdict, oldest first.
    pub aws_calls: Vec<super::engine::aws_calls::CallRecord>,
    /// When each node that joined mid-run became Ready (sim seconds), by node name.
    pub node_joined: std::collections::BTreeMap<String, i64>,
    /// Each node's EC2 instance id, by node name (its `spec.providerID`).
    pub instance_ids: std::collections::BTreeMap<String, String>,
    /// Karpenter's NodeClaims (launching, running and deleted ones).
    pub node_claims: Vec<super::engine::karpenter_engine::Claim>,
}

impl EksRun {
    /// The engine's state now, in the report's shape.
    pub fn of(e: &Engine) -> EksRun {
        let pods: Vec<PodRecord> = e.live_pods().cloned().collect();
        let pending = pods.iter().filter(|p| p.node.is_none()).map(|p| PendingPod { pod: p.info.clone(), message: p.message.clone() }).collect();
        EksRun {
            state: e.state.clone(),
            decisions: e.settled_decisions(),
            pending,
            rollouts: e.rollouts.clone(),
            timeline_errors: e.timeline_errors.clone(),
            until_s: e.now,
            pods,
            events: e.events.list.iter().filter(|x| super::engine::events::Recorder::alive(x, e.now)).cloned().collect(),
            pdbs: e.pdbs.iter().map(|b| (b.clone(), e.pdb_status(b))).collect(),
            drain_log: e.drain_log.clone(),
            services: e.services.clone(),
            daemon_sets: daemon_sets(e),
            jobs: jobs(e),
            cron_jobs: cron_jobs(e),
            replica_sets: replica_sets(e),
            hpas: e.hpas.clone(),
            lbc: e.lbc.clone(),
            gates: gates(e),
            target_pods: target_pods(e),
            removed_nodes: e.spot.removed.clone(),
            spot_notices: e.spot.reclaim_at.clone(),
            aws_calls: e.calls.log.clone(),
            node_joined: e.node_joined.clone(),
            instance_ids: instance_ids(e),
            node_claims: e.karpenter.as_ref().map(|k| k.claims.clone()).unwrap_or_default(),
        }
    }

    /// The same, taking the engine apart (no copies).
    pub fn from_engine(mut e: Engine) -> EksRun {
        e.events.expire(e.now);
        e.settle_decisions();
        let pdbs = e.pdbs.iter().map(|b| (b.clone(), e.pdb_status(b))).collect();
        let daemon_sets = daemon_sets(&e);
        let jobs = jobs(&e);
        let cron_jobs = cron_jobs(&e);
        let replica_sets = replica_sets(&e);
        let gates = gates(&e);
        let target_pods = target_pods(&e);
        let instance_ids = instance_ids(&e);
        let pods: Vec<PodRecord> = std::mem::take(&mut e.pods).into_iter().filter(|p| p.gone_at.is_none()).collect();
        let pending = pods.iter().filter(|p| p.node.is_none()).map(|p| PendingPod { pod: p.info.clone(), message: p.message.clone() }).collect();
        EksRun {
            until_s: e.now,
            state: e.state,
            decisions: e.decisions,
            pending,
            rollouts: e.rollouts,
            timeline_errors: e.timeline_errors,
            pods,
            events: e.events.list,
            pdbs,
            drain_log: e.drain_log,
            services: e.services,
            daemon_sets,
            jobs,
            cron_jobs,
            replica_sets,
            hpas: e.hpas,
            lbc: e.lbc,
            gates,
            target_pods,
            removed_nodes: e.spot.removed,
            spot_notices: e.spot.reclaim_at,
            aws_calls: e.calls.log,
            node_joined: e.node_joined,
            instance_ids,
            node_claims: e.karpenter.map(|k| k.claims).unwrap_or_default(),
        }
    }

    pub fn record(&self, namespace: &str, name: &str) -> Option<&PodRecord> {
        self.pods.iter().find(|p| p.info.namespace == namespace && p.info.name == name)
    }
}

fn daemon_sets(e: &Engine) -> Vec<(super::engine::daemonset_ctl::DaemonSetCtl, super::engine::daemonset_ctl::DaemonSetStatus)> {
    (0..e.daemon_sets.len()).map(|k| (e.daemon_sets[k].clone(), e.daemon_set_status(k))).collect()
}

fn jobs(e: &Engine) -> Vec<(super::engine::job_ctl::JobCtl, super::engine::job_ctl::JobCounts)> {
    (0..e.jobs.len()).filter(|k| e.jobs[*k].deleted_at.is_none()).map(|k| (e.jobs[k].clone(), e.job_counts(k))).collect()
}

fn cron_jobs(e: &Engine) -> Vec<(super::engine::cronjob_ctl::CronJobCtl, Vec<String>)> {
    (0..e.cron_jobs.len()).map(|k| (e.cron_jobs[k].clone(), e.cron_active(k).iter().map(|j| e.jobs[*j].job.name.clone()).collect())).collect()
}

fn replica_sets(e: &Engine) -> Vec<(super::engine::replicaset_ctl::ReplicaSetCtl, super::engine::replicaset_ctl::ReplicaSetCounts)> {
    (0..e.replica_sets.len()).map(|k| (e.replica_sets[k].clone(), e.replica_set_counts(k))).collect()
}

/// The characters Kubernetes uses for generated names (`rand.String`: no vowels, no 0/1/3).
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub(crate) fn random_suffix(rng: &mut Pcg64, len: usize) -> String {
    (0..len).map(|_| ALPHANUMS[(rng.next_u64() % ALPHANUMS.len() as u64) as usize] as char).collect()
}

/// Draws again past a taken name: for `generateName` the API server refuses a name a live
/// object already has (AlreadyExists) and the controller creates again with a new one, so no
/// two live pods share a name. `taken` is what the caller knows to be live (the engine: every
/// pod not gone; a Deployment's rollout: its own pods). (27^5 names: a thousand pods of one
/// ReplicaSet meet a taken one about once in 14,000 creations; 64 draws in a row is a full
/// namespace, not luck.)
pub(crate) fn fresh_name(rng: &mut Pcg64, prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut name = format!("{prefix}{}", random_suffix(rng, 5));
    for _ in 0..64 {
        if !taken(&name) {
            break;
        }
        name = format!("{prefix}{}", random_suffix(rng, 5));
    }
    name
}

/// `pod-template-hash`: a stable 32-bit FNV-1a of the template, in the same alphabet (the real
/// hash covers the Go struct; ours covers the parsed template, so values differ from a cluster).
pub(crate) fn template_hash(t: &PodTemplate) -> String {
    let text = format!("{t:?}");
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    let mut out = String::new();
    for _ in 0..10 {
        out.push(ALPHANUMS[(h % ALPHANUMS.len() as u32) as usize] as char);
        h = h / ALPHANUMS.len() as u32 ^ h.rotate_left(7);
    }
    out
}

/// The cluster at the end of the scenario's duration.
pub fn run(m: &Manifest, explain: bool) -> EksRun {
    run_until(m, explain, m.scenario.as_ref().map_or(600, |s| s.duration_s))
}

/// The cluster evolved on the engine's clock to `until_s`. `explain` records per-node tables.
pub fn run_until(m: &Manifest, explain: bool, until_s: i64) -> EksRun {
    let mut e = Engine::new(m, explain);
    e.advance_to(until_s);
    EksRun::from_engine(e)
}

fn gates(e: &Engine) -> std::collections::BTreeMap<(String, String), (String, bool)> {
    let Some(l) = &e.lbc else { return Default::default() };
    l.gated
        .iter()
        .filter(|(id, _)| e.pods[**id].gone_at.is_none())
        .map(|(&id, &tg)| ((e.pods[id].info.namespace.clone(), e.pods[id].info.name.clone()), (l.model.tgs[tg].group.name.clone(), super::lb_json::target_healthy(l, tg, id))))
        .collect()
}

fn target_pods(e: &Engine) -> std::collections::BTreeMap<usize, (String, String)> {
    let Some(l) = &e.lbc else { return Default::default() };
    l.model
        .tgs
        .iter()
        .enumerate()
        .filter(|(_, t)| t.group.target_type_ip)
        .flat_map(|(k, _)| l.elb[k].iter().map(|t| t.task))
        .map(|id| (id, (e.pods[id].info.namespace.clone(), e.pods[id].info.name.clone())))
        .collect()
}

/// EC2 nodes only: a Fargate node has no instance (its providerID keeps the node's name).
fn instance_ids(e: &Engine) -> std::collections::BTreeMap<String, String> {
    (0..e.state.nodes.len())
        .filter(|&i| !super::engine::fargate_nodes::is_fargate(&e.state.nodes[i].node))
        .map(|i| (e.state.nodes[i].node.name.clone(), e.node_instance_id(i)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fresh_name;
    use rand_core::SeedableRng;
    use rand_pcg::Pcg64;

    #[test]
    fn a_generated_name_is_drawn_again_while_it_is_taken() {
        let first = fresh_name(&mut Pcg64::seed_from_u64(7), "web-", |_| false);
        let second = fresh_name(&mut Pcg64::seed_from_u64(7), "web-", |n| n == first);
        assert_ne!(first, second);
        assert!(second.starts_with("web-") && second.len() == first.len(), "{second}");
        // The same draws give the same names: the run stays reproducible.
        assert_eq!(second, fresh_name(&mut Pcg64::seed_from_u64(7), "web-", |n| n == first));
    }
}
