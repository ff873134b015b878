//! EKS nodes and pods: a node is its allocatable CPU × memory box (as an ECS instance card),
//! each pod a block as wide as its CPU request and as tall as its memory request with its pod
//! IP on a chip; aws-node and kube-proxy are grey, dashed DaemonSet blocks; Pending pods wait
//! in a lane above the zones with kube-scheduler's reason.

use crate::eks_adapter::{EksPicture, Phase, PodView};
use crate::eks_node_states::Slot;
use crate::eks_scene::EksView;
use crate::layout::GAP;
use crate::palette::Colours;
use crate::scene::{first_fit, fit_parts, fit_words, text_width, Align, Dash, Rect, Scene, Type};

pub struct Cx<'a> {
    pub p: &'a EksPicture,
    pub v: &'a EksView<'a>,
    pub c: &'static Colours,
    pub ty: Type,
    pub line: f64,
}

fn chip_h(ty: Type) -> f64 {
    ty.small + 6.0
}

/// A block tall enough for the IP chip and a name under it.
pub fn block_h(ty: Type) -> f64 {
    2.0 * chip_h(ty) + 6.0
}

/// Narrowest application pod block: the end of a pod IP (`.104.16`) on its chip.
pub fn block_min_w(ty: Type) -> f64 {
    text_width(".104.16", ty.small) + 14.0
}

/// Narrowest when a full row would not fit otherwise: the chip shows the last octet (`.16`).
fn block_narrow_w(ty: Type) -> f64 {
    text_width(".250", ty.small) + 14.0
}

/// DaemonSet pods are drawn to scale but never thinner than this: seen, not read.
fn system_min_w(ty: Type) -> f64 {
    ty.small
}

fn short_node(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

fn gib(bytes: i64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1u64 << 30) as f64)
}

fn cpu(m: i64) -> String {
    format!("{:.2} vCPU", m as f64 / 1000.0)
}

/// The pod's name, shortened to fit: `web-krsl6q8qp8-6h6sg` → `web…6h6sg` → `web` (its
/// Deployment, which a class reads more easily than a random suffix).
fn short_pod(q: &PodView) -> Vec<String> {
    let parts: Vec<&str> = q.name.split('-').collect();
    let mut out = vec![q.name.clone()];
    if parts.len() >= 3 && q.deployment.is_some() {
        let owner = parts[..parts.len() - 2].join("-");
        out.push(format!("{owner}…{}", parts[parts.len() - 1]));
        out.push(owner);
    } else {
        out.push(parts.last().copied().unwrap_or("").to_string());
    }
    out
}

/// The chip's text: the whole pod IP if it fits, else its last two octets.
fn ip_text(ip: &str, room: f64, ty: Type) -> String {
    let ty = ty.small;
    if text_width(ip, ty) <= room {
        return ip.to_string();
    }
    let o: Vec<&str> = ip.split('.').collect();
    if o.len() != 4 {
        return String::new();
    }
    first_fit(&[format!(".{}.{}", o[2], o[3]), format!(".{}", o[3])], room, ty)
}

pub fn draw_pod(cx: &Cx, k: usize, r: Rect, scene: &mut Scene) {
    let (q, ty, c) = (&cx.p.pods[k], cx.ty, cx.c);
    scene.task_blocks.push((k, r));
    if q.system {
        scene.rect(r, c.draining, None, 2.0);
        scene.frame(r, c.background, 1.5, Dash::Dashed, 2.0);
        scene.object("system-pod", q.name.clone(), r, q.ip.clone().unwrap_or_default());
    } else if q.node.is_none() {
        scene.rect(r, c.subnet, None, 3.0);
        scene.frame(r, c.initial, cx.line, Dash::Dashed, 3.0);
        let name = first_fit(&short_pod(q), r.w - 6.0, ty.small);
        scene.text(r.x + r.w / 2.0, r.y + ty.small + 5.0, name, ty.small, c.card_text, Align::Centre, false);
        scene.text(r.x + r.w / 2.0, r.y + 2.0 * ty.small + 12.0, first_fit(&["Pending".into()], r.w - 6.0, ty.small), ty.small, c.initial, Align::Centre, true);
        scene.object("pending-pod", q.name.clone(), r, q.pending_reason.clone().unwrap_or_default());
    } else {
        bound_pod(cx, k, r, scene);
    }
    if cx.v.selected_pod == Some(k) {
        scene.frame(r.inset(-2.0), c.selected, 2.0, Dash::Solid, 4.0);
    }
}

