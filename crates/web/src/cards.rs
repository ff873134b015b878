//! An Availability Zone's column: its subnet, its container instances drawn as CPU × memory
//! boxes holding task blocks sized by their reservations, and its Fargate tasks. Level of
//! detail: full cards, then marks (one tick per task), then density (utilisation only).

use crate::blocks;
use crate::layout::{Ctx, GAP};
use crate::scene::{fit_parts, fit_words, short_id, text_width, Align, Dash, Rect, Scene};
use stevedore_sim::engine::InstanceStatus;

/// Narrowest and shortest card that still shows its title, a block and its free capacity.
fn detail_min(cx: &Ctx) -> (f64, f64) {
    (text_width("i-0c6f…a5c9 · m5.large", cx.ty.small).max(3.0 * blocks::min_width(cx)), cx.ty.small * 2.0 + blocks::full_height(cx) + 28.0)
}

/// The band of tasks waiting to be placed (services that can't place, tasks waiting for EC2
/// capacity). Returns its height, or None when nothing waits.
pub fn draw_waiting(cx: &mut Ctx, area: Rect, scene: &mut Scene) -> Option<f64> {
    let sim = cx.sim;
    let mut lines: Vec<String> = Vec::new();
    for s in sim.services.iter().filter(|s| !s.def.daemon) {
        let live = s.tasks.iter().filter(|&&t| sim.tasks[t].desired_running).count() as u32;
        let waiting = s.tasks.iter().filter(|&&t| sim.tasks[t].awaiting_capacity).count();
        if waiting > 0 {
            let provider = s.tasks.iter().find_map(|&t| sim.tasks[t].capacity_provider.clone()).unwrap_or_default();
            lines.push(format!("{} ×{waiting} waiting for EC2 capacity ({provider})", s.def.name));
        }
        if let Some(why) = &s.unplaced {
            let n = s.desired_count.saturating_sub(live);
            if n > 0 {
                lines.push(format!("{} ×{n}: {}", s.def.name, short_reason(why)));
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    let ty = cx.ty;
    let shown = lines.len().min(3);
    // Tasks waiting for EC2 capacity are drawn too, on the right: they exist, in PROVISIONING.
    let waiting: Vec<usize> = cx.loose.iter().copied().filter(|&t| sim.tasks[t].awaiting_capacity).collect();
    let (bw, bh) = fargate_block(cx);
    // The words take what their longest line needs (at most 55 %), the blocks the rest, in
    // up to two rows so every waiting task shows rather than a "+N".
    let longest = lines.iter().take(shown).map(|l| text_width(l, ty.small)).chain([text_width("Waiting to be placed", ty.body)]).fold(0.0, f64::max);
    let text_w = if waiting.is_empty() { area.w } else { (longest + 3.0 * GAP).min(area.w * 0.55) };
    let per_row = ((area.w - text_w - GAP + 4.0) / (bw + 4.0)).floor().max(1.0) as usize;
    let block_rows = if waiting.is_empty() { 0 } else { waiting.len().div_ceil(per_row).clamp(1, 2) };
    let h = (ty.body + 10.0 + shown as f64 * (ty.small + 6.0) + 4.0).max(block_rows as f64 * (bh + 4.0) + 10.0);
    let r = Rect { h, ..area };
    scene.rect(r, cx.c.subnet, None, 6.0);
    scene.frame(r, cx.c.initial, cx.line, Dash::Dashed, 6.0);
    scene.text(r.x + GAP, r.y + ty.body + 4.0, "Waiting to be placed", ty.body, cx.c.initial, Align::Left, true);
    for (k, line) in lines.iter().take(shown).enumerate() {
        let text = fit_words(line, text_w - 2.0 * GAP, ty.small);
        scene.text(r.x + GAP, r.y + ty.body + 10.0 + (k as f64 + 1.0) * (ty.small + 6.0) - 4.0, text, ty.small, cx.c.card_text, Align::Left, false);
    }
    scene.object("waiting", "", r, lines.join(" | "));
    cx.queue_at = (r.x + GAP, r.y + GAP);
    if !waiting.is_empty() {
        let area = Rect { x: r.x + text_w, y: r.y + 6.0, w: r.w - text_w - GAP, h: r.h - 12.0 };
        row_of_blocks(cx, &waiting, area, bw, bh, scene);
    }
    Some(h)
}

/// The part of the sim's placement failure message that says why, without the ids: ECS's
/// "The closest matching (container-instance …) has insufficient memory available." becomes
/// "closest match has insufficient memory available".
fn short_reason(message: &str) -> String {
    let sentence = |from: &str| from.split(". ").next().unwrap_or(from).trim_end_matches('.').to_string();
    if let Some(k) = message.find("The closest matching (") {
        let rest = &message[k..];
        if let Some(end) = rest.find(") ") {
            return format!("closest match {}", sentence(&rest[end + 2..]));
        }
    }
    if let Some(k) = message.find("Reason: ") {
        return sentence(&message[k + 8..]);
    }
    match message.find("because ") {
        Some(k) => sentence(&message[k + 8..]),
        None => sentence(message),
    }
}

pub fn draw_zone(cx: &mut Ctx, zone: &str, lane: Rect, scene: &mut Scene) {
    let (sim, ty, c) = (cx.sim, cx.ty, cx.c);
    let members: Vec<usize> = (0..sim.instances.len()).filter(|&i| sim.instances[i].spec.availability_zone == zone).collect();
    let fargate: Vec<usize> = cx.loose.iter().copied().filter(|&t| !sim.tasks[t].awaiting_capacity && sim.tasks[t].availability_zone == zone).collect();
    let tasks_here = members.iter().map(|&i| sim.instances[i].tasks.len()).sum::<usize>() + fargate.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    // A Fargate-only zone doesn't say "0 instances": there are none to have.
    let instances = if members.is_empty() && !fargate.is_empty() { String::new() } else { plural(members.len(), "instance") };
    let title = fit_parts(&[&format!("AZ {zone}"), &instances, &plural(tasks_here, "task")], lane.w - 2.0 * GAP, ty.title);
    scene.text(lane.x + GAP, lane.y + ty.title + 4.0, title, ty.title, c.lane_text, Align::Left, true);
    scene.object("zone", zone, lane, "");
    // One subnet frame per zone: its id (or how many), CIDR and addresses in use.
    let subnets: Vec<usize> = (0..sim.scenario.subnets.len()).filter(|&s| sim.scenario.subnets[s].availability_zone == zone).collect();
    let sub = Rect { x: lane.x + GAP / 2.0, y: lane.y + ty.title + 10.0, w: lane.w - GAP, h: lane.h - ty.title - 10.0 - GAP / 2.0 };
    let mut label_parts: Vec<String> = Vec::new();
    match subnets.as_slice() {
        [s] => {
            let sn = &sim.scenario.subnets[*s];
            label_parts.extend([format!("subnet {}", sn.id), sn.cidr.clone(), format!("{} IPs in use", sn.usable - sim.subnet_free(*s))]);
        }
        [] => label_parts.push(format!("subnet-{zone}")),
        many => {
            let used: u32 = many.iter().map(|&s| sim.scenario.subnets[s].usable - sim.subnet_free(s)).sum();
            label_parts.extend([format!("{} subnets", many.len()), format!("{used} IPs in use")]);
        }
    }
    scene.frame(sub, c.vpc, 1.0, Dash::Dashed, 4.0);
    let parts: Vec<&str> = label_parts.iter().map(String::as_str).collect();
    scene.text(sub.x + GAP / 2.0, sub.y + ty.small + 3.0, fit_parts(&parts, sub.w - GAP, ty.small), ty.small, c.muted_text, Align::Left, false);
    scene.object("subnet", subnets.first().map(|&s| sim.scenario.subnets[s].id.clone()).unwrap_or_default(), sub, label_parts.join(" · "));
    let inside = Rect { x: sub.x + GAP / 2.0, y: sub.y + ty.small + 8.0, w: sub.w - GAP, h: sub.h - ty.small - 8.0 - GAP / 2.0 };
    let base = cx.ty;
    // Fargate alone: the strip takes the whole zone and its blocks grow to fill it.
    let fargate_h = if members.is_empty() && !fargate.is_empty() { inside.h } else { fargate_height(cx, fargate.len(), inside, !members.is_empty()) };
    let cards_area = Rect { h: inside.h - fargate_h - if fargate_h > 0.0 { GAP } else { 0.0 }, ..inside };
    if !members.is_empty() {
        draw_instances(cx, &members, cards_area, scene);
    } else if fargate.is_empty() {
        let words = fit_words("No container instances here yet", cards_area.w - GAP, ty.body);
        scene.text(cards_area.x + cards_area.w / 2.0, cards_area.y + cards_area.h / 2.0, words, ty.body, c.muted_text, Align::Centre, false);
    }
    if fargate_h > 0.0 {
        // Under the instances; at the top of the zone when there are none.
        let y = if members.is_empty() { inside.y } else { inside.bottom() - fargate_h };
        let strip = Rect { y, h: fargate_h, ..inside };
        draw_fargate(cx, &fargate, strip, members.is_empty(), scene);
    }
    cx.ty = base;
}

fn fargate_block(cx: &Ctx) -> (f64, f64) {
    (blocks::min_width(cx) * 1.5, blocks::full_height(cx) + 4.0)
}

/// Enough rows for a zone's Fargate tasks; at most a third of the zone when instances share it.
fn fargate_height(cx: &Ctx, n: usize, area: Rect, shared: bool) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let (bw, bh) = fargate_block(cx);
    let per_row = ((area.w - GAP) / (bw + 4.0)).floor().max(1.0) as usize;
    let wanted = cx.ty.small + 12.0 + n.div_ceil(per_row) as f64 * (bh + 4.0) + 4.0;
    wanted.min(if shared { area.h / 3.0 } else { area.h })
}

fn draw_fargate(cx: &mut Ctx, tasks: &[usize], strip: Rect, fill: bool, scene: &mut Scene) {
    let ty = cx.ty;
    scene.rect(strip, cx.c.subnet, Some(cx.c.muted_text), 4.0);
    let spot = tasks.iter().filter(|&&t| cx.sim.tasks[t].capacity_provider.as_deref() == Some("FARGATE_SPOT")).count();
    let spot = if spot > 0 { format!("{spot} on FARGATE_SPOT") } else { String::new() };
    scene.text(strip.x + GAP / 2.0, strip.y + ty.small + 3.0, fit_parts(&["Fargate tasks", &format!("{}", tasks.len()), &spot], strip.w - GAP, ty.small), ty.small, cx.c.muted_text, Align::Left, true);
    let area = Rect { x: strip.x + 4.0, y: strip.y + ty.small + 8.0, w: strip.w - 8.0, h: strip.h - ty.small - 12.0 };
    let (bw, bh) = fargate_block(cx);
    if fill {
        // A zone of Fargate tasks alone: the grid whose blocks are largest (about 1.3 wide to
        // tall) fills the zone, and the type grows with the blocks (up to 2.5×), so a sparse
        // zone reads from the back instead of small blocks at the top of a big empty box.
        let n = tasks.len().max(1);
        let (gw, gh) = (1..=n)
            .map(|cols| ((area.w + 4.0) / cols as f64 - 4.01, (area.h + 4.0) / n.div_ceil(cols) as f64 - 4.01))
            .max_by(|a, b| (a.0 / 1.3).min(a.1).total_cmp(&(b.0 / 1.3).min(b.1)))
            .unwrap_or((bw, bh));
        if gw >= bw && gh >= bh {
            let base = cx.ty;
            let k = (0..=15).map(|s| 2.5 - 0.1 * s as f64).find(|&k| {
                cx.ty = base.scaled(k);
                let (w, h) = fargate_block(cx);
                w <= gw && h <= gh
            });
            cx.ty = base.scaled(k.unwrap_or(1.0));
            row_of_blocks(cx, tasks, area, gw, gh, scene);
            cx.ty = base;
            return;
        }
    }
    row_of_blocks(cx, tasks, area, bw, bh, scene);
}

/// Fixed-size blocks left to right, wrapping; a "+N" badge takes the last slot when they
/// don't all fit.
fn row_of_blocks(cx: &mut Ctx, tasks: &[usize], area: Rect, bw: f64, bh: f64, scene: &mut Scene) {
    let per_row = ((area.w + 4.0) / (bw + 4.0)).floor().max(1.0) as usize;
    let rows = ((area.h + 4.0) / (bh + 4.0)).floor().max(0.0) as usize;
    let slots = per_row * rows;
    let slot = |n: usize| Rect { x: area.x + (n % per_row) as f64 * (bw + 4.0), y: area.y + (n / per_row) as f64 * (bh + 4.0), w: bw, h: bh };
    if slots == 0 {
        return;
    }
    let shown = if tasks.len() > slots { slots - 1 } else { tasks.len() };
    for (n, &t) in tasks.iter().take(shown).enumerate() {
        // A target line's visible end starts just above its own block's row (under the rest of
        // the strip, like under a card), so it never crosses the blocks above it.
        let r = slot(n);
        cx.stub_top.insert(t, Rect { x: area.x, y: r.y - 4.0, w: area.w, h: bh + 4.0 });
        blocks::draw(cx, t, slot(n), scene);
    }
    if shown < tasks.len() {
        blocks::overflow(cx, tasks.len() - shown, slot(shown), scene);
    }
}

/// Cards in a grid as large as the area allows; too small for details, marks or density.
fn draw_instances(cx: &mut Ctx, members: &[usize], area: Rect, scene: &mut Scene) {
    let n = members.len();
    let (min_w, min_h) = detail_min(cx);
    // The column count whose cards, once capped (MAX_CARD_W wide, CARD_ASPECT as tall as
    // wide), cover most of the area: the zone is filled, not a row with empty space below.
    let best = (1..=n)
        .map(|cols| {
            let rows = n.div_ceil(cols);
            let w = (area.w - GAP * (cols as f64 - 1.0)) / cols as f64;
            let h = (area.h - GAP * (rows as f64 - 1.0)) / rows as f64;
            let cw = w.min(MAX_CARD_W);
            // Grids too small for detail rank below every one that holds it.
            let detail = w >= min_w && h >= min_h;
            (cols, w, h, cw * h.min(cw * CARD_ASPECT) + if detail { 1e12 } else { 0.0 })
        })
        .max_by(|a, b| a.3.total_cmp(&b.3))
        .unwrap_or((1, area.w, area.h, 0.0));
    let (cols, w, h, _) = best;
    if w >= min_w && h >= min_h {
        // A few instances in a big zone stay cards of a readable size, not huge empty boxes
        // (the type grows with the card up to 1.5×, reached at about this width): at most
        // MAX_CARD_W wide and CARD_ASPECT as tall as wide, the grid centred in the zone.
        // One row of cards takes the zone's height up to SINGLE_ROW_ASPECT: the room under
        // them would stay empty (a wide screen's IAM lesson), and taller blocks read better.
        let w = w.min(MAX_CARD_W.max(min_w));
        let aspect = if n <= cols { SINGLE_ROW_ASPECT } else { CARD_ASPECT };
        let h = h.min(w * aspect).max(min_h.min(h));
        let x0 = area.x + ((area.w - cols as f64 * w - GAP * (cols as f64 - 1.0)) / 2.0).max(0.0);
        for (k, &i) in members.iter().enumerate() {
            let r = Rect { x: x0 + (k % cols) as f64 * (w + GAP), y: area.y + (k / cols) as f64 * (h + GAP), w, h };
            scene.instance_cards.push((i, r));
            let first = scene.shapes.len();
            crate::capacity::draw_card(cx, i, r, scene);
            mark(cx, i, r, scene);
            slide_in(cx, i, r, first, scene);
        }
        return;
    }
    // Compact: near-square cells that always fit the area. The level of detail is chosen from
    // the cells' size on screen (zoom included), one level for the whole zone: detail cards if
    // a card's title and a block fit, marks (a tick per task, coloured by service) if every
    // instance's ticks fit its cell, else density (the memory in use).
    let side = (area.w * area.h / n as f64).sqrt();
    let cols = ((area.w / side).ceil() as usize).clamp(1, n);
    let rows = n.div_ceil(cols);
    let (cw, ch) = (area.w / cols as f64, area.h / rows as f64);
    let s = cx.view.zoom.scale.max(1.0);
    let gap = (cw.min(ch) * 0.15).min(2.0);
    let (w, h) = (cw - gap, ch - gap);
    let cell = |k: usize| Rect { x: area.x + (k % cols) as f64 * cw, y: area.y + (k / cols) as f64 * ch, w, h };
    // Zoomed cards keep GAP / 2 screen pixels between them (the cells' gap would be far more).
    let zoomed_gap = GAP / 2.0 / s;
    if (cw - zoomed_gap) * s >= min_w && (ch - zoomed_gap) * s >= min_h {
        let card = |k: usize| Rect { w: cw - zoomed_gap, h: ch - zoomed_gap, ..cell(k) };
        zoomed_cards(cx, members, &card, s, scene);
        return;
    }
    let tick = tick_px(cx.view.projection) / s;
    let per_row = ((w - 2.0 / s) / (tick + 1.0 / s)).floor().max(0.0) as usize;
    let fits = per_row * ((h - 2.0 / s) / (tick + 1.0 / s)).floor().max(0.0) as usize;
    let marks = w * s >= 14.0 && h * s >= 10.0 && members.iter().all(|&i| cx.sim.instances[i].tasks.len() <= fits);
    // Cells, memory fills and ticks batched per colour: one fill style and one path each, no
    // string per cell (at a thousand instances, per-cell fills cost more than the raster).
    let mut batches = Batches::default();
    for (k, &i) in members.iter().enumerate() {
        let r = cell(k);
        scene.instance_cards.push((i, r));
        compact(cx, i, r, marks.then_some((per_row, s)), &mut batches, scene);
    }
    let ticks = batches.ticks.into_iter().enumerate().filter(|(_, r)| !r.is_empty()).map(|(k, r)| (cx.c.service(k.checked_sub(1)), r));
    for (colour, rects) in batches.cells.into_sorted().into_iter().chain(batches.fills.into_sorted()).chain(ticks) {
        scene.shapes.push(crate::scene::Shape::Marks { colour: colour.to_string(), rects });
    }
    if marks {
        cx.seen.marks = true;
    } else {
        cx.seen.density = true;
    }
    for (k, &i) in members.iter().enumerate() {
        mark(cx, i, cell(k), scene);
    }
}

/// Zoomed in on a big cluster: the cells on screen are drawn as full cards, each laid out at
/// its on-screen size and scaled back into world units (so type and chips read as at zoom 1);
/// cells off screen are plain boxes (nothing there to see, and no cost).
fn zoomed_cards(cx: &mut Ctx, members: &[usize], cell: &dyn Fn(usize) -> Rect, s: f64, scene: &mut Scene) {
    let visible = cx.view.visible();
    let mut hidden: Vec<Rect> = Vec::new();
    for (k, &i) in members.iter().enumerate() {
        let r = cell(k);
        if !r.overlaps(&visible, 0.0) {
            scene.instance_cards.push((i, r));
            hidden.push(r);
            continue;
        }
        let at = scene.mark();
        let on_screen = Rect { w: r.w * s, h: r.h * s, ..r };
        scene.instance_cards.push((i, on_screen));
        crate::capacity::draw_card(cx, i, on_screen, scene);
        mark(cx, i, on_screen, scene);
        scene.scale_since(at, r.x, r.y, 1.0 / s);
        for &t in &cx.sim.instances[i].tasks {
            if let Some(b) = cx.stub_top.get_mut(&t) {
                *b = b.scale_about(r.x, r.y, 1.0 / s);
            }
        }
    }
    if !hidden.is_empty() {
        scene.shapes.push(crate::scene::Shape::Marks { colour: cx.c.card.to_string(), rects: hidden });
    }
    cx.seen.capacity = true;
}

/// A task's tick in the marks level of detail (screen px): 4 px on a desk, 6 px on a projector
/// (the smallest mark that reads from the back of a room).
pub const TICK: f64 = 4.0;
pub const TICK_PROJECTION: f64 = 6.0;

pub fn tick_px(projection: bool) -> f64 {
    if projection { TICK_PROJECTION } else { TICK }
}

/// Widest an instance card gets (its type is 1.9× by 627 px: wider only adds empty box). A
/// zone of one or two instances on a projector fills most of its column.
pub const MAX_CARD_W: f64 = 660.0;
/// Tallest a card gets, to its width: a row of a few cards fills most of a tall zone.
pub const CARD_ASPECT: f64 = 0.85;
/// Tallest a card of a zone's only row gets, to its width.
pub const SINGLE_ROW_ASPECT: f64 = 1.3;

/// Rects by fill colour, drawn in colour order (a couple of colours: a list, not a map type).
#[derive(Default)]
struct ByColour(Vec<(&'static str, Vec<Rect>)>);

impl ByColour {
    fn push(&mut self, colour: &'static str, r: Rect) {
        match self.0.iter_mut().find(|(c, _)| *c == colour) {
            Some((_, rects)) => rects.push(r),
            None => self.0.push((colour, vec![r])),
        }
    }

    fn into_sorted(mut self) -> Vec<(&'static str, Vec<Rect>)> {
        stevedore_sim::sort::SortSmall::sort_small_by(&mut self.0[..], |a, b| a.0.cmp(b.0));
        self.0
    }
}

/// Compact cells' shapes by layer (cells, then memory fills, then ticks), each by colour;
/// ticks by service (index + 1, 0 for standalone tasks): no string compared per tick.
#[derive(Default)]
struct Batches {
    cells: ByColour,
    fills: ByColour,
    ticks: Vec<Vec<Rect>>,
}

/// A compact cell: with `per_row`, a tick per task; else the memory in use as a fill.
fn compact(cx: &Ctx, i: usize, r: Rect, ticks: Option<(usize, f64)>, batches: &mut Batches, scene: &mut Scene) {
    let (sim, c) = (cx.sim, cx.c);
    let inst = &sim.instances[i];
    // Square corners: thousands of tiny round rects cost more to raster than they add.
    batches.cells.push(if inst.status == InstanceStatus::Active && inst.agent_connected { c.card } else { c.card_draining }, r);
    match ticks {
        // `s`: the zoom (ticks are `tick_px` on screen, a pixel apart).
        Some((per_row, s)) => {
            let px = tick_px(cx.view.projection);
            let (tick, step) = (px / s, (px + 1.0) / s);
            for (k, &t) in inst.tasks.iter().enumerate() {
                let m = Rect { x: r.x + 1.0 / s + (k % per_row) as f64 * step, y: r.y + 1.0 / s + (k / per_row) as f64 * step, w: tick, h: tick };
                let k = sim.tasks[t].service.map_or(0, |s| s + 1);
                if batches.ticks.len() <= k {
                    batches.ticks.resize_with(k + 1, Vec::new);
                }
                batches.ticks[k].push(m);
                scene.task_blocks.push((t, m));
            }
        }
        None => {
            let frac = 1.0 - inst.remaining_memory_mib as f64 / inst.registered_memory_mib.max(1) as f64;
            batches.fills.push(c.memory_bar, Rect { w: r.w * frac.clamp(0.0, 1.0), ..r });
            for &t in &inst.tasks {
                scene.task_blocks.push((t, r));
            }
        }
    }
}

/// A new instance's card slides in from the right edge (ease-out), staying inside the world;
/// its objects (hit-testing, the test hook) are where it lands.
fn slide_in(cx: &Ctx, i: usize, r: Rect, first: usize, scene: &mut Scene) {
    let Some(&(_, p)) = cx.view.arriving_instances.iter().find(|(k, _)| *k == i) else { return };
    let p = p.clamp(0.0, 1.0);
    let dx = (1.0 - p).powi(3) * (scene.world.right() - r.right() - 4.0).max(0.0);
    if dx > 0.0 {
        scene.shapes[first..].iter_mut().for_each(|s| s.shift(dx, 0.0));
    }
}

/// Query matches get a bright frame, non-matches a dimming veil; the selection a white frame.
fn mark(cx: &Ctx, i: usize, r: Rect, scene: &mut Scene) {
    let c = cx.c;
    if let Some(hits) = cx.view.highlight {
        if hits.get(i).copied().unwrap_or(false) {
            scene.frame(r, c.query_match, 2.0, Dash::Solid, 4.0);
        } else {
            scene.rect(r, c.veil, None, 0.0);
        }
    }
    if cx.view.selected_instance == Some(i) {
        scene.frame(r, c.selected, 2.0, Dash::Solid, 4.0);
    }
}

/// The card's title: short id, state, Spot, type, dropping from the end to fit.
pub fn title(cx: &Ctx, i: usize, max_w: f64) -> String {
    let inst = &cx.sim.instances[i];
    let id = short_id(&inst.spec.ec2_instance_id);
    // A stopped or cut-off instance (fault injection) says so right after its id.
    let cut_off = inst.status != InstanceStatus::Inactive && !inst.agent_connected;
    let state = if cut_off {
        if inst.ec2_stopped { "STOPPED" } else { "DISCONNECTED" }
    } else if inst.status == InstanceStatus::Active {
        ""
    } else {
        inst.status.as_str()
    };
    fit_parts(&[&id, state, if inst.spec.spot { "Spot" } else { "" }, &inst.spec.instance_type], max_w, cx.ty.small)
}
