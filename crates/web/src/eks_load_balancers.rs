//! The AWS Load Balancer Controller's ALBs and NLBs in the EKS picture: a box per load balancer
//! in a strip above the zones (its Ingress or Service, scheme, target type), and a line to each
//! registered target coloured and patterned by its health as ECS's target lines are
//! (`layout::health_colour` / `health_dash`). Target type decides where a line ends: `ip` on
//! the pod's block (its IP is the target), `instance` on a NodePort chip at the top of the
//! node's card (kube-proxy forwards from there).

use stevedore_sim::sort::SortSmall;
use crate::eks_adapter::LoadBalancerView;
use crate::eks_cards::Cx;
use crate::layout::{health_colour, health_dash, GAP};
use crate::scene::{fit_parts, Align, Dash, Rect, Scene, Shape};
use stevedore_sim::engine::TargetState;

/// The strip's height, or None without load balancers.
pub fn strip_h(cx: &Cx) -> Option<f64> {
    (!cx.p.load_balancers.is_empty()).then(|| cx.ty.body + cx.ty.small + 18.0)
}

fn healthy(lb: &LoadBalancerView) -> usize {
    lb.targets.iter().filter(|t| t.state == TargetState::Healthy).count()
}

/// Draws the boxes in `area`; returns each box for `draw_targets` once nodes and pods are placed.
pub fn draw_boxes(cx: &Cx, area: Rect, scene: &mut Scene) -> Vec<Rect> {
    let (p, ty, c) = (cx.p, cx.ty, cx.c);
    let n = p.load_balancers.len().max(1) as f64;
    let w = (area.w - GAP * (n - 1.0)) / n;
    let mut boxes = Vec::new();
    for (k, lb) in p.load_balancers.iter().enumerate() {
        let r = Rect { x: area.x + k as f64 * (w + GAP), y: area.y, w, h: area.h };
        scene.rect(r, c.card, Some(c.alb), 5.0);
        scene.frame(r, c.alb, cx.line, Dash::Solid, 5.0);
        let head = fit_parts(&[&format!("{} for {}", lb.kind, lb.owner), &lb.name], r.w - 2.0 * GAP, ty.body);
        scene.text(r.x + GAP, r.y + ty.body + 5.0, head, ty.body, c.card_text, Align::Left, true);
        let kind = if lb.target_type_ip { "ip: pod IPs".to_string() } else { format!("instance: NodePort {}", join(&lb.ports)) };
        let draining = lb.targets.iter().filter(|t| t.state == TargetState::Draining).count();
        let health = if draining > 0 { format!("{}/{} healthy, {draining} draining", healthy(lb), lb.targets.len()) } else { format!("{}/{} healthy", healthy(lb), lb.targets.len()) };
        let scheme = if lb.internet_facing { "internet-facing" } else { "internal" };
        let line = fit_parts(&[&kind, &health, scheme], r.w - 2.0 * GAP, ty.small);
        scene.text(r.x + GAP, r.y + ty.body + ty.small + 11.0, line, ty.small, c.muted_text, Align::Left, false);
        let note = format!("{} {} {} {} healthy {}/{}", lb.kind, lb.owner, if lb.target_type_ip { "ip" } else { "instance" }, scheme, healthy(lb), lb.targets.len());
        scene.object("load-balancer", lb.dns.clone(), r, note);
        boxes.push(r);
    }
    boxes
}

fn join(ports: &[u16]) -> String {
    ports.iter().map(u16::to_string).collect::<Vec<_>>().join(",")
}

