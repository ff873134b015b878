//! The kubelet's image cache: per node (by index, parallel to `ClusterState::nodes`), each
//! image and when its pull finished. A node leaving removes its row, so the nodes after it
//! move down with no re-keying (a map keyed by (node, image) had to rebuild its tail).

#[derive(Debug, Clone, Default)]
pub struct ImageCache {
    nodes: Vec<Vec<(String, i64)>>,
}

impl ImageCache {
    /// When `image` was (or will be) pulled on `node`.
    pub fn get(&self, node: usize, image: &str) -> Option<i64> {
        self.nodes.get(node)?.iter().find(|(i, _)| i == image).map(|(_, t)| *t)
    }

    pub fn contains(&self, node: usize, image: &str) -> bool {
        self.get(node, image).is_some()
    }

    /// Records the pull unless the node already has (or is pulling) the image.
    pub fn insert_absent(&mut self, node: usize, image: String, at: i64) {
        if self.nodes.len() <= node {
            self.nodes.resize_with(node + 1, Vec::new);
        }
        let row = &mut self.nodes[node];
        if !row.iter().any(|(i, _)| *i == image) {
            row.push((image, at));
        }
    }

    /// Node `i` left: its images go, later nodes move down one index.
    pub fn remove_node(&mut self, i: usize) {
        if i < self.nodes.len() {
            self.nodes.remove(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ImageCache;

    #[test]
    fn a_removed_node_takes_its_images_and_later_nodes_move_down() {
        let mut c = ImageCache::default();
        c.insert_absent(0, "a:1".into(), 4);
        c.insert_absent(2, "b:1".into(), 9);
        c.insert_absent(2, "b:1".into(), 50);
        assert_eq!(c.get(2, "b:1"), Some(9));
        c.remove_node(1);
        assert_eq!(c.get(1, "b:1"), Some(9));
        assert!(c.contains(0, "a:1"));
        c.remove_node(0);
        assert!(!c.contains(0, "a:1"));
        assert_eq!(c.get(0, "b:1"), Some(9));
    }
}
