//! A node leaving the cluster for good (Cluster Autoscaler scale-down, Karpenter
//! consolidation): the pods still on it (its DaemonSet pods) go with it, its EC2 instance is
//! terminated through the substrate (its address back in the subnet's book), and it leaves
//! the scheduler's `ClusterState`. Node indices stay dense: every index the engine holds past
//! the removed node moves down by one (pods, the image cache, drains, NodeClaims; decisions when
//! next read, `decision_nodes.rs`).

use super::Engine;

/// `10.0.1.4` → its u32 (the substrate's address form); None when malformed.
pub fn parse_ip(text: &str) -> Option<u32> {
    let mut out = 0u32;
    let mut parts = 0;
    for part in text.split('.') {
        out = out.checked_mul(256)?.checked_add(part.parse::<u8>().ok()? as u32)?;
        parts += 1;
    }
    (parts == 4).then_some(out)
}

/// Where index `j` goes once node `gone` is removed (None: it was that node).
pub(super) fn shifted(j: usize, gone: usize) -> Option<usize> {
    match j.cmp(&gone) {
        std::cmp::Ordering::Less => Some(j),
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(j - 1),
    }
}

impl Engine {
    /// The EC2 instances running for the cluster's nodes launched mid-run (and the first ones,
    /// when a scaler or Fargate is configured); empty otherwise.
    pub fn instances(&self) -> &[crate::substrate::ec2::Launched] {
        self.aws.as_ref().map_or(&[], |a| a.launched.as_slice())
    }

    /// The instance id of node `i` (the EC2 instance the substrate launched for it; a cluster
    /// without one, which no scaler or load balancer needs, names it from the node's name).
    pub fn node_instance_id(&self, node: usize) -> String {
        let n = &self.state.nodes[node].node;
        // The node's address as a number: formatting every instance's to compare was most
        // of a node's retirement.
        let ip = parse_ip(&n.internal_ip);
        self.aws
            .as_ref()
            .and_then(|a| a.launched.iter().find(|l| Some(l.private_ip) == ip))
            .map(|l| l.instance_id.clone())
            .unwrap_or_else(|| crate::substrate::ec2::instance_id(&n.name))
    }

    /// Removes node `i`: its remaining pods are gone at once (the kubelet stops with the
    /// instance), the instance is terminated, and the node leaves the cluster.
    pub(super) fn retire_node(&mut self, i: usize) {
        if i >= self.state.nodes.len() {
            return;
        }
        let now = self.now;
        let here = self.pods_on_node(i);
        for id in here {
            self.pods[id].deleting_at.get_or_insert(now);
            self.touch(id);
            self.gone(id);
        }
        let id = self.node_instance_id(i);
        let name = self.state.nodes[i].node.name.clone();
        // Cluster Autoscaler deletes a node with TerminateInstanceInAutoScalingGroup and
        // ShouldDecrementDesiredCapacity (its group is one smaller); a Karpenter node is in
        // no group.
        if let Some(aws) = self.aws.as_mut() {
            let start = aws.start_unix_s;
            for g in &mut aws.auto_scaling {
                g.terminate_instance(&id, true, now.max(0) as u64 * 1000, start);
            }
        }
        self.events.once(now, "Node", "", &name, "RemovingNode", format!("Node {name} event: Removing Node {name} from Controller"), false, "node-controller");
        self.forget_node(i);
        self.cluster_changed();
    }

    /// Node `i` leaves every book: the scheduler's state, its instance (its address back in
    /// the subnet), and every index the engine holds past it moves down by one.
    pub(super) fn forget_node(&mut self, i: usize) {
        let ip = parse_ip(&self.state.nodes[i].node.internal_ip);
        let node = self.state.remove_node(i);
        // Gone from the API: nothing reports when it joined any more.
        self.node_joined.remove(&node.name);
        if let (Some(aws), Some(ip)) = (self.aws.as_mut(), ip) {
            aws.terminate_instance(ip);
        }
        for p in &mut self.pods {
            p.node = p.node.and_then(|j| shifted(j, i));
        }
        self.images.remove_node(i);
        for d in &mut self.drains {
            match shifted(d.node, i) {
                Some(n) => d.node = n,
                None => d.done = true,
            }
        }
        // Decisions name nodes by index too: the removal is logged and applied to them all at
        // once when they are next read (`decision_nodes.rs`).
        self.node_removals.push(i);
        // Spot's books (`spot.rs`) key nodes by index too, and so do its reclaim events.
        self.spot.removed = std::mem::take(&mut self.spot.removed).into_iter().filter_map(|(n, t)| shifted(n, i).map(|n| (n, t))).collect();
        self.spot.reclaim_at = std::mem::take(&mut self.spot.reclaim_at).into_iter().filter_map(|(n, t)| shifted(n, i).map(|n| (n, t))).collect();
        // The agenda is rebuilt only when a reclaim event names a node at or past `i`.
        if self.agenda.values().any(|ev| matches!(ev, super::Ev::SpotReclaim(n) if *n >= i)) {
            let agenda = std::mem::take(&mut self.agenda);
            self.agenda = agenda.into_iter().filter_map(|(k, ev)| match ev {
                super::Ev::SpotReclaim(n) => shifted(n, i).map(|n| (k, super::Ev::SpotReclaim(n))),
                other => Some((k, other)),
            }).collect();
        }
        self.karpenter_node_removed(i);
        self.lbc_node_removed(i);
    }
}
