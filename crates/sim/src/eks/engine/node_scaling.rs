//! Cluster Autoscaler on the engine's clock (when the manifest has a `ClusterAutoscaler`).
//! Scale-up: a pod that fails scheduling asks for a scan at the next `scanInterval` tick;
//! the scan runs `autoscaler::scale_up` over the managed node groups and sets the chosen
//! group's DesiredCapacity on its Auto Scaling group (`substrate::auto_scaling`). Each new
//! node is an EC2 instance launched through the cluster's `Aws` (like the first nodes) into
//! the zone the group picks, and joins Ready `LAUNCH_S` later with aws-node and kube-proxy;
//! the pending pods are then retried.
//!
//! Upcoming nodes (eks-semantics §4.1; CA FAQ.md, core/static_autoscaler.go): nodes a scale-up
//! asked for and not yet registered count as capacity. Every scan adds one template node per
//! upcoming node of each group, first-fits the pending pods onto them, and scales up only for
//! the pods that still do not fit; while nodes are on their way CA keeps scanning every
//! `scanInterval` (a second group can grow 10 s after the first instead of after the join).
//!
//! Our choices: `LAUNCH_S` = 75 s (instance launch ≈ 45 s + bootstrap and kubelet Ready ≈ 30 s;
//! AWS documents no figure). A scan that adds no node runs scale-down (`ca_scale_down.rs`),
//! except while nodes are upcoming (`--scale-down-delay-after-add` would hold it anyway).

use super::ca_scale_down::CaDrain;
use super::{Engine, Ev, Owner};
use crate::eks::autoscaler::scale_down::ScaleDown;
use crate::eks::autoscaler::scale_up::scale_up;
use crate::eks::autoscaler::{assume, filter, system_daemon_pods, GroupState, Options};
use crate::eks::daemonsets::{daemon_labels, daemon_pod_spec, SYSTEM_DAEMONSETS};
use crate::eks::nodes::{launch_node, node_group_asg};
use crate::eks::objects::ClusterConfig;
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
    /// The same, per group (index into `groups`): the upcoming nodes scans count as capacity.
    upcoming: Vec<i64>,
    /// A scan is on the agenda.
    pub(super) scan_due: bool,
    /// Nodes launched per group so far (each one's zone is its Auto Scaling group's pick).
    launched: Vec<i64>,
    /// The scale-down scan's memory (unneeded since, cool-downs).
    pub scale_down: ScaleDown,
    /// Nodes being drained for deletion.
    pub drains: Vec<CaDrain>,
    pub(super) drain_tick_due: bool,
    /// The Scenario's start (Unix seconds), for the deletion taint's value.
    pub(super) start_unix: i64,
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
        let start_unix = m.scenario.as_ref().and_then(|s| crate::time::parse_iso_seconds(&s.start).ok()).unwrap_or(1_735_689_600);
        let upcoming = vec![0; groups.len()];
        Some(Autoscaler { opts, cluster, groups, in_flight: 0, upcoming, scan_due: false, launched, scale_down: ScaleDown::new(), drains: Vec::new(), drain_tick_due: false, start_unix })
    }

    fn every_s(&self) -> i64 {
        (self.opts.scan_interval_ms / 1000).max(1) as i64
    }

    /// The first scan tick after `now` (scans run on multiples of `scanInterval`).
    pub(super) fn next_tick(&self, now: i64) -> i64 {
        (now / self.every_s() + 1) * self.every_s()
    }

    /// The first scan tick at or after `t`.
    pub(super) fn tick_at_or_after(&self, t: i64) -> i64 {
        let every = self.every_s();
        (t + every - 1).div_euclid(every) * every
    }

    /// Group `gi`'s name, instance type and the number of nodes it launched so far.
    pub(super) fn group_facts(&self, gi: usize) -> (String, String, i64) {
        let g = &self.cluster.node_groups[self.groups[gi].0];
        (g.name.clone(), g.instance_types.first().cloned().unwrap_or_else(|| "m5.large".into()), self.launched[gi])
    }
}

/// The pending pods (engine ids) that fit on none of the upcoming nodes: every group's
/// in-flight nodes as empty template nodes, the pods first-fit onto them in pending order.
fn onto_upcoming(ids: Vec<usize>, pods: &[super::lifecycle::PodRecord], ca: &Autoscaler) -> Vec<usize> {
    if ca.in_flight <= 0 {
        return ids;
    }
    let mut nodes: Vec<crate::eks::scheduler::state::NodeInfo> = Vec::new();
    for (gi, (_, g)) in ca.groups.iter().enumerate() {
        let n = ca.upcoming[gi].max(0) as usize;
        if n > 0 {
            let t = g.template_info();
            nodes.extend(std::iter::repeat_n(t, n));
        }
    }
    // First fit. A node that refused a pod refuses the next pod of the same template too (only
    // the node each pod went to has changed), so such a pod starts where the last one ended.
    let mut from = 0;
    let mut last: Option<usize> = None;
    ids.into_iter()
        .filter(|&i| {
            let p = &pods[i].info;
            if !last.is_some_and(|l| pods[l].info.schedules_like(p)) {
                from = 0;
            }
            last = Some(i);
            match nodes[from..].iter().position(|n| filter(p, n).is_ok()) {
                Some(k) => {
                    from += k;
                    assume(&mut nodes[from], p);
                    false
                }
                None => {
                    from = nodes.len();
                    true
                }
            }
        })
        .collect()
}

