//! EC2 rebalance recommendations for Spot nodes (eks-semantics §9; EKSUG
//! nodes/managed-node-groups.adoc "Spot"). A managed node group's Spot nodes always run with
//! Capacity Rebalancing (EKS turns it on; eksctl has no field for it on `managedNodeGroups[]`):
//! on the recommendation EKS launches a replacement, and once that node is Ready it cordons and
//! drains the old one (Eviction API, PodDisruptionBudgets respected); the drained instance is
//! then terminated and its node leaves. If the two-minute interruption notice comes before the
//! replacement is Ready, the drain starts then (best effort; `spot.rs`).
//!
//! A self-managed group (`nodeGroups[]`) ignores the signal: Capacity Rebalancing there is the
//! Auto Scaling group's own setting (eksctl `instancesDistribution.capacityRebalance`, not read
//! here) and draining would need AWS Node Termination Handler. Karpenter only records it: Normal
//! events `SpotRebalanceRecommendation` "Spot rebalance recommendation was triggered" on the
//! NodeClaim and the Node (aws/karpenter-provider-aws pkg/controllers/interruption/events/events.go),
//! nothing disrupted.

use super::Engine;
use crate::eks::manifest::aws_actions::SpotNotice;

impl Engine {
    /// A `RebalanceRecommendation` timeline entry.
    pub(super) fn rebalance_notice(&mut self, n: &SpotNotice) -> Result<(), String> {
        let node = self.spot_target(n)?;
        let now = self.now;
        let name = self.state.nodes[node].node.name.clone();
        if let Some(ci) = self.karpenter_claim_of(node) {
            self.karpenter_check_spot(ci)?;
            let claim = self.karpenter.as_ref().map(|k| k.claims[ci].name.clone()).unwrap_or_default();
            for (kind, obj) in [("NodeClaim", &claim), ("Node", &name)] {
                self.events.once(now, kind, "", obj, "SpotRebalanceRecommendation", "Spot rebalance recommendation was triggered".into(), false, "karpenter");
            }
            return Ok(());
        }
        if self.spot.rebalancing.iter().any(|(x, _, _)| *x == name) || self.spot.reclaim_at.contains_key(&node) {
            return Err(format!("node {name:?} already had its rebalance recommendation or interruption notice"));
        }
        let group = self.group_of(node);
        let msg = match &group {
            Some(g) if g.managed => format!("EC2 Instance Rebalance Recommendation: {name} is at elevated risk of interruption; managed node group {} (Capacity Rebalancing): a replacement is launching, {name} is cordoned and drained once it is Ready", g.name),
            Some(g) => format!("EC2 Instance Rebalance Recommendation: {name} is at elevated risk of interruption; self-managed node group {} does not act on it", g.name),
            None => format!("EC2 Instance Rebalance Recommendation: {name} is at elevated risk of interruption"),
        };
        self.events.once(now, "Node", "", &name, "RebalanceRecommendation", msg, false, "ec2");
        if let Some(g) = group.filter(|g| g.managed) {
            let zone = self.state.nodes[node].node.zone.clone();
            let k = self.spot_launch(g, Some(zone), now);
            self.spot.rebalancing.push((name, k, false));
        }
        Ok(())
    }

    /// Replacement launch `k` joined: the node it replaces is cordoned and drained now, unless
    /// its interruption notice started that already.
    pub(super) fn rebalance_replacement_ready(&mut self, k: usize) {
        let Some(r) = self.spot.rebalancing.iter_mut().find(|(_, x, _)| *x == k) else { return };
        r.2 = true;
        let name = r.0.clone();
        let Some(node) = self.state.nodes.iter().position(|x| x.node.name == name).filter(|&i| !self.node_removed(i)) else { return };
        if self.spot.reclaim_at.contains_key(&node) {
            return;
        }
        let _ = self.drain_start(node, true, true, None);
    }

    /// A drain finished: a rebalanced node's instance is terminated (the Auto Scaling group ends
    /// the instance it replaced) and the node leaves.
    pub(super) fn rebalance_drained(&mut self, node: usize) {
        let name = &self.state.nodes[node].node.name;
        if self.spot.rebalancing.iter().any(|(x, _, _)| x == name) && !self.node_removed(node) {
            self.spot_reclaim(node);
        }
    }
}
