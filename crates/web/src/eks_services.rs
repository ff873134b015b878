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

/// A vertical line from each Service box down to the top of each of its Ready pods on screen,
/// broken where it would cross a label (a zone, subnet or node title stays readable).
pub fn draw_endpoints(cx: &Cx, boxes: &[Rect], scene: &mut Scene) {
    let c = cx.c;
    let colour = crate::palette::with_alpha(c.healthy, 0.85);
    let labels: Vec<Rect> = scene.text_boxes().into_iter().map(|(r, _, _)| r).collect();
    for (s, b) in cx.p.services.iter().zip(boxes) {
        for &k in &s.ready {
            let Some((_, r)) = scene.task_blocks.iter().find(|(q, _)| *q == k).copied() else { continue };
            let x = (r.x + r.w / 2.0).clamp(b.x + GAP, b.right() - GAP);
            let (top, bottom) = (b.bottom(), r.y);
            let mut cuts: Vec<(f64, f64)> = labels.iter().filter(|t| t.x - 3.0 <= x && x <= t.right() + 3.0 && t.bottom() > top && t.y < bottom).map(|t| (t.y - 2.0, t.bottom() + 2.0)).collect();
            cuts.sort_small_by(|a, b| a.0.total_cmp(&b.0));
            let mut y = top;
            for (from, to) in cuts.into_iter().chain([(bottom, bottom)]) {
                if from > y {
                    scene.shapes.push(Shape::Line { from: (x, y), to: (x, from.min(bottom)), colour: colour.clone(), width: (cx.line * 0.75).max(1.5), dash: Dash::Solid });
                }
                y = y.max(to);
            }
            scene.object("endpoint", cx.p.pods[k].name.clone(), Rect { x: x - 1.0, y: bottom - 1.0, w: 2.0, h: 2.0 }, s.name.clone());
        }
    }
}
