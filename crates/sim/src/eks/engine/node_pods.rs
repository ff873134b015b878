//! The pods on one node, for the code that empties a node (its removal): read from the
//! scheduler's bound pods (parallel node words, `ClusterState::pod_nodes`) and mapped to ids
//! through `by_name`, instead of walking every pod record the run still holds.
//!
//! That reading is exact while every live pod with a node is bound under a name no other pod
//! took: `by_name` then names the one pod, and `ClusterState` binds exactly those pods. A pod
//! that stays on its node unbound (a finished Job pod), or two pods sharing a name, end it for
//! the run (`node_pods_exact`), and then the walk answers.

use super::Engine;

impl Engine {
    /// Ids of the pods on node `i` that are not gone, ascending (creation order).
    pub(super) fn pods_on_node(&self, i: usize) -> Vec<usize> {
        if self.node_pods_exact {
            let nodes = self.state.pod_nodes();
            let mut out = Vec::new();
            for k in (0..nodes.len()).filter(|&k| nodes[k] == i) {
                let b = &self.state.pods[k].pod;
                let id = self.by_name.get(&(b.namespace.clone(), b.name.clone())).copied();
                match id.filter(|&id| self.pods[id].node == Some(i) && self.pods[id].gone_at.is_none()) {
                    Some(id) => out.push(id),
                    None => return self.pods_on_node_walk(i),
                }
            }
            out.sort_unstable();
            return out;
        }
        self.pods_on_node_walk(i)
    }

    fn pods_on_node_walk(&self, i: usize) -> Vec<usize> {
        (0..self.pods.len()).filter(|&id| self.pods[id].node == Some(i) && self.pods[id].gone_at.is_none()).collect()
    }
}
