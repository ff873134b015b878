//! Load balancers and the traffic they send: each balancer is a box above the zones it serves,
//! listing listener → target group; a line runs from it to every registered target, ending on
//! the task's port chip (bridge: host port) or IP chip (awsvpc), coloured and patterned by
//! target health, with request dots in proportion to the traffic each target gets. Service-to-
//! service calls (Cloud Map, Service Connect) are lines between tasks.

use stevedore_sim::sort::SortSmall;
use crate::layout::{health_colour, health_dash, Ctx, GAP};
use crate::scene::{fit_parts, Align, Dash, Rect, Scene, Shape};

/// Dots per line at most, and lines that get dots at most (beyond, a blur that costs frames).
pub const MAX_DOTS_PER_LINE: usize = 5;
const MAX_DOTTED_LINES: usize = 300;
/// Requests per second one dot stands for, and how fast dots travel (line lengths per second).
pub const RPS_PER_DOT: f64 = 10.0;
const DOT_SPEED: f64 = 0.6;

pub fn band_height(cx: &Ctx) -> f64 {
    if cx.sim.scenario.load_balancers.is_empty() {
        0.0
    } else {
        cx.ty.title + cx.ty.small + 22.0
    }
}

/// Evenly spaced dots moving from `from` to `to`: `n` of them, advanced by `phase_s`.
fn flow_dots(cx: &Ctx, from: (f64, f64), to: (f64, f64), n: usize, colour: &str, out: &mut Vec<Shape>) {
    let d = if cx.view.projection { 9.0 } else { 7.0 };
    for k in 0..n {
        let f = (cx.view.phase_s * DOT_SPEED + k as f64 / n as f64).fract();
        let (x, y) = (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f);
        out.push(Shape::Rect { r: Rect { x: x - d / 2.0, y: y - d / 2.0, w: d, h: d }, fill: colour.to_string(), stroke: None, radius: d / 2.0 });
    }
}

/// The zones each balancer's targets are in (all zones while it has none).
fn served_span(cx: &Ctx, groups: &[usize], zones: &[String], lanes: &[Rect]) -> (f64, f64) {
    let sim = cx.sim;
    let zone_of = |t: usize| {
        let task = &sim.tasks[t];
        task.instance.map_or(task.availability_zone.as_str(), |i| sim.instances[i].spec.availability_zone.as_str())
    };
    let cols: Vec<usize> = (0..zones.len()).filter(|&k| groups.iter().any(|&tg| sim.aws.elb[tg].iter().any(|t| zone_of(t.task) == zones[k]))).collect();
    let cols = if cols.is_empty() { (0..lanes.len()).collect() } else { cols };
    match (cols.first(), cols.last()) {
        (Some(&a), Some(&b)) => (lanes[a].x, lanes[b].right()),
        _ => (0.0, 0.0),
    }
}