/// Where a target's line ends: the pod block's top centre (ip), or a NodePort chip drawn on the
/// node card's top edge (instance; one chip per node and port however many load balancers use it).
fn end_of(cx: &Cx, t: &crate::eks_adapter::LbTargetView, scene: &mut Scene, chips: &mut Vec<(usize, u16, Rect)>) -> Option<((f64, f64), &'static str, String)> {
    if let Some(k) = t.pod {
        let (_, r) = scene.task_blocks.iter().find(|(q, _)| *q == k).copied()?;
        return Some(((r.x + r.w / 2.0, r.y), "pod-ip", t.id.clone()));
    }
    let i = t.node?;
    if let Some((_, _, r)) = chips.iter().find(|(n, p, _)| *n == i && *p == t.port) {
        return Some(((r.x + r.w / 2.0, r.y), "node-port", format!("{}:{}", cx.p.nodes[i].name, t.port)));
    }
    let name = &cx.p.nodes[i].name;
    let card = scene.objects.iter().find(|o| o.kind == "node" && o.id == *name).map(|o| o.r)?;
    let (ty, c) = (cx.ty, cx.c);
    let label = format!(":{}", t.port);
    let w = crate::scene::text_width(&label, ty.small) + 10.0;
    let h = ty.small + 6.0;
    let others = chips.iter().filter(|(n, _, _)| *n == i).count() as f64;
    // Right of the card's title line (the node's name), clear of every label in the card.
    let texts = scene.text_boxes();
    let top = texts.iter().map(|(r, _, _)| *r).filter(|r| r.x >= card.x - 0.5 && r.right() <= card.right() + 0.5 && r.y >= card.y - 0.5 && r.y < card.y + h).fold(None, |m: Option<Rect>, r| Some(m.map_or(r, |m| if r.right() > m.right() { r } else { m })));
    let y = top.map_or(card.y + 2.0, |t| t.y + (t.h - h) / 2.0);
    let x = card.right() - GAP / 2.0 - w - others * (w + 4.0);
    let r = if top.is_none_or(|t| t.right() + 4.0 <= x) {
        let r = Rect { x, y, w, h };
        scene.rect(r, c.card, Some(c.alb), 3.0);
        scene.text(r.x + w / 2.0, r.y + h / 2.0 + ty.small / 2.0 - 1.0, label, ty.small, c.card_text, Align::Centre, true);
        r
    } else {
        // No room for the label: a notch on the card's top edge (the port is in the ALB's box),
        // 3 px either side of the border, clear of the labels above and inside.
        let r = Rect { x: card.right() - GAP - 14.0 - others * 18.0, y: card.y - 3.0, w: 14.0, h: 6.0 };
        scene.rect(r, c.alb, None, 2.0);
        r
    };
    scene.object("node-port", format!("{name}:{}", t.port), r, "NodePort");
    chips.push((i, t.port, r));
    Some(((r.x + r.w / 2.0, r.y), "node-port", format!("{name}:{}", t.port)))
}

