//! Spot interruptions of node-group nodes (eks-semantics §9). EC2 gives a Spot instance a
//! two-minute notice (`substrate::ec2::SPOT_NOTICE_MS`, as for ECS), then takes it back.
//! A managed node group runs Spot with Capacity Rebalancing on: on the notice EKS launches a
//! replacement and cordons and drains the node (best effort: evictions go through the
//! Eviction API, so PodDisruptionBudgets are respected, retried every 5 s as `drain` does).
//! At two minutes the instance is terminated whether or not the drain finished: pods still
//! there are killed and the Node object is removed. A self-managed group has no such handler
//! (that is AWS Node Termination Handler's job): nothing is drained, and its Auto Scaling
//! group launches the replacement once the instance is gone.
//!
//! Both go through the node group's Auto Scaling group (`substrate::auto_scaling`): the
//! reclaimed instance leaves it (DesiredCapacity unchanged, so it owes a replacement) and the
//! replacement joins it. Our choices: the replacement is the group's first instance type;
//! Capacity Rebalancing's goes to the interrupted node's zone, a self-managed group's to the
//! zone its group picks once the instance is gone (the fewest instances, so usually the same
//! zone); it joins Ready `node_scaling::LAUNCH_S` after it is asked for. A removed node keeps
//! its index for a while (tainted, unschedulable, no allocatable) but leaves the `List` and
//! every controller; once `REMOVED_KEPT` such nodes pile up they all leave the engine's books
//! (`forget_node`), so memory follows the cluster under endless Spot churn, not the clock.

use super::{Engine, Ev, Owner};
use crate::eks::daemonsets::{daemon_labels, daemon_pod_spec, SYSTEM_DAEMONSETS};
use crate::eks::manifest::aws_actions::SpotNotice;
use crate::eks::nodes::{launch_node, node_group_asg};
use crate::eks::objects::{Effect, NodeGroup, Resources, Taint};
use crate::eks::run::random_suffix;
use crate::eks::scheduler::state::PodInfo;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const NOTICE_S: i64 = (crate::substrate::ec2::SPOT_NOTICE_MS / 1000) as i64;
pub const CAPACITY_TYPE_LABEL: &str = "eks.amazonaws.com/capacityType";
/// Reclaimed nodes kept by index before they are forgotten together (each is a scheduler
/// node every pod's filter pass still walks, and a substrate instance).
pub const REMOVED_KEPT: usize = 16;

#[derive(Debug, Clone, Default)]
pub struct Spot {
    notices: Vec<SpotNotice>,
    next: usize,
    /// Node index → when EC2 reclaimed it.
    pub removed: BTreeMap<usize, i64>,
    /// Node index → when EC2 will reclaim it (notice given).
    pub reclaim_at: BTreeMap<usize, i64>,
    /// Replacement launches asked for: (node group, zone; None: the group picks at launch).
    /// Taken when the replacement joins (boxed: the list is as long as the run's launches).
    launches: Vec<Option<Box<(NodeGroup, Option<String>)>>>,
    /// Nodes with a rebalance recommendation (`rebalance.rs`): name, its replacement launch,
    /// whether that replacement is Ready.
    pub(super) rebalancing: Vec<(String, usize, bool)>,
}

impl Spot {
    pub fn new(m: &crate::eks::manifest::Manifest) -> Spot {
        Spot { notices: m.spot_notices.clone(), ..Spot::default() }
    }

    pub fn next_at(&self) -> Option<i64> {
        self.notices.get(self.next).map(|n| n.at_s)
    }
}

impl Engine {
    /// Whether EC2 took node `i` back (it left the cluster).
    pub fn node_removed(&self, i: usize) -> bool {
        self.spot.removed.contains_key(&i)
    }

    /// The `SpotInterruption` entries due now.
    pub(super) fn spot_due(&mut self) -> bool {
        let mut worked = false;
        while let Some(n) = self.spot.notices.get(self.spot.next).filter(|n| n.at_s <= self.now).cloned() {
            self.spot.next += 1;
            worked = true;
            let (r, action) = if n.rebalance { (self.rebalance_notice(&n), "RebalanceRecommendation") } else { (self.spot_notice(&n), "SpotInterruption") };
            if let Err(m) = r {
                self.timeline_errors.push(format!("{}: at {}s: {action}: {m}", n.path, n.at_s));
            }
        }
        worked
    }

