//! An instance card drawn as its capacity: a box whose width is the registered CPU and whose
//! height is the registered memory. Each task is a block as wide as its CPU reservation and as
//! tall as its memory reservation, side by side from the left, so a binpacked instance looks
//! full and a spread one even; the empty corner is what is left. A bar on the right stacks the
//! memory on the same scale. A service that can't place a task shows its ghost where it would
//! go, in red, with why it doesn't fit.

use crate::blocks;
use crate::layout::{Ctx, GAP};
use crate::scene::{fit_parts, Align, Dash, Rect, Scene};
use stevedore_sim::engine::InstanceStatus;

const MEMORY_BAR_W: f64 = 8.0;

fn gib(mib: u32) -> String {
    format!("{:.1} GiB", mib as f64 / 1024.0)
}

/// A big card (one instance filling a zone) gets bigger type, up to 1.9×, so its chips read
/// from the back of the room like the rest.
pub fn draw_card(cx: &mut Ctx, i: usize, r: Rect, scene: &mut Scene) {
    let base = cx.ty;
    cx.ty = base.scaled((r.w / 330.0).min(r.h / 240.0).clamp(1.0, 1.9));
    draw_card_at_scale(cx, i, r, scene);
    cx.ty = base;
}

fn draw_card_at_scale(cx: &mut Ctx, i: usize, r: Rect, scene: &mut Scene) {
    let (sim, c, ty) = (cx.sim, cx.c, cx.ty);
    let inst = &sim.instances[i];
    // A stopped or cut-off instance (fault injection) is dimmed like a draining one.
    let draining = inst.status != InstanceStatus::Active || !inst.agent_connected;
    scene.rect(r, if draining { c.card_draining } else { c.card }, None, 5.0);
    if draining {
        scene.frame(r, c.initial, cx.line, Dash::Long, 5.0);
        cx.seen.draining_instance = true;
    }
    let title = crate::cards::title(cx, i, r.w - 2.0 * GAP);
    scene.text(r.x + GAP, r.y + ty.small + 5.0, title, ty.small, c.card_text, Align::Left, true);
    // A refused placement's reason gets two footer lines when the card is tall enough.
    let refused_here = cx.blockers.iter().any(|(_, b)| b.iter().any(|(k, _, _)| *k == i));
    let two_lines = refused_here && r.h >= ty.small * 4.0 + blocks::full_height(cx) + 40.0;
    let footer_h = if two_lines { 2.0 * ty.small + 14.0 } else { ty.small + 8.0 };
    let bx = Rect { x: r.x + GAP, y: r.y + ty.small + 10.0, w: r.w - 2.0 * GAP - MEMORY_BAR_W - 4.0, h: r.h - ty.small - 10.0 - footer_h - 4.0 };
    scene.rect(bx, c.free, Some(c.region), 2.0);
    let (reg_cpu, reg_mem) = (inst.registered_cpu.max(1) as f64, inst.registered_memory_mib.max(1) as f64);
    let reservation = |t: usize| {
        let td = &sim.scenario.task_defs[sim.tasks[t].task_def];
        (td.reserved_cpu() as f64, td.reserved_memory_mib() as f64)
    };
    // True-scale widths if the blocks fit at their minimum widths; else as many as fit at their
    // minimum, and a "+N" badge.
    let min_h = blocks::full_height(cx);
    let n = inst.tasks.len();
    let mins: Vec<f64> = inst.tasks.iter().map(|&t| blocks::min_width_of(cx, t)).collect();
    let widths: Vec<f64> = inst.tasks.iter().zip(&mins).map(|(&t, m)| (reservation(t).0 / reg_cpu * bx.w).max(*m)).collect();
    let to_scale = widths.iter().sum::<f64>() + n.saturating_sub(1) as f64 * 2.0 <= bx.w;
    let badge_w = crate::scene::text_width(&format!("+{n}"), ty.small) + 10.0;
    let mut shown = n;
    if !to_scale {
        let mut used = 0.0;
        shown = 0;
        while shown < n && used + mins[shown] + 2.0 + badge_w <= bx.w {
            used += mins[shown] + 2.0;
            shown += 1;
        }
    }
    let mut x = bx.x;
    for (k, &t) in inst.tasks.iter().take(shown).enumerate() {
        let w = if to_scale { widths[k] } else { mins[k] };
        let h = (reservation(t).1 / reg_mem * bx.h).clamp(min_h.min(bx.h), bx.h);
        cx.stub_top.insert(t, bx);
        blocks::draw(cx, t, Rect { x, y: bx.bottom() - h, w, h }, scene);
        x += w + 2.0;
    }
    if shown < n {
        let slot = Rect { x, y: bx.bottom() - min_h.min(bx.h), w: badge_w.min(bx.right() - x), h: min_h.min(bx.h) };
        blocks::overflow(cx, n - shown, slot, scene);
        // A ghost goes after the badge, not over it.
        x += slot.w + 2.0;
    }
    // Memory stacked on the same vertical scale, from the bottom.
    let bar = Rect { x: bx.right() + 4.0, y: bx.y, w: MEMORY_BAR_W, h: bx.h };
    scene.rect(bar, c.free, Some(c.region), 0.0);
    let mut y = bar.bottom();
    for &t in &inst.tasks {
        let h = reservation(t).1 / reg_mem * bar.h;
        scene.rect(Rect { x: bar.x, y: y - h, w: bar.w, h }, c.service(sim.tasks[t].service), None, 0.0);
        y -= h;
    }
    let (refused, ghost_why) = match ghosts(cx, i, bx, x, scene) {
        Some((true, words)) => (None, Some(words)),
        Some((false, words)) => (Some(words), None),
        None => (None, None),
    };
    let free = [format!("free {} CPU", inst.remaining_cpu), gib(inst.remaining_memory_mib), ports_in_use(cx, i)];
    let parts: Vec<&str> = free.iter().map(String::as_str).collect();
    match refused {
        // No room for the ghost in the box: the footer says why instead.
        Some(mut why) => {
            let room = r.w - 2.0 * GAP;
            let first = crate::scene::fit_words(&why[0], room, ty.small);
            let head = first.trim_end_matches(" …");
            if two_lines && head.len() < why[0].len() && !head.is_empty() {
                // The reason over two lines, the second shortened by whole words if it must.
                let rest = why[0][head.len()..].trim_start().to_string();
                scene.text(r.x + GAP, r.bottom() - ty.small - 12.0, head.to_string(), ty.small, c.unhealthy, Align::Left, true);
                scene.text(r.x + GAP, r.bottom() - 6.0, crate::scene::fit_words(&rest, room, ty.small), ty.small, c.unhealthy, Align::Left, true);
            } else {
                // The whole reason if it fits, else as many of its words as do.
                why.insert(1, first);
                scene.text(r.x + GAP, r.bottom() - 6.0, crate::scene::first_fit(&why, room, ty.small), ty.small, c.unhealthy, Align::Left, true)
            }
        }
        None => {
            // The ghost in the box names the stage; a second footer line gives its reason.
            if let (true, Some(why)) = (two_lines, &ghost_why) {
                scene.text(r.x + GAP, r.bottom() - ty.small - 12.0, crate::scene::fit_words(&why[0], r.w - 2.0 * GAP, ty.small), ty.small, c.unhealthy, Align::Left, true);
            }
            scene.text(r.x + GAP, r.bottom() - 6.0, fit_parts(&parts, r.w - 2.0 * GAP, ty.small), ty.small, c.muted_text, Align::Left, false)
        }
    }
    cx.seen.capacity = true;
    let note = format!("cpu {}/{} memory {}/{} tasks {n}{}", inst.registered_cpu - inst.remaining_cpu, inst.registered_cpu, inst.registered_memory_mib - inst.remaining_memory_mib, inst.registered_memory_mib, if draining { " dimmed" } else { "" });
    scene.object("instance", inst.spec.ec2_instance_id.clone(), r, note);
    scene.object("capacity", inst.spec.ec2_instance_id.clone(), bx, "");
}

