//! The display list: the sim drawn as an architect's diagram (Region → VPC → one column per
//! Availability Zone → subnets → instances and Fargate tasks, load balancers above, the AWS
//! services around it at the edge), computed in pure Rust so its geometry is tested natively.
//! `paint` issues it. The picture always fills the canvas it is given; zoom is on top.

use crate::palette::Colours;
pub use crate::scene::{Align, Dash, Hit, Rect, Scene};
use crate::scene::{fit_parts, Type};
use crate::{cards, captions, edges, legend, moves, traffic};
use crate::lookups::ByTask;
use stevedore_sim::engine::TargetState;
use stevedore_sim::Sim;

/// What the app hands the layout besides the sim. Sizes are CSS pixels.
#[derive(Default)]
pub struct View<'a> {
    pub width: f64,
    pub height: f64,
    /// Projection mode: large type (≥ 16 px), high-contrast colours, thicker lines.
    pub projection: bool,
    /// Instances matching the query box, by index (None: no query).
    pub highlight: Option<&'a [bool]>,
    pub selected_task: Option<usize>,
    pub selected_instance: Option<usize>,
    /// Tasks still travelling from the pending queue to their place, with progress 0..1.
    pub arriving: &'a [(usize, f64)],
    /// Instances just registered, sliding in from the right (where the Auto Scaling group
    /// node is), with progress 0..1. Wall time only: where the sim put them is unchanged.
    pub arriving_instances: &'a [(usize, f64)],
    /// Tasks that just stopped, fading out where they stood: (block, colour, progress 0..1).
    pub departing: &'a [(Rect, &'a str, f64)],
    /// Wall-clock seconds while playing: moves the request-flow dots (0 when paused).
    pub phase_s: f64,
    /// How far back (sim ms) events still get a caption; captions fade over this window.
    pub caption_window_ms: u64,
    /// The zoom the picture is shown at: the level of detail is chosen from on-screen sizes,
    /// and cards off screen aren't drawn in detail.
    pub zoom: crate::zoom::Zoom,
}

impl View<'_> {
    /// The part of the world on screen.
    pub fn visible(&self) -> Rect {
        let s = self.zoom.scale.max(1.0);
        Rect { x: self.zoom.x, y: self.zoom.y, w: self.width / s, h: self.height / s }
    }
}

/// Everything the parts of the layout share for one frame.
pub struct Ctx<'a> {
    pub sim: &'a Sim,
    pub view: &'a View<'a>,
    pub c: &'static Colours,
    pub ty: Type,
    /// Task → (its target health, since, target group), for tasks registered as targets.
    pub health: ByTask<(TargetState, u64, usize)>,
    /// Task → the host port its target uses (what its chip shows).
    pub target_port: ByTask<u16>,
    /// Where new tasks travel from (the waiting box, or the VPC's corner).
    pub queue_at: (f64, f64),
    /// What the legend has to explain (set as things are drawn).
    pub seen: legend::Seen,
    /// Line widths: thicker in projection mode.
    pub line: f64,
    /// Task → what holds its block (an instance's box, a Fargate strip): a target line's
    /// visible stub is the part inside it.
    pub stub_top: ByTask<Rect>,
    /// Index in the shapes where the zones' contents begin (target lines go under them).
    pub under_zones: usize,
    /// Per service that can't place, in service order: why each instance refuses its next task
    /// (asked once).
    pub blockers: Vec<(usize, Vec<(usize, stevedore_sim::placement::Stage, String)>)>,
    /// Live tasks on no instance (Fargate, or waiting for EC2 capacity): found in one pass over
    /// the sim's tasks, which zones and the waiting band then share.
    pub loose: Vec<usize>,
}

pub const GAP: f64 = 8.0;

