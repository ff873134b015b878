//! Tasks moving off a draining instance (a Spot interruption notice, a drain): an arrow from
//! the DRAINING instance to each replacement the service scheduler started elsewhere since the
//! drain began, while the move is news (two minutes: a Spot notice's warning). Read from the
//! sim (its log and its tasks); nothing decided here.

use crate::layout::Ctx;
use crate::scene::{Dash, Rect, Scene};
use stevedore_sim::engine::InstanceStatus;

/// How long after the drain began its moves are drawn (sim ms), and how many at most.
const RECENT_MS: u64 = 120_000;
const MAX_MOVES: usize = 12;

/// Draining instances drawn as cards, with when their drain began (from the log).
fn drains(cx: &Ctx, scene: &Scene) -> Vec<(usize, Rect, u64)> {
    let sim = cx.sim;
    let now = sim.now();
    let mut out: Vec<(usize, Rect, u64)> = Vec::new();
    for e in sim.log.iter().rev().take(400).take_while(|e| e.at + RECENT_MS >= now) {
        if e.kind != "instance" || !e.message.contains("DRAINING") || out.iter().any(|(i, _, _)| sim.instances[*i].spec.ec2_instance_id == e.subject) {
            continue;
        }
        let Some(i) = sim.instances.iter().position(|x| x.spec.ec2_instance_id == e.subject) else { continue };
        if sim.instances[i].status != InstanceStatus::Draining {
            continue;
        }
        if let Some((_, r)) = scene.instance_cards.iter().find(|(k, _)| *k == i) {
            out.push((i, *r, e.at));
        }
    }
    out
}

pub fn draw(cx: &mut Ctx, scene: &mut Scene) {
    let sim = cx.sim;
    let c = cx.c;
    let drains = drains(cx, scene);
    if drains.is_empty() {
        return;
    }
    let blocks = crate::lookups::ByTask::from_pairs(&scene.task_blocks);
    let mut out = Vec::new();
    let mut moves = Vec::new();
    for (i, card, since) in drains {
        // The services that had tasks here: the ones whose replacements move away.
        let services: Vec<usize> = sim.tasks.iter().filter(|t| t.instance == Some(i) && t.created_at < since).filter_map(|t| t.service).collect();
        for (t, task) in sim.tasks.iter().enumerate() {
            if moves.len() >= MAX_MOVES {
                break;
            }
            let replacement = task.live() && task.created_at >= since && task.instance != Some(i) && task.service.is_some_and(|s| services.contains(&s));
            let Some(b) = blocks.get(&t).filter(|_| replacement) else { continue };
            let from = (card.x + card.w / 2.0, card.y + card.h / 2.0);
            let to = (b.x + b.w / 2.0, b.y);
            crate::edges::arrow(cx, from, to, c.draining, Dash::Long, &mut out);
            moves.push((task.id.clone(), from, to));
        }
    }
    for (id, from, to) in moves {
        scene.object("arrow", id, Rect { x: from.0, y: from.1, w: to.0 - from.0, h: to.1 - from.1 }, "replace");
    }
    scene.shapes.extend(out);
}
