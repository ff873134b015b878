//! Captions for the room: the important events of the last few seconds, in a few words, next to
//! where they happened (the service's tasks, the instance, the load balancer, the AWS service
//! node), fading as they age. Read from the sim's event log; nothing decided here.

use crate::layout::Ctx;
use crate::palette::with_alpha;
use crate::scene::{first_fit, text_width, Align, Dash, Rect, Scene};
use stevedore_sim::engine::LogEntry;

/// Captions on screen at once at most (newest first), and log entries looked at per frame.
const MAX_CAPTIONS: usize = 4;
const SCAN: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Bad,
    Notice,
    Good,
}

/// A caption's words (longest first) and tone for a log entry, or None if it is not one of
/// the events the room needs to see.
pub fn caption(e: &LogEntry) -> Option<(Vec<String>, Tone)> {
    let m = e.message.as_str();
    let who = e.subject.as_str();
    let count = |after: &str| m.split(after).nth(1).and_then(|r| r.split_whitespace().next()).unwrap_or("").to_string();
    let out = match e.kind {
        "service" if m.contains("was unable to place") => (vec![format!("{who}: can't place a task"), "can't place".into()], Tone::Bad),
        "service" if m.contains("deployment failed") || m.contains("circuit breaker") => (vec![format!("{who}: circuit breaker, deployment failed"), format!("{who}: deployment failed")], Tone::Bad),
        "service" if m.contains("rolling back") || m.contains("rollback") => (vec![format!("{who}: rolling back"), "rollback".into()], Tone::Bad),
        "service" if m.contains("deployment completed") => (vec![format!("{who}: deployment completed"), "deployed".into()], Tone::Good),
        "service" if m.contains("has started a") && m.contains("deployment") => (vec![format!("{who}: new deployment started"), "deployment".into()], Tone::Notice),
        "service" if m.contains("has started") => {
            let n = count("has started ");
            (vec![format!("{who}: started {n} task{}", if n == "1" { "" } else { "s" }), format!("+{n}")], Tone::Good)
        }
        "service" if m.contains("has stopped") => {
            let n = count("has stopped ");
            (vec![format!("{who}: stopped {n} task{}", if n == "1" { "" } else { "s" }), format!("−{n}")], Tone::Notice)
        }
        "service" if m.contains("failed ELB health checks") => (vec![format!("{who}: task failed health checks"), "unhealthy".into()], Tone::Bad),
        "service" if m.contains("begun draining") => (vec![format!("{who}: draining a target"), "draining".into()], Tone::Notice),
        "instance" if m.contains("Spot interruption notice") => (vec![format!("{}: Spot notice, DRAINING", crate::scene::short_id(who)), "Spot notice".into()], Tone::Bad),
        "instance" if m.contains("launches") => (vec![format!("ASG {who}: launching instances"), "ASG launch".into()], Tone::Notice),
        "instance" if m.starts_with("status DRAINING") => (vec![format!("{}: DRAINING", crate::scene::short_id(who)), "DRAINING".into()], Tone::Notice),
        "instance" if m.starts_with("registered") => (vec![format!("{}: registered", crate::scene::short_id(who)), "new instance".into()], Tone::Good),
        "targetGroup" if m.contains("unhealthy") => (vec![format!("{who}: target unhealthy"), "unhealthy".into()], Tone::Bad),
        "targetGroup" if m.contains("healthy") => (vec![format!("{who}: target healthy"), "healthy".into()], Tone::Good),
        "iam" if m.contains("DENIED") => (vec![format!("AccessDenied: {}", m.split(" on ").next().unwrap_or("call")), "AccessDenied".into()], Tone::Bad),
        // The essential exit in AWS's own stoppedReason words, with the container's exit code
        // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html).
        "taskStopped" if m.starts_with("essential container ") => {
            let rest = &m["essential container ".len()..];
            let (name, code) = (rest.split(" exited").next().unwrap_or(""), m.rsplit(' ').next().unwrap_or(""));
            let id = crate::scene::short_id(who);
            (vec![format!("task {id} stopped: Essential container in task exited ({name} exit {code})"), format!("Essential container in task exited · exit {code}"), format!("essential {name} exited · exit {code}"), format!("exit {code}: task stopped")], Tone::Bad)
        }
        "taskStopped" => (vec![format!("task {} stopped: {}", crate::scene::short_id(who), m.split(':').next().unwrap_or(m)), format!("stopped: {}", m.split(':').next().unwrap_or(m)), "task stopped".into()], Tone::Bad),
        "alarm" => {
            let state = m.split(" → ").nth(1).and_then(|r| r.split(':').next()).unwrap_or("");
            (vec![format!("alarm {who} → {state}"), format!("→ {state}")], if state == "ALARM" { Tone::Bad } else { Tone::Good })
        }
        "scaling" => (vec![format!("scaling: {}", m.split(". ").next().unwrap_or(m).trim_end_matches('.')), "scaling".into()], Tone::Notice),
        "action" if m.contains("invoked RunTask") => (vec![format!("{who}: RunTask"), "RunTask".into()], Tone::Notice),
        _ => return None,
    };
    Some(out)
}