pub fn layout(sim: &Sim, view: &View<'_>) -> Scene {
    let ty = Type::new(view.projection, view.width);
    let c = Colours::for_mode(view.projection);
    let mut health = ByTask::default();
    let mut target_port = ByTask::default();
    for (tg, targets) in sim.aws.elb.iter().enumerate() {
        for t in targets.iter() {
            // A task in two target groups: its first registration names the chip.
            health.insert_first(t.task, (t.state, t.since, tg));
            target_port.insert_first(t.task, t.port);
        }
    }
    let mut cx = Ctx { sim, view, c, ty, health, target_port, queue_at: (GAP, GAP), seen: legend::Seen::default(), line: if view.projection { 3.0 } else { 2.0 }, stub_top: ByTask::default(), under_zones: 0, blockers: Vec::new(), loose: (0..sim.tasks.len()).filter(|&t| sim.tasks[t].live() && sim.tasks[t].instance.is_none()).collect() };
    // Only where cards are drawn in detail (a few hundred instances at most).
    if sim.instances.len() <= 400 {
        cx.blockers = (0..sim.services.len()).filter(|&s| sim.services[s].unplaced.is_some()).map(|s| (s, sim.placement_blockers(s))).collect();
    }
    let mut scene = Scene { world: Rect { x: 0.0, y: 0.0, w: view.width, h: view.height }, ..Scene::default() };
    scene.rect(Rect { x: 0.0, y: 0.0, w: view.width, h: view.height }, c.background, None, 0.0);

    let legend_h = legend::height(&cx);
    let region = Rect { x: GAP / 2.0, y: GAP / 2.0, w: view.width - GAP, h: view.height - legend_h - GAP };
    scene.frame(region, c.region, 1.5, Dash::Solid, 6.0);
    let region_label = fit_parts(&["AWS Cloud", &format!("Region {}", sim.scenario.arns.region)], region.w - 2.0 * GAP, ty.body);
    scene.text(region.x + GAP, region.y + ty.body + 4.0, region_label, ty.body, c.lane_text, Align::Left, true);
    let head = ty.body + 10.0;

    // The AWS services a scenario uses sit outside the VPC, in a column on the right.
    let nodes = edges::nodes(sim);
    let edge_w = if nodes.is_empty() { 0.0 } else { edges::column_width(&cx, region.w) };
    let vpc = Rect { x: region.x + GAP, y: region.y + head, w: region.w - 2.0 * GAP - if edge_w > 0.0 { edge_w + GAP } else { 0.0 }, h: region.h - head - GAP };
    scene.frame(vpc, c.vpc, 1.5, Dash::Solid, 6.0);
    let vpc_label = fit_parts(&["VPC", &format!("ECS cluster {}", sim.scenario.arns.cluster)], vpc.w - 2.0 * GAP, ty.small);
    scene.text(vpc.x + GAP, vpc.y + ty.small + 4.0, vpc_label, ty.small, c.vpc, Align::Left, true);
    let mut inner = Rect { x: vpc.x + GAP, y: vpc.y + ty.small + 10.0, w: vpc.w - 2.0 * GAP, h: vpc.h - ty.small - 10.0 - GAP };
    cx.queue_at = (inner.x, inner.y);

    let zones = zones(sim, &cx.loose);
    // Bands above the zones: tasks waiting to be placed, then the load balancers.
    if let Some(h) = cards::draw_waiting(&mut cx, inner, &mut scene) {
        inner = Rect { y: inner.y + h + GAP, h: inner.h - h - GAP, ..inner };
    }
    let columns = zone_columns(zones.len(), Rect { y: inner.y, h: inner.h, ..inner });
    let lb_h = traffic::band_height(&cx);
    let lb_band = Rect { h: lb_h, ..inner };
    if lb_h > 0.0 {
        inner = Rect { y: inner.y + lb_h + GAP, h: inner.h - lb_h - GAP, ..inner };
    }
    let lanes: Vec<Rect> = columns.iter().map(|r| Rect { y: inner.y, h: inner.h, ..*r }).collect();
    for lane in &lanes {
        scene.rect(*lane, c.lane, Some(c.region), 6.0);
    }
    cx.under_zones = scene.shapes.len();
    for (zone, lane) in zones.iter().zip(&lanes) {
        cards::draw_zone(&mut cx, zone, *lane, &mut scene);
    }
    if nodes.is_empty() && zones.is_empty() {
        scene.text(inner.x + inner.w / 2.0, inner.y + inner.h / 2.0, "No container instances or tasks yet", ty.title, c.muted_text, Align::Centre, false);
    }
    // Load balancers span the zones they serve; their lines go under the cards, with a stub
    // over the card down to the port so the end is visible.
    let lbs = traffic::draw_load_balancers(&mut cx, lb_band, &zones, &lanes, &mut scene);
    traffic::draw_targets(&mut cx, &lbs, &zones, &lanes, &mut scene);
    departing(&cx, &mut scene);
    moves::draw(&mut cx, &mut scene);
    traffic::draw_calls(&mut cx, &mut scene);
    if edge_w > 0.0 {
        let column = Rect { x: vpc.right() + GAP, y: vpc.y, w: edge_w, h: vpc.h };
        edges::draw(&mut cx, &nodes, column, &mut scene);
    }
    captions::draw(&mut cx, &mut scene);
    legend::draw(&mut cx, Rect { x: 0.0, y: view.height - legend_h, w: view.width, h: legend_h }, &mut scene);
    scene
}

