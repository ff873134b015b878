//! The AWS Load Balancer Controller reconciling target groups (eks-semantics §7.2): `ip` target
//! groups hold the IPs of the pods behind the Service whose containers are ready; `instance`
//! ones hold every EC2 node on the Service's NodePort (kube-proxy forwards to a ready endpoint
//! anywhere with `externalTrafficPolicy: Cluster`; with `Local` only a node with its own ready
//! endpoint passes). Registration, first verdict, draining for the
//! deregistration delay and removal go through `substrate::target_groups`, as ECS's do.
//!
//! Choices where AWS and the LBC docs are silent: a pod registers the instant its containers
//! are ready (the controller's reconcile latency is not modelled); a pod's checks pass (every
//! readiness probe passes in this model), a node's pass while the Service has a ready endpoint;
//! Fargate nodes are never `instance` targets (they are not EC2 instances: Fargate needs `ip`).
//!
//! Readiness gate: in a namespace labelled `elbv2.k8s.aws/pod-readiness-gate-inject=enabled`,
//! a pod behind an `ip` target group gets `target-health.elbv2.k8s.aws/<tg>`; it is Ready only
//! once its target is healthy — registered when its containers are ready, healthy one
//! health-check interval later (`elb::first_verdict_ms`), so Ready moves by that interval.

use super::Engine;
use crate::eks::lbc::Model;
use crate::substrate::elb::{self, TargetState};
use crate::substrate::target_groups::TargetGroups;
use std::collections::BTreeMap;

pub const GATE_LABEL: &str = "elbv2.k8s.aws/pod-readiness-gate-inject";
pub const GATE_PREFIX: &str = "target-health.elbv2.k8s.aws/";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Due {
    /// The first check after registration.
    Verdict,
    /// A target whose first check failed: `UnhealthyThresholdCount` checks in all decide.
    Confirm,
    /// An instance group's checks changed with its Service's endpoints (owner unused).
    Recheck,
    Removed,
}

#[derive(Debug, Clone)]
pub struct Lbc {
    pub model: Model,
    /// The registered targets of `model.tgs` (owner: pod id for `ip`, node index for `instance`).
    pub elb: TargetGroups,
    pub(super) due: BTreeMap<(u64, u64), (usize, usize, Due)>,
    pub(super) seq: u64,
    announced: bool,
    /// Pods with a readiness gate: pod id → target group.
    pub gated: BTreeMap<usize, usize>,
    /// Per target group: a `Recheck` is on the way.
    rechecking: Vec<bool>,
    /// Per target group: the Fargate-behind-instance Warning went out.
    fargate_warned: Vec<bool>,
    /// The manifest's Ingresses (every class), for the report.
    pub ingresses: Vec<crate::eks::manifest::ingress::Ingress>,
}

impl Lbc {
    pub fn new(model: Model, ingresses: Vec<crate::eks::manifest::ingress::Ingress>) -> Option<Lbc> {
        if model.lbs.is_empty() && model.failures.is_empty() && ingresses.is_empty() {
            return None;
        }
        let n = model.tgs.len();
        Some(Lbc { model, elb: TargetGroups::new(n), due: BTreeMap::new(), seq: 0, announced: false, gated: BTreeMap::new(), rechecking: vec![false; n], fargate_warned: vec![false; n], ingresses })
    }

    /// The next second at which a verdict or a removal is due.
    pub fn next_due_s(&self) -> Option<i64> {
        self.due.first_key_value().map(|((ms, _), _)| ms.div_ceil(1000) as i64)
    }

    pub(super) fn at(&mut self, ms: u64, tg: usize, owner: usize, d: Due) {
        self.seq += 1;
        self.due.insert((ms, self.seq), (tg, owner, d));
    }
}

impl Engine {
    pub(super) fn backs(&self, tg: usize, pod: usize) -> bool {
        let Some(l) = &self.lbc else { return false };
        let Some((svc, _)) = self.services.get(l.model.tgs[tg].service) else { return false };
        let p = &self.pods[pod].info;
        svc.selector.as_ref().is_some_and(|sel| p.namespace == svc.namespace && sel.iter().all(|(k, v)| p.labels.get(k) == Some(v)))
    }

    /// Seconds a new pod's Ready waits for its readiness gate (0 without one); records the gate.
    pub(super) fn readiness_gate_s(&mut self, pod: usize) -> i64 {
        let Some(l) = &self.lbc else { return 0 };
        let ns = &self.pods[pod].info.namespace;
        let inject = self.state.namespaces.get(ns).and_then(|labels| labels.get(GATE_LABEL)).is_some_and(|v| v == "enabled");
        if !inject {
            return 0;
        }
        let Some(tg) = (0..l.model.tgs.len()).find(|&t| l.model.tgs[t].group.target_type_ip && self.backs(t, pod)) else { return 0 };
        let wait = elb::first_verdict_ms(&l.model.tgs[tg].group, false) as i64 / 1000;
        if let Some(l) = self.lbc.as_mut() {
            l.gated.insert(pod, tg);
        }
        wait
    }

