//! One EKS run of this part: nodes join with their DaemonSet pods, Deployments become pods
//! (their ReplicaSet's), and the scheduler places the queue in PrioritySort order.

use super::daemonsets::{daemon_labels, daemon_pod_spec, SYSTEM_DAEMONSETS};
use super::manifest::Manifest;
use super::nodes::cluster_nodes;
use super::objects::PodTemplate;
use super::rollout::Rollout;
use super::scheduler::decision::Decision;
use super::scheduler::state::{ClusterState, PodInfo};
use super::scheduler::Scheduler;
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64;
use std::sync::Arc;

/// A pod that could not be placed: Pending, `PodScheduled=False` reason `Unschedulable`.
#[derive(Debug, Clone)]
pub struct PendingPod {
    pub pod: PodInfo,
    /// FailedScheduling event text; None for pods another scheduler owns.
    pub message: Option<String>,
}

pub struct EksRun {
    pub state: ClusterState,
    /// Scheduler decisions in queue order (DaemonSet pods are bound directly, not listed).
    pub decisions: Vec<Decision>,
    pub pending: Vec<PendingPod>,
    /// One per Deployment, in manifest order, advanced to `until_s`.
    pub rollouts: Vec<Rollout>,
    /// Timeline actions kubectl would refuse (`rollout undo` with no history…), with their path.
    pub timeline_errors: Vec<String>,
    pub until_s: i64,
}

/// The characters Kubernetes uses for generated names (`rand.String`: no vowels, no 0/1/3).
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

pub(crate) fn random_suffix(rng: &mut Pcg64, len: usize) -> String {
    (0..len).map(|_| ALPHANUMS[(rng.next_u64() % ALPHANUMS.len() as u64) as usize] as char).collect()
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

/// Builds the cluster, runs each Deployment's controllers and timeline to `until_s`, and
/// schedules the pods that exist then, once. `explain` records per-node tables.
pub fn run_until(m: &Manifest, explain: bool, until_s: i64) -> EksRun {
    let seed = m.scenario.as_ref().map_or(1, |s| s.seed);
    let nodes = m.cluster.as_ref().map(cluster_nodes).unwrap_or_default();
    let mut state = ClusterState::new(nodes);
    for ns in &m.namespaces {
        state.add_namespace(&ns.name, ns.labels.clone());
    }
    let mut rng = Pcg64::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
    for (ds, app, cpu) in SYSTEM_DAEMONSETS {
        let spec = Arc::new(daemon_pod_spec(ds, *cpu));
        for i in 0..state.nodes.len() {
            let name = format!("{ds}-{}", random_suffix(&mut rng, 5));
            state.bind(PodInfo::new(name, "kube-system".into(), daemon_labels(app), spec.clone(), None), i);
        }
    }
    let mut queue: Vec<PodInfo> = Vec::new();
    for p in &m.pods {
        queue.push(PodInfo::new(p.name.clone(), p.namespace.clone(), p.labels.clone(), Arc::new(p.spec.clone()), None));
    }
    let mut rollouts = Vec::new();
    let mut timeline_errors = Vec::new();
    for (k, d) in m.deployments.iter().enumerate() {
        let mut r = Rollout::new(d.clone(), seed.wrapping_add(k as u64));
        let entries = m.scenario.iter().flat_map(|s| &s.timeline).filter(|t| t.deployment == d.name && t.namespace == d.namespace);
        for t in entries.filter(|t| t.at_s <= until_s) {
            r.advance_to(t.at_s);
            if let Err(msg) = r.apply(&t.action) {
                timeline_errors.push(format!("{}: at {}s: {msg}", t.path, t.at_s));
            }
        }
        r.advance_to(until_s);
        for rs in &r.sets {
            let mut labels = rs.template.labels.clone();
            labels.insert("pod-template-hash".into(), rs.hash.clone());
            let mut owner = d.selector.clone();
            owner.match_labels.insert("pod-template-hash".into(), rs.hash.clone());
            let spec = Arc::new(rs.template.spec.clone());
            for p in &rs.pods {
                queue.push(PodInfo::new(p.name.clone(), d.namespace.clone(), labels.clone(), spec.clone(), Some(owner.clone())));
            }
        }
        rollouts.push(r);
    }
    // PrioritySort: higher priority first, then queue (creation) order; the sort is stable.
    queue.sort_by_key(|p| std::cmp::Reverse(p.spec.priority));
    let mut sched = Scheduler::new(seed);
    sched.explain = explain;
    let mut decisions = Vec::new();
    let mut pending = Vec::new();
    for pod in queue {
        // A pod created with spec.nodeName bypasses the scheduler: the kubelet admits it.
        if let Some(want) = &pod.spec.node_name {
            match state.nodes.iter().position(|n| n.node.name == *want) {
                Some(i) => state.bind(pod, i),
                None => pending.push(PendingPod { pod, message: None }),
            }
            continue;
        }
        if pod.spec.scheduler_name != "default-scheduler" {
            pending.push(PendingPod { pod, message: None });
            continue;
        }
        let d = sched.schedule_one(&state, &pod);
        match d.node {
            Some(n) => state.bind(pod, n),
            None => pending.push(PendingPod { pod, message: d.message.clone() }),
        }
        decisions.push(d);
    }
    EksRun { state, decisions, pending, rollouts, timeline_errors, until_s }
}
