//! The EKS picture: the same Region → VPC → Availability Zone → subnet diagram as ECS, holding
//! an EKS cluster: the AWS-managed control plane outside the VPC, nodes per zone grouped by node
//! group (each a CPU × memory box of its allocatable), pods as blocks sized by their requests
//! with their pod IPs, and a lane of Pending pods with kube-scheduler's FailedScheduling reason.
//! Pure: built from `eks_adapter::EksPicture`, drawn by `paint`, tested natively.

use crate::eks_adapter::{EksPicture, Phase};
use crate::eks_cards::{self, Cx};
use crate::eks_node_states::Slot;
use crate::layout::GAP;
use crate::palette::Colours;
use crate::scene::{first_fit, fit_parts, fit_words, Align, Dash, Rect, Scene, Type};

#[derive(Debug, Clone, Copy, Default)]
pub struct EksView<'a> {
    pub width: f64,
    pub height: f64,
    pub projection: bool,
    pub selected_pod: Option<usize>,
    pub selected_node: Option<usize>,
    /// Nodes arriving and leaving this frame (`eks_motion`; None: none).
    pub motion: Option<&'a crate::eks_motion::MotionFrame>,
}

pub fn layout(p: &EksPicture, v: &EksView) -> Scene {
    let ty = Type::new(v.projection, v.width);
    let c = Colours::for_mode(v.projection);
    let cx = Cx { p, v, c, ty, line: if v.projection { 3.0 } else { 2.0 } };
    let mut scene = Scene { world: Rect { x: 0.0, y: 0.0, w: v.width, h: v.height }, ..Scene::default() };
    scene.rect(scene.world, c.background, None, 0.0);
    let legend_h = ty.small + 14.0;
    let region = Rect { x: GAP / 2.0, y: GAP / 2.0, w: v.width - GAP, h: v.height - legend_h - GAP };
    scene.frame(region, c.region, 1.5, Dash::Solid, 6.0);
    let region_label = fit_parts(&["AWS Cloud", &format!("Region {}", p.region)], region.w - 2.0 * GAP, ty.body);
    scene.text(region.x + GAP, region.y + ty.body + 4.0, region_label, ty.body, c.lane_text, Align::Left, true);
    let mut y = region.y + ty.body + 10.0;

    // The control plane: one box, run by AWS in its own account, outside the customer's VPC.
    let iam_w = crate::eks_identity::box_w(&cx);
    let cp = Rect { x: region.x + GAP, y, w: region.w - 2.0 * GAP - if iam_w > 0.0 { iam_w + GAP } else { 0.0 }, h: ty.body + 14.0 };
    scene.rect(cp, c.subnet, Some(c.alb), 5.0);
    let title = "EKS control plane (AWS-managed)";
    let title_w = crate::scene::text_width(title, ty.body);
    scene.text(cp.x + GAP, cp.y + ty.body + 4.0, title, ty.body, c.card_text, Align::Left, true);
    let details = fit_parts(&[&format!("cluster {}", p.cluster), "API server, etcd, scheduler", &format!("Kubernetes {}", p.kubernetes)], cp.w - title_w - 4.0 * GAP, ty.small);
    scene.text(cp.x + 2.0 * GAP + title_w + GAP, cp.y + ty.body + 4.0, details, ty.small, c.muted_text, Align::Left, false);
    scene.object("control-plane", p.cluster.clone(), cp, title);
    let iam = crate::eks_identity::draw_box(&cx, Rect { x: cp.right() + GAP, w: iam_w, ..cp }, &mut scene);
    y = cp.bottom() + GAP;

    let vpc = Rect { x: region.x + GAP, y, w: region.w - 2.0 * GAP, h: region.bottom() - y - GAP };
    scene.frame(vpc, c.vpc, 1.5, Dash::Solid, 6.0);
    scene.object("vpc", "192.168.0.0/16", vpc, "");
    let vpc_label = fit_parts(&["VPC 192.168.0.0/16", &format!("EKS cluster {}", p.cluster), "worker nodes"], vpc.w - 2.0 * GAP, ty.small);
    scene.text(vpc.x + GAP, vpc.y + ty.small + 4.0, vpc_label, ty.small, c.vpc, Align::Left, true);
    let mut inner = Rect { x: vpc.x + GAP, y: vpc.y + ty.small + 10.0, w: vpc.w - 2.0 * GAP, h: vpc.h - ty.small - 10.0 - GAP };
    if let Some(h) = crate::eks_captions::draw(&cx, inner, &mut scene) {
        inner = Rect { y: inner.y + h + GAP, h: inner.h - h - GAP, ..inner };
    }
    if let Some(h) = eks_cards::draw_pending(&cx, inner, &mut scene) {
        inner = Rect { y: inner.y + h + GAP, h: inner.h - h - GAP, ..inner };
    }
    let mut service_boxes = Vec::new();
    if let Some(h) = crate::eks_services::strip_h(&cx) {
        service_boxes = crate::eks_services::draw_boxes(&cx, Rect { h, ..inner }, &mut scene);
        inner = Rect { y: inner.y + h + GAP, h: inner.h - h - GAP, ..inner };
    }
    let mut lb_area = None;
    if let Some(h) = crate::eks_load_balancers::strip_h(&cx) {
        lb_area = Some(Rect { h, ..inner });
        inner = Rect { y: inner.y + h + GAP, h: inner.h - h - GAP, ..inner };
    }
    let n = p.zones.len().max(1) as f64;
    let zw = (inner.w - GAP * (n - 1.0)) / n;
    for k in 0..p.zones.len() {
        let lane = Rect { x: inner.x + k as f64 * (zw + GAP), w: zw, ..inner };
        scene.rect(lane, c.lane, Some(c.region), 6.0);
        zone(&cx, k, lane, &mut scene);
    }
    // A removed node's card fades out where it stood (the view's ghost, `eks_motion`).
    for &(_, r, p_) in v.motion.map_or(&[][..], |m| &m.moves).iter().filter(|m| m.0.is_empty()) {
        let a = 1.0 - crate::eks_motion::ease(p_);
        scene.rect(r, &crate::palette::with_alpha(c.card, 0.9 * a), None, 5.0);
        scene.frame(r, &crate::palette::with_alpha(c.muted_text, a), cx.line, Dash::Dashed, 5.0);
        scene.object("node-ghost", "", r, "");
    }
    if let Some(area) = lb_area {
        let boxes = crate::eks_load_balancers::draw_boxes(&cx, area, &mut scene);
        crate::eks_load_balancers::draw_targets(&cx, &boxes, &mut scene);
    }
    // After the targets (so their NodePort labels are known), stopping at the load balancers'
    // strip they pass behind.
    crate::eks_services::draw_endpoints(&cx, &service_boxes, lb_area, &mut scene);
    if p.zones.is_empty() {
        scene.text(inner.x + inner.w / 2.0, inner.y + inner.h / 2.0, "No nodes: the manifest has no ClusterConfig node groups", ty.body, c.muted_text, Align::Centre, false);
    }
    crate::eks_spot::draw(&cx, &mut scene);
    crate::eks_identity::draw_calls(&cx, iam, &mut scene);
    legend(&cx, Rect { x: 0.0, y: v.height - legend_h, w: v.width, h: legend_h }, &mut scene);
    scene
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// One zone: its subnet, then a band per node group holding that group's nodes.
fn zone(cx: &Cx, k: usize, lane: Rect, scene: &mut Scene) {
    let (p, ty, c) = (cx.p, cx.ty, cx.c);
    let z = &p.zones[k];
    let pods: usize = z.nodes.iter().map(|&i| p.nodes[i].pods.iter().filter(|&&q| !p.pods[q].system).count()).sum();
    let title = fit_parts(&[&format!("AZ {}", z.name), &plural(z.nodes.len(), "node"), &plural(pods, "pod")], lane.w - 2.0 * GAP, ty.title);
    scene.text(lane.x + GAP, lane.y + ty.title + 4.0, title, ty.title, c.lane_text, Align::Left, true);
    scene.object("zone", z.name.clone(), lane, "");
    let sub = Rect { x: lane.x + GAP / 2.0, y: lane.y + ty.title + 10.0, w: lane.w - GAP, h: lane.h - ty.title - 10.0 - GAP / 2.0 };
    scene.frame(sub, c.vpc, 1.0, Dash::Dashed, 4.0);
    let label = [format!("private subnet {}", z.cidr).trim_end().to_string(), plural(pods, "pod IP")];
    let candidates = if z.cidr.is_empty() { vec![label.join(" · "), "private subnet".into(), "subnet".into()] } else { vec![label.join(" · "), format!("subnet {} · {}", z.cidr, label[1]), format!("subnet {}", z.cidr), z.cidr.clone()] };
    scene.text(sub.x + GAP / 2.0, sub.y + ty.small + 3.0, first_fit(&candidates, sub.w - GAP, ty.small), ty.small, c.muted_text, Align::Left, false);
    scene.object("subnet", z.cidr.clone(), sub, label.join(" · "));
    let inside = Rect { x: sub.x + GAP / 2.0, y: sub.y + ty.small + 8.0, w: sub.w - GAP, h: sub.h - ty.small - 8.0 - GAP / 2.0 };
    if z.nodes.is_empty() && z.launching.is_empty() {
        // A Karpenter cluster's empty zone is not the end of it: a NodePool launches on demand.
        let pools: Vec<&str> = p.groups.iter().filter_map(|g| g.strip_prefix("karpenter/")).collect();
        let candidates = match pools.first() {
            Some(pool) => vec![format!("No nodes yet: NodePool {pool} launches them on demand"), format!("No nodes yet (NodePool {pool})"), "No nodes yet".to_string()],
            None => vec!["No nodes in this zone".to_string()],
        };
        let words = first_fit(&candidates, inside.w - GAP, ty.body);
        let words = if words.is_empty() { fit_words(&candidates[candidates.len() - 1], inside.w - GAP, ty.body) } else { words };
        scene.text(inside.x + inside.w / 2.0, inside.y + inside.h / 2.0, words, ty.body, c.muted_text, Align::Centre, false);
        return;
    }
    let groups = node_bands(p, z);
    let label_h = ty.small + 8.0;
    let free_h = inside.h - GAP * (groups.len() as f64 - 1.0);
    let weight = |m: &[Slot]| m.iter().map(|&s| crate::eks_node_states::weight(cx, s)).sum::<f64>();
    let total: f64 = groups.iter().map(|(_, m)| weight(m)).sum();
    let mut y = inside.y;
    for (g, members) in &groups {
        let h = free_h * weight(members) / total.max(0.5);
        let band = Rect { x: inside.x, y, w: inside.w, h };
        let (text, note) = band_label(p, g, members, band.w, ty.small);
        scene.text(band.x, band.y + ty.small + 2.0, text, ty.small, c.lane_text, Align::Left, true);
        scene.object("node-group", g.clone(), band, note);
        eks_cards::draw_nodes(cx, members, Rect { y: band.y + label_h, h: band.h - label_h, ..band }, scene);
        y += h + GAP;
    }
}

/// A zone's node groups in the picture's order, each with its nodes then those on their way.
fn node_bands(p: &EksPicture, z: &crate::eks_adapter::ZoneView) -> Vec<(String, Vec<Slot>)> {
    let mut groups: Vec<(String, Vec<Slot>)> = Vec::new();
    let slots = z.nodes.iter().map(|&i| (p.nodes[i].group.clone(), Slot::Node(i))).chain(z.launching.iter().map(|&j| (p.launching[j].group.clone(), Slot::Launch(j))));
    for (g, s) in slots {
        match groups.iter_mut().find(|(x, _)| *x == g) {
            Some((_, members)) => members.push(s),
            None => groups.push((g, vec![s])),
        }
    }
    let order = |g: &str| p.groups.iter().position(|x| x == g).unwrap_or(p.groups.len());
    stevedore_sim::sort::SortSmall::sort_small_by_key(&mut groups[..], |(g, _)| order(g));
    groups
}

/// A band's label (longest that fits) and its hook note.
fn band_label(p: &EksPicture, g: &str, members: &[Slot], w: f64, size: f64) -> (String, String) {
    if let Some(profile) = g.strip_prefix("fargate/") {
        let candidates = [format!("Fargate profile {profile} · one node per pod"), format!("Fargate profile {profile}"), format!("Fargate {profile}"), "Fargate".into()];
        return (first_fit(&candidates, w, size), "fargate".into());
    }
    // Karpenter's nodes: one NodePool, a type per NodeClaim (each card names its own).
    if let Some(pool) = g.strip_prefix("karpenter/") {
        let candidates = [format!("NodePool {pool} · Karpenter · a type per NodeClaim"), format!("NodePool {pool} · Karpenter"), format!("NodePool {pool}"), pool.to_string()];
        return (first_fit(&candidates, w, size), "karpenter".into());
    }
    let (kind, spot, ty_) = match members.iter().find_map(|s| if let Slot::Node(i) = s { Some(*i) } else { None }) {
        Some(i) => (if p.nodes[i].managed { "managed" } else { "self-managed" }, if p.nodes[i].spot { " Spot" } else { "" }, p.nodes[i].instance_type.clone()),
        None => ("managed", "", members.iter().find_map(|s| if let Slot::Launch(j) = s { Some(p.launching[*j].instance_type.clone()) } else { None }).unwrap_or_default()),
    };
    let candidates = [format!("node group {g} · {kind}{spot} · {ty_}"), format!("node group {g} · {ty_}"), format!("group {g} · {ty_}"), format!("{g} · {ty_}"), g.to_string()];
    (first_fit(&candidates, w, size), format!("{kind} {ty_}"))
}

/// What the colours and shapes mean, in the screen's bottom strip.
fn legend(cx: &Cx, strip: Rect, scene: &mut Scene) {
    let (ty, c) = (cx.ty, cx.c);
    let p = cx.p;
    let old = crate::palette::with_alpha(c.services[0], 0.5);
    // What changes from second to second first (the phases), what is always there last.
    let mut items: Vec<(&str, &str, Dash, &str)> = vec![(c.services[0], c.services[0], Dash::Solid, "Ready pod: CPU × memory, IP")];
    let bound = |ph: Phase| p.pods.iter().any(|q| q.node.is_some() && !q.system && q.phase == ph);
    let unready = crate::palette::with_alpha(c.services[0], 0.35);
    if bound(Phase::ContainerCreating) {
        items.push((c.free, c.services[0], Dash::Long, "ContainerCreating"));
    }
    let pull = crate::palette::with_alpha(c.unhealthy, 0.22);
    if let Some(w) = p.pods.iter().find_map(|q| q.waiting.as_ref().filter(|_| q.node.is_some())) {
        items.push((&pull, c.unhealthy, Dash::Solid, w.reason));
    }
    if bound(Phase::NotReady) {
        items.push((&unready, c.services[0], Dash::Solid, "Running, not Ready"));
    }
    if bound(Phase::Terminating) {
        items.push((c.card_draining, c.unhealthy, Dash::Dashed, "Terminating"));
    }
    if p.pods.iter().any(|q| q.old && q.node.is_some()) {
        items.push((&old, c.services[0], Dash::Dashed, "old ReplicaSet"));
    }
    if !p.pending.is_empty() {
        items.push((c.subnet, c.initial, Dash::Dashed, "Pending"));
    }
    if !p.launching.is_empty() {
        items.push((c.background, c.initial, Dash::Long, "node on its way"));
    }
    if p.nodes.iter().any(|n| n.cordoned || n.draining || n.removing) {
        items.push((c.card, c.muted_text, Dash::Dotted, "hatched: no new pods"));
    }
    if !p.services.is_empty() {
        items.push((c.card, c.healthy, Dash::Solid, "Service → Ready pods"));
    }
    if !p.load_balancers.is_empty() {
        items.push((c.card, c.alb, Dash::Solid, "ALB/NLB → targets: green healthy, amber initial, grey draining"));
    }
    items.push((c.draining, c.background, Dash::Dashed, "DaemonSet pod"));
    let mut x = strip.x + GAP;
    let sw = ty.small;
    let base = strip.y + (strip.h + ty.small) / 2.0 - 2.0;
    for (fill, edge, dash, text) in items {
        let w = sw + 6.0 + crate::scene::text_width(text, ty.small);
        if x + w > strip.right() - GAP {
            continue;
        }
        let r = Rect { x, y: base - ty.small * 0.8, w: sw, h: sw * 0.8 };
        scene.overlay.push(crate::scene::Shape::Rect { r, fill: fill.to_string(), stroke: None, radius: 2.0 });
        scene.overlay.push(crate::scene::Shape::Frame { r, colour: edge.to_string(), width: 1.5, dash, radius: 2.0 });
        scene.overlay.push(crate::scene::Shape::Text { x: x + sw + 6.0, y: base, text: text.to_string(), size: ty.small, colour: c.lane_text.to_string(), align: Align::Left, bold: false });
        x += w + 2.0 * GAP;
    }
}

#[cfg(test)]
#[path = "eks_scene_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "eks_lesson_tests.rs"]
mod lesson_tests;

#[cfg(test)]
#[path = "eks_pull_tests.rs"]
mod pull_tests;
