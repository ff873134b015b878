//! A Spot node under its two-minute interruption notice: a red dashed frame round its card and
//! the time left before EC2 reclaims it. Pure: drawn over the node cards from `EksPicture`.

use crate::eks_cards::Cx;
use crate::layout::GAP;
use crate::scene::{first_fit, Align, Dash, Scene};
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
        // In the card's free area, under its title row (a scaled card's title is up to 1.5× small).
        scene.text(r.x + r.w / 2.0, r.y + 1.5 * cx.ty.small + size + 16.0, words, size, cx.c.unhealthy, Align::Centre, true);
        scene.object("spot-notice", name.clone(), r, format!("reclaimed in {}", left(at - cx.p.at_s)));
    }
}