/// A bound application pod, drawn by phase so a room tells them apart without colour alone:
/// ContainerCreating is an empty outline (long dashes), Running-not-Ready a pale block with a
/// solid edge, Ready the full colour, Terminating grey with a dashed red edge, a waiting
/// container (ImagePullBackOff) pale red with a heavy red edge; each but Ready also says so in
/// words under its IP. Older-ReplicaSet pods keep their dimmer dashed look.
fn bound_pod(cx: &Cx, k: usize, r: Rect, scene: &mut Scene) {
    let (q, ty, c) = (&cx.p.pods[k], cx.ty, cx.c);
    let fill = c.service(q.deployment);
    let words_buf: [&str; 3];
    let (kind, words): (&'static str, &[&str]) = match q.phase {
        Phase::ContainerCreating => {
            scene.rect(r, c.free, None, 3.0);
            scene.frame(r, fill, cx.line, Dash::Long, 3.0);
            ("pod-creating", &["ContainerCreating", "Creating", "Creat…", "new"])
        }
        Phase::NotReady => {
            scene.rect(r, &crate::palette::with_alpha(fill, 0.35), None, 3.0);
            scene.frame(r, fill, cx.line, Dash::Solid, 3.0);
            ("pod-not-ready", &["not Ready", "0/1 Ready", "0/1"])
        }
        // A container the kubelet cannot start (its image would not pull): a pale red block
        // with a heavy solid red edge, and the sim's reason in kubectl's words.
        Phase::Waiting => {
            let reason = q.waiting.as_ref().map_or("Waiting", |w| w.reason);
            scene.rect(r, &crate::palette::with_alpha(c.unhealthy, 0.22), None, 3.0);
            scene.frame(r, c.unhealthy, cx.line + 1.5, Dash::Solid, 3.0);
            // Shorter forms for a narrow chip: the reason's last word (BackOff), then a mark.
            let short: &'static str = if reason.ends_with("BackOff") { "BackOff" } else { reason.get(..3).unwrap_or(reason) };
            words_buf = [reason, short, "!"];
            ("pod-waiting", &words_buf)
        }
        Phase::Terminating => {
            scene.rect(r, c.card_draining, None, 3.0);
            scene.frame(r, c.unhealthy, cx.line, Dash::Dashed, 3.0);
            ("pod-terminating", &["Terminating", "Term…"])
        }
        _ if q.old => {
            scene.rect(r, &crate::palette::with_alpha(fill, 0.5), None, 3.0);
            scene.frame(r, fill, 1.5, Dash::Dashed, 3.0);
            ("pod-old", &[])
        }
        _ => {
            scene.rect(r, fill, None, 3.0);
            ("pod", &[])
        }
    };
    let ip = q.ip.clone().unwrap_or_default();
    let chip = Rect { x: r.x + 3.0, y: r.y + 3.0, w: r.w - 6.0, h: chip_h(ty) };
    let text = ip_text(&ip, chip.w - 6.0, ty);
    if !text.is_empty() && r.h >= chip_h(ty) + 6.0 {
        scene.rect(chip, c.caption, None, 2.0);
        scene.text(chip.x + chip.w / 2.0, chip.y + ty.small + 1.0, text, ty.small, c.card_text, Align::Centre, true);
    }
    if r.h >= block_h(ty) {
        let names: Vec<String> = if !words.is_empty() {
            words.iter().map(|w| w.to_string()).collect()
        } else if q.old {
            vec![format!("{} (old)", short_pod(q).last().cloned().unwrap_or_default()), "old".into()]
        } else {
            short_pod(q)
        };
        let name = first_fit(&names, r.w - 6.0, ty.small);
        let colour = if kind == "pod" { c.on_block } else { c.card_text };
        scene.text(r.x + r.w / 2.0, chip.bottom() + ty.small + 3.0, name, ty.small, colour, Align::Centre, true);
    }
    scene.object(kind, q.name.clone(), r, ip);
}

