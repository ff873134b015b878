//! The display list: what to draw where, computed from the sim in pure Rust so it is tested
//! natively ("this task is drawn at this rectangle in this colour"). `paint` issues it.

use crate::palette;
use std::collections::BTreeSet;
use stevedore_sim::engine::{InstanceStatus, TargetState, TaskStatus};
use stevedore_sim::Sim;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x && x <= self.x + self.w && y >= self.y && y <= self.y + self.h
    }
    fn top_centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Centre,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect { r: Rect, fill: String, stroke: Option<String>, radius: f64 },
    Text { x: f64, y: f64, text: String, size: f64, colour: String, align: Align, bold: bool },
    Line { from: (f64, f64), to: (f64, f64), colour: String, width: f64 },
}

#[derive(Debug, Default)]
pub struct Scene {
    /// The task drawn with a selection frame.
    pub selected_task: Option<usize>,
    /// Copied from the view: tasks animating in from the pending queue.
    arriving: Vec<(usize, f64)>,
    pub shapes: Vec<Shape>,
    /// Task index → where its block is, for hit-testing and tests.
    pub task_blocks: Vec<(usize, Rect)>,
    pub instance_cards: Vec<(usize, Rect)>,
}

/// Sizes in CSS pixels; `text_scale` > 1 for projection mode.
#[derive(Default)]
pub struct View<'a> {
    pub width: f64,
    pub height: f64,
    pub text_scale: f64,
    /// Instances matching the query box, by index (None: no query).
    pub highlight: Option<&'a [bool]>,
    pub selected_task: Option<usize>,
    pub selected_instance: Option<usize>,
    /// Tasks still travelling from the pending queue to their place, with progress 0..1.
    pub arriving: &'a [(usize, f64)],
    /// Tasks that just stopped, fading out where they stood: (block, colour, progress 0..1).
    pub departing: &'a [(Rect, &'a str, f64)],
    /// Wall-clock seconds while playing: moves the request-flow dots (0 when paused).
    pub phase_s: f64,
}

const PAD: f64 = 10.0;
/// Where the pending queue sits: new tasks travel from here.
const QUEUE_X: f64 = 14.0;
const QUEUE_Y: f64 = 14.0;
const HEADER_H: f64 = 70.0;
const LANE_TITLE_H: f64 = 30.0;
const CARD_MIN_W: f64 = 230.0;
/// Narrowest card that still shows its details.
const CARD_NARROW_W: f64 = 150.0;
const CARD_H: f64 = 112.0;
const BLOCK_W: f64 = 58.0;
const BLOCK_H: f64 = 30.0;

/// Shortens `text` with an ellipsis so it fits `max_w` pixels at `size` (an estimate: 0.6 em
/// per character for the UI font, generous for digits and lower case).
pub fn fit(text: &str, max_w: f64, size: f64) -> String {
    let per_char = 0.6 * size;
    let room = (max_w / per_char).floor().max(1.0) as usize;
    if text.chars().count() <= room {
        return text.to_string();
    }
    let kept: String = text.chars().take(room.saturating_sub(1)).collect();
    format!("{kept}…")
}

impl Scene {
    fn rect(&mut self, r: Rect, fill: &str, stroke: Option<&str>, radius: f64) {
        self.shapes.push(Shape::Rect { r, fill: fill.to_string(), stroke: stroke.map(str::to_string), radius });
    }
    fn text(&mut self, x: f64, y: f64, text: impl Into<String>, size: f64, colour: &str, align: Align, bold: bool) {
        self.shapes.push(Shape::Text { x, y, text: text.into(), size, colour: colour.to_string(), align, bold });
    }
}