impl Engine {
    /// A pod failed scheduling: CA looks at the next scan tick.
    pub(super) fn ca_pod_unschedulable(&mut self) {
        if self.karpenter.is_some() {
            self.karpenter_poke();
        }
        if self.autoscaler.is_some() {
            self.ca_poke();
        }
    }

    /// One CA loop: scale-up for pending pods; when that adds nothing, scale-down.
    pub(super) fn ca_scan(&mut self) {
        let Some(ca) = self.autoscaler.as_mut() else { return };
        ca.scan_due = false;
        let up = self.ca_scale_up();
        if self.autoscaler.as_ref().is_some_and(|c| c.in_flight > 0) {
            // CA scans every scanInterval: look again while nodes are on their way.
            self.ca_poke();
            return;
        }
        if !up {
            self.ca_scale_down();
        }
    }

    /// A pod a node autoscaler provisions for: it failed to schedule and still waits (unbound,
    /// not deleted, ours to schedule).
    pub(super) fn pending_for_scaler(&self, i: usize) -> bool {
        let p = &self.pods[i];
        p.node.is_none() && p.gone_at.is_none() && p.deleting_at.is_none() && !p.unowned && p.attempts > 0
    }

    /// True when a group was scaled up.
    fn ca_scale_up(&mut self) -> bool {
        let now = self.now;
        let ids: Vec<usize> = self.failed_unbound.iter().copied().filter(|&i| self.pending_for_scaler(i)).collect();
        if ids.is_empty() {
            return false;
        }
        let ca = self.autoscaler.as_mut().expect("checked above");
        // Pods that fit an upcoming node wait for it; the others are what a scale-up is for.
        let ids = onto_upcoming(ids, &self.pods, ca);
        if ids.is_empty() {
            return false;
        }
        let pending: Vec<PodInfo> = ids.iter().map(|&i| self.pods[i].info.clone()).collect();
        let ca = self.autoscaler.as_mut().expect("checked above");
        let states: Vec<GroupState> = ca.groups.iter().map(|(_, g)| g.clone()).collect();
        let total = self.state.nodes.len() as i64 + ca.in_flight;
        let out = scale_up(&pending, &states, total, &ca.opts, &mut self.rng);
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
        let Some(up) = out.chosen else { return false };
        let ca = self.autoscaler.as_mut().expect("checked above");
        ca.scale_down.record_scale_up(now as u64 * 1000);
        ca.groups[up.group].1.target = up.to;
        ca.in_flight += up.to - up.from;
        ca.upcoming[up.group] += up.to - up.from;
        // CA's AWS cloud provider sets the group's DesiredCapacity (SetDesiredCapacity);
        // scale_up never asks beyond the group's MaxSize, so the call is not refused.
        let name = ca.groups[up.group].1.name.clone();
        if let Some(aws) = self.aws.as_mut() {
            let start = aws.start_unix_s;
            if let Some(g) = aws.auto_scaling.iter_mut().find(|g| g.name == name) {
                let _ = g.set_desired_capacity(up.to.max(0) as u32, now.max(0) as u64 * 1000, start);
            }
        }
        for _ in up.from..up.to {
            self.at(now + LAUNCH_S, Ev::NodeJoin(up.group));
        }
        true
    }

    /// A scaled-up group's instance is Ready: the node joins with its DaemonSet pods.
    pub(super) fn ca_node_join(&mut self, gi: usize) {
        let Some(ca) = self.autoscaler.as_mut() else { return };
        ca.in_flight -= 1;
        ca.upcoming[gi] -= 1;
        let (ci, _) = ca.groups[gi];
        ca.launched[gi] += 1;
        let (g, cluster) = (ca.cluster.node_groups[ci].clone(), ca.cluster.clone());
        let Some(aws) = self.aws.as_mut() else { return };
        // The group's Auto Scaling group picks the zone (the fewest of its instances).
        let Some(asg) = node_group_asg(&cluster, &g, aws) else { return };
        let Some(z) = aws.auto_scaling[asg].launch_zone(|_| true) else { return };
        let zone = aws.auto_scaling[asg].zones[z].clone();
        let Some(node) = launch_node(&cluster, &g, &zone, 0, self.now, aws) else { return };
        self.join_node(node);
        self.cluster_changed();
        // Pods still pending once every new node is in: the next scan looks again.
        if self.autoscaler.as_ref().is_some_and(|c| c.in_flight == 0) {
            self.ca_pod_unschedulable();
        }
    }

    /// A new EC2 node is Ready: it joins with aws-node and kube-proxy running on it.
    pub(super) fn join_node(&mut self, node: crate::eks::nodes::Node) -> usize {
        self.node_joined.insert(node.name.clone(), self.now);
        let n = self.state.add_node(node);
        for (ds, app, cpu) in SYSTEM_DAEMONSETS {
            let name = self.generate_pod_name("kube-system", &format!("{ds}-"));
            let info = PodInfo::new(name, "kube-system".into(), daemon_labels(app), Arc::new(daemon_pod_spec(ds, *cpu)), None);
            let id = self.add_pod(info, Owner::DaemonSet(ds), None);
            self.state.bind(self.pods[id].info.clone(), n);
            let now = self.now;
            let p = &mut self.pods[id];
            (p.node, p.scheduled_at, p.started_at, p.ready_at) = (Some(n), Some(now), Some(now), Some(now));
            p.ip = Some(self.state.nodes[n].node.internal_ip.clone());
        }
        n
    }
}
