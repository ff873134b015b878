//! One task drawn as a block: its fill by state, its port or IP chip (where target lines end)
//! and a word for its state that fits inside it, or nothing.

use crate::layout::{health_colour, Ctx};
use crate::scene::{first_fit, text_width, Align, Dash, Rect, Scene};
use stevedore_sim::engine::task::format_ip;
use stevedore_sim::engine::{TargetState, TaskStatus};

/// Narrowest block that still holds a chip: `:32768` plus padding.
pub fn min_width(cx: &Ctx) -> f64 {
    text_width(":32768", cx.ty.small) + 10.0
}

/// Narrowest block for this task: a chip's width if it has a port or IP, else one that still
/// holds a short state word.
pub fn min_width_of(cx: &Ctx, t: usize) -> f64 {
    let task = &cx.sim.tasks[t];
    if task.private_ip.is_some() || !task.bindings.is_empty() {
        min_width(cx)
    } else {
        // Wide enough for "RUN" and a batch task's countdown ("0:05"), so no block is blank.
        text_width("0:05", cx.ty.small) + 8.0
    }
}

pub fn chip_height(cx: &Ctx) -> f64 {
    cx.ty.small + 6.0
}

/// Block height that holds a chip and a state word.
pub fn full_height(cx: &Ctx) -> f64 {
    chip_height(cx) + cx.ty.small + 10.0
}

/// Where a new task slides in from the pending queue, eased.
fn arriving(cx: &Ctx, t: usize, r: Rect) -> Rect {
    match cx.view.arriving.iter().find(|(a, _)| *a == t) {
        Some(&(_, p)) => {
            let e = 1.0 - (1.0 - p.clamp(0.0, 1.0)).powi(3);
            let (qx, qy) = cx.queue_at;
            Rect { x: qx + (r.x - qx) * e, y: qy + (r.y - qy) * e, ..r }
        }
        None => r,
    }
}

/// The chip's text: the target's host port, else the first host port, else the IP.
fn chip_text(cx: &Ctx, t: usize, room: f64) -> Option<String> {
    let task = &cx.sim.tasks[t];
    if let Some(ip) = task.private_ip {
        let full = format_ip(ip);
        if text_width(&full, cx.ty.small) <= room {
            return Some(full);
        }
        // The end of the task's private IP (the legend says so).
        return Some(format!(".{}.{}", (ip >> 8) & 255, ip & 255));
    }
    let port = cx.target_port.get(&t).copied().or_else(|| task.bindings.first().map(|b| b.host_port))?;
    Some(format!(":{port}"))
}

/// Words for the task's state, longest first: the first that fits is drawn.
fn state_words(cx: &Ctx, t: usize) -> Vec<String> {
    let sim = cx.sim;
    let task = &sim.tasks[t];
    let secs = |at: u64| at.saturating_sub(sim.now()).div_ceil(1000);
    if task.last_status != TaskStatus::Running {
        let s = task.last_status.as_str();
        return match task.next_change_at {
            Some(at) => vec![format!("{s} {}s", secs(at)), format!("{} {}s", &s[..4], secs(at)), format!("{}s", secs(at))],
            None => vec![s.to_string(), s[..4].to_string()],
        };
    }
    if let Some(&(state, since, tg)) = cx.health.get(&t) {
        return match state {
            TargetState::Healthy => vec!["healthy".into(), "OK".into()],
            TargetState::Initial => vec!["initial".into(), "init".into()],
            TargetState::Unhealthy => vec!["unhealthy".into(), "FAIL".into()],
            TargetState::Draining => {
                let left = (since + sim.scenario.target_groups[tg].deregistration_delay_s as u64 * 1000).saturating_sub(sim.now()).div_ceil(1000);
                vec![format!("draining {left}s"), format!("drain {left}s"), format!("{left}s")]
            }
        };
    }
    // A batch task counts down to its essential container's exit (m:ss; the legend says so).
    if let Some(at) = task.next_change_at {
        let s = secs(at);
        return vec![format!("exits in {}:{:02}", s / 60, s % 60), format!("exit {}:{:02}", s / 60, s % 60), format!("{}:{:02}", s / 60, s % 60)];
    }
    vec!["RUNNING".into(), "RUN".into()]
}