pub fn layout(sim: &Sim, view: &View<'_>) -> Scene {
    let mut scene = Scene { selected_task: view.selected_task, arriving: view.arriving.to_vec(), ..Scene::default() };
    let ts = view.text_scale;
    scene.rect(Rect { x: 0.0, y: 0.0, w: view.width, h: view.height }, palette::BACKGROUND, None, 0.0);
    let lbs = draw_load_balancers(sim, view, &mut scene);
    let alb = lbs.first().map(|(r, _)| *r);
    let queued = draw_pending_queue(sim, &mut scene);

    let zones: Vec<String> = {
        let mut z: BTreeSet<String> = sim.instances.iter().map(|i| i.spec.availability_zone.clone()).collect();
        z.extend(sim.tasks.iter().filter(|t| t.live() && t.instance.is_none()).map(|t| t.availability_zone.clone()));
        z.into_iter().collect()
    };
    let lanes = zones.len().max(1) as f64;
    let lane_w = (view.width - PAD) / lanes - PAD;
    let top = if alb.is_some() || queued { HEADER_H + PAD } else { PAD };
    let lane_h = view.height - top - PAD;
    let lane_rect = |k: usize| Rect { x: PAD + k as f64 * (lane_w + PAD), y: top, w: lane_w, h: lane_h };
    for k in 0..zones.len() {
        scene.rect(lane_rect(k), palette::LANE, None, 8.0);
    }
    // Target lines go under the cards, so text stays readable; blocks get a health ring.
    let under_cards = scene.shapes.len();
    for (k, zone) in zones.iter().enumerate() {
        let lane = lane_rect(k);
        let members: Vec<usize> = (0..sim.instances.len()).filter(|&i| &sim.instances[i].spec.availability_zone == zone).collect();
        let tasks_here = sim.tasks.iter().filter(|t| t.live() && &t.availability_zone == zone).count();
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let title = fit(&format!("{zone} · {} · {}", plural(members.len(), "instance"), plural(tasks_here, "task")), lane.w - 20.0, 14.0 * ts);
        scene.text(lane.x + 10.0, lane.y + 20.0 * ts.min(1.3), title, 14.0 * ts, palette::LANE_TEXT, Align::Left, true);
        let fargate: Vec<usize> = (0..sim.tasks.len()).filter(|&t| sim.tasks[t].live() && sim.tasks[t].instance.is_none() && &sim.tasks[t].availability_zone == zone).collect();
        let fargate_h = fargate_height(fargate.len(), lane.w - 2.0 * PAD, lane.h - LANE_TITLE_H * ts.min(1.3) - PAD, !members.is_empty(), ts);
        let area = Rect { x: lane.x + PAD, y: lane.y + LANE_TITLE_H * ts.min(1.3), w: lane.w - 2.0 * PAD, h: lane.h - LANE_TITLE_H * ts.min(1.3) - PAD - fargate_h };
        draw_instances(sim, &members, area, view, &mut scene);
        if !fargate.is_empty() {
            let strip = Rect { x: lane.x + PAD, y: area.y + area.h + 4.0, w: area.w, h: fargate_h - 4.0 };
            scene.rect(strip, palette::CARD, Some(palette::MUTED_TEXT), 6.0);
            scene.text(strip.x + 8.0, strip.y + 14.0, "Fargate", 11.0 * ts, palette::MUTED_TEXT, Align::Left, true);
            draw_task_row(sim, &fargate, Rect { x: strip.x + 6.0, y: strip.y + 20.0 * ts.min(1.3), w: strip.w - 12.0, h: strip.h - 20.0 * ts.min(1.3) - 4.0 }, ts, &mut scene);
        }
    }
    let (mut lines, dots) = target_lines(sim, &lbs, &scene, view.phase_s);
    // Request dots travel with their lines, under the cards (they show between them).
    lines.extend(dots);
    scene.shapes.splice(under_cards..under_cards, lines);
    // Stopped tasks shrink and fade where they stood, so scale-in is seen, not just missed.
    for &(r, colour, p) in view.departing {
        let p = p.clamp(0.0, 1.0);
        let (w, h) = (r.w * (1.0 - 0.6 * p), r.h * (1.0 - 0.6 * p));
        let shrunk = Rect { x: r.x + (r.w - w) / 2.0, y: r.y + (r.h - h) / 2.0 + 12.0 * p, w, h };
        scene.rect(shrunk, &palette::with_alpha(colour, 0.8 * (1.0 - p)), None, 4.0);
    }
    // Service-to-service calls go on top: both ends sit inside cards.
    let calls = call_lines(sim, &scene, view.phase_s);
    scene.shapes.extend(calls);
    scene
}

/// Dots per line at most, and lines that get dots at most (beyond, a blur that costs frames).
const MAX_DOTS_PER_LINE: usize = 5;
const MAX_DOTTED_LINES: usize = 300;
/// Requests per second one dot stands for, and how fast dots travel (line lengths per second).
const RPS_PER_DOT: f64 = 10.0;
const DOT_SPEED: f64 = 0.6;

/// Evenly spaced dots moving from `from` to `to`: `n` of them, advanced by `phase_s`.
fn flow_dots(from: (f64, f64), to: (f64, f64), n: usize, phase_s: f64, colour: &str, out: &mut Vec<Shape>) {
    for k in 0..n {
        let f = (phase_s * DOT_SPEED + k as f64 / n as f64).fract();
        let (x, y) = (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f);
        out.push(Shape::Rect { r: Rect { x: x - 2.5, y: y - 2.5, w: 5.0, h: 5.0 }, fill: colour.to_string(), stroke: None, radius: 2.5 });
    }
}

