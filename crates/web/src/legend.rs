//! The legend: a strip under the picture explaining the colours, patterns and short labels the
//! frame actually uses (services first), as many as fit, never cut.

use crate::layout::Ctx;
use crate::scene::{text_width, Align, Dash, Rect, Scene, Shape};
use stevedore_sim::engine::TargetState;

/// What this frame drew that needs explaining (set by the parts of the layout).
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// Target health seen, indexed like `TargetState` (initial, healthy, unhealthy, draining).
    pub health: [bool; 4],
    pub pending: bool,
    pub stopping: bool,
    pub spot: bool,
    pub port: bool,
    pub ip: bool,
    pub short_ip: bool,
    pub countdown: bool,
    /// A task's container row: essential named, non-essential hatched.
    pub containers: bool,
    pub draining_instance: bool,
    pub capacity: bool,
    pub ghost: bool,
    pub requests: bool,
    pub calls: bool,
    /// Level of detail in use: ticks per task, or memory density.
    pub marks: bool,
    pub density: bool,
    pub standalone: bool,
    pub slow_start: bool,
    /// A target group with cross-zone load balancing off (one node per zone).
    pub zonal: bool,
}

pub fn height(cx: &Ctx) -> f64 {
    strip_height(cx.ty)
}

pub fn strip_height(ty: crate::scene::Type) -> f64 {
    ty.small + 14.0
}

enum Swatch {
    Line(&'static str, Dash),
    Block(&'static str),
    Outline(&'static str, Dash),
    Dot(&'static str),
    Label(&'static str),
}

pub fn draw(cx: &mut Ctx, strip: Rect, scene: &mut Scene) {
    let (sim, c, ty) = (cx.sim, cx.c, cx.ty);
    let s = cx.seen.clone();
    let mut items: Vec<(Swatch, String)> = Vec::new();
    for (k, svc) in sim.services.iter().enumerate().take(6) {
        items.push((Swatch::Block(c.service(Some(k))), svc.def.name.clone()));
    }
    if s.standalone {
        items.push((Swatch::Block(c.service(None)), "standalone task (RunTask)".into()));
    }
    let states = [(TargetState::Healthy, "healthy"), (TargetState::Initial, "initial"), (TargetState::Unhealthy, "unhealthy"), (TargetState::Draining, "draining")];
    for (state, word) in states {
        if s.health[state as usize] {
            items.push((Swatch::Line(crate::layout::health_colour(c, state), crate::layout::health_dash(state)), format!("target {word}")));
        }
    }
    // Short labels first (they mean nothing unexplained), then shapes.
    let flags: [(bool, Swatch, &str); 17] = [
        (s.short_ip, Swatch::Label(".16.5"), "end of task IP"),
        (s.countdown, Swatch::Label("1:20"), "until the task exits"),
        (s.containers, Swatch::Outline(c.muted_text, Dash::Dotted), "hatched: container not essential"),
        (s.port, Swatch::Label(":32768"), "host port"),
        (s.ip, Swatch::Label("10.0.1.7"), "task IP"),
        (s.ghost, Swatch::Outline(c.unhealthy, Dash::Dotted), "can't place here"),
        (s.pending, Swatch::Outline(c.muted_text, Dash::Dashed), "starting"),
        (s.stopping, Swatch::Outline(c.draining, Dash::Dotted), "stopping"),
        (s.capacity, Swatch::Outline(c.card_text, Dash::Solid), "block: width CPU, height memory"),
        (s.spot, Swatch::Block(c.alb), "corner: Spot"),
        (s.draining_instance, Swatch::Outline(c.initial, Dash::Long), "instance draining"),
        (s.slow_start, Swatch::Line(c.healthy, Dash::Sparse), "slow start: share ramping up"),
        (s.zonal, Swatch::Block(c.card_text), "LB node: cross-zone off, stays in its AZ"),
        (s.requests, Swatch::Dot(c.request), "requests"),
        (s.calls, Swatch::Line(c.call, Dash::Solid), "service call"),
        (s.marks, Swatch::Block(c.services[0]), "tick = one task"),
        (s.density, Swatch::Block(c.memory_bar), "memory in use"),
    ];
    items.extend(flags.into_iter().filter(|f| f.0).map(|(_, sw, t)| (sw, t.to_string())));
    scene.overlay.push(Shape::Rect { r: strip, fill: c.background.to_string(), stroke: None, radius: 0.0 });
    let mut x = strip.x + 8.0;
    let y = strip.y + strip.h / 2.0;
    let size = ty.small;
    for (sw, label) in items {
        let sw_w = match &sw {
            Swatch::Label(t) => text_width(t, size),
            _ => size * 1.6,
        };
        let w = sw_w + 6.0 + text_width(&label, size);
        if x + w > strip.right() - 8.0 {
            break;
        }
        let box_ = Rect { x, y: y - size * 0.4, w: sw_w, h: size * 0.8 };
        match sw {
            Swatch::Line(colour, dash) => scene.overlay.push(Shape::Line { from: (x, y), to: (x + sw_w, y), colour: colour.to_string(), width: cx.line, dash }),
            Swatch::Block(colour) => scene.overlay.push(Shape::Rect { r: box_, fill: colour.to_string(), stroke: None, radius: 2.0 }),
            Swatch::Outline(colour, dash) => scene.overlay.push(Shape::Frame { r: box_, colour: colour.to_string(), width: cx.line, dash, radius: 2.0 }),
            Swatch::Dot(colour) => scene.overlay.push(Shape::Rect { r: Rect { x: x + sw_w / 2.0 - 4.0, y: y - 4.0, w: 8.0, h: 8.0 }, fill: colour.to_string(), stroke: None, radius: 4.0 }),
            Swatch::Label(t) => scene.overlay.push(Shape::Text { x, y: y + size * 0.35, text: t.to_string(), size, colour: c.card_text.to_string(), align: Align::Left, bold: true }),
        }
        scene.overlay.push(Shape::Text { x: x + sw_w + 6.0, y: y + size * 0.35, text: label.clone(), size, colour: c.muted_text.to_string(), align: Align::Left, bold: false });
        scene.object("legend", label, Rect { x, y: strip.y, w, h: strip.h }, "");
        x += w + 18.0;
    }
}
