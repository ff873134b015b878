//! Kubernetes Services in the EKS picture: a box per Service (name, type, ClusterIP, ports as
//! `kubectl get svc` prints them, endpoint count) in a strip above the zones, and a line from
//! the box down to each Ready pod — its Endpoints. Unready pods get no line (they are counted).

use stevedore_sim::sort::SortSmall;
use crate::eks_cards::Cx;
use crate::layout::GAP;
use crate::scene::{fit_parts, Align, Dash, Rect, Scene, Shape};

/// The strip's height, or None when the manifest has no Service.
pub fn strip_h(cx: &Cx) -> Option<f64> {
    (!cx.p.services.is_empty()).then(|| cx.ty.body + cx.ty.small + 18.0)
}

/// Draws the boxes in `area`; returns each box, for `draw_endpoints` once pods are placed.
pub fn draw_boxes(cx: &Cx, area: Rect, scene: &mut Scene) -> Vec<Rect> {
    let (p, ty, c) = (cx.p, cx.ty, cx.c);
    let n = p.services.len().max(1) as f64;
    let w = (area.w - GAP * (n - 1.0)) / n;
    let mut boxes = Vec::new();
    for (k, s) in p.services.iter().enumerate() {
        let r = Rect { x: area.x + k as f64 * (w + GAP), y: area.y, w, h: area.h };
        scene.rect(r, c.card, Some(c.healthy), 5.0);
        scene.frame(r, c.healthy, cx.line, Dash::Solid, 5.0);
        let head = fit_parts(&[&format!("Service {}", s.name), &s.kind], r.w - 2.0 * GAP, ty.body);
        scene.text(r.x + GAP, r.y + ty.body + 5.0, head, ty.body, c.card_text, Align::Left, true);
        let eps = format!("{} Ready endpoint{}", s.ready.len(), if s.ready.len() == 1 { "" } else { "s" });
        let unready = if s.not_ready > 0 { format!("{} not Ready", s.not_ready) } else { String::new() };
        let line = fit_parts(&[&format!("ClusterIP {}", s.cluster_ip), &s.ports, &eps, &unready], r.w - 2.0 * GAP, ty.small);
        scene.text(r.x + GAP, r.y + ty.body + ty.small + 11.0, line, ty.small, c.muted_text, Align::Left, false);
        scene.object("service", s.name.clone(), r, format!("{} {} {} endpoints {} notReady {}", s.kind, s.cluster_ip, s.ports, s.ready.len(), s.not_ready));
        boxes.push(r);
    }
    boxes
}

/// A line from each Service box down to the top of each of its Ready pods on screen: straight
/// down when the pod is under the box, else slanting from the box's nearest edge — it always
/// ends on its pod. Broken where it would cross a label (a zone, subnet or node title stays
/// readable).
/// `behind`: the load balancers' strip, drawn over these lines later, so they stop at it.
pub fn draw_endpoints(cx: &Cx, boxes: &[Rect], behind: Option<Rect>, scene: &mut Scene) {
    let c = cx.c;
    let colour = crate::palette::with_alpha(c.healthy, 0.85);
    let labels: Vec<Rect> = scene.text_boxes().into_iter().map(|(r, _, _)| r).chain(behind).collect();
    for (s, b) in cx.p.services.iter().zip(boxes) {
        for &k in &s.ready {
            let Some((_, r)) = scene.task_blocks.iter().find(|(q, _)| *q == k).copied() else { continue };
            let to = (r.x + r.w / 2.0, r.y);
            let from = (to.0.clamp(b.x + GAP, b.right() - GAP), b.bottom());
            for (a, z) in around_labels(from, to, &labels) {
                scene.shapes.push(Shape::Line { from: a, to: z, colour: colour.clone(), width: (cx.line * 0.75).max(1.5), dash: Dash::Solid });
            }
            scene.object("endpoint", cx.p.pods[k].name.clone(), Rect { x: to.0 - 1.0, y: to.1 - 1.0, w: 2.0, h: 2.0 }, s.name.clone());
        }
    }
}

/// The pieces of the segment `from`→`to` outside every label (each grown by 3 px), in order:
/// a line passes behind text instead of through it. Clips the segment's parameter against each
/// box (Liang–Barsky), then keeps what no box covers.
pub fn around_labels(from: (f64, f64), to: (f64, f64), labels: &[Rect]) -> Vec<((f64, f64), (f64, f64))> {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let mut cuts: Vec<(f64, f64)> = Vec::new();
    for t in labels {
        let (x0, x1, y0, y1) = (t.x - 3.0, t.right() + 3.0, t.y - 3.0, t.bottom() + 3.0);
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        let mut inside = true;
        for (p, q) in [(-dx, from.0 - x0), (dx, x1 - from.0), (-dy, from.1 - y0), (dy, y1 - from.1)] {
            if p.abs() < 1e-9 {
                inside &= q >= 0.0;
            } else if p < 0.0 {
                lo = lo.max(q / p);
            } else {
                hi = hi.min(q / p);
            }
        }
        if inside && lo < hi {
            cuts.push((lo, hi));
        }
    }
    cuts.sort_small_by(|a, b| a.0.total_cmp(&b.0));
    let at = |u: f64| (from.0 + dx * u, from.1 + dy * u);
    let mut pieces = Vec::new();
    let mut u = 0.0_f64;
    for (lo, hi) in cuts.into_iter().chain([(1.0, 1.0)]) {
        if lo > u + 1e-6 {
            pieces.push((at(u), at(lo.min(1.0))));
        }
        u = u.max(hi);
    }
    pieces
}