/// Availability Zones in use: instances', live tasks' and subnets', sorted (never empty names:
/// a task still waiting for capacity has no zone yet).
pub fn zones(sim: &Sim, loose: &[usize]) -> Vec<String> {
    use stevedore_sim::sort::SortSmall;
    let mut z: Vec<String> = sim.instances.iter().map(|i| i.spec.availability_zone.clone()).collect();
    z.extend(loose.iter().map(|&t| &sim.tasks[t]).filter(|t| !t.awaiting_capacity).map(|t| t.availability_zone.clone()));
    z.extend(sim.scenario.subnets.iter().map(|s| s.availability_zone.clone()));
    z.retain(|a| !a.is_empty());
    z.sort_small();
    z.dedup();
    z
}

fn zone_columns(n: usize, area: Rect) -> Vec<Rect> {
    let k = n.max(1) as f64;
    let w = (area.w - GAP * (k - 1.0)) / k;
    (0..n).map(|i| Rect { x: area.x + i as f64 * (w + GAP), y: area.y, w, h: area.h }).collect()
}

/// Stopped tasks shrink and fade where they stood, so scale-in is seen, not just missed.
fn departing(cx: &Ctx, scene: &mut Scene) {
    for &(r, colour, p) in cx.view.departing {
        let p = p.clamp(0.0, 1.0);
        let (w, h) = (r.w * (1.0 - 0.6 * p), r.h * (1.0 - 0.6 * p));
        let shrunk = Rect { x: r.x + (r.w - w) / 2.0, y: r.y + (r.h - h) / 2.0 + 12.0 * p, w, h };
        scene.rect(shrunk, &crate::palette::with_alpha(colour, 0.8 * (1.0 - p)), None, 4.0);
    }
}

pub fn health_colour(c: &Colours, s: TargetState) -> &'static str {
    match s {
        TargetState::Healthy => c.healthy,
        TargetState::Initial => c.initial,
        TargetState::Unhealthy => c.unhealthy,
        TargetState::Draining => c.draining,
    }
}

/// Health by pattern as well as colour: solid healthy, dashed initial, dotted unhealthy, long
/// dashes draining.
pub fn health_dash(s: TargetState) -> Dash {
    match s {
        TargetState::Healthy => Dash::Solid,
        TargetState::Initial => Dash::Dashed,
        TargetState::Unhealthy => Dash::Dotted,
        TargetState::Draining => Dash::Long,
    }
}

impl Scene {
    /// The extent of the blocks of task `t`'s service (or of the task alone), for focusing.
    pub fn service_extent(&self, sim: &Sim, t: usize) -> Option<Rect> {
        let service = sim.tasks.get(t)?.service;
        let mut out: Option<Rect> = None;
        for (k, r) in &self.task_blocks {
            if *k == t || (service.is_some() && sim.tasks[*k].service == service) {
                out = Some(match out {
                    None => *r,
                    Some(o) => {
                        let (x, y) = (o.x.min(r.x), o.y.min(r.y));
                        Rect { x, y, w: o.right().max(r.right()) - x, h: o.bottom().max(r.bottom()) - y }
                    }
                });
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "layout_tests.rs"]
mod tests;
