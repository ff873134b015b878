//! EKS nodes arriving and leaving, animated on the wall clock only: a node that joins (Cluster
//! Autoscaler, Karpenter, a Spot replacement) rises and fades in, a removed one leaves a ghost
//! of its card that fades out where it stood. The view keeps the ghost; the sim's picture at a
//! second is the same however frames fall (ARCHITECTURE.md). Paused, seeked or under
//! `prefers-reduced-motion` nothing moves: the final state shows at once.

use crate::scene::Rect;

/// How long an arrival or a departure takes (wall ms).
pub const NODE_MOTION_MS: f64 = 600.0;
/// More changes than this in one frame (a jump, a burst) appear in place.
const MAX_ANIMATED: usize = 8;

/// What one frame draws: arriving nodes by name with their progress 0..1, and the ghosts of
/// removed nodes (their last card) with theirs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MotionFrame {
    pub arriving: Vec<(String, f64)>,
    pub leaving: Vec<(Rect, f64)>,
}

impl MotionFrame {
    pub fn is_empty(&self) -> bool {
        self.arriving.is_empty() && self.leaving.is_empty()
    }

    /// An arriving node's progress, if it is arriving.
    pub fn arriving(&self, node: &str) -> Option<f64> {
        self.arriving.iter().find(|(n, _)| n == node).map(|(_, p)| *p)
    }
}

/// The nodes seen last frame, and the motions under way with their wall-clock starts.
#[derive(Debug, Default)]
pub struct NodeMotion {
    /// None until the first frame (or after a jump): the nodes then are simply there.
    known: Option<Vec<String>>,
    arriving: Vec<(String, f64)>,
    leaving: Vec<(Rect, f64)>,
}

impl NodeMotion {
    /// Forget what was seen (a seek, a new manifest): the next frame shows its nodes in place.
    pub fn reset(&mut self) {
        *self = NodeMotion::default();
    }

    /// The nodes now (by name) against last frame's, whose cards were drawn at `last_cards`
    /// (indexes into last frame's nodes). With `animate` false (paused, reduced motion) every
    /// motion ends now.
    pub fn observe(&mut self, nodes: &[String], last_cards: &[(usize, Rect)], now_ms: f64, animate: bool) {
        let known = self.known.replace(nodes.to_vec());
        self.arriving.retain(|&(_, start)| now_ms - start < NODE_MOTION_MS);
        self.leaving.retain(|&(_, start)| now_ms - start < NODE_MOTION_MS);
        let Some(known) = known.filter(|_| animate) else {
            self.arriving.clear();
            self.leaving.clear();
            return;
        };
        let new: Vec<&String> = nodes.iter().filter(|n| !known.contains(n)).collect();
        if new.len() <= MAX_ANIMATED {
            self.arriving.extend(new.into_iter().map(|n| (n.clone(), now_ms)));
        }
        let gone: Vec<Rect> = last_cards.iter().filter(|(i, _)| known.get(*i).is_some_and(|n| !nodes.contains(n))).map(|(_, r)| *r).collect();
        if gone.len() <= MAX_ANIMATED {
            self.leaving.extend(gone.into_iter().map(|r| (r, now_ms)));
        }
    }

    /// The frame at wall time `now_ms`: a pure function of the time since each motion began.
    pub fn frame(&self, now_ms: f64) -> MotionFrame {
        let p = |start: f64| ((now_ms - start) / NODE_MOTION_MS).clamp(0.0, 1.0);
        MotionFrame {
            arriving: self.arriving.iter().filter(|(_, s)| p(*s) < 1.0).map(|(n, s)| (n.clone(), p(*s))).collect(),
            leaving: self.leaving.iter().filter(|(_, s)| p(*s) < 1.0).map(|(r, s)| (*r, p(*s))).collect(),
        }
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
            assert_eq!(f.arriving, vec![("c".to_string(), want)], "t={t}");
            assert_eq!(f.leaving, vec![(CARD, want)], "t={t}");
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