    /// The Spot node an entry names (by name, or the first by name its `nodeSelector` picks that
    /// has had no such entry yet).
    pub(super) fn spot_target(&self, n: &SpotNotice) -> Result<usize, String> {
        let live = |e: &Engine, i: usize| {
            let name = &e.state.nodes[i].node.name;
            !e.node_removed(i) && !e.spot.reclaim_at.contains_key(&i) && !(n.rebalance && e.spot.rebalancing.iter().any(|(x, _, _)| x == name))
        };
        let node = match &n.node {
            Some(name) => self.state.nodes.iter().position(|x| x.node.name == *name).filter(|i| !self.node_removed(*i)).ok_or_else(|| format!("nodes {name:?} not found"))?,
            None => (0..self.state.nodes.len())
                .filter(|&i| live(self, i) && self.is_spot(i) && n.node_selector.iter().all(|(k, v)| self.state.nodes[i].node.labels.get(k) == Some(v)))
                .min_by(|a, b| self.state.nodes[*a].node.name.cmp(&self.state.nodes[*b].node.name))
                .ok_or("no Spot node matches nodeSelector")?,
        };
        // A Karpenter node: its NodeClaim's capacity type decides (`karpenter_forceful.rs`).
        let claim = self.karpenter_claim_of(node);
        if let Some(ci) = claim {
            self.karpenter_check_spot(ci)?;
        }
        if !self.is_spot(node) {
            return Err(format!("node {:?} is not a Spot instance (its node group does not set spot: true)", self.state.nodes[node].node.name));
        }
        Ok(node)
    }

    fn spot_notice(&mut self, n: &SpotNotice) -> Result<(), String> {
        let node = self.spot_target(n)?;
        let claim = self.karpenter_claim_of(node);
        if self.spot.reclaim_at.contains_key(&node) {
            return Err(format!("node {:?} already had its interruption notice", self.state.nodes[node].node.name));
        }
        let now = self.now;
        let at = now + NOTICE_S;
        self.spot.reclaim_at.insert(node, at);
        let group = self.group_of(node);
        let name = self.state.nodes[node].node.name.clone();
        let clock = crate::time::format_iso(self.start_unix_s() + at);
        let managed = group.as_ref().is_some_and(|g| g.managed);
        // A rebalance recommendation came first (`rebalance.rs`): its replacement is launching or Ready.
        let rebalance = self.spot.rebalancing.iter().find(|(x, _, _)| *x == name).map(|r| r.2);
        let msg = match &group {
            Some(g) if g.managed && rebalance == Some(true) => format!("EC2 Spot Instance Interruption Warning: {name} is reclaimed at {clock}; managed node group {}: its replacement is Ready and the node is already draining", g.name),
            Some(g) if g.managed && rebalance == Some(false) => format!("EC2 Spot Instance Interruption Warning: {name} is reclaimed at {clock}; managed node group {}: the replacement launched on the rebalance recommendation is not Ready yet, node cordoned and drained now, best effort (PodDisruptionBudgets respected)", g.name),
            Some(g) if g.managed => format!("EC2 Spot Instance Interruption Warning: {name} is reclaimed at {clock}; managed node group {}: node cordoned and drained now, best effort (PodDisruptionBudgets respected); a replacement is launching", g.name),
            Some(g) => format!("EC2 Spot Instance Interruption Warning: {name} is reclaimed at {clock}; self-managed node group {} has no termination handler: its pods are not drained", g.name),
            None => format!("EC2 Spot Instance Interruption Warning: {name} is reclaimed at {clock}"),
        };
        self.events.once(now, "Node", "", &name, "SpotInterruption", msg, true, "ec2");
        self.at(at, Ev::SpotReclaim(node));
        if let Some(ci) = claim {
            self.karpenter_spot_interruption(ci);
        } else if managed && rebalance != Some(true) {
            if let Some(g) = group.filter(|_| rebalance.is_none()) {
                let zone = self.state.nodes[node].node.zone.clone();
                self.spot_launch(g, Some(zone), now);
            }
            let _ = self.drain_start(node, true, true, None);
        }
        Ok(())
    }

    fn is_spot(&self, i: usize) -> bool {
        let n = &self.state.nodes[i].node;
        n.labels.get(CAPACITY_TYPE_LABEL).is_some_and(|v| v == "SPOT") || n.labels.get(crate::eks::karpenter::CAPACITY_TYPE_LABEL).is_some_and(|v| v == "spot") || self.group_of(i).is_some_and(|g| g.spot)
    }

    pub(super) fn group_of(&self, i: usize) -> Option<NodeGroup> {
        let g = &self.state.nodes[i].node.node_group;
        self.spot_cluster.as_ref()?.node_groups.iter().find(|x| x.name == *g).cloned()
    }

    fn start_unix_s(&self) -> i64 {
        self.start_unix_s
    }

