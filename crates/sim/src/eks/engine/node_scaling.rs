//! Cluster Autoscaler on the engine's clock (when the manifest has a `ClusterAutoscaler`).
//! Scale-up: a pod that fails scheduling asks for a scan at the next `scanInterval` tick;
//! the scan runs `autoscaler::scale_up` over the managed node groups and raises the chosen
//! group's desired size. Each new node is an EC2 instance launched through the cluster's
//! `Aws` (like the first nodes) and joins Ready `LAUNCH_S` later with aws-node and
//! kube-proxy; the pending pods are then retried.
//!
//! Our choices: `LAUNCH_S` = 75 s (instance launch ≈ 45 s + bootstrap and kubelet Ready ≈ 30 s;
//! AWS documents no figure). While a scale-up is in flight no other scale-up starts: CA counts
//! upcoming nodes as capacity, and the pods it scaled up for are waiting for them.
//! Scale-down (the unneeded scan) is not wired yet.

use super::{Engine, Ev, Owner};
use crate::eks::autoscaler::scale_up::scale_up;
use crate::eks::autoscaler::{system_daemon_pods, GroupState, Options};
use crate::eks::daemonsets::{daemon_labels, daemon_pod_spec, SYSTEM_DAEMONSETS};
use crate::eks::nodes::{group_zones, node_group_nodes};
use crate::eks::objects::{ClusterConfig, NodeGroup};
use crate::eks::run::random_suffix;
use crate::eks::scheduler::state::PodInfo;
use std::sync::Arc;

/// From a group's scale-up to its new node Ready.
pub const LAUNCH_S: i64 = 75;

#[derive(Clone)]
pub struct Autoscaler {
    pub opts: Options,
    cluster: ClusterConfig,
    /// Managed node groups CA may resize: (index into `cluster.node_groups`, state).
    pub groups: Vec<(usize, GroupState)>,
    /// Nodes requested and not yet joined.
    in_flight: i64,
    /// A scan is on the agenda.
    scan_due: bool,
    /// Nodes launched per group so far (zones round-robin from there).
    launched: Vec<i64>,
}

impl Autoscaler {
    pub fn new(m: &crate::eks::manifest::Manifest) -> Option<Autoscaler> {
        let opts = m.cluster_autoscaler.clone()?;
        let cluster = m.cluster.clone()?;
        let groups: Vec<(usize, GroupState)> = cluster
            .node_groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.managed)
            .filter_map(|(i, g)| GroupState::new(&cluster, g, system_daemon_pods()).map(|s| (i, s)))
            .collect();
        let launched = groups.iter().map(|(i, _)| cluster.node_groups[*i].desired).collect();
        Some(Autoscaler { opts, cluster, groups, in_flight: 0, scan_due: false, launched })
    }

    /// The zone of group `gi`'s `k`-th node (the ASG balances its zones round-robin).
    pub(super) fn zone_of(&self, gi: usize, k: i64) -> String {
        let zones = group_zones(&self.cluster, &self.cluster.node_groups[self.groups[gi].0]);
        zones[k.max(0) as usize % zones.len().max(1)].clone()
    }

    /// Group `gi`'s name, instance type and the number of nodes it launched so far.
    pub(super) fn group_facts(&self, gi: usize) -> (String, String, i64) {
        let g = &self.cluster.node_groups[self.groups[gi].0];
        (g.name.clone(), g.instance_types.first().cloned().unwrap_or_else(|| "m5.large".into()), self.launched[gi])
    }
}

impl Engine {
    /// A pod failed scheduling: CA looks at the next scan tick.
    pub(super) fn ca_pod_unschedulable(&mut self) {
        let Some(ca) = self.autoscaler.as_mut() else { return };
        if ca.scan_due || ca.in_flight > 0 {
            return;
        }
        ca.scan_due = true;
        let every = (ca.opts.scan_interval_ms / 1000).max(1) as i64;
        let tick = (self.now / every + 1) * every;
        self.at(tick, Ev::CaScan);
    }

    pub(super) fn ca_scan(&mut self) {
        let now = self.now;
        let Some(ca) = self.autoscaler.as_mut() else { return };
        ca.scan_due = false;
        if ca.in_flight > 0 {
            return;
        }
        let ids: Vec<usize> = (0..self.pods.len())
            .filter(|&i| {
                let p = &self.pods[i];
                p.node.is_none() && p.gone_at.is_none() && p.deleting_at.is_none() && !p.unowned && p.attempts > 0
            })
            .collect();
        if ids.is_empty() {
            return;
        }
        let pending: Vec<PodInfo> = ids.iter().map(|&i| self.pods[i].info.clone()).collect();
        let ca = self.autoscaler.as_mut().expect("checked above");
        let states: Vec<GroupState> = ca.groups.iter().map(|(_, g)| g.clone()).collect();
        let out = scale_up(&pending, &states, self.state.nodes.len() as i64, &ca.opts, &mut self.rng);
        for ev in &out.events {
            match ev.pod {
                Some(pi) => {
                    let p = &self.pods[ids[pi]].info;
                    let (ns, name) = (p.namespace.clone(), p.name.clone());
                    self.events.repeatable(now, "Pod", &ns, &name, ev.reason, ev.message.clone(), ev.reason == "NotTriggerScaleUp", "cluster-autoscaler");
                }
                None => self.events.repeatable(now, "ConfigMap", "kube-system", "cluster-autoscaler-status", ev.reason, ev.message.clone(), false, "cluster-autoscaler"),
            }
        }
        let Some(up) = out.chosen else { return };
        let ca = self.autoscaler.as_mut().expect("checked above");
        ca.groups[up.group].1.target = up.to;
        ca.in_flight += up.to - up.from;
        for _ in up.from..up.to {
            self.at(now + LAUNCH_S, Ev::NodeJoin(up.group));
        }
    }

    /// A scaled-up group's instance is Ready: the node joins with its DaemonSet pods.
    pub(super) fn ca_node_join(&mut self, gi: usize) {
        let Some(ca) = self.autoscaler.as_mut() else { return };
        ca.in_flight -= 1;
        let (ci, _) = ca.groups[gi];
        let k = ca.launched[gi];
        ca.launched[gi] += 1;
        let one = NodeGroup { desired: 1, availability_zones: vec![ca.zone_of(gi, k)], ..ca.cluster.node_groups[ci].clone() };
        let cluster = ca.cluster.clone();
        let Some(aws) = self.aws.as_mut() else { return };
        let Some(node) = node_group_nodes(&cluster, &one, aws).into_iter().next() else { return };
        let n = self.state.add_node(node);
        for (ds, app, cpu) in SYSTEM_DAEMONSETS {
            let name = format!("{ds}-{}", random_suffix(&mut self.rng, 5));
            let info = PodInfo::new(name, "kube-system".into(), daemon_labels(app), Arc::new(daemon_pod_spec(ds, *cpu)), None);
            let id = self.add_pod(info, Owner::DaemonSet(ds), None);
            self.state.bind(self.pods[id].info.clone(), n);
            let now = self.now;
            let p = &mut self.pods[id];
            (p.node, p.scheduled_at, p.started_at, p.ready_at) = (Some(n), Some(now), Some(now), Some(now));
        }
        self.cluster_changed();
        // Pods still pending once every new node is in: the next scan looks again.
        if self.autoscaler.as_ref().is_some_and(|c| c.in_flight == 0) {
            self.ca_pod_unschedulable();
        }
    }
}