/// Where a caption belongs: the object its subject names, if drawn.
fn anchor(cx: &Ctx, e: &LogEntry, scene: &Scene) -> Option<Rect> {
    let find = |kind: &str, id: &str| scene.objects.iter().find(|o| o.kind == kind && o.id == id).map(|o| o.r);
    let sim = cx.sim;
    match e.kind {
        "service" => {
            let s = sim.services.iter().position(|s| s.def.name == e.subject)?;
            let t = sim.services[s].tasks.first()?;
            scene.task_blocks.iter().find(|(x, _)| x == t).map(|(_, r)| *r).or_else(|| find("waiting", ""))
        }
        "instance" => find("instance", &e.subject).or_else(|| find("edge", "Auto Scaling groups")),
        // A stopped task has no block any more: its instance (or its service's tasks) then.
        "task" | "taskStopped" | "iam" => {
            let t = sim.find_task(&e.subject)?;
            let task = &sim.tasks[t];
            scene.task_blocks.iter().find(|(x, _)| *x == t).map(|(_, r)| *r).or_else(|| task.instance.and_then(|i| find("instance", &sim.instances[i].spec.ec2_instance_id)))
        }
        "targetGroup" => {
            let lb = sim.scenario.load_balancers.iter().find(|lb| lb.listeners.iter().any(|(_, _, tg)| tg.is_some_and(|tg| sim.scenario.target_groups[tg].name == e.subject)))?;
            find("lb", &lb.name)
        }
        "alarm" => find("edge", "CloudWatch alarms"),
        "scaling" => find("edge", "Application Auto Scaling"),
        "action" => find("edge", "EventBridge Scheduler"),
        _ => None,
    }
}

pub fn draw(cx: &mut Ctx, scene: &mut Scene) {
    let window = cx.view.caption_window_ms;
    if window == 0 {
        return;
    }
    let (sim, c, ty) = (cx.sim, cx.c, cx.ty);
    let now = sim.now();
    let mut placed: Vec<Rect> = Vec::new();
    let mut said: Vec<String> = Vec::new();
    let world = scene.world;
    // Labels drawn so far (the legend overlay too): captions keep off them.
    let mut keep_out: Vec<Rect> = scene.text_boxes().into_iter().map(|(r, _, _)| r.inset(-2.0)).collect();
    // And off the tags already over the picture (a refused fetch's "execution role refused").
    keep_out.extend(scene.callouts.iter().filter_map(|s| match s {
        crate::scene::Shape::Rect { r, .. } => Some(r.inset(-2.0)),
        _ => None,
    }));
    // The legend is drawn after the captions, below the region: captions stay above it.
    let world = Rect { h: world.h - crate::legend::height(cx), ..world };
    for e in sim.log.iter().rev().take(SCAN).take_while(|e| e.at + window >= now) {
        if placed.len() >= MAX_CAPTIONS {
            break;
        }
        let Some((words, tone)) = caption(e) else { continue };
        let size = ty.body;
        let text = first_fit(&words, world.w * 0.5, size);
        if text.is_empty() || said.contains(&text) {
            continue;
        }
        // Bold capitals run wide: a little more room than the estimate.
        let w = text_width(&text, size) * 1.08 + 16.0;
        let h = size + 12.0;
        let near = anchor(cx, e, scene).unwrap_or(Rect { x: world.w / 2.0 - w / 2.0, y: world.h * 0.4, w, h });
        // Beside an AWS service node (to its left, over the VPC's edge), else above the object;
        // moved until it covers no other caption and no label (card titles, zone names): several
        // events at once (a zone lost) must stay readable. Dropped when nowhere near is free.
        let edge = scene.objects.iter().any(|o| o.kind == "edge" && o.r == near);
        let Some(r) = spot(near, w, h, edge, world, &keep_out, &placed) else { continue };
        let age = now.saturating_sub(e.at) as f64 / window as f64;
        let alpha = (1.0 - age).clamp(0.25, 1.0);
        let edge = match tone {
            Tone::Bad => c.unhealthy,
            Tone::Notice => c.initial,
            Tone::Good => c.healthy,
        };
        scene.callouts.push(crate::scene::Shape::Rect { r, fill: c.caption.to_string(), stroke: None, radius: 6.0 });
        scene.callouts.push(crate::scene::Shape::Frame { r, colour: with_alpha(edge, alpha), width: cx.line, dash: if tone == Tone::Bad { Dash::Solid } else { Dash::Dashed }, radius: 6.0 });
        scene.callouts.push(crate::scene::Shape::Text { x: r.x + 8.0, y: r.y + size + 3.0, text: text.clone(), size, colour: with_alpha(c.caption_text, alpha.max(0.6)), align: Align::Left, bold: true });
        scene.object("caption", e.subject.clone(), r, text.clone());
        placed.push(r);
        said.push(text);
    }
}

/// Rows tried above and below the object before a caption gives up.
const TRIES: usize = 12;

/// A free place for a `w`×`h` caption next to `near`: the preferred spot first (above the
/// object, or left of a node), then rows stepping away above and below it, each centred, then
/// shifted left and right. Inside `world`; free of `keep_out` and clear of `placed` by 2 px.
/// Bounded: 6 × TRIES candidates.
pub fn spot(near: Rect, w: f64, h: f64, beside: bool, world: Rect, keep_out: &[Rect], placed: &[Rect]) -> Option<Rect> {
    let step = h + 4.0;
    let x = if beside { near.x - w - 6.0 } else { near.x + near.w / 2.0 - w / 2.0 };
    let x = x.clamp(4.0, (world.w - w - 4.0).max(4.0));
    let (up, down) = if beside { let y = near.y + (near.h - h) / 2.0; (y, y + step) } else { (near.y - h - 4.0, near.bottom() + 4.0) };
    let free = |r: &Rect| {
        r.y >= 4.0 && r.bottom() <= world.h - 4.0 && !keep_out.iter().any(|k| k.overlaps(r, 0.0)) && !placed.iter().any(|p| p.inset(-2.0).overlaps(r, 0.0))
    };
    let xs = [x, (x - w * 0.6).max(4.0), (x + w * 0.6).min((world.w - w - 4.0).max(4.0))];
    (0..TRIES).flat_map(|k| [up - k as f64 * step, down + k as f64 * step]).flat_map(|y| xs.map(|x| Rect { x, y, w, h })).find(free)
}