/// `text` in at most `max_lines` lines of `max_w`, greedily by word; the last line ends in …
/// when words are left over.
fn wrap(text: &str, max_w: f64, size: f64, max_lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() && out.len() < max_lines {
        if out.len() + 1 == max_lines || text_width(rest, size) <= max_w {
            out.push(fit_words(rest, max_w, size));
            break;
        }
        let mut line = String::new();
        let mut used = 0;
        for w in rest.split(' ') {
            let next = if line.is_empty() { w.to_string() } else { format!("{line} {w}") };
            if text_width(&next, size) > max_w && !line.is_empty() {
                break;
            }
            used += w.len() + 1;
            line = next;
        }
        out.push(line);
        rest = rest.get(used.min(rest.len())..).unwrap_or("");
    }
    out
}

/// The lane of Pending pods: their FailedScheduling reasons on the left, blocks on the right.
/// Returns its height, or None when nothing is Pending.
pub fn draw_pending(cx: &Cx, area: Rect, scene: &mut Scene) -> Option<f64> {
    let (p, ty, c) = (cx.p, cx.ty, cx.c);
    if p.pending.is_empty() {
        return None;
    }
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for &k in &p.pending {
        let r = p.pods[k].pending_reason.clone().unwrap_or_default();
        match reasons.iter_mut().find(|(x, _)| *x == r) {
            Some((_, n)) => *n += 1,
            None => reasons.push((r, 1)),
        }
    }
    let shown = reasons.len().min(2);
    let bw = block_min_w(ty) * 1.3;
    let bh = block_h(ty);
    let text_w = area.w * 0.6;
    // The scheduler's sentence: what failed, then the preemption verdict, each wrapped to the
    // text column (at most two lines each, the second cut with … if it must be).
    let mut lines: Vec<String> = Vec::new();
    for (reason, n) in reasons.iter().take(shown) {
        let (what, pre) = reason.split_once(" preemption: ").map_or((reason.as_str(), ""), |(a, b)| (a, b));
        let what = if *n > 1 { format!("×{n} {what}") } else { what.to_string() };
        lines.extend(wrap(&what, text_w - 2.0 * GAP, ty.small, 2));
        if !pre.is_empty() {
            lines.extend(wrap(&format!("preemption: {pre}"), text_w - 2.0 * GAP, ty.small, 2));
        }
    }
    let h = (ty.body + 10.0 + lines.len() as f64 * (ty.small + 5.0) + 6.0).max(bh + 12.0);
    let r = Rect { h, ..area };
    scene.rect(r, c.subnet, None, 6.0);
    scene.frame(r, c.initial, cx.line, Dash::Dashed, 6.0);
    let head = fit_parts(&[&format!("Pending: {} pod{}", p.pending.len(), if p.pending.len() == 1 { "" } else { "s" }), "FailedScheduling"], text_w - 2.0 * GAP, ty.body);
    scene.text(r.x + GAP, r.y + ty.body + 4.0, head, ty.body, c.initial, Align::Left, true);
    let mut y = r.y + ty.body + 6.0;
    for line in lines {
        y += ty.small + 5.0;
        scene.text(r.x + GAP, y, line, ty.small, c.card_text, Align::Left, false);
    }
    scene.object("pending", "", r, reasons.iter().map(|(x, _)| x.as_str()).collect::<Vec<_>>().join(" | "));
    let blocks = Rect { x: r.x + text_w, y: r.y + 6.0, w: r.w - text_w - GAP, h: r.h - 12.0 };
    let per_row = ((blocks.w + 4.0) / (bw + 4.0)).floor().max(1.0) as usize;
    let rows = ((blocks.h + 4.0) / (bh + 4.0)).floor().max(1.0) as usize;
    let slots = per_row * rows;
    let shown = if p.pending.len() > slots { slots - 1 } else { p.pending.len() };
    let slot = |n: usize| Rect { x: blocks.x + (n % per_row) as f64 * (bw + 4.0), y: blocks.y + (n / per_row) as f64 * (bh + 4.0), w: bw, h: bh };
    for (n, &k) in p.pending.iter().take(shown).enumerate() {
        draw_pod(cx, k, slot(n), scene);
    }
    if shown < p.pending.len() {
        let s = slot(shown);
        scene.rect(s, c.card, None, 3.0);
        scene.text(s.x + s.w / 2.0, s.y + s.h / 2.0 + ty.small / 2.0, format!("+{}", p.pending.len() - shown), ty.small, c.card_text, Align::Centre, true);
    }
    Some(h)
}