/// One box per load balancer in the band, spanning the zones it serves; balancers serving
/// overlapping zones share the span side by side. Returns each box and its target groups.
pub fn draw_load_balancers(cx: &mut Ctx, band: Rect, zones: &[String], lanes: &[Rect], scene: &mut Scene) -> Vec<(Rect, Vec<usize>)> {
    let (sim, c, ty) = (cx.sim, cx.c, cx.ty);
    let lbs = &sim.scenario.load_balancers;
    if lbs.is_empty() {
        return vec![];
    }
    let groups: Vec<Vec<usize>> = lbs.iter().map(|lb| lb.listeners.iter().filter_map(|(_, _, tg)| *tg).collect()).collect();
    let spans: Vec<(f64, f64)> = groups.iter().map(|g| if lanes.is_empty() { (band.x, band.right()) } else { served_span(cx, g, zones, lanes) }).collect();
    // Clusters of overlapping spans, each divided equally among its balancers.
    let mut order: Vec<usize> = (0..lbs.len()).collect();
    order.sort_small_by(|a, b| spans[*a].0.total_cmp(&spans[*b].0));
    let mut clusters: Vec<(f64, f64, Vec<usize>)> = Vec::new();
    for k in order {
        match clusters.last_mut() {
            Some(cl) if spans[k].0 < cl.1 => {
                cl.1 = cl.1.max(spans[k].1);
                cl.2.push(k);
            }
            _ => clusters.push((spans[k].0, spans[k].1, vec![k])),
        }
    }
    let mut boxes = vec![Rect::default(); lbs.len()];
    for (x0, x1, members) in &clusters {
        let n = members.len() as f64;
        let w = (x1 - x0 - GAP * (n - 1.0)) / n;
        for (j, &k) in members.iter().enumerate() {
            boxes[k] = Rect { x: x0 + j as f64 * (w + GAP), y: band.y, w, h: band.h };
        }
    }
    let mut out = Vec::new();
    for (k, lb) in lbs.iter().enumerate() {
        let r = boxes[k];
        let network = lb.kind == "network";
        let colour = if network { c.nlb } else { c.alb };
        scene.rect(r, c.card, Some(colour), 6.0);
        // Cross-zone said where it isn't the ALB's usual "on": an NLB either way, an ALB when a
        // target group turned it off.
        let off = groups[k].iter().any(|&tg| !sim.cross_zone(tg));
        let zonal = if off { "cross-zone off" } else if network { "cross-zone on" } else { "" };
        let title = fit_parts(&[if network { "NLB" } else { "ALB" }, &lb.name, zonal], r.w - 2.0 * GAP, ty.title);
        scene.text(r.x + r.w / 2.0, r.y + ty.title + 5.0, title.replacen(" · ", " ", 1), ty.title, colour, Align::Centre, true);
        let listeners: Vec<String> = lb
            .listeners
            .iter()
            .map(|(proto, port, tg)| match tg {
                Some(t) => format!("{proto}:{port} → {} ({}/{} healthy)", sim.scenario.target_groups[*t].name, sim.healthy_targets(*t), sim.aws.elb[*t].len()),
                None => format!("{proto}:{port}"),
            })
            .collect();
        let parts: Vec<&str> = listeners.iter().map(String::as_str).collect();
        scene.text(r.x + r.w / 2.0, r.y + ty.title + ty.small + 12.0, fit_parts(&parts, r.w - 2.0 * GAP, ty.small), ty.small, c.card_text, Align::Centre, false);
        scene.object("lb", lb.name.clone(), r, listeners.join(" | "));
        out.push((r, groups[k].clone()));
    }
    out
}