pub fn draw(cx: &mut Ctx, t: usize, r: Rect, scene: &mut Scene) {
    let (c, ty) = (cx.c, cx.ty);
    let task = &cx.sim.tasks[t];
    let r = arriving(cx, t, r);
    let colour = c.service(task.service);
    cx.seen.standalone |= task.service.is_none();
    let health = cx.health.get(&t).map(|h| h.0);
    match task.last_status {
        TaskStatus::Running => {
            scene.rect(r, colour, None, 3.0);
            if let Some(h) = health {
                scene.frame(r, health_colour(c, h), cx.line, crate::layout::health_dash(h), 3.0);
            }
        }
        // Not yet running: an outline in the service colour (dashed: on its way).
        s if s < TaskStatus::Running => {
            scene.rect(r, c.card, None, 3.0);
            scene.frame(r, colour, cx.line, Dash::Dashed, 3.0);
            cx.seen.pending = true;
        }
        _ => {
            scene.rect(r, c.card, None, 3.0);
            scene.frame(r, c.draining, cx.line, Dash::Dotted, 3.0);
            cx.seen.stopping = true;
        }
    }
    let spot = task.capacity_provider.as_deref() == Some("FARGATE_SPOT") || task.instance.is_some_and(|i| cx.sim.instances[i].spec.spot);
    if spot && r.w > 16.0 && r.h > 12.0 {
        // A corner notch marks Spot capacity, which can be interrupted.
        scene.rect(Rect { x: r.right() - 8.0, y: r.y, w: 8.0, h: 8.0 }, c.alb, None, 0.0);
        cx.seen.spot = true;
    }
    if cx.view.selected_task == Some(t) {
        scene.frame(r.inset(-3.0), c.selected, 2.0, Dash::Solid, 5.0);
    }
    let running = task.last_status == TaskStatus::Running;
    let text_colour = if running { c.on_block } else { c.card_text };
    let chip_h = chip_height(cx);
    // A tall block off any instance (a Fargate zone's blocks grown to fill it) holds its chip
    // and word in the middle; on an instance the height is memory and the chip stays on top.
    let content_h = chip_h + 2.0 + ty.small + 4.0;
    let mut y = if task.instance.is_none() && r.h > content_h * 1.5 { r.y + (r.h - content_h) / 2.0 } else { r.y + 3.0 };
    if r.h >= chip_h + 4.0 && r.w >= min_width(cx) - 2.0 {
        if let Some(text) = chip_text(cx, t, r.w - 10.0) {
            let chip = Rect { x: r.x + 3.0, y, w: r.w - 6.0, h: chip_h };
            let edge = health.map(|h| health_colour(c, h));
            scene.rect(chip, c.background, edge, 3.0);
            if text.starts_with('.') {
                cx.seen.short_ip = true;
            } else if text.starts_with(':') {
                cx.seen.port = true;
            } else {
                cx.seen.ip = true;
            }
            scene.text(chip.x + chip.w / 2.0, chip.y + chip_h - 5.0, text.clone(), ty.small, c.card_text, Align::Centre, true);
            scene.chips.push((t, chip));
            scene.object("chip", task.id.clone(), chip, text);
            y += chip_h + 2.0;
        }
    }
    if r.bottom() - y >= ty.small + 4.0 {
        let words = state_words(cx, t);
        let word = first_fit(&words, r.w - 6.0, ty.small);
        if word.contains(':') && !word.contains(' ') {
            cx.seen.countdown = true;
        }
        scene.text(r.x + r.w / 2.0, y + ty.small, word, ty.small, text_colour, Align::Centre, false);
    }
    containers(cx, t, r, scene);
    // A container's AWS call in the last minute: a round mark, green allowed, red denied.
    let sim = cx.sim;
    if let Some(call) = sim.api_calls.iter().rev().take_while(|a| a.at + 60_000 >= sim.now()).find(|a| a.task_arn == task.arn) {
        let mark = if call.allowed { c.healthy } else { c.unhealthy };
        scene.rect(Rect { x: r.x + 2.0, y: r.bottom() - 10.0, w: 8.0, h: 8.0 }, mark, Some(c.background), 4.0);
    }
    let note = match health {
        Some(h) => format!("{} {:?}", task.last_status.as_str(), h).to_lowercase(),
        None => task.last_status.as_str().to_lowercase(),
    };
    scene.object("task", task.id.clone(), r, note);
    scene.task_blocks.push((t, r));
}