/// A line from each load balancer to each of its targets, by health: down from the box to a
/// bus in the gap below the strip (one height per load balancer), along it, then straight down
/// to the target, broken where it would cross a label (zone, subnet and node titles stay read).
pub fn draw_targets(cx: &Cx, boxes: &[Rect], scene: &mut Scene) {
    let mut chips = Vec::new();
    let n_lb = boxes.len() as f64;
    for (k, (lb, b)) in cx.p.load_balancers.iter().zip(boxes).enumerate() {
        let n = lb.targets.len().max(1) as f64;
        let bus = b.bottom() + GAP * (k as f64 + 1.0) / (n_lb + 1.0);
        for (j, t) in lb.targets.iter().enumerate() {
            let Some((to, kind, at)) = end_of(cx, t, scene, &mut chips) else { continue };
            // Feet spread along the box's bottom, in target order, so lines don't share a start.
            let foot = b.x + b.w * (j as f64 + 0.5) / n;
            let colour = health_colour(cx.c, t.state).to_string();
            let (width, dash) = ((cx.line * 0.9).max(1.5), health_dash(t.state));
            scene.shapes.push(Shape::Line { from: (foot, b.bottom()), to: (foot, bus), colour: colour.clone(), width, dash });
            scene.shapes.push(Shape::Line { from: (foot, bus), to: (to.0, bus), colour: colour.clone(), width, dash });
            let labels: Vec<Rect> = scene.text_boxes().into_iter().map(|(r, _, _)| r).collect();
            let mut cuts: Vec<(f64, f64)> = labels.iter().filter(|r| r.x - 3.0 <= to.0 && to.0 <= r.right() + 3.0 && r.bottom() > bus && r.y < to.1).map(|r| (r.y - 2.0, r.bottom() + 2.0)).collect();
            cuts.sort_small_by(|a, b| a.0.total_cmp(&b.0));
            let mut y = bus;
            for (from, until) in cuts.into_iter().chain([(to.1, to.1)]) {
                if from > y {
                    scene.shapes.push(Shape::Line { from: (to.0, y), to: (to.0, from.min(to.1)), colour: colour.clone(), width, dash });
                }
                y = y.max(until);
            }
            let state = format!("{:?}", t.state).to_lowercase();
            scene.object("lb-target", t.id.clone(), Rect { x: to.0 - 1.0, y: to.1 - 1.0, w: 2.0, h: 2.0 }, format!("{} {kind} {at} {state}", lb.dns));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::eks_adapter::EksSession;
    use crate::eks_scene::{layout, EksView};
    use crate::scene::{Rect, Shape};

    fn session() -> EksSession {
        EksSession::load(crate::scenarios::find("eks-alb-instance-vs-ip").unwrap().json).unwrap()
    }

    /// The ALB lesson at every narrative step and classroom size: lines end on pod IPs (ip) or
    /// on NodePort chips on node cards (instance), one per registered target, coloured by its
    /// health; every label inside the canvas, none overlapping, none crossed by a line, text
    /// at least 16 px when projected.
    #[test]
    fn the_alb_lesson_ends_lines_on_pod_ips_or_node_ports_at_every_step() {
        let mut s = session();
        let mut moments: Vec<u64> = s.narrative.iter().map(|n| n.at + 5_000).collect();
        moments.push(s.duration_ms);
        for &t in &moments {
            s.at(t);
            for &(w, h, projection) in &[(880.0, 570.0, true), (1520.0, 930.0, false), (880.0, 570.0, false), (1520.0, 930.0, true)] {
                let scene = layout(&s.picture, &EksView { width: w, height: h, projection, ..EksView::default() });
                let texts = scene.text_boxes();
                let canvas = Rect { x: 0.0, y: 0.0, w, h };
                for (k, (a, ta, size)) in texts.iter().enumerate() {
                    assert!(a.x >= -0.5 && a.y >= -0.5 && a.right() <= canvas.right() + 0.5 && a.bottom() <= canvas.bottom() + 0.5, "{ta:?} outside at {t} {w}x{h}");
                    assert!(!projection || *size >= 16.0, "{ta:?} is {size} px");
                    for (b, tb, _) in &texts[k + 1..] {
                        assert!(!a.overlaps(b, 0.5), "{ta:?} and {tb:?} overlap at {t} ms {w}x{h} projection={projection}");
                    }
                }
                // A line never crosses a label, unless it lies beneath an (opaque) load balancer
                // box painted after it (the Services' lines pass behind the ALBs).
                let boxes: Vec<(usize, Rect)> = scene.objects.iter().filter(|o| o.kind == "load-balancer").filter_map(|o| scene.shapes.iter().position(|sh| matches!(sh, Shape::Rect { r, .. } if *r == o.r)).map(|i| (i, o.r))).collect();
                assert_eq!(boxes.len(), 2);
                for (i, sh) in scene.shapes.iter().enumerate() {
                    if let Shape::Line { from, to, .. } = sh {
                        if (from.0 - to.0).abs() < 0.01 {
                            for (r, tx, _) in &texts {
                                let hidden = boxes.iter().any(|(k, b)| i < *k && r.x >= b.x && r.right() <= b.right() && r.y >= b.y && r.bottom() <= b.bottom());
                                assert!(hidden || !(from.0 >= r.x && from.0 <= r.right() && from.1.min(to.1) < r.bottom() && from.1.max(to.1) > r.y), "a line crosses {tx:?} at {t} ms");
                            }
                        }
                    }
                }
                let obj = |kind: &'static str| scene.objects.iter().filter(move |o| o.kind == kind);
                let lbs = &s.picture.load_balancers;
                assert_eq!(obj("load-balancer").count(), 2);
                let ends: Vec<_> = obj("lb-target").collect();
                let registered: usize = lbs.iter().flat_map(|l| &l.targets).filter(|x| x.pod.is_some() || x.node.is_some()).count();
                assert_eq!(ends.len(), registered, "one line per target at {t} ms");
                for e in &ends {
                    let lb = lbs.iter().find(|l| e.note.starts_with(&l.dns)).unwrap();
                    if lb.target_type_ip {
                        // On a pod block whose IP is the target.
                        let pod = scene.objects.iter().find(|o| o.kind.starts_with("pod") && o.note == e.id).unwrap_or_else(|| panic!("no pod with IP {}", e.id));
                        assert!((e.r.y + 1.0 - pod.r.y).abs() < 0.5 && e.r.x >= pod.r.x - 1.0 && e.r.x <= pod.r.right(), "{e:?} on {pod:?}");
                        assert!(e.note.contains(" pod-ip "));
                    } else {
                        // On a NodePort chip inside the top of a node card.
                        let chip = obj("node-port").find(|c| c.r.x <= e.r.x + 1.0 && e.r.x + 1.0 <= c.r.right() && (c.r.y - e.r.y - 1.0).abs() < 0.5).unwrap_or_else(|| panic!("{e:?} ends on no NodePort chip"));
                        let node = obj("node").find(|n| chip.id.starts_with(&format!("{}:", n.id))).unwrap();
                        assert!(chip.r.x >= node.r.x && chip.r.right() <= node.r.right(), "chip on its node");
                        assert!(chip.id.ends_with(":30080") && e.id.starts_with("i-"));
                    }
                }
                // instance: every node is a target, pods or not.
                let web = lbs.iter().find(|l| !l.target_type_ip).unwrap();
                assert_eq!(web.targets.len(), s.picture.nodes.len());
            }
        }
    }
}