/// Static host ports tasks hold on the instance (dynamic ones are on the chips).
fn ports_in_use(cx: &Ctx, i: usize) -> String {
    let inst = &cx.sim.instances[i];
    let (lo, hi) = inst.spec.agent.dynamic_port_range;
    let fixed: Vec<String> = inst.bound_tcp.iter().filter(|p| **p < lo || **p > hi).take(4).map(|p| p.to_string()).collect();
    if fixed.is_empty() { String::new() } else { format!("host ports taken {}", fixed.join(" ")) }
}

/// For each service that can't place, the task it would add, drawn in red where the next block
/// would go (in the box's free part), with the reason this instance turned it down. With no
/// free width left, the box gets the red outline and the words come back for the footer.
/// Some((in the box, words)) when this instance turned a task down.
fn ghosts(cx: &mut Ctx, i: usize, bx: Rect, next_x: f64, scene: &mut Scene) -> Option<(bool, Vec<String>)> {
    let sim = cx.sim;
    let ty = cx.ty;
    for &(s, ref blockers) in &cx.blockers {
        let Some((_, stage, reason)) = blockers.iter().find(|(k, _, _)| *k == i).cloned() else { continue };
        let Some(td) = sim.services[s].deployments.last().map(|d| &sim.scenario.task_defs[d.task_def]) else { continue };
        let inst = &sim.instances[i];
        let w = (td.reserved_cpu() as f64 / inst.registered_cpu.max(1) as f64 * bx.w).max(blocks::min_width(cx));
        let h = (td.reserved_memory_mib() as f64 / inst.registered_memory_mib.max(1) as f64 * bx.h).max(blocks::full_height(cx)).min(bx.h);
        let svc = &sim.services[s].def.name;
        let words = vec![format!("{svc}: {reason}"), reason.clone(), format!("{svc}: no {}", stage.name()), format!("no {}", stage.name()), stage.name().to_string()];
        cx.seen.ghost = true;
        if bx.right() - next_x < blocks::min_width(cx) {
            scene.frame(bx, cx.c.unhealthy, cx.line, Dash::Dotted, 2.0);
            scene.object("ghost", sim.services[s].def.name.clone(), bx, reason);
            return Some((false, words));
        }
        // Bottom-aligned like the blocks it would sit beside.
        let g = Rect { x: next_x, y: bx.bottom() - h, w: w.min(bx.right() - next_x), h };
        scene.frame(g, cx.c.unhealthy, cx.line, Dash::Dotted, 3.0);
        let word = crate::scene::first_fit(&words, g.w - 6.0, ty.small);
        scene.rect(Rect { x: g.x + 2.0, y: g.y + 2.0, w: g.w - 4.0, h: ty.small + 6.0 }, cx.c.caption, None, 2.0);
        scene.text(g.x + g.w / 2.0, g.y + ty.small + 4.0, word, ty.small, cx.c.unhealthy, Align::Centre, true);
        scene.object("ghost", sim.services[s].def.name.clone(), g, reason);
        return Some((true, words));
    }
    None
}