/// A "+N" badge inside `r` (the slot a block would have taken).
pub fn overflow(cx: &Ctx, more: usize, r: Rect, scene: &mut Scene) {
    let text = format!("+{more}");
    scene.rect(r, cx.c.subnet, Some(cx.c.muted_text), 3.0);
    if text_width(&text, cx.ty.small) <= r.w - 4.0 && r.h >= cx.ty.small {
        scene.text(r.x + r.w / 2.0, r.y + r.h / 2.0 + cx.ty.small * 0.35, text.clone(), cx.ty.small, cx.c.card_text, Align::Centre, true);
    }
    scene.object("overflow", text, r, "");
}

/// A task with a non-essential container shows its containers in a row along its foot: each
/// essential one named (its exit code once it has exited: that stopped the task), each
/// non-essential one a hatched cell, whose exit would not stop the task
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_essential).
fn containers(cx: &mut Ctx, t: usize, r: Rect, scene: &mut Scene) {
    let (c, ty) = (cx.c, cx.ty);
    let task = &cx.sim.tasks[t];
    let defs = &cx.sim.scenario.task_defs[task.task_def].containers;
    if !defs.iter().any(|d| !d.essential) || defs.len() > 6 {
        return;
    }
    let h = ty.small + 4.0;
    // Under the state word: only where the block has a free row for it.
    let free_top = r.y + 3.0 + ty.small + 6.0 + if scene.chips.last().is_some_and(|(q, _)| *q == t) { chip_height(cx) + 2.0 } else { 0.0 };
    let cell_n = 10.0;
    let n_non = defs.iter().filter(|d| !d.essential).count() as f64;
    let n_ess = defs.len() as f64 - n_non;
    let ess_w = (r.w - 6.0 - n_non * (cell_n + 2.0)) / n_ess.max(1.0) - if n_ess > 1.0 { 2.0 } else { 0.0 };
    if r.bottom() - 2.0 - h < free_top || ess_w < text_width("0", ty.small) + 6.0 {
        return;
    }
    cx.seen.containers = true;
    let y = r.bottom() - 2.0 - h;
    let mut x = r.x + 3.0;
    for (k, d) in defs.iter().enumerate() {
        let w = if d.essential { ess_w } else { cell_n };
        let cell = Rect { x, y, w, h };
        if d.essential {
            scene.rect(cell, c.background, None, 2.0);
            let words = match task.exited {
                Some((e, code)) if e == k => vec![format!("{} exit {code}", d.name), format!("exit {code}"), code.to_string()],
                _ => vec![d.name.clone(), d.name.chars().take(3).collect(), d.name.chars().take(1).collect()],
            };
            let word = first_fit(&words, w - 2.0, ty.small);
            scene.text(cell.x + w / 2.0, cell.y + h - 4.0, word, ty.small, c.card_text, Align::Centre, true);
        } else {
            scene.rect(cell, c.card, None, 2.0);
            crate::eks_node_states::hatch(cell, c.muted_text, 5.0, scene);
            scene.frame(cell, c.muted_text, 1.0, Dash::Dotted, 2.0);
        }
        let exited = task.exited.filter(|(e, _)| *e == k).map(|(_, code)| format!(" exit {code}")).unwrap_or_default();
        scene.object("container", format!("{}/{}", task.id, d.name), cell, format!("{}{exited}", if d.essential { "essential" } else { "not essential" }));
        x += w + 2.0;
    }
}