/// Lines from each balancer to each target's chip. The full line goes under the zones (it is
/// inserted before their contents), a stub over the instance box shows where it ends, and dots
/// ride on top.
pub fn draw_targets(cx: &mut Ctx, lbs: &[(Rect, Vec<usize>)], zones: &[String], lanes: &[Rect], scene: &mut Scene) {
    let (sim, c) = (cx.sim, cx.c);
    let chips = crate::lookups::ByTask::from_pairs(&scene.chips);
    let mut under = Vec::new();
    let mut over = Vec::new();
    let mut dots = Vec::new();
    let mut dotted = 0;
    let mut ramping = Vec::new();
    let mut nodes = Vec::new();
    for (lb, groups) in lbs {
        for (listener, &tg) in groups.iter().enumerate() {
            // The sim says which targets get requests (fail-open included).
            let any_healthy = sim.healthy_targets(tg) > 0;
            // Each target's share of the group's requests, as the sim routes them (slow start
            // ramping, cross-zone on or off).
            let shares = sim.target_shares(tg);
            let rps = sim.traffic_rps(tg);
            // Cross-zone off: each zone's load balancer node sends only to its own zone, so its
            // lines start at a node above that zone (in the gap under the band, joined to the
            // box) and stay in it.
            let cross_zone = sim.cross_zone(tg);
            let node_at = |zone: &str| {
                let lane = zones.iter().position(|z| z == zone).map(|k| lanes[k])?;
                let (x0, x1) = (lane.x.max(lb.x), lane.right().min(lb.right()));
                let x = if x1 - x0 > 8.0 {
                    x0 + (x1 - x0) * (listener as f64 + 1.0) / (groups.len() as f64 + 1.0)
                } else {
                    // A zone beyond the box (balancers side by side): the node on the zone's
                    // side towards the box, clear of the neighbour's fan point in the middle.
                    lane.x + lane.w * if lb.x >= lane.right() { 0.85 } else { 0.15 }
                };
                Some((x, lb.bottom() + GAP / 2.0))
            };
            if !cross_zone {
                let colour = health_colour(c, stevedore_sim::engine::TargetState::Healthy);
                for zone in zones {
                    if let Some(at) = node_at(zone).filter(|_| sim.aws.elb[tg].iter().any(|t| sim.tasks[t.task].availability_zone == *zone)) {
                        let foot = at.0.clamp(lb.x + 6.0, lb.right() - 6.0);
                        nodes.push(Shape::Line { from: (foot, lb.bottom()), to: (foot, at.1), colour: c.card_text.to_string(), width: cx.line, dash: Dash::Solid });
                        nodes.push(Shape::Line { from: (foot, at.1), to: at, colour: c.card_text.to_string(), width: cx.line, dash: Dash::Solid });
                        // A node big enough to see from the back: the balancer's colour, as
                        // wide as a port chip, over the gap between the band and the zone.
                        let (nw, nh) = (2.4 * cx.ty.small, 0.8 * cx.ty.small);
                        let r = Rect { x: at.0 - nw / 2.0, y: at.1 - nh / 2.0, w: nw, h: nh };
                        nodes.push(Shape::Rect { r, fill: c.nlb.to_string(), stroke: Some(colour.to_string()), radius: 3.0 });
                        scene.object("lb-node", zone.clone(), r, sim.scenario.target_groups[tg].name.clone());
                    }
                }
                cx.seen.zonal = true;
            }
            for (target, share) in sim.aws.elb[tg].iter().zip(&shares) {
                let Some(chip) = chips.get(&target.task) else { continue };
                let colour = health_colour(c, target.state).to_string();
                let ramp = sim.slow_start_ramp(tg, target);
                // Ramping: a sparse pattern, filling in as the share grows (shape, not colour).
                let dash = if ramp.is_some() { Dash::Sparse } else { health_dash(target.state) };
                let per_target = rps * share;
                let to = chip.top_centre();
                // Fanned from the listener's point on the box: lines to stacked cards differ in
                // angle, so none hides behind another.
                let fan = (lb.x + lb.w * (listener as f64 + 1.0) / (groups.len() as f64 + 1.0), lb.bottom());
                let from = if cross_zone { fan } else { node_at(&sim.tasks[target.task].availability_zone).unwrap_or(fan) };
                under.push(Shape::Line { from, to, colour: colour.clone(), width: cx.line, dash });
                // The visible end: from the top of what holds the block down to the chip.
                if let Some(holder) = cx.stub_top.get(&target.task) {
                    if let Some(start) = entry(from, to, holder) {
                        over.push(Shape::Line { from: start, to, colour: colour.clone(), width: cx.line, dash });
                    }
                }
                let mut note = format!("{:?}", target.state).to_lowercase();
                if let Some((share, left)) = ramp {
                    note = format!("{note} · slow start {}% · {} s left", (share * 100.0).round(), left.div_ceil(1000));
                    ramping.push((to, share, left));
                }
                scene.object("target-line", sim.tasks[target.task].id.clone(), Rect { x: from.0, y: from.1, w: to.0 - from.0, h: to.1 - from.1 }, note);
                cx.seen.health[target.state as usize] = true;
                if target.routed(any_healthy) && per_target > 0.0 && dotted < MAX_DOTTED_LINES {
                    dotted += 1;
                    let n = ((per_target / RPS_PER_DOT).ceil() as usize).clamp(1, MAX_DOTS_PER_LINE);
                    let mut these = Vec::new();
                    flow_dots(cx, from, to, n, c.request, &mut these);
                    // Dots ride with their line: over the target's own box, under the rest.
                    let holder = cx.stub_top.get(&target.task).copied();
                    for d in these {
                        let inside = matches!((&d, holder), (Shape::Rect { r, .. }, Some(h)) if h.contains(r.x + r.w / 2.0, r.y + r.h / 2.0));
                        if inside { dots.push(d) } else { under.push(d) }
                    }
                    cx.seen.requests = true;
                }
            }
        }
    }
    let at = cx.under_zones.min(scene.shapes.len());
    scene.shapes.splice(at..at, under);
    scene.shapes.extend(over);
    scene.shapes.extend(dots);
    scene.shapes.extend(nodes);
    slow_start_labels(cx, &ramping, scene);
}