/// A node group's nodes (and those on their way) in a grid of cards as large as the area allows.
pub fn draw_nodes(cx: &Cx, members: &[Slot], area: Rect, scene: &mut Scene) {
    let n = members.len().max(1);
    let (cols, w, h) = (1..=n)
        .map(|cols| {
            let rows = n.div_ceil(cols);
            let w = (area.w - GAP * (cols as f64 - 1.0)) / cols as f64;
            let h = (area.h - GAP * (rows as f64 - 1.0)) / rows as f64;
            (cols, w, h)
        })
        .max_by(|a, b| (a.1 / 1.6).min(a.2).total_cmp(&(b.1 / 1.6).min(b.2)))
        .unwrap_or((1, area.w, area.h));
    let h = h.min(w * 1.1);
    for (k, &slot) in members.iter().enumerate() {
        let r = Rect { x: area.x + (k % cols) as f64 * (w + GAP), y: area.y + (k / cols) as f64 * (h + GAP), w, h };
        match slot {
            Slot::Node(i) if cx.p.nodes[i].fargate.is_some() => crate::eks_node_states::fargate_card(cx, i, r, scene),
            Slot::Node(i) => node_card(cx, i, r, scene),
            Slot::Launch(j) => crate::eks_node_states::launch_card(cx, j, r, scene),
        }
    }
}

/// A big card (a node filling a zone on a large screen) gets bigger type, up to 1.5×, as the
/// ECS instance cards do, so its chips read from the back of the room.
fn node_card(cx: &Cx, i: usize, r: Rect, scene: &mut Scene) {
    let scaled = Cx { ty: cx.ty.scaled((r.w / 330.0).min(r.h / 240.0).clamp(1.0, 1.5)), p: cx.p, v: cx.v, c: cx.c, line: cx.line };
    node_card_at_scale(&scaled, i, r, scene);
    // A node that just joined fades in (wall clock only): a veil of the lane's colour over it,
    // thinning out.
    if let Some(p) = cx.v.motion.and_then(|m| m.arriving(&cx.p.nodes[i].name)) {
        let e = crate::eks_motion::ease(p);
        scene.rect(r.inset(-2.0), &crate::palette::with_alpha(cx.c.lane, 1.0 - e), None, 5.0);
        scene.object("node-arriving", cx.p.nodes[i].name.clone(), r, format!("{p:.2}"));
    }
}