    /// What each target group should hold now: (owner, id, port).
    fn desired(&self, tg: usize) -> Vec<(usize, String, u16)> {
        let Some(l) = &self.lbc else { return Vec::new() };
        let g = &l.model.tgs[tg].group;
        if g.target_type_ip {
            let gate = |id: usize| if l.gated.get(&id) == Some(&tg) { elb::first_verdict_ms(g, false) as i64 / 1000 } else { 0 };
            return (0..self.pods.len())
                .filter(|&id| {
                    let p = &self.pods[id];
                    p.gone_at.is_none() && p.deleting_at.is_none() && p.finished_at.is_none() && p.node.is_some() && p.ip.is_some() && p.ready_at.is_some_and(|r| r - gate(id) <= self.now) && self.backs(tg, id)
                })
                // The pod's own address from the VPC CNI (`pod_ips.rs`).
                .map(|id| (id, self.pods[id].ip.clone().unwrap_or_default(), g.port))
                .collect();
        }
        (0..self.state.nodes.len())
            .filter(|&n| !super::fargate_nodes::is_fargate(&self.state.nodes[n].node))
            .map(|n| (n, self.node_instance_id(n), g.port))
            .collect()
    }

    /// What an `instance` group's NodePort checks find (one pass over the pods).
    fn instance_health(&self, tg: usize) -> InstanceHealth {
        let Some(l) = &self.lbc else { return InstanceHealth::default() };
        if l.model.tgs[tg].group.target_type_ip {
            return InstanceHealth { ip: true, ..InstanceHealth::default() };
        }
        let local = self.services.get(l.model.tgs[tg].service).is_some_and(|(s, _)| s.external_traffic_policy == "Local");
        let mut h = InstanceHealth { local, ..InstanceHealth::default() };
        for id in 0..self.pods.len() {
            if !(self.pods[id].ready(self.now) && self.backs(tg, id)) {
                continue;
            }
            let Some(n) = self.pods[id].node else { continue };
            if super::fargate_nodes::is_fargate(&self.state.nodes[n].node) {
                h.on_fargate = true;
            } else if !h.nodes.contains(&n) {
                h.nodes.push(n);
            }
        }
        h
    }

    /// One reconcile: due verdicts and removals, then registrations and deregistrations.
    /// True when anything changed (the engine runs another round).
    pub(super) fn lbc_reconcile(&mut self) -> bool {
        let now_ms = self.now.max(0) as u64 * 1000;
        let Some(l) = self.lbc.as_mut() else { return false };
        let mut worked = false;
        if !l.announced {
            l.announced = true;
            let model = l.model.clone();
            for (kind, ns, name, msg) in model.failures {
                self.events.once(self.now, kind, &ns, &name, "FailedBuildModel", msg, true, if kind == "Ingress" { "ingress" } else { "service" });
            }
            for lb in &model.lbs {
                for (kind, ns, name) in &lb.owners {
                    self.events.once(self.now, kind, ns, name, "SuccessfullyReconciled", "Successfully reconciled".into(), false, if *kind == "Ingress" { "ingress" } else { "service" });
                }
            }
        }
        let Some(l) = self.lbc.as_mut() else { return false };
        let mut due = Vec::new();
        while l.due.first_key_value().is_some_and(|((ms, _), _)| *ms <= now_ms) {
            if let Some((_, x)) = l.due.pop_first() {
                due.push(x);
            }
        }
        for (tg, owner, d) in due {
            worked = true;
            let health = self.instance_health(tg);
            let fails = health.fails(owner);
            let Some(l) = self.lbc.as_mut() else { break };
            let group = l.model.tgs[tg].group.clone();
            let interval = group.interval_s as u64 * 1000;
            match d {
                // A passing first check makes it healthy; a failing one waits for the rest.
                Due::Verdict if fails && group.unhealthy_threshold > 1 => l.at(now_ms + interval * (group.unhealthy_threshold as u64 - 1), tg, owner, Due::Confirm),
                Due::Verdict | Due::Confirm => {
                    l.elb.first_verdict(tg, owner, fails, now_ms);
                }
                Due::Recheck => {
                    l.rechecking[tg] = false;
                    let owners: Vec<usize> = l.elb[tg].iter().filter(|t| matches!(t.state, TargetState::Healthy | TargetState::Unhealthy)).map(|t| t.task).collect();
                    for o in owners {
                        l.elb.set_health(tg, o, if health.fails(o) { TargetState::Unhealthy } else { TargetState::Healthy }, now_ms);
                    }
                }
                Due::Removed => l.elb.remove_drained(tg, owner),
            }
        }
        let tgs = self.lbc.as_ref().map_or(0, |l| l.model.tgs.len());
        for tg in 0..tgs {
            let want = self.desired(tg);
            let health = self.instance_health(tg);
            if health.on_fargate && health.nodes.is_empty() {
                self.warn_fargate_instance(tg);
            }
            let Some(l) = self.lbc.as_mut() else { break };
            let group = l.model.tgs[tg].group.clone();
            let have: Vec<usize> = l.elb[tg].iter().filter(|t| t.state != TargetState::Draining).map(|t| t.task).collect();
            for (owner, id, port) in &want {
                if !have.contains(owner) {
                    l.elb.register(tg, *owner, id.clone(), *port, now_ms);
                    l.at(now_ms + elb::first_verdict_ms(&group, false), tg, *owner, Due::Verdict);
                    worked = true;
                }
            }
            // Checks that now disagree with a target's state: HealthyThresholdCount passes or
            // UnhealthyThresholdCount failures in a row change it.
            let going_down = l.elb[tg].iter().any(|t| t.state == TargetState::Healthy && health.fails(t.task));
            let stale = going_down || l.elb[tg].iter().any(|t| t.state == TargetState::Unhealthy && !health.fails(t.task));
            if stale && !l.rechecking[tg] {
                l.rechecking[tg] = true;
                // Our choice when some targets fail and others recover: the failing count decides.
                let n = if going_down { group.unhealthy_threshold } else { group.healthy_threshold };
                l.at(now_ms + group.interval_s as u64 * 1000 * n as u64, tg, 0, Due::Recheck);
                worked = true;
            }
            for owner in have.iter().filter(|o| !want.iter().any(|w| w.0 == **o)) {
                if l.elb.drain(tg, *owner, now_ms).0 {
                    l.at(now_ms + group.deregistration_delay_s as u64 * 1000, tg, *owner, Due::Removed);
                    worked = true;
                }
            }
        }
        worked
    }