    pub(super) fn spot_launch(&mut self, g: NodeGroup, zone: Option<String>, now: i64) -> usize {
        self.spot.launches.push(Some(Box::new((g, zone))));
        let k = self.spot.launches.len() - 1;
        self.at(now + super::node_scaling::LAUNCH_S, Ev::SpotJoin(k));
        k
    }

    /// The replacement instance is Ready: it joins with aws-node and kube-proxy.
    pub(super) fn spot_join(&mut self, k: usize) {
        let Some((g, zone)) = self.spot.launches.get_mut(k).and_then(Option::take).map(|b| *b) else { return };
        let Some(cluster) = self.spot_cluster.clone() else { return };
        let Some(aws) = self.aws.as_mut() else { return };
        let zone = match zone {
            Some(z) => z,
            None => {
                let Some(asg) = node_group_asg(&cluster, &g, aws) else { return };
                let Some(z) = aws.auto_scaling[asg].launch_zone(|_| true) else { return };
                aws.auto_scaling[asg].zones[z].clone()
            }
        };
        let Some(node) = launch_node(&cluster, &g, &zone, 0, self.now, aws) else { return };
        let name = node.name.clone();
        let n = self.state.add_node(node);
        for (ds, app, cpu) in SYSTEM_DAEMONSETS {
            let pod = format!("{ds}-{}", random_suffix(&mut self.rng, 5));
            let info = PodInfo::new(pod, "kube-system".into(), daemon_labels(app), Arc::new(daemon_pod_spec(ds, *cpu)), None);
            let id = self.add_pod(info, Owner::DaemonSet(ds), None);
            self.state.bind(self.pods[id].info.clone(), n);
            let now = self.now;
            let p = &mut self.pods[id];
            (p.node, p.scheduled_at, p.started_at, p.ready_at) = (Some(n), Some(now), Some(now), Some(now));
        }
        self.events.once(self.now, "Node", "", &name, "RegisteredNode", format!("Node {name} event: Registered Node {name} in Controller"), false, "node-controller");
        self.rebalance_replacement_ready(k);
        self.cluster_changed();
    }

    /// Two minutes on: EC2 terminates the instance. Pods still on it are killed at once (no
    /// grace period: the machine is gone) and their controllers replace them.
    pub(super) fn spot_reclaim(&mut self, node: usize) {
        if self.node_removed(node) {
            return;
        }
        let now = self.now;
        let name = self.state.nodes[node].node.name.clone();
        let on = self.pods_on_node(node);
        for id in on {
            let p = &self.pods[id];
            let (ns, pod) = (p.info.namespace.clone(), p.info.name.clone());
            if !p.daemon() {
                self.events.once(now, "Pod", &ns, &pod, "NodeTerminated", format!("EC2 reclaimed Spot instance {name} before the pod left it: its containers were killed"), true, "ec2");
            }
            if self.pods[id].deleting_at.is_none() {
                self.delete_pod(id, 0);
            }
            self.gone(id);
        }
        // Karpenter's node: its NodeClaim ends and the node leaves (`karpenter_forceful.rs`).
        if let Some(ci) = self.karpenter_claim_of(node) {
            self.karpenter_reclaimed(ci, node);
            return;
        }
        self.spot.removed.insert(node, now);
        self.node_addresses_gone(node);
        let ni = &mut self.state.nodes[node].node;
        ni.unschedulable = true;
        ni.allocatable = Resources::default();
        ni.max_pods = 0;
        ni.taints.push(Taint { key: "node.kubernetes.io/unreachable".into(), value: String::new(), effect: Effect::NoSchedule });
        self.events.once(now, "Node", "", &name, "RemovingNode", format!("Node {name} event: Removing Node {name} from Controller"), false, "node-controller");
        // The instance leaves its Auto Scaling group; a self-managed group's replaces it now
        // that it is gone (a managed one's replacement was launched at the notice).
        let id = self.node_instance_id(node);
        if let Some(aws) = self.aws.as_mut() {
            let start = aws.start_unix_s;
            for g in &mut aws.auto_scaling {
                g.instance_gone(&id, now.max(0) as u64 * 1000, start);
            }
        }
        if let Some(g) = self.group_of(node).filter(|g| !g.managed) {
            self.spot_launch(g, None, now);
        }
        if self.spot.removed.len() >= REMOVED_KEPT {
            // Highest index first: forgetting one moves only the indices above it.
            while let Some((&i, _)) = self.spot.removed.last_key_value() {
                self.forget_node(i);
            }
        }
        self.cluster_changed();
    }
}