/// Labels at most, so a scale-out of dozens of targets stays a picture, not a wall of tags.
const MAX_RAMP_LABELS: usize = 6;

/// "slow start 42 s": an opaque tag above each ramping target's chip (left out of the label
/// overlap checks like captions, kept off labels and each other).
fn slow_start_labels(cx: &mut Ctx, ramping: &[((f64, f64), f64, u64)], scene: &mut Scene) {
    if ramping.is_empty() {
        return;
    }
    cx.seen.slow_start = true;
    let (c, size) = (cx.c, cx.ty.small);
    let keep_out: Vec<Rect> = scene.text_boxes().into_iter().map(|(r, _, _)| r.inset(-2.0)).collect();
    let world = Rect { h: scene.world.h - crate::legend::height(cx), ..scene.world };
    let mut placed: Vec<Rect> = Vec::new();
    for &(to, share, left) in ramping.iter().take(MAX_RAMP_LABELS) {
        let text = format!("slow start {} s · {}%", left.div_ceil(1000), (share * 100.0).round());
        let (w, h) = (crate::scene::text_width(&text, size) + 12.0, size + 8.0);
        // Right above the ramping task's chip (inside its instance's box when there is room).
        let near = Rect { x: to.0 - 1.0, y: to.1, w: 2.0, h: 1.0 };
        let Some(r) = crate::captions::spot(near, w, h, false, world, &keep_out, &placed) else { continue };
        scene.callouts.push(Shape::Rect { r, fill: c.caption.to_string(), stroke: None, radius: 4.0 });
        scene.callouts.push(Shape::Frame { r, colour: c.healthy.to_string(), width: cx.line * 0.75, dash: Dash::Sparse, radius: 4.0 });
        scene.callouts.push(Shape::Text { x: r.x + 6.0, y: r.y + size + 2.0, text: text.clone(), size, colour: c.caption_text.to_string(), align: Align::Left, bold: true });
        scene.object("slow-start", String::new(), r, text);
        placed.push(r);
    }
}

/// Where the segment from → to (which ends inside `r`) enters `r` (the slab method).
pub fn entry(from: (f64, f64), to: (f64, f64), r: &Rect) -> Option<(f64, f64)> {
    let mut t0: f64 = 0.0;
    for (p, d, lo, hi) in [(from.0, to.0 - from.0, r.x, r.right()), (from.1, to.1 - from.1, r.y, r.bottom())] {
        if d.abs() < 1e-9 {
            if p < lo || p > hi {
                return None;
            }
            continue;
        }
        let (a, b) = ((lo - p) / d, (hi - p) / d);
        t0 = t0.max(a.min(b));
    }
    (t0 <= 1.0).then(|| (from.0 + (to.0 - from.0) * t0, from.1 + (to.1 - from.1) * t0))
}

/// A line from each caller task to the task its service call resolves to, with dots.
pub fn draw_calls(cx: &mut Ctx, scene: &mut Scene) {
    let sim = cx.sim;
    let edges = sim.call_edges();
    if edges.is_empty() {
        return;
    }
    let blocks = crate::lookups::ByTask::from_pairs(&scene.task_blocks);
    let mut out = Vec::new();
    // From and to the blocks' bottom edges: the chips and words stay readable.
    let anchor = |r: &Rect| (r.x + r.w / 2.0, r.bottom());
    for (n, e) in edges.iter().enumerate() {
        let (Some(from), Some(to)) = (blocks.get(&e.from).map(anchor), blocks.get(&e.to).map(anchor)) else { continue };
        out.push(Shape::Line { from, to, colour: cx.c.call.to_string(), width: cx.line * 0.75, dash: Dash::Solid });
        if n < MAX_DOTTED_LINES {
            let rps = sim.scenario.service_calls[e.call].per_task_per_s;
            let dots = ((rps / RPS_PER_DOT).ceil() as usize).clamp(1, MAX_DOTS_PER_LINE);
            flow_dots(cx, from, to, dots, cx.c.call, &mut out);
        }
        cx.seen.calls = true;
    }
    scene.shapes.extend(out);
}