    /// An `instance` group whose Service's ready pods are all on Fargate: a Warning on each
    /// Ingress / Service it serves. The LBC's own message for this could not be found
    /// (UNVERIFIED): reason and wording are ours, naming the rule (EKS user guide,
    /// fargate.html: "you can only use IP targets" with load balancers on Fargate).
    fn warn_fargate_instance(&mut self, tg: usize) {
        let Some(l) = self.lbc.as_mut().filter(|l| !l.fargate_warned[tg]) else { return };
        l.fargate_warned[tg] = true;
        let Some(l) = &self.lbc else { return };
        let Some((svc, _)) = self.services.get(l.model.tgs[tg].service) else { return };
        let msg = format!("service {}/{}: its pods run on Fargate, which supports IP targets only; target-type instance registers EC2 nodes, which cannot reach them (use target-type ip)", svc.namespace, svc.name);
        let owners = l.model.lbs[l.model.tgs[tg].lb].owners.clone();
        for (kind, ns, name) in owners {
            self.events.once(self.now, kind, &ns, &name, "FargateRequiresIPTargets", msg.clone(), true, if kind == "Ingress" { "ingress" } else { "service" });
        }
    }
}

/// What the NodePort health checks of one `instance` group find: the EC2 nodes with a ready
/// endpoint of the Service, and whether any ready endpoint is on Fargate.
#[derive(Default)]
struct InstanceHealth {
    ip: bool,
    /// `externalTrafficPolicy: Local`: a node answers only for its own endpoints.
    local: bool,
    nodes: Vec<usize>,
    on_fargate: bool,
}

impl InstanceHealth {
    /// Whether node `owner`'s check fails. `ip` targets reach the pod (its probe passes).
    /// `Cluster`: kube-proxy forwards to a ready endpoint on any EC2 node. `Local` (§7.1): a node
    /// with no ready local endpoint fails its `healthCheckNodePort` check. Our choice: an
    /// endpoint on Fargate is never reached through a node port (Fargate: IP targets only).
    fn fails(&self, owner: usize) -> bool {
        !self.ip && if self.local { !self.nodes.contains(&owner) } else { self.nodes.is_empty() }
    }
}

impl Engine {
    /// The next instant the controller acts: a due verdict or removal, or a pod behind an `ip`
    /// group whose containers turn ready (it registers then).
    pub(super) fn lbc_next_change(&self) -> Option<i64> {
        let l = self.lbc.as_ref()?;
        let gate = |id: usize| l.gated.get(&id).map_or(0, |&tg| elb::first_verdict_ms(&l.model.tgs[tg].group, false) as i64 / 1000);
        let ready = (0..self.pods.len())
            .filter(|&id| self.pods[id].gone_at.is_none() && self.pods[id].deleting_at.is_none())
            .filter_map(|id| self.pods[id].ready_at.map(|r| r - gate(id)))
            .filter(|&t| t > self.now)
            .min();
        [l.next_due_s(), ready].into_iter().flatten().min()
    }
}