/// A line from each caller task to the task its service call resolves to (Cloud Map or
/// Service Connect), with dots for the requests.
fn call_lines(sim: &Sim, scene: &Scene, phase_s: f64) -> Vec<Shape> {
    let edges = sim.call_edges();
    let mut out = Vec::new();
    // From and to the blocks' bottom edges: the port labels in the middle stay readable.
    let anchor = |r: &Rect| (r.x + r.w / 2.0, r.y + r.h);
    for (n, e) in edges.iter().enumerate() {
        let find = |t: usize| scene.task_blocks.iter().find(|(x, _)| *x == t).map(|(_, r)| anchor(r));
        let (Some(from), Some(to)) = (find(e.from), find(e.to)) else { continue };
        out.push(Shape::Line { from, to, colour: palette::CALL.to_string(), width: 1.5 });
        if n < MAX_DOTTED_LINES {
            let rps = sim.scenario.service_calls[e.call].per_task_per_s;
            let dots = ((rps / RPS_PER_DOT).ceil() as usize).clamp(1, MAX_DOTS_PER_LINE);
            flow_dots(from, to, dots, phase_s, palette::CALL, &mut out);
        }
    }
    out
}

/// The pending queue: services with tasks that can't be placed yet, and how many. Returns
/// whether it drew anything.
fn draw_pending_queue(sim: &Sim, scene: &mut Scene) -> bool {
    let waiting: Vec<String> = sim
        .services
        .iter()
        .filter(|s| !s.def.daemon)
        .filter_map(|s| {
            let live = s.tasks.iter().filter(|&&t| sim.tasks[t].desired_running).count() as u32;
            let provisioning = s.tasks.iter().filter(|&&t| sim.tasks[t].awaiting_capacity).count() as u32;
            let unplaced = if s.unplaced.is_some() { s.desired_count.saturating_sub(live) } else { 0 };
            (unplaced + provisioning > 0).then(|| format!("{} ×{}", s.def.name, unplaced + provisioning))
        })
        .collect();
    if waiting.is_empty() {
        return false;
    }
    let r = Rect { x: PAD, y: PAD, w: 250.0, h: HEADER_H - 2.0 * PAD };
    scene.rect(r, palette::CARD, Some(palette::INITIAL), 8.0);
    scene.text(r.x + 10.0, r.y + 20.0, "Waiting to be placed", 13.0, palette::INITIAL, Align::Left, true);
    scene.text(r.x + 10.0, r.y + 40.0, fit(&waiting.join(" · "), r.w - 20.0, 12.0), 12.0, palette::CARD_TEXT, Align::Left, false);
    true
}

/// Height of a lane's Fargate strip: enough rows for its tasks, at most a third of the lane
/// when instances share it, or all of it when there are none.
fn fargate_height(tasks: usize, width: f64, available: f64, shared: bool, ts: f64) -> f64 {
    if tasks == 0 {
        return 0.0;
    }
    let (bw, bh) = (BLOCK_W * ts.min(1.3), BLOCK_H * ts.min(1.2));
    let per_row = ((width - 12.0 + 4.0) / (bw + 4.0)).floor().max(1.0) as usize;
    let rows = tasks.div_ceil(per_row) as f64;
    let wanted = 20.0 * ts.min(1.3) + rows * (bh + 4.0) + 10.0;
    wanted.min(if shared { available / 3.0 } else { available })
}

/// One box per load balancer in the header, side by side; returns each box and the target
/// groups its listeners forward to.
fn draw_load_balancers(sim: &Sim, view: &View, scene: &mut Scene) -> Vec<(Rect, Vec<usize>)> {
    let lbs = &sim.scenario.load_balancers;
    if lbs.is_empty() {
        return vec![];
    }
    let n = lbs.len() as f64;
    let w = 360.0f64.min((view.width - PAD * (n + 1.0)) / n).max(60.0);
    let left = (view.width - (w * n + PAD * (n - 1.0))) / 2.0;
    let mut out = Vec::new();
    for (k, lb) in lbs.iter().enumerate() {
        let r = Rect { x: left + k as f64 * (w + PAD), y: PAD, w, h: HEADER_H - 2.0 * PAD };
        let network = lb.kind == "network";
        let colour = if network { palette::NLB } else { palette::ALB };
        scene.rect(r, palette::CARD, Some(colour), 8.0);
        let listeners: Vec<String> = lb
            .listeners
            .iter()
            .map(|(proto, port, tg)| {
                let target = tg.map(|t| sim.scenario.target_groups[t].name.clone()).unwrap_or_default();
                let healthy = tg.map_or(0, |t| sim.healthy_targets(t));
                format!("{proto}:{port} → {target} ({healthy} healthy)")
            })
            .collect();
        let title = format!("{} {}", if network { "NLB" } else { "ALB" }, lb.name);
        scene.text(r.x + r.w / 2.0, r.y + 20.0, fit(&title, r.w - 16.0, 15.0), 15.0, colour, Align::Centre, true);
        scene.text(r.x + r.w / 2.0, r.y + 40.0, fit(&listeners.join(" · "), r.w - 16.0, 12.0), 12.0, palette::CARD_TEXT, Align::Centre, false);
        out.push((r, lb.listeners.iter().filter_map(|(_, _, tg)| *tg).collect()));
    }
    out
}

