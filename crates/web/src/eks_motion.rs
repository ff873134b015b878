//! EKS nodes arriving and leaving, animated on the wall clock only: a node that joins (Cluster
//! Autoscaler, Karpenter, a Spot replacement) fades in, a removed one leaves a ghost
//! of its card that fades out where it stood. The view keeps the ghost; the sim's picture at a
//! second is the same however frames fall (ARCHITECTURE.md). Paused, seeked or under
//! `prefers-reduced-motion` nothing moves: the final state shows at once.

use crate::scene::Rect;

/// How long an arrival or a departure takes (wall ms).
pub const NODE_MOTION_MS: f64 = 600.0;
/// More changes than this in one frame (a jump, a burst) appear in place.
const MAX_ANIMATED: usize = 8;

/// What one frame draws: (node name, —, progress 0..1) for a node arriving, ("", its last
/// card, progress) for the ghost of a removed one. One list, one element type: small wasm.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MotionFrame {
    pub moves: Vec<(String, Rect, f64)>,
}

impl MotionFrame {
    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// An arriving node's progress, if it is arriving.
    pub fn arriving(&self, node: &str) -> Option<f64> {
        self.moves.iter().find(|(n, _, _)| !n.is_empty() && n == node).map(|m| m.2)
    }
}

/// The nodes seen last frame, and the motions under way with their wall-clock starts (in
/// `MotionFrame`'s shape).
#[derive(Debug, Default)]
pub struct NodeMotion {
    /// None until the first frame (or after a jump): the nodes then are simply there.
    known: Option<Vec<String>>,
    moves: Vec<(String, Rect, f64)>,
}

impl NodeMotion {
    /// Forget what was seen (a seek, a new manifest): the next frame shows its nodes in place.
    pub fn reset(&mut self) {
        *self = NodeMotion::default();
    }

    /// The nodes now (by name) against last frame's, whose cards were drawn at `last_cards`
    /// (indexes into last frame's nodes). With `animate` false (paused, reduced motion) every
    /// motion ends now. More than `MAX_ANIMATED` new or gone at once (a burst) appear in place.
    pub fn observe(&mut self, nodes: &[String], last_cards: &[(usize, Rect)], now_ms: f64, animate: bool) {
        let known = self.known.replace(nodes.to_vec());
        self.moves.retain(|m| animate && now_ms - m.2 < NODE_MOTION_MS);
        let Some(known) = known.filter(|_| animate) else { return };
        let new = nodes.iter().filter(|n| !known.contains(n)).count();
        for n in nodes.iter().filter(|n| new <= MAX_ANIMATED && !known.contains(n)) {
            self.moves.push((n.clone(), Rect::default(), now_ms));
        }
        let gone = |i: usize| known.get(i).is_some_and(|n| !nodes.contains(n));
        let count = last_cards.iter().filter(|(i, _)| gone(*i)).count();
        for &(_, r) in last_cards.iter().filter(|(i, _)| count <= MAX_ANIMATED && gone(*i)) {
            self.moves.push((String::new(), r, now_ms));
        }
    }

    /// The frame at wall time `now_ms`: a pure function of the time since each motion began.
    pub fn frame(&self, now_ms: f64) -> MotionFrame {
        let p = |start: f64| ((now_ms - start) / NODE_MOTION_MS).clamp(0.0, 1.0);
        MotionFrame { moves: self.moves.iter().filter(|m| p(m.2) < 1.0).map(|(n, r, s)| (n.clone(), *r, p(*s))).collect() }
    }
}

/// Ease-out: fast at first, settling at 1.
pub fn ease(p: f64) -> f64 {
    1.0 - (1.0 - p.clamp(0.0, 1.0)).powi(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    const CARD: Rect = Rect { x: 10.0, y: 20.0, w: 200.0, h: 150.0 };

    #[test]
    fn the_first_frame_and_a_jump_show_nodes_in_place() {
        let mut m = NodeMotion::default();
        m.observe(&names(&["a", "b"]), &[], 0.0, true);
        assert!(m.frame(0.0).is_empty(), "the nodes at load are simply there");
        m.reset();
        m.observe(&names(&["a", "b", "c"]), &[], 100.0, true);
        assert!(m.frame(100.0).is_empty(), "after a seek too");
    }

    #[test]
    fn a_joining_node_fades_in_and_a_removed_one_fades_out_as_a_function_of_wall_time() {
        let mut m = NodeMotion::default();
        m.observe(&names(&["a", "b"]), &[], 1000.0, true);
        // Next frame: c joined, b was removed (its card was drawn at CARD).
        m.observe(&names(&["a", "c"]), &[(0, Rect { x: 0.0, ..CARD }), (1, CARD)], 1016.0, true);
        for (t, want) in [(1016.0, 0.0), (1166.0, 0.25), (1316.0, 0.5), (1466.0, 0.75)] {
            let f = m.frame(t);
            assert_eq!(f.moves, vec![("c".to_string(), Rect::default(), want), (String::new(), CARD, want)], "t={t}");
            assert_eq!(f.arriving("c"), Some(want));
            assert_eq!(f.arriving("a"), None);
        }
        assert!(m.frame(1016.0 + NODE_MOTION_MS).is_empty(), "done after {NODE_MOTION_MS} ms");
        // However the frames fell in between, the frame at a wall time is the same.
        let mut other = NodeMotion::default();
        other.observe(&names(&["a", "b"]), &[], 1000.0, true);
        other.observe(&names(&["a", "c"]), &[(0, Rect { x: 0.0, ..CARD }), (1, CARD)], 1016.0, true);
        for t in [1100.0, 1200.0, 1300.0] {
            other.observe(&names(&["a", "c"]), &[(0, CARD), (1, CARD)], t, true);
        }
        assert_eq!(other.frame(1316.0), m.frame(1316.0));
    }

    #[test]
    fn paused_or_reduced_motion_shows_the_final_state_at_once() {
        let mut m = NodeMotion::default();
        m.observe(&names(&["a", "b"]), &[], 0.0, true);
        m.observe(&names(&["a", "c"]), &[(1, CARD)], 16.0, true);
        assert!(!m.frame(100.0).is_empty());
        m.observe(&names(&["a", "c"]), &[(1, CARD)], 100.0, false);
        assert!(m.frame(100.0).is_empty(), "paused: the motions end");
        let mut r = NodeMotion::default();
        r.observe(&names(&["a", "b"]), &[], 0.0, false);
        r.observe(&names(&["a", "c"]), &[(1, CARD)], 16.0, false);
        assert!(r.frame(16.0).is_empty(), "reduced motion: nothing moves");
    }

    #[test]
    fn a_burst_appears_in_place() {
        let mut m = NodeMotion::default();
        m.observe(&[], &[], 0.0, true);
        let many: Vec<String> = (0..20).map(|k| format!("n{k}")).collect();
        m.observe(&many, &[], 16.0, true);
        assert!(m.frame(16.0).is_empty());
    }
}
