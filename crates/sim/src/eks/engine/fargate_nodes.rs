//! EKS on Fargate on the engine's clock. A new pod that a Fargate profile selects is not
//! queued for kube-scheduler: EKS's webhook hands it to the `fargate-scheduler`, which
//! provisions one Fargate node for it (sized by `fargate::size`, annotated
//! `CapacityProvisioned`) and binds it there; a pod Fargate cannot run stays Pending with the
//! reason (`fargate::unsupported`).
//!
//! Our timing choice (AWS documents none; pods on Fargate typically start in about a minute):
//! the node is Ready and the pod bound `PROVISION_S` after the pod is created; the kubelet then
//! pulls and starts as on EC2. The node's address comes from the cluster VPC's subnet books
//! (one ENI per pod), zones taken round-robin; the node leaves the cluster with its pod.

use super::{Engine, Ev};
use crate::eks::fargate::{self, FargateProfile, PodFacts, COMPUTE_TYPE_LABEL};
use crate::substrate::vpc::format_ip;
use crate::eks::manifest::Manifest;
use std::collections::BTreeMap;

/// From the pod's creation to its Fargate node Ready and the pod bound.
pub const PROVISION_S: i64 = 60;
/// The annotation EKS sets on a Fargate pod: `CapacityProvisioned: 0.25vCPU 0.5GB`.
pub const CAPACITY_ANNOTATION: &str = "CapacityProvisioned";

#[derive(Default, Clone)]
pub struct FargateNodes {
    profiles: Vec<FargateProfile>,
    region: String,
    zones: Vec<String>,
    launched: usize,
    /// Pod id → (profile, `CapacityProvisioned` text).
    pub provisioned: BTreeMap<usize, (String, String)>,
}

impl FargateNodes {
    pub fn new(m: &Manifest) -> FargateNodes {
        let Some(c) = m.cluster.as_ref().filter(|_| !m.fargate_profiles.is_empty()) else { return FargateNodes::default() };
        let zones = if c.availability_zones.is_empty() { ["a", "b", "c"].iter().map(|s| format!("{}{s}", c.region)).collect() } else { c.availability_zones.clone() };
        FargateNodes { profiles: m.fargate_profiles.clone(), region: c.region.clone(), zones, launched: 0, provisioned: BTreeMap::new() }
    }

    /// The zone of the node `ahead` places after the next one to be Ready (round-robin).
    pub(super) fn zone_ahead(&self, ahead: usize) -> String {
        self.zones.get((self.launched + ahead) % self.zones.len().max(1)).cloned().unwrap_or_default()
    }
}

/// True when a node is a Fargate node.
pub fn is_fargate(n: &crate::eks::nodes::Node) -> bool {
    n.labels.get(COMPUTE_TYPE_LABEL).is_some_and(|v| v == "fargate")
}

impl Engine {
    /// A new pod a profile selects goes to Fargate (true), or stays for kube-scheduler (false).
    /// A DaemonSet's pod is never offered: the daemon controller made it for one EC2 node and
    /// pinned it there (Fargate runs no DaemonSets, §6.3; EKS's webhook leaves such pods to
    /// kube-scheduler).
    pub(super) fn fargate_admit(&mut self, id: usize) -> bool {
        let p = &self.pods[id];
        if p.daemon() {
            return false;
        }
        let Some(profile) = fargate::select_profile(&self.fargate.profiles, &p.info.namespace, &p.info.labels) else { return false };
        let profile = profile.name.clone();
        let facts = PodFacts { owned_by_daemonset: p.daemon(), host_network: p.info.spec.host_network, privileged: p.info.spec.privileged.clone() };
        let why = fargate::unsupported(&p.info.spec, &facts);
        let (ns, name) = (p.info.namespace.clone(), p.info.name.clone());
        if !why.is_empty() {
            let msg = format!("Pod not supported on Fargate: {}", why.iter().map(|w| w.message()).collect::<Vec<_>>().join("; "));
            self.events.once(self.now, "Pod", &ns, &name, "FailedScheduling", msg.clone(), true, "fargate-scheduler");
            let p = &mut self.pods[id];
            p.unowned = true;
            p.message = Some(msg);
            return true;
        }
        let (cpu, mem) = fargate::pod_request(&self.pods[id].info.spec);
        let Some(size) = fargate::size(cpu, mem) else { return true };
        self.pods[id].annotations.push((CAPACITY_ANNOTATION.into(), size.annotation()));
        self.fargate.provisioned.insert(id, (profile, size.annotation()));
        self.pods[id].unowned = true;
        self.at(self.now + PROVISION_S, Ev::FargateReady(id));
        true
    }

    /// The pod's Fargate node is Ready: it joins the cluster and the pod is bound to it.
    pub(super) fn fargate_ready(&mut self, id: usize) {
        if self.pods[id].deleting_at.is_some() || self.pods[id].gone_at.is_some() {
            return;
        }
        let Some((profile, _)) = self.fargate.provisioned.get(&id).cloned() else { return };
        let f = &mut self.fargate;
        let zone = f.zones[f.launched % f.zones.len().max(1)].clone();
        f.launched += 1;
        let Some(aws) = self.aws.as_mut() else { return };
        let Some(ip) = aws.subnet_in(&zone).and_then(|s| aws.vpc.allocate_ip(s)) else {
            let msg = "Fargate could not provision the pod: no free IP address in the profile's subnets".to_string();
            let (ns, name) = (self.pods[id].info.namespace.clone(), self.pods[id].info.name.clone());
            self.events.once(self.now, "Pod", &ns, &name, "FailedScheduling", msg.clone(), true, "fargate-scheduler");
            self.pods[id].message = Some(msg);
            return;
        };
        let (cpu, mem) = fargate::pod_request(&self.pods[id].info.spec);
        let Some(size) = fargate::size(cpu, mem) else { return };
        let node = fargate::node(&format_ip(ip), &self.fargate.region, &zone, &profile, size);
        let n = self.state.add_node(node);
        self.pods[id].unowned = false;
        self.bind(id, n);
        if let Some(e) = self.events.list.last_mut().filter(|e| e.reason == "Scheduled") {
            e.source = "fargate-scheduler";
        }
        self.tell_rollouts(&[id]);
    }
}