/// A line from each load balancer to each registered target of its target groups, coloured
/// by target health, and dots moving along healthy lines in proportion to the traffic.
fn target_lines(sim: &Sim, lbs: &[(Rect, Vec<usize>)], scene: &Scene, phase_s: f64) -> (Vec<Shape>, Vec<Shape>) {
    let mut lines = Vec::new();
    let mut dots = Vec::new();
    for (lb, groups) in lbs {
        let from = (lb.x + lb.w / 2.0, lb.y + lb.h);
        for &tg in groups {
            // The sim says which targets get requests (fail-open included).
            let any_healthy = sim.healthy_targets(tg) > 0;
            let n_routed = sim.targets[tg].iter().filter(|t| t.routed(any_healthy)).count();
            let per_target = if n_routed > 0 { sim.traffic_rps(tg) / n_routed as f64 } else { 0.0 };
            for target in &sim.targets[tg] {
                let Some(&(_, block)) = scene.task_blocks.iter().find(|(t, _)| *t == target.task) else { continue };
                let colour = match target.state {
                    TargetState::Healthy => palette::HEALTHY,
                    TargetState::Initial => palette::INITIAL,
                    TargetState::Unhealthy => palette::UNHEALTHY,
                    TargetState::Draining => palette::DRAINING,
                };
                lines.push(Shape::Line { from, to: block.top_centre(), colour: colour.to_string(), width: 1.5 });
                if target.routed(any_healthy) && per_target > 0.0 && lines.len() <= MAX_DOTTED_LINES {
                    let n = ((per_target / RPS_PER_DOT).ceil() as usize).clamp(1, MAX_DOTS_PER_LINE);
                    flow_dots(from, block.top_centre(), n, phase_s, palette::REQUEST, &mut dots);
                }
            }
        }
    }
    (lines, dots)
}

fn draw_instances(sim: &Sim, members: &[usize], area: Rect, view: &View<'_>, scene: &mut Scene) {
    let ts = view.text_scale;
    if members.is_empty() || area.w <= 0.0 || area.h <= 0.0 {
        return;
    }
    let n = members.len();
    // As many columns as fit at full width; if the cards are then too short for their details,
    // more and narrower columns, down to the narrowest card that still shows them.
    // Title, two bars and one row of task blocks.
    let detail_min_h = 24.0 * ts.min(1.3) + 36.0 + BLOCK_H * ts.min(1.2) + 8.0;
    let widest = ((area.w / CARD_MIN_W).floor() as usize).max(1);
    let most = ((area.w / CARD_NARROW_W).floor() as usize).max(widest);
    let detail = (widest..=most).find_map(|cols| {
        let rows = n.div_ceil(cols);
        let card_w = (area.w - PAD * (cols as f64 - 1.0)) / cols as f64;
        let card_h = (CARD_H * ts.min(1.4)).min((area.h - PAD * (rows as f64 - 1.0)) / rows as f64);
        (card_h >= detail_min_h).then_some((cols, card_w, card_h))
    });
    if let Some((cols, card_w, card_h)) = detail {
        for (k, &i) in members.iter().enumerate() {
            let r = Rect { x: area.x + (k % cols) as f64 * (card_w + PAD), y: area.y + (k / cols) as f64 * (card_h + PAD), w: card_w, h: card_h };
            scene.instance_cards.push((i, r));
            draw_card(sim, i, r, ts, scene);
            mark(i, r, view, scene);
        }
        return;
    }
    // Compact: a grid of near-square cells that always fits the lane.
    let side = (area.w * area.h / n as f64).sqrt();
    let cols = ((area.w / side).ceil() as usize).clamp(1, n);
    let rows = n.div_ceil(cols);
    let (cw, ch) = (area.w / cols as f64, area.h / rows as f64);
    let gap = (cw.min(ch) * 0.15).min(2.0);
    for (k, &i) in members.iter().enumerate() {
        let r = Rect { x: area.x + (k % cols) as f64 * cw, y: area.y + (k / cols) as f64 * ch, w: cw - gap, h: ch - gap };
        scene.instance_cards.push((i, r));
        draw_compact_card(sim, i, r, scene);
        mark(i, r, view, scene);
    }
}

