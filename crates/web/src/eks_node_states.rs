//! Nodes coming and going, and Fargate's one-pod nodes: a node Cluster Autoscaler launched is
//! an outlined ghost in its zone ("launching · joins in 40 s") until it joins Ready in that
//! place; a cordoned node is hatched with kubectl's `SchedulingDisabled`, a drained one also
//! says `draining`; a Fargate node is a small card of its `CapacityProvisioned` size holding its
//! one pod, so the rounding (requests + 256 MB, next size) shows as the space around the pod.

use crate::eks_cards::{block_h, block_min_w, draw_pod, Cx};
use crate::layout::GAP;
use crate::palette::with_alpha;
use crate::scene::{first_fit, fit_parts, Align, Dash, Rect, Scene, Shape};

/// A node that joined this recently says so, framed in green, where its outline stood.
pub const JOINED_S: i64 = 10;

/// "joined Ready" for a node that joined in the last `JOINED_S` seconds (not the first nodes).
pub fn just_joined(cx: &Cx, i: usize) -> bool {
    let n = &cx.p.nodes[i];
    n.joined_s > 0 && cx.p.at_s - n.joined_s < JOINED_S
}

/// What a place in a node group's grid holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Slot {
    Node(usize),
    /// An index into `EksPicture::launching`.
    Launch(usize),
}

/// Fargate nodes are small: half the weight of an EC2 node when a zone shares out its height.
pub fn weight(cx: &Cx, s: Slot) -> f64 {
    let fargate = match s {
        Slot::Node(i) => cx.p.nodes[i].fargate.is_some(),
        Slot::Launch(j) => cx.p.launching[j].fargate.is_some(),
    };
    if fargate { 0.5 } else { 1.0 }
}

/// Diagonal hatching across `r` (a cordoned node): "/" lines every `step` px.
pub fn hatch(r: Rect, colour: &str, step: f64, scene: &mut Scene) {
    let (w, h) = (r.w, r.h);
    let mut k = -w + step / 2.0;
    // v − u = k in the card's own axes (u right, v up), clipped to the card; bounded by size.
    for _ in 0..400 {
        if k >= h {
            break;
        }
        let (u1, u2) = ((-k).max(0.0), w.min(h - k));
        if u2 > u1 {
            scene.shapes.push(Shape::Line { from: (r.x + u1, r.bottom() - (u1 + k)), to: (r.x + u2, r.bottom() - (u2 + k)), colour: colour.to_string(), width: 1.0, dash: Dash::Solid });
        }
        k += step;
    }
}

