//! The VPC CNI's address for each pod (eks-semantics §5.1–5.2), from the cluster VPC's books
//! (`substrate::vpc`). Secondary-IP mode (the default): a pod takes one address of its node's
//! subnet, lowest free first, and returns it when its sandbox goes. Prefix delegation (the
//! `vpc-cni` addon's `ENABLE_PREFIX_DELEGATION=true`, Nitro nodes): a node takes aligned /28
//! prefixes (16 addresses) from its subnet as its pods need them and gives pods addresses inside
//! them; an emptied prefix goes back to the subnet unless it is the node's only free one
//! (`WARM_PREFIX_TARGET` 1). The prefixes are the instance's (`substrate::eni_prefixes`): all
//! of them go back when it terminates (`Aws::terminate_instance`) or Spot takes it back. Fargate and hostNetwork pods use the node's own address. Not
//! modelled: the warm pool's ENIs and addresses taken before a pod needs them, and its latency.
//! A pod that finds no address stays ContainerCreating with `FailedCreatePodSandBox` and gets
//! one when an address in its zone is returned.

use super::Engine;
use crate::eks::vpc_cni::is_nitro;
use crate::substrate::vpc::format_ip;

/// What the kubelet reports when the CNI's ADD fails for want of an address.
pub const NO_ADDRESS: &str = "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container";

impl Engine {
    /// The CNI's ADD for a bound pod; false (and the pod waits) when no address is free.
    pub(super) fn assign_ip(&mut self, id: usize) -> bool {
        let Some(node) = self.pods[id].node else { return false };
        let n = &self.state.nodes[node].node;
        // A Fargate pod has its node's ENI; `hostNetwork: true` shares the node's address.
        if super::fargate_nodes::is_fargate(n) || self.pods[id].info.spec.host_network {
            self.pods[id].ip = Some(n.internal_ip.clone());
            return true;
        }
        if self.lease(id) {
            return true;
        }
        let (ns, name) = (self.pods[id].info.namespace.clone(), self.pods[id].info.name.clone());
        self.events.repeatable(self.now, "Pod", &ns, &name, "FailedCreatePodSandBox", NO_ADDRESS.to_string(), true, "kubelet");
        self.ip_waiting.push(id);
        false
    }

    /// Takes an address for the pod on its node; true when it got one.
    fn lease(&mut self, id: usize) -> bool {
        let Some(node) = self.pods[id].node else { return false };
        let n = &self.state.nodes[node].node;
        let prefixed = self.prefix_delegation && is_nitro(&n.instance_type);
        let (zone, node_ip) = (n.zone.clone(), super::node_retire::parse_ip(&n.internal_ip));
        let Some(aws) = self.aws.as_mut() else { return false };
        let Some(s) = aws.subnet_in(&zone) else { return false };
        let ip = match node_ip.filter(|_| prefixed) {
            Some(node_ip) => aws.lease_prefix_address(node_ip, s),
            None => aws.vpc.allocate_ip(s),
        };
        let Some(ip) = ip else { return false };
        self.pods[id].ip = Some(format_ip(ip));
        self.pods[id].lease = Some((s, ip));
        true
    }

    /// The pod's sandbox is torn down (gone, or its containers exited): its address goes back
    /// (to its node's prefix, or to the subnet), and pods waiting in that zone try again, oldest first.
    pub(super) fn ip_released(&mut self, id: usize) {
        self.fargate_node_gone(id);
        let Some((s, ip)) = self.pods[id].lease.take() else { return };
        let node_ip = self.pods[id].node.and_then(|n| self.state.nodes.get(n)).and_then(|n| super::node_retire::parse_ip(&n.node.internal_ip));
        let Some(aws) = self.aws.as_mut() else { return };
        if !node_ip.is_some_and(|n| aws.release_prefix_address(n, ip)) {
            aws.vpc.release_ip(s, ip);
        }
        let zone = aws.vpc.subnets[s].availability_zone.clone();
        let pods = &self.pods;
        self.ip_waiting.retain(|w| pods[*w].gone_at.is_none() && pods[*w].deleting_at.is_none());
        let waiting: Vec<usize> = self.ip_waiting.iter().copied().filter(|w| self.pods[*w].node.is_some_and(|n| self.state.nodes[n].node.zone == zone)).collect();
        for w in waiting {
            if self.lease(w) {
                self.ip_waiting.retain(|x| *x != w);
                self.kubelet_start(w);
                self.tell_rollouts(&[w]);
            }
        }
    }

    /// Node `node`'s instance is gone for good while the node stays as a tombstone (EC2
    /// reclaimed its Spot capacity): its ENIs' /28 prefixes go back to the subnet.
    pub(super) fn node_addresses_gone(&mut self, node: usize) {
        let ip = self.state.nodes.get(node).and_then(|n| super::node_retire::parse_ip(&n.node.internal_ip));
        if let (Some(aws), Some(ip)) = (self.aws.as_mut(), ip) {
            aws.release_instance_prefixes(ip);
        }
    }

    /// A Fargate pod is gone: its one-pod node goes with it, and the node's address (the
    /// pod's ENI) goes back to the subnet. The empty node stays in `state` (hidden from the
    /// List), so a later Fargate node may reuse the address and its name.
    fn fargate_node_gone(&mut self, id: usize) {
        let p = &self.pods[id];
        let Some(n) = p.node.filter(|_| p.gone_at.is_some()).and_then(|n| self.state.nodes.get(n)) else { return };
        if !super::fargate_nodes::is_fargate(&n.node) {
            return;
        }
        let (zone, ip) = (n.node.zone.clone(), super::node_retire::parse_ip(&n.node.internal_ip));
        if let (Some(aws), Some(ip)) = (self.aws.as_mut(), ip) {
            if let Some(s) = aws.subnet_in(&zone) {
                aws.vpc.release_ip(s, ip);
            }
        }
    }
}

impl Engine {
    /// The cluster's AWS (its VPC books and instances), when the engine keeps one.
    pub fn aws(&self) -> Option<&crate::substrate::Aws> {
        self.aws.as_ref()
    }
}