/// Query matches get a bright frame, non-matches a dimming veil; the selection a white frame.
fn mark(i: usize, r: Rect, view: &View<'_>, scene: &mut Scene) {
    if let Some(hits) = view.highlight {
        if hits.get(i).copied().unwrap_or(false) {
            scene.rect(r, "rgba(0,0,0,0)", Some(palette::QUERY_MATCH), 6.0);
        } else {
            scene.rect(r, palette::VEIL, None, 6.0);
        }
    }
    if view.selected_instance == Some(i) {
        scene.rect(r, "rgba(0,0,0,0)", Some(palette::SELECTED), 6.0);
    }
}

fn draw_card(sim: &Sim, i: usize, r: Rect, ts: f64, scene: &mut Scene) {
    let inst = &sim.instances[i];
    // A stopped or cut-off instance (fault injection) is dimmed like a draining one.
    let draining = inst.status != InstanceStatus::Active || !inst.agent_connected;
    scene.rect(r, if draining { palette::CARD_DRAINING } else { palette::CARD }, None, 6.0);
    let mut title = format!("{} · {}", inst.spec.ec2_instance_id, inst.spec.instance_type);
    if inst.spec.spot {
        title.push_str(" · SPOT");
    }
    // A stopped or disconnected instance says so first: its id would push the word off the card.
    let cut_off = inst.status != InstanceStatus::Inactive && !inst.agent_connected;
    if cut_off {
        title = format!("{} · {title}", if inst.ec2_stopped { "STOPPED" } else { "DISCONNECTED" });
    } else if draining {
        title.push_str(&format!(" · {}", inst.status.as_str()));
    }
    scene.text(r.x + 8.0, r.y + 16.0 * ts.min(1.3), fit(&title, r.w - 16.0, 12.0 * ts), 12.0 * ts, palette::CARD_TEXT, Align::Left, true);
    let bar_w = r.w - 16.0;
    let bars = [
        ("CPU", inst.registered_cpu - inst.remaining_cpu, inst.registered_cpu, palette::CPU_BAR),
        ("MEM", inst.registered_memory_mib - inst.remaining_memory_mib, inst.registered_memory_mib, palette::MEMORY_BAR),
    ];
    for (k, (label, used, total, colour)) in bars.iter().enumerate() {
        let y = r.y + 24.0 * ts.min(1.3) + k as f64 * 16.0;
        let track = Rect { x: r.x + 46.0, y, w: bar_w - 38.0, h: 8.0 };
        scene.text(r.x + 8.0, y + 8.0, *label, 10.0 * ts.min(1.2), palette::MUTED_TEXT, Align::Left, false);
        scene.rect(track, palette::BAR_TRACK, None, 3.0);
        let frac = if *total == 0 { 0.0 } else { *used as f64 / *total as f64 };
        scene.rect(Rect { w: track.w * frac.clamp(0.0, 1.0), ..track }, colour, None, 3.0);
    }
    let tasks_y = r.y + 24.0 * ts.min(1.3) + 36.0;
    draw_task_row(sim, &inst.tasks, Rect { x: r.x + 8.0, y: tasks_y, w: r.w - 16.0, h: r.y + r.h - tasks_y - 6.0 }, ts, scene);
}

fn draw_compact_card(sim: &Sim, i: usize, r: Rect, scene: &mut Scene) {
    let inst = &sim.instances[i];
    let frac = 1.0 - inst.remaining_memory_mib as f64 / inst.registered_memory_mib.max(1) as f64;
    // Square corners: thousands of tiny round rects cost more to raster than they add.
    scene.rect(r, if inst.status == InstanceStatus::Active && inst.agent_connected { palette::CARD } else { palette::CARD_DRAINING }, None, 0.0);
    scene.rect(Rect { w: r.w * frac.clamp(0.0, 1.0), ..r }, palette::MEMORY_BAR, None, 0.0);
    if r.w >= 34.0 && r.h >= 16.0 && !inst.tasks.is_empty() {
        scene.text(r.x + 4.0, r.y + r.h / 2.0 + 4.0, format!("{}", inst.tasks.len()), 11.0, palette::CARD_TEXT, Align::Left, true);
    }
    for &t in &inst.tasks {
        scene.task_blocks.push((t, r));
    }
}