/// A node on its way: dashed outline in the place it will take, with when it joins.
pub fn launch_card(cx: &Cx, j: usize, r: Rect, scene: &mut Scene) {
    let (l, c) = (&cx.p.launching[j], cx.c);
    // A NodeClaim's outline stands in for the node it becomes: type as large as a node card's.
    let ty = if l.claim.is_some() { cx.ty.scaled((r.w / 330.0).min(r.h / 240.0).clamp(1.0, 1.5)) } else { cx.ty };
    scene.rect(r, &with_alpha(c.card, 0.35), None, 5.0);
    scene.frame(r, c.initial, cx.line, Dash::Long, 5.0);
    let secs = l.joins_in_s.max(0);
    let (head, when, what): (String, Vec<String>, String) = match &l.fargate {
        Some((pod, size)) => ("Fargate provisioning".into(), vec![format!("ready in {secs} s"), format!("{secs} s")], format!("{size} · {pod}")),
        None => match &l.claim {
            // Karpenter: the NodeClaim's offering, the cheapest that fits its pods.
            Some((_, usd)) => ("NodeClaim launching".into(), vec![format!("joins in {secs} s"), format!("{secs} s")], format!("{} · ${usd:.3}/h · cheapest that fits", l.instance_type)),
            None => ("launching".into(), vec![format!("joins in {secs} s"), format!("{secs} s")], l.instance_type.clone()),
        },
    };
    let room = r.w - 2.0 * GAP;
    // One line if head and time fit together, else the head over the time, else the time alone.
    let together = first_fit(&[format!("{head} · {}", when[0])], room, ty.small);
    let head_fits = !first_fit(&[head.clone()], room, ty.small).is_empty();
    let (line1, line2) = match (together.is_empty(), head_fits) {
        (false, _) => (together, String::new()),
        (true, true) => (head.clone(), first_fit(&when, room, ty.small)),
        (true, false) => (first_fit(&when, room, ty.small), String::new()),
    };
    let mut y = r.y + ty.small + 5.0;
    scene.text(r.x + GAP, y, line1, ty.small, c.initial, Align::Left, true);
    if r.h >= 3.0 * (ty.small + 6.0) {
        y += ty.small + 6.0;
        if !line2.is_empty() {
            scene.text(r.x + GAP, y, line2, ty.small, c.initial, Align::Left, true);
            y += ty.small + 6.0;
        }
        // A NodeClaim's instance type is the point (Karpenter chose it): large, centred in the
        // room left under the price, when there is room; else first on the small line.
        let size = (ty.title * 1.4).round();
        let big = l.claim.is_some() && y + size + 12.0 <= r.bottom() - 4.0 && !first_fit(&[l.instance_type.clone()], room, size).is_empty();
        let what = if big { what.split_once(" · ").map_or(what.clone(), |(_, rest)| rest.to_string()) } else { what };
        if y + 4.0 <= r.bottom() {
            scene.text(r.x + GAP, y, fit_parts(&what.split(" · ").collect::<Vec<_>>(), room, ty.small), ty.small, c.muted_text, Align::Left, false);
        }
        if big {
            let mid = (y + 6.0 + r.bottom()) / 2.0 + size / 2.0 - 2.0;
            scene.text(r.x + r.w / 2.0, mid.max(y + size + 8.0), l.instance_type.clone(), size, c.initial, Align::Centre, true);
        }
    }
    let note = match &l.fargate {
        Some((pod, size)) => format!("{} fargate {size} {pod} ready in {secs} s", l.zone),
        None => format!("{} {} {} joins in {secs} s", l.zone, l.group, l.instance_type),
    };
    let note = match &l.claim {
        Some((name, _)) => format!("{note} nodeclaim/{name}"),
        None => note,
    };
    scene.object("node-launching", l.group.clone(), r, note);
}

/// A Fargate node: its provisioned size as the box, its one pod inside it at scale.
pub fn fargate_card(cx: &Cx, i: usize, r: Rect, scene: &mut Scene) {
    let (p, ty, c) = (cx.p, cx.ty, cx.c);
    let node = &p.nodes[i];
    let size = node.fargate.clone().unwrap_or_default();
    scene.instance_cards.push((i, r));
    scene.rect(r, c.card, None, 5.0);
    // The size is the point: it stays when "Fargate ·" does not fit, on two lines if it must.
    let room = r.w - 2.0 * GAP;
    let one = first_fit(&[format!("Fargate · {size}"), size.clone()], room, ty.small);
    let lines: Vec<String> = match size.split_once(' ') {
        _ if !one.is_empty() => vec![one],
        Some((cpu, mem)) if !first_fit(&[cpu.to_string()], room, ty.small).is_empty() && !first_fit(&[mem.to_string()], room, ty.small).is_empty() => vec![cpu.into(), mem.into()],
        _ => vec![first_fit(&["Fargate".into()], room, ty.small)],
    };
    let line_h = ty.small + 5.0;
    for (k, l) in lines.iter().enumerate() {
        scene.text(r.x + GAP, r.y + ty.small + 5.0 + k as f64 * line_h, l.clone(), ty.small, c.card_text, Align::Left, true);
    }
    let head = ty.small + 10.0 + (lines.len() as f64 - 1.0) * line_h;
    let foot = ty.small + 6.0;
    let bx = Rect { x: r.x + GAP, y: r.y + head, w: r.w - 2.0 * GAP, h: (r.h - head - foot - 4.0).max(0.0) };
    scene.rect(bx, c.free, Some(c.region), 2.0);
    let app: Vec<usize> = node.pods.iter().copied().filter(|&k| !p.pods[k].system).collect();
    if let Some(&k) = app.first() {
        let q = &p.pods[k];
        // To scale against what Fargate provisioned (capacity), never smaller than a readable block.
        let w = (q.cpu_m as f64 / node.capacity_cpu_m.max(1) as f64 * bx.w).clamp(block_min_w(ty).min(bx.w), bx.w);
        let h = (q.memory as f64 / node.capacity_memory.max(1) as f64 * bx.h).clamp(block_h(ty).min(bx.h), bx.h);
        draw_pod(cx, k, Rect { x: bx.x, y: bx.bottom() - h, w, h }, scene);
        let req = format!("pod {}m {}Mi", q.cpu_m, q.memory >> 20);
        scene.text(r.x + GAP, r.bottom() - 6.0, fit_parts(&[&req, "+ 256 MiB"], r.w - 2.0 * GAP, ty.small), ty.small, c.muted_text, Align::Left, false);
    }
    if just_joined(cx, i) {
        scene.frame(r, c.healthy, cx.line + 1.0, Dash::Solid, 5.0);
    }
    scene.object("fargate-node", node.name.clone(), r, format!("{} {size}", node.zone));
    if cx.v.selected_node == Some(i) {
        scene.frame(r, c.selected, 2.0, Dash::Solid, 5.0);
    }
}