fn node_card_at_scale(cx: &Cx, i: usize, r: Rect, scene: &mut Scene) {
    let (p, ty, c) = (cx.p, cx.ty, cx.c);
    let node = &p.nodes[i];
    scene.instance_cards.push((i, r));
    scene.rect(r, c.card, None, 5.0);
    let disabled = crate::eks_node_states::disabled_words(cx, i);
    // The hatching starts under the title strip, so the title (kubectl's words) stays legible.
    let title_h = ty.small + 10.0;
    if disabled.is_some() {
        crate::eks_node_states::hatch(Rect { y: r.y + title_h, h: r.h - title_h, ..r }, c.muted_text, 12.0, scene);
    }
    let joined = crate::eks_node_states::just_joined(cx, i);
    let title = match (disabled, joined) {
        // The instance type stays when it fits (Karpenter chose it per node), before the name.
        (Some(words), _) => first_fit(&[format!("{} · {} · {words}", short_node(&node.name), node.instance_type), format!("{} · {words}", node.instance_type), format!("{} · {words}", short_node(&node.name)), words.to_string()], r.w - 2.0 * GAP, ty.small),
        (None, true) => first_fit(&[format!("{} · {} · joined Ready", short_node(&node.name), node.instance_type), format!("{} · joined Ready", node.instance_type), format!("{} · joined Ready", short_node(&node.name)), "joined Ready".into(), "joined".into()], r.w - 2.0 * GAP, ty.small),
        (None, false) => fit_parts(&[short_node(&node.name), &node.instance_type], r.w - 2.0 * GAP, ty.small),
    };
    let title_colour = if disabled.is_some() { c.unhealthy } else if joined { c.healthy } else { c.card_text };
    if joined {
        scene.frame(r, c.healthy, cx.line + 1.0, Dash::Solid, 5.0);
    }
    scene.text(r.x + GAP, r.y + ty.small + 5.0, title, ty.small, title_colour, Align::Left, true);
    let foot = ty.small + 6.0;
    let bx = Rect { x: r.x + GAP, y: r.y + title_h, w: r.w - 2.0 * GAP, h: (r.h - title_h - 2.0 * foot - 6.0).max(0.0) };
    scene.rect(bx, c.free, Some(c.region), 2.0);
    let (alloc_cpu, alloc_mem) = (node.cpu_m.max(1) as f64, node.memory.max(1) as f64);
    let fits = |w: &[f64]| w.iter().sum::<f64>() + 2.0 * w.len().saturating_sub(1) as f64 <= bx.w + 0.5;
    let widths_at = |app_min: f64| -> Vec<f64> { node.pods.iter().map(|&k| (p.pods[k].cpu_m as f64 / alloc_cpu * bx.w).max(if p.pods[k].system { system_min_w(ty) } else { app_min })).collect() };
    // To scale if every block keeps two octets on its chip, else one; else a "+N" badge.
    let mut widths = widths_at(block_min_w(ty));
    if !fits(&widths) {
        widths = widths_at(block_narrow_w(ty));
    }
    // The VPC CNI's addresses in the space the pods leave free (pods stand on the box's floor).
    let tallest = node.pods.iter().map(|&k| (p.pods[k].memory as f64 / alloc_mem * bx.h).max(block_h(ty)).min(bx.h)).fold(0.0, f64::max);
    crate::eks_node_states::eni_panel(cx, i, Rect { h: bx.h - tallest - 6.0, ..bx }, scene);
    let badge_w = text_width("+99", ty.small) + 10.0;
    let all_fit = fits(&widths);
    let mut x = bx.x;
    let mut shown = 0;
    for (n, &k) in node.pods.iter().enumerate() {
        if !all_fit && x + widths[n] + 2.0 + badge_w > bx.right() {
            break;
        }
        let q = &p.pods[k];
        let min_h = if q.system { bx.h.min(block_h(ty)) } else { block_h(ty) };
        let h = (q.memory as f64 / alloc_mem * bx.h).clamp(min_h.min(bx.h), bx.h);
        draw_pod(cx, k, Rect { x, y: bx.bottom() - h, w: widths[n], h }, scene);
        x += widths[n] + 2.0;
        shown += 1;
    }
    if shown < node.pods.len() && bx.right() - x >= badge_w.min(bx.w) {
        let s = Rect { x, y: bx.bottom() - block_h(ty).min(bx.h), w: badge_w, h: block_h(ty).min(bx.h) };
        scene.rect(s, c.card, Some(c.muted_text), 3.0);
        scene.text(s.x + s.w / 2.0, s.y + s.h / 2.0 + ty.small / 2.0, format!("+{}", node.pods.len() - shown), ty.small, c.card_text, Align::Centre, true);
        scene.object("more-pods", node.name.clone(), s, (node.pods.len() - shown).to_string());
    }
    let daemon = fit_parts(&["aws-node + kube-proxy", "DaemonSets on the node IP"], r.w - 2.0 * GAP, ty.small);
    scene.text(r.x + GAP, bx.bottom() + foot, daemon, ty.small, c.muted_text, Align::Left, false);
    let pods = node.pods.len();
    let free = [format!("free {}", cpu(node.cpu_m - node.used_cpu_m)), gib(node.memory - node.used_memory), format!("pods {pods}/{}", node.max_pods)];
    scene.text(r.x + GAP, r.bottom() - 6.0, fit_parts(&[&free[0], &free[1], &free[2]], r.w - 2.0 * GAP, ty.small), ty.small, c.muted_text, Align::Left, false);
    let mut note = format!("{} {} {} cpu {}/{}m memory {}/{} pods {pods}/{}", node.zone, node.group, node.instance_type, node.used_cpu_m, node.cpu_m, node.used_memory, node.memory, node.max_pods);
    if let Some(words) = disabled {
        note = format!("{note} {words}");
    } else if joined {
        note = format!("{note} joined");
    }
    scene.object("node", node.name.clone(), r, note);
    if cx.v.selected_node == Some(i) {
        scene.frame(r, c.selected, 2.0, Dash::Solid, 5.0);
    }
}