/// Task blocks left to right, wrapping; each shows its host port (or IP for awsvpc).
fn draw_task_row(sim: &Sim, tasks: &[usize], area: Rect, ts: f64, scene: &mut Scene) {
    let bw = BLOCK_W * ts.min(1.3);
    let bh = BLOCK_H * ts.min(1.2);
    let per_row = ((area.w + 4.0) / (bw + 4.0)).floor().max(1.0) as usize;
    for (n, &t) in tasks.iter().enumerate() {
        let (row, col) = (n / per_row, n % per_row);
        let r = Rect { x: area.x + col as f64 * (bw + 4.0), y: area.y + row as f64 * (bh + 4.0), w: bw, h: bh };
        if r.y + r.h > area.y + area.h + 1.0 {
            let more = tasks.len() - n;
            scene.text(area.x + area.w, area.y + area.h, format!("+{more}"), 11.0 * ts, palette::CARD_TEXT, Align::Left, true);
            break;
        }
        let task = &sim.tasks[t];
        let colour = palette::service(task.service);
        // A new task slides in from the pending queue (top left) to its place.
        let r = match scene.arriving.iter().find(|(a, _)| *a == t) {
            Some(&(_, p)) => {
                let e = 1.0 - (1.0 - p.clamp(0.0, 1.0)).powi(3);
                Rect { x: QUEUE_X + (r.x - QUEUE_X) * e, y: QUEUE_Y + (r.y - QUEUE_Y) * e, ..r }
            }
            None => r,
        };
        let health = sim.targets.iter().flatten().find(|x| x.task == t).map(|x| match x.state {
            TargetState::Healthy => palette::HEALTHY,
            TargetState::Initial => palette::INITIAL,
            TargetState::Unhealthy => palette::UNHEALTHY,
            TargetState::Draining => palette::DRAINING,
        });
        let (fill, stroke) = match task.last_status {
            TaskStatus::Running => (colour, health),
            s if s < TaskStatus::Running => (palette::CARD, Some(colour)),
            _ => (palette::CARD, Some(palette::DRAINING)),
        };
        scene.rect(r, fill, stroke, 4.0);
        let spot = task.capacity_provider.as_deref() == Some("FARGATE_SPOT") || task.instance.is_some_and(|i| sim.instances[i].spec.spot);
        if spot {
            // A corner tab marks Spot capacity, which can be interrupted.
            scene.rect(Rect { x: r.x + r.w - 9.0, y: r.y + 2.0, w: 7.0, h: 7.0 }, palette::ALB, None, 0.0);
        }
        if view_selected(scene, t) {
            scene.rect(Rect { x: r.x - 3.0, y: r.y - 3.0, w: r.w + 6.0, h: r.h + 6.0 }, "rgba(0,0,0,0)", Some(palette::SELECTED), 6.0);
        }
        let countdown = task.next_change_at.filter(|_| task.last_status != TaskStatus::Running).map(|at| at.saturating_sub(sim.now()).div_ceil(1000));
        // A batch task counts down to its essential container's exit.
        let exit_in = task.next_change_at.filter(|_| task.last_status == TaskStatus::Running).map(|at| at.saturating_sub(sim.now()).div_ceil(1000));
        let label = match (countdown, task.private_ip, task.bindings.first(), exit_in) {
            (Some(s), _, _, _) => format!("{} {s}s", &task.last_status.as_str()[..4]),
            // m:ss until the essential container exits (the inspector says so in words).
            (None, _, _, Some(s)) => format!("{}:{:02}", s / 60, s % 60),
            (None, Some(ip), _, _) => format!(".{}.{}", (ip >> 8) & 255, ip & 255),
            (None, None, Some(b), _) => format!(":{}", b.host_port),
            (None, None, None, _) => String::new(),
        };
        // A container's AWS call in the last minute: a green (allowed) or red (denied) dot.
        if let Some(c) = sim.api_calls.iter().rev().take_while(|c| c.at + 60_000 >= sim.now()).find(|c| c.task_arn == task.arn) {
            let colour = if c.allowed { palette::HEALTHY } else { palette::UNHEALTHY };
            scene.rect(Rect { x: r.x + 2.0, y: r.y + r.h - 9.0, w: 7.0, h: 7.0 }, colour, Some(palette::BACKGROUND), 3.5);
        }
        let text_colour = if task.last_status == TaskStatus::Running { palette::BACKGROUND } else { palette::CARD_TEXT };
        scene.text(r.x + r.w / 2.0, r.y + r.h / 2.0 + 4.0, label, 11.0 * ts, text_colour, Align::Centre, true);
        scene.task_blocks.push((t, r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_light_at(seconds: u64) -> Sim {
        let scenario = stevedore_sim::load(crate::scenarios::default().json).expect("built-in scenario loads");
        let mut sim = Sim::new(scenario);
        sim.advance_to(seconds * 1000);
        sim
    }

    fn lesson_at(id: &str, seconds: u64) -> Sim {
        let scenario = stevedore_sim::load(crate::scenarios::find(id).expect("lesson exists").json).expect("lesson loads");
        let mut sim = Sim::new(scenario);
        sim.advance_to(seconds * 1000);
        sim
    }

    fn count(scene: &Scene, colour: &str, line: bool) -> usize {
        scene.shapes.iter().filter(|s| match s {
            Shape::Line { colour: c, .. } => line && c == colour,
            Shape::Rect { fill, .. } => !line && fill == colour,
            _ => false,
        }).count()
    }

    #[test]
    fn request_dots_follow_traffic_and_calls_are_drawn_between_tasks() {
        let sim = lesson_at("service-discovery", 6 * 60);
        let view = |phase_s: f64| View { width: 1280.0, height: 720.0, text_scale: 1.0, phase_s, ..View::default() };
        let scene = layout(&sim, &view(0.0));
        // 120 requests/s over 2 healthy targets = 60 per target: 5 dots per line (at most 5).
        assert_eq!(count(&scene, palette::REQUEST, false), 2 * MAX_DOTS_PER_LINE);
        // One pink line per caller task: 2 web → orders, 5 orders → payments.
        assert_eq!(count(&scene, palette::CALL, true), sim.call_edges().len());
        assert_eq!(sim.call_edges().len(), 7);
        // The dots move with the phase.
        let dots = |scene: &Scene| scene.shapes.iter().filter_map(|s| match s { Shape::Rect { r, fill, .. } if fill == palette::REQUEST => Some((r.x, r.y)), _ => None }).collect::<Vec<_>>();
        assert_ne!(dots(&scene), dots(&layout(&sim, &view(0.4))));
        // With payments scaled to zero, orders' calls resolve nowhere: no lines for them.
        let sim = lesson_at("service-discovery", 8 * 60);
        assert_eq!(count(&layout(&sim, &view(0.0)), palette::CALL, true), 2);
    }

    #[test]
    fn stopped_tasks_fade_out_where_they_stood() {
        let sim = first_light_at(60);
        let block = Rect { x: 100.0, y: 200.0, w: 58.0, h: 30.0 };
        let scene = layout(&sim, &View { width: 1280.0, height: 720.0, text_scale: 1.0, departing: &[(block, "#22c55e", 0.5)], ..View::default() });
        let ghost = scene.shapes.iter().find_map(|s| match s { Shape::Rect { r, fill, .. } if fill.starts_with("rgba(34,197,94,") => Some((*r, fill.clone())), _ => None });
        let (r, fill) = ghost.expect("the departing task is drawn");
        assert_eq!(fill, "rgba(34,197,94,0.40)", "half-way: 40 % opaque");
        assert!(r.w < block.w && r.x > block.x, "and shrinking: {r:?}");
        assert_eq!(palette::with_alpha("not a colour", 0.5), "not a colour");
    }

    #[test]
    fn each_load_balancer_gets_a_box_and_its_own_lines() {
        let sim = lesson_at("network-load-balancer", 120);
        let scene = layout(&sim, &View { width: 1280.0, height: 720.0, text_scale: 1.0, ..View::default() });
        let titles: Vec<&str> = scene.shapes.iter().filter_map(|s| match s { Shape::Text { text, .. } if text.starts_with("ALB ") || text.starts_with("NLB ") => Some(text.as_str()), _ => None }).collect();
        assert_eq!(titles, vec!["ALB api-alb", "NLB api-nlb"]);
        // The ALB's two targets are unhealthy (red lines), the NLB's healthy (green).
        assert_eq!(count(&scene, palette::UNHEALTHY, true), 2);
        assert_eq!(count(&scene, palette::HEALTHY, true), 2);
        // Both fail-open ALB targets and healthy NLB targets carry request dots.
        assert!(count(&scene, palette::REQUEST, false) >= 4);
    }

    #[test]
    fn every_live_task_gets_a_block_inside_its_instance_card() {
        let sim = first_light_at(60);
        let scene = layout(&sim, &View { width: 1280.0, height: 720.0, text_scale: 1.0, ..View::default() });
        let live = sim.tasks.iter().filter(|t| t.live()).count();
        assert_eq!(scene.task_blocks.len(), live);
        assert_eq!(live, 6);
        for (t, block) in &scene.task_blocks {
            let i = sim.tasks[*t].instance.unwrap();
            let card = scene.instance_cards.iter().find(|(c, _)| *c == i).unwrap().1;
            assert!(card.contains(block.x, block.y) && card.contains(block.x + block.w, block.y + block.h), "task {t} block {block:?} outside card {card:?}");
        }
    }

    #[test]
    fn healthy_targets_are_drawn_as_green_lines() {
        let sim = first_light_at(60);
        let scene = layout(&sim, &View { width: 1920.0, height: 1080.0, text_scale: 1.0, ..View::default() });
        let green = scene.shapes.iter().filter(|s| matches!(s, Shape::Line { colour, .. } if colour == palette::HEALTHY)).count();
        assert_eq!(green, 6);
    }

    #[test]
    fn clicks_find_tasks_then_instances_and_queries_mark_cards() {
        let sim = first_light_at(60);
        let hits = vec![true, false, false, false, false, false];
        let scene = layout(&sim, &View { width: 1280.0, height: 720.0, text_scale: 1.0, highlight: Some(&hits), ..View::default() });
        let (t, block) = scene.task_blocks[0];
        assert_eq!(scene.hit(block.x + 2.0, block.y + 2.0), Some(Hit::Task(t)));
        let (i, card) = scene.instance_cards[0];
        assert_eq!(scene.hit(card.x + 2.0, card.y + 2.0), Some(Hit::Instance(i)));
        assert_eq!(scene.hit(-5.0, -5.0), None);
        let framed = scene.shapes.iter().filter(|s| matches!(s, Shape::Rect { stroke: Some(c), .. } if c == palette::QUERY_MATCH)).count();
        assert_eq!(framed, 1);
    }

    #[test]
    fn new_tasks_travel_from_the_queue_and_waiting_ones_count_down() {
        let sim = first_light_at(0);
        let t = sim.tasks[0].instance.map(|_| 0).unwrap();
        let at = |p: f64| {
            let scene = layout(&sim, &View { width: 1280.0, height: 720.0, text_scale: 1.0, arriving: &[(t, p)], ..View::default() });
            scene.task_blocks.iter().find(|(x, _)| *x == t).unwrap().1
        };
        let (start, end) = (at(0.0), at(1.0));
        assert_eq!((start.x, start.y), (QUEUE_X, QUEUE_Y));
        assert!(end.y > 100.0, "{end:?}");
        let mid = at(0.5);
        assert!(mid.x > start.x.min(end.x) - 0.1 && mid.y > start.y && mid.y < end.y);
        // PENDING for 10 s at second 0: the block says so.
        let scene = layout(&sim, &View { width: 1280.0, height: 720.0, text_scale: 1.0, ..View::default() });
        assert!(scene.shapes.iter().any(|s| matches!(s, Shape::Text { text, .. } if text == "PEND 10s")));
    }

    #[test]
    fn long_labels_are_shortened_to_fit() {
        assert_eq!(fit("short", 100.0, 10.0), "short");
        let cut = fit("us-east-1a · 2 instances · 3 tasks", 120.0, 14.0);
        assert!(cut.ends_with('…') && cut.chars().count() <= 14, "{cut}");
    }

    #[test]
    fn thousands_of_instances_fall_back_to_compact_cards() {
        let mut doc: serde_json::Value = serde_json::from_str(crate::scenarios::default().json).unwrap();
        doc["containerInstances"][0]["count"] = serde_json::json!(1500);
        let sim = Sim::new(stevedore_sim::load(&doc.to_string()).unwrap());
        let scene = layout(&sim, &View { width: 1280.0, height: 720.0, text_scale: 1.0, ..View::default() });
        assert_eq!(scene.instance_cards.len(), 1504);
        assert!(scene.instance_cards.iter().all(|(_, r)| r.y + r.h <= 720.0 + 0.5), "cards must fit on screen");
    }
}

fn view_selected(scene: &Scene, task: usize) -> bool {
    scene.selected_task == Some(task)
}

impl Scene {
    /// What is under a point: a task block first, then an instance card.
    pub fn hit(&self, x: f64, y: f64) -> Option<Hit> {
        if let Some((t, _)) = self.task_blocks.iter().rev().find(|(_, r)| r.contains(x, y) && r.w > 12.0) {
            return Some(Hit::Task(*t));
        }
        self.instance_cards.iter().find(|(_, r)| r.contains(x, y)).map(|(i, _)| Hit::Instance(*i))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    Task(usize),
    Instance(usize),
}