/// The words on a node on its way out (hatched): tainted for removal, draining, or cordoned
/// (kubectl's STATUS `SchedulingDisabled`).
pub fn disabled_words(cx: &Cx, i: usize) -> Option<&'static str> {
    let n = &cx.p.nodes[i];
    if n.removing {
        Some("being removed")
    } else if n.draining {
        Some("draining")
    } else if n.cordoned {
        Some("SchedulingDisabled")
    } else {
        None
    }
}

/// The VPC CNI's address book on an EC2 node, in the free space above its pods: a row per ENI,
/// its first square the ENI's own address, the rest secondary IPs, filled by the node's
/// application pods (aws-node and kube-proxy use the node's own address: the "+ 2"). Drawn only
/// when max pods is that formula (not capped) and the rows fit in `room`.
pub fn eni_panel(cx: &Cx, i: usize, room: Rect, scene: &mut Scene) {
    let (p, ty, c) = (cx.p, cx.ty, cx.c);
    let n = &p.nodes[i];
    let (enis, ips) = n.enis;
    // A node under a Spot notice carries the notice there instead (`eks_spot`).
    let notice = p.spot_notices.iter().any(|(name, _)| *name == n.name);
    if notice || enis == 0 || ips < 2 || enis > 4 || ips > 15 || n.max_pods != (enis * (ips - 1) + 2) as i64 {
        return;
    }
    let head_h = ty.small + 8.0;
    let label_w = crate::scene::text_width("ENI 4", ty.small) + 8.0;
    let sq = ((room.w - label_w - 2.0 * GAP) / ips as f64 - 3.0).min(ty.small + 2.0);
    // A row is at least a line of text tall, so the ENI labels never touch.
    let row = (sq + 4.0).max(ty.small + 6.0);
    if sq < 8.0 || head_h + enis as f64 * row + 4.0 > room.h {
        return;
    }
    let head = first_fit(&[format!("{enis} ENIs × ({ips} − 1) + 2 = {} max pods", n.max_pods), format!("{enis} × ({ips} − 1) + 2 = {} pods", n.max_pods), format!("max pods {}", n.max_pods)], room.w - 2.0 * GAP, ty.small);
    scene.text(room.x + GAP / 2.0, room.y + ty.small + 3.0, head, ty.small, c.muted_text, Align::Left, false);
    let used = n.pods.iter().filter(|&&k| !p.pods[k].system).count();
    let mut slot = 0;
    for e in 0..enis {
        let y = room.y + head_h + e as f64 * row;
        // On the row's text line, not the square's foot: small squares would lift it into the heading.
        scene.text(room.x + GAP / 2.0, y + sq.max(ty.small) - 1.0, format!("ENI {}", e + 1), ty.small, c.muted_text, Align::Left, false);
        for a in 0..ips {
            let r = Rect { x: room.x + GAP / 2.0 + label_w + a as f64 * (sq + 3.0), y, w: sq, h: sq };
            if a == 0 {
                scene.frame(r, c.muted_text, 1.0, Dash::Dotted, 1.0);
                continue;
            }
            if slot < used {
                scene.rect(r, c.services[0], None, 1.0);
            } else {
                scene.frame(r, c.region, 1.0, Dash::Solid, 1.0);
            }
            slot += 1;
        }
    }
    let full = used as i64 + 2 >= n.max_pods;
    scene.object("eni-slots", n.name.clone(), Rect { h: head_h + enis as f64 * row, ..room }, format!("{used}/{} pod IPs{}", enis * (ips - 1), if full { " full" } else { "" }));
}
