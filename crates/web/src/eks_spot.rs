//! A Spot node under its two-minute interruption notice: a red dashed frame round its card and
//! the time left before EC2 reclaims it. Pure: drawn over the node cards from `EksPicture`.

use crate::eks_cards::Cx;
use crate::layout::GAP;
use crate::scene::{first_fit, text_box, Align, Dash, Rect, Scene};
use stevedore_sim::eks::run::EksRun;

/// (node name, sim second EC2 reclaims it) for nodes with a notice still in the cluster.
pub fn notices(run: &EksRun) -> Vec<(String, i64)> {
    run.spot_notices.iter().filter(|(i, _)| !run.removed_nodes.contains_key(i)).filter_map(|(i, at)| run.state.nodes.get(*i).map(|n| (n.node.name.clone(), *at))).collect()
}

fn left(s: i64) -> String {
    let s = s.max(0);
    if s >= 60 { format!("{}m {:02}s", s / 60, s % 60) } else { format!("{s}s") }
}

pub fn draw(cx: &Cx, scene: &mut Scene) {
    for (name, at) in &cx.p.spot_notices {
        let Some(r) = scene.objects.iter().find(|o| o.kind == "node" && o.id == *name).map(|o| o.r) else { continue };
        scene.frame(r, cx.c.unhealthy, cx.line, Dash::Dashed, 5.0);
        // The time left first: it is what the room watches.
        let t = format!("reclaimed in {}", left(at - cx.p.at_s));
        let candidates = [format!("Spot notice · cordoned · {t}"), format!("Spot notice · {t}"), t.clone(), "Spot notice".to_string()];
        let size = if first_fit(&candidates[1..3], r.w - 2.0 * GAP, cx.ty.body).is_empty() { cx.ty.small } else { cx.ty.body };
        let words = first_fit(&candidates, r.w - 2.0 * GAP, size);
        // In the card's free area: under its title row (a scaled card's title is up to 1.5×
        // small) if no pod chip or label is there, else lower down; shorter words if the
        // longest find no room; under the title (as before) if nothing does.
        let taken: Vec<Rect> = scene.objects.iter().filter(|o| o.kind == "pod" && r.overlaps(&o.r, 0.5)).map(|o| o.r).chain(scene.text_boxes().into_iter().map(|(t, _, _)| t).filter(|t| r.overlaps(t, 0.5))).collect();
        let top = r.y + 1.5 * cx.ty.small + size + 16.0;
        let free = |w: &str, y: f64| {
            let b = text_box(r.x + r.w / 2.0, y, w, size, Align::Centre);
            b.bottom() <= r.bottom() - 2.0 && !taken.iter().any(|t| t.overlaps(&b, -2.0))
        };
        let steps = ((r.bottom() - top) / 4.0).clamp(0.0, 200.0) as usize;
        let from = candidates.iter().position(|c| *c == words).unwrap_or(0);
        let placed = candidates[from..].iter().find_map(|w| (0..=steps).map(|k| top + 4.0 * k as f64).find(|&y| free(w, y)).map(|y| (w.clone(), y)));
        let (words, y) = placed.unwrap_or((words, top));
        scene.text(r.x + r.w / 2.0, y, words, size, cx.c.unhealthy, Align::Centre, true);
        scene.object("spot-notice", name.clone(), r, format!("reclaimed in {}", left(at - cx.p.at_s)));
    }
}
