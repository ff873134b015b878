//! The three part-2 EKS lessons' pictures, natively: at every narrative step and every
//! classroom screen size nothing is outside the canvas, no labels overlap and projection text
//! is ≥ 16 px (the checks of `eks_scene_tests`), and each shows its point: HPA pods following
//! the load, Fargate nodes of their CapacityProvisioned size, nodes full at 29 pods.

use crate::eks_adapter::EksSession;
use crate::eks_scene::{layout, EksView};
use crate::scene::{Object, Scene, Shape};

const SIZES: &[(f64, f64, bool)] = &[(1280.0, 720.0, true), (1920.0, 1080.0, false), (1280.0, 720.0, false), (1920.0, 1080.0, true)];

fn session(id: &str) -> EksSession {
    EksSession::load(crate::scenarios::find(id).unwrap().json).unwrap()
}

fn objects<'a>(scene: &'a Scene, kind: &str) -> Vec<&'a Object> {
    scene.objects.iter().filter(|o| o.kind == kind).collect()
}

fn scene_at(s: &EksSession, w: f64, h: f64, projection: bool) -> Scene {
    layout(&s.picture, &EksView { width: w - 400.0, height: h - 150.0, projection, ..EksView::default() })
}

#[test]
fn every_new_lesson_fits_every_screen_at_every_step() {
    let mut failures = Vec::new();
    for id in ["eks-same-web-app", "eks-alb-instance-vs-ip", "eks-spot-pdb", "eks-irsa-vs-task-role", "eks-node-scaling", "eks-karpenter", "eks-hpa-vs-target-tracking", "eks-fargate-pod-sizing", "eks-pod-density"] {
        let mut s = session(id);
        let mut moments: Vec<u64> = s.narrative.iter().map(|n| n.at + 5_000).collect();
        moments.push(s.duration_ms);
        for &t in &moments {
            s.at(t);
            for &(w, h, projection) in SIZES {
                let scene = scene_at(&s, w, h, projection);
                let bad = super::tests::problems(&scene, w - 400.0, h - 150.0, projection);
                if !bad.is_empty() {
                    failures.push(format!("{id} at {t} ms, {w}x{h} projection={projection}: {bad:#?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hpa_lesson_scales_with_the_load_and_captions_the_rescale() {
    let mut s = session("eks-hpa-vs-target-tracking");
    let pods = |s: &EksSession| s.picture.pods.iter().filter(|q| !q.system && q.node.is_some()).count();
    s.at(5 * 60_000);
    assert_eq!(pods(&s), 2, "40 % is inside the tolerance");
    s.at(16 * 60_000);
    assert_eq!(pods(&s), 10, "ceil(1200m / 125m)");
    s.at(36 * 60_000);
    assert_eq!(pods(&s), 10, "the 300 s stabilisation window holds the size");
    s.at(40 * 60_000);
    assert_eq!(pods(&s), 2);
    // The scale-down is captioned in the Event's words for 20 s (its sync: the first sample
    // after the load fell whose desired size is 2).
    let rescale = s.history.samples.iter().find(|x| x.at_s > 32 * 60 && x.hpas[0].1 == 2).unwrap().at_s;
    s.at(rescale as u64 * 1000 + 3000);
    let scene = scene_at(&s, 1920.0, 1080.0, false);
    let caption = objects(&scene, "caption").into_iter().find(|o| o.id == "SuccessfulRescale").expect("the rescale is captioned");
    assert!(caption.note.starts_with("HPA web: New size: 2; reason: All metrics below target"), "{}", caption.note);
}

#[test]
fn fargate_lesson_draws_each_pod_on_its_own_node_of_its_provisioned_size() {
    let mut s = session("eks-fargate-pod-sizing");
    s.at(30_000);
    let scene = scene_at(&s, 1280.0, 720.0, true);
    let ghosts = objects(&scene, "node-launching");
    assert_eq!(ghosts.len(), 3, "three Fargate nodes provisioning: {ghosts:?}");
    assert!(ghosts.iter().all(|g| g.note.contains("ready in 30 s")), "{ghosts:?}");
    s.at(90_000);
    let scene = scene_at(&s, 1280.0, 720.0, true);
    let mut sizes: Vec<String> = objects(&scene, "fargate-node").iter().map(|o| o.note.split_once(' ').unwrap().1.to_string()).collect();
    sizes.sort();
    assert_eq!(sizes, ["0.25vCPU 0.5GB", "0.5vCPU 2GB", "2vCPU 9GB"]);
    // Each Fargate node's pod is inside it, and the edge pod waits with Fargate's reason.
    for n in objects(&scene, "fargate-node") {
        assert_eq!(objects(&scene, "pod").iter().filter(|p| n.r.x <= p.r.x && p.r.right() <= n.r.right() + 0.5 && n.r.y <= p.r.y && p.r.bottom() <= n.r.bottom() + 0.5).count(), 1, "{}", n.id);
    }
    let pending = objects(&scene, "pending-pod");
    assert_eq!(pending.len(), 1);
    assert!(pending[0].note.contains("HostPort and HostNetwork aren't supported on Fargate"), "{}", pending[0].note);
    // Scaled to 3: two more nodes on their way, then in.
    s.at(160_000);
    assert_eq!(s.picture.launching.len(), 2);
    // However narrow an outline, it says each thing once, and a Fargate card keeps its size.
    for &(w, h, projection) in SIZES {
        let scene = scene_at(&s, w, h, projection);
        for g in objects(&scene, "node-launching") {
            let inside: Vec<&str> = scene.text_boxes().into_iter().filter(|(r, _, _)| g.r.x <= r.x && r.right() <= g.r.right() + 0.5 && g.r.y <= r.y && r.bottom() <= g.r.bottom() + 0.5).map(|(_, t, _)| t).collect();
            let mut unique = inside.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), inside.len(), "{w}x{h}: {inside:?}");
        }
        let texts: Vec<&str> = scene.text_boxes().into_iter().map(|(_, t, _)| t).collect();
        assert!(texts.iter().any(|t| t.contains("0.25vCPU 0.5GB")) || (texts.contains(&"0.25vCPU") && texts.contains(&"0.5GB")), "{w}x{h}: {texts:?}");
    }
    s.at(215_000);
    assert_eq!(s.picture.nodes.iter().filter(|n| n.fargate.as_deref() == Some("0.5vCPU 2GB")).count(), 3);
}

#[test]
fn density_lesson_fills_nodes_to_29_pods_with_cpu_free() {
    let mut s = session("eks-pod-density");
    s.at(120_000);
    let p = &s.picture;
    for n in &p.nodes {
        assert_eq!((n.pods.len(), n.max_pods), (29, 29), "{}", n.name);
        assert!(n.used_cpu_m * 2 < n.cpu_m, "most of the CPU is free: {} of {}", n.used_cpu_m, n.cpu_m);
    }
    assert_eq!(p.pending.len(), 6);
    let scene = scene_at(&s, 1280.0, 720.0, true);
    let lane = &objects(&scene, "pending")[0];
    assert!(lane.note.starts_with("0/2 nodes are available: 2 Too many pods."), "{}", lane.note);
    assert!(scene.text_boxes().iter().any(|(_, t, _)| t.contains("pods 29/29")), "the footer says the node is full");
    // The VPC CNI's addresses drawn on each node: 3 ENIs × 9 secondary IPs, all taken.
    for (w, h, projection) in [(1280.0, 720.0, true), (1920.0, 1080.0, false)] {
        let scene = scene_at(&s, w, h, projection);
        let slots = objects(&scene, "eni-slots");
        assert_eq!(slots.len(), 2, "{w}x{h}");
        assert!(slots.iter().all(|o| o.note == "27/27 pod IPs full"), "{slots:?}");
        assert!(scene.text_boxes().iter().any(|(_, t, _)| t.contains("3 ENIs × (10 − 1) + 2 = 29 max pods") || t.contains("3 × (10 − 1) + 2 = 29 pods")), "{w}x{h}");
    }
}

#[test]
fn a_drained_node_is_hatched_and_says_so_and_a_cordoned_one_says_scheduling_disabled() {
    let mut s = EksSession::load(include_str!("../../../examples/eks/drain-pdb.yaml")).unwrap();
    s.at(30_000);
    let before = scene_at(&s, 1920.0, 1080.0, false);
    assert!(objects(&before, "node").iter().all(|n| !n.note.ends_with("draining") && !n.note.ends_with("SchedulingDisabled")));
    // `kubectl drain` at 1 m cordons the zone's node and evicts under the PDB (one refused).
    s.at(62_000);
    let scene = scene_at(&s, 1920.0, 1080.0, false);
    let drained: Vec<&Object> = objects(&scene, "node").into_iter().filter(|n| n.note.ends_with(" draining")).collect();
    assert_eq!(drained.len(), 1, "{:?}", objects(&scene, "node"));
    let node = drained[0];
    assert!(scene.text_boxes().iter().any(|(r, t, _)| t.ends_with("draining") && node.r.x <= r.x && r.right() <= node.r.right()), "the card says draining");
    // The hatching: diagonal lines inside the card.
    let hatch = scene.shapes.iter().filter(|sh| matches!(sh, crate::scene::Shape::Line { from, to, .. } if from.0 < to.0 && from.1 > to.1 && node.r.contains(from.0 + 0.5, from.1 - 0.5) && node.r.contains(to.0 - 0.5, to.1 + 0.5))).count();
    assert!(hatch >= 5, "{hatch} hatch lines");
    // None crosses the title strip: the title's box is clear of every hatch line.
    let (title, _, _) = scene.text_boxes().into_iter().find(|(r, t, _)| t.ends_with("draining") && node.r.contains(r.x + 1.0, r.y + 1.0)).unwrap();
    let crossing = scene.shapes.iter().filter(|sh| matches!(sh, crate::scene::Shape::Line { from, to, .. } if from.0 < to.0 && from.1 > to.1 && node.r.contains(from.0 + 0.5, from.1 - 0.5) && from.1.min(to.1) < title.bottom())).count();
    assert_eq!(crossing, 0, "hatch lines cross the title {title:?}");
    // When the drain is done (or refused for good) the node stays cordoned: SchedulingDisabled.
    s.at(s.duration_ms);
    let scene = scene_at(&s, 1920.0, 1080.0, false);
    assert!(objects(&scene, "node").iter().any(|n| n.note.ends_with(" draining") || n.note.ends_with(" SchedulingDisabled")));
}

#[test]
fn cluster_autoscaler_nodes_are_outlined_in_their_zone_captioned_then_join_there() {
    let mut s = EksSession::load(include_str!("../../../examples/eks/cluster-autoscaler.yaml")).unwrap();
    // The example's scan at 10 s scales general 1 → 2; the node joins 75 s later.
    s.at(15_000);
    let scene = scene_at(&s, 1920.0, 1080.0, false);
    let ghosts = objects(&scene, "node-launching");
    assert_eq!(ghosts.len(), 1, "{ghosts:?}");
    assert_eq!(ghosts[0].note, format!("{} general m5.large joins in 70 s", s.picture.launching[0].zone));
    let zone = objects(&scene, "zone").into_iter().find(|z| z.id == s.picture.launching[0].zone).unwrap();
    assert!(zone.r.x <= ghosts[0].r.x && ghosts[0].r.right() <= zone.r.right(), "the outline is in its zone");
    assert!(scene.text_boxes().iter().any(|(_, t, _)| t.contains("joins in 70 s")));
    let caption = objects(&scene, "caption").into_iter().find(|o| o.id == "ScaledUpGroup").expect("the scale-up is captioned");
    assert_eq!(caption.note, "Cluster Autoscaler: Scale-up: setting group general size to 2 instead of 1 (max: 4)");
    // At 85 s it is a node, in that zone, saying it just joined; 10 s later it is an ordinary node.
    let (zone_name, where_) = (s.picture.launching[0].zone.clone(), ghosts[0].r);
    s.at(86_000);
    let scene = scene_at(&s, 1920.0, 1080.0, false);
    assert!(objects(&scene, "node-launching").is_empty());
    let joined: Vec<&Object> = objects(&scene, "node").into_iter().filter(|n| n.note.ends_with(" joined")).collect();
    assert_eq!(joined.len(), 1);
    assert!(joined[0].note.starts_with(&format!("{zone_name} general m5.large")));
    assert!((joined[0].r.x - where_.x).abs() < 1.0, "the node stands where its outline stood");
    s.at(100_000);
    assert!(objects(&scene_at(&s, 1920.0, 1080.0, false), "node").iter().all(|n| !n.note.ends_with(" joined")));
    for &(w, h, projection) in SIZES {
        for t in [15_000, 86_000] {
            s.at(t);
            let bad = super::tests::problems(&scene_at(&s, w, h, projection), w - 400.0, h - 150.0, projection);
            assert!(bad.is_empty(), "at {t} ms, {w}x{h}: {bad:#?}");
        }
    }
}

#[test]
fn every_service_endpoint_line_ends_on_its_pod_even_beyond_the_box() {
    // eks-alb-instance-vs-ip: a Service box is narrower than the zones its pods are spread over.
    let mut s = session("eks-alb-instance-vs-ip");
    s.at(s.duration_ms);
    let mut beyond = 0;
    for &(w, h, projection) in SIZES {
        let scene = scene_at(&s, w, h, projection);
        let ends = objects(&scene, "endpoint");
        assert!(!ends.is_empty());
        for e in ends {
            let (x, y) = (e.r.x + 1.0, e.r.y + 1.0);
            let pod = objects(&scene, "pod").into_iter().find(|p| p.id == e.id).expect("the endpoint's pod is drawn").r;
            assert!(x >= pod.x && x <= pod.right() && (y - pod.y).abs() < 0.5, "{} ends at ({x}, {y}), its pod is {pod:?}", e.id);
            let drawn = scene.shapes.iter().any(|sh| matches!(sh, Shape::Line { to, .. } if (to.0 - x).abs() < 0.5 && (to.1 - y).abs() < 0.5));
            assert!(drawn, "a line reaches {}'s pod", e.id);
            let svc = objects(&scene, "service").into_iter().find(|b| b.id == e.note).unwrap().r;
            beyond += usize::from(x < svc.x || x > svc.right());
        }
    }
    assert!(beyond > 0, "the lesson has a pod outside its Service box's width (the case this checks)");
}

#[test]
fn karpenter_lesson_launches_the_cheapest_nodeclaim_that_fits_then_consolidates() {
    let mut s = session("eks-karpenter");
    let caption = |scene: &Scene, reason: &str| objects(scene, "caption").into_iter().find(|o| o.id == reason).map(|o| o.note.clone()).unwrap_or_default();
    // Before any pod waits, the empty zone says the NodePool will fill it.
    s.at(5_000);
    for &(w, h, projection) in SIZES {
        let scene = scene_at(&s, w, h, projection);
        assert!(scene.text_boxes().iter().any(|(_, t, _)| t.starts_with("No nodes yet") && !t.contains("in this zone")), "{w}x{h}");
    }
    // 1m5s: five Pending pods batched into one NodeClaim, drawn in its zone with its NodePool
    // and the cheapest type that fits them (c5.xlarge at $0.17/h, not an m5.xlarge at $0.192/h).
    s.at(65_000);
    assert_eq!(s.picture.pending.len(), 5);
    for &(w, h, projection) in SIZES {
        let scene = scene_at(&s, w, h, projection);
        let ghosts = objects(&scene, "node-launching");
        assert_eq!(ghosts.len(), 1, "{ghosts:?}");
        assert_eq!(ghosts[0].id, "karpenter/default");
        assert!(ghosts[0].note.contains(" karpenter/default c5.xlarge joins in 4") && ghosts[0].note.contains(" nodeclaim/default-"), "{}", ghosts[0].note);
        let texts: Vec<&str> = scene.text_boxes().into_iter().map(|(_, t, _)| t).collect();
        assert!(texts.iter().any(|t| t.starts_with("NodePool default")), "{w}x{h}: {texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("NodeClaim launching")), "{w}x{h}: {texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("c5.xlarge")), "{w}x{h}: the type is on the outline: {texts:?}");
        assert!(caption(&scene, "Nominated").starts_with("Karpenter (5 pods): Pod should schedule on: nodeclaim/default-"), "{w}x{h}: the whole caption fits");
        assert!(scene.text_boxes().iter().any(|(_, t, _)| t.starts_with("Karpenter (5 pods): Pod should schedule on: nodeclaim/default-") && !t.ends_with('…')), "{w}x{h}");
    }
    let scene = scene_at(&s, 1920.0, 1080.0, false);
    assert!(scene.text_boxes().iter().any(|(_, t, _)| t.contains("$0.170/h")), "the price it was chosen by");
    // 1m52s: its node joined labelled with its pool and type; the five pods are bound there.
    s.at(112_000);
    let p = &s.picture;
    assert!(p.pending.is_empty() && p.launching.is_empty());
    let node = p.nodes.iter().find(|n| n.group == "karpenter/default").expect("the NodeClaim's node");
    assert_eq!((node.instance_type.as_str(), node.pods.iter().filter(|&&k| !p.pods[k].system).count()), ("c5.xlarge", 5));
    // 4m38s: scaled to 4, three pods left there; the cheaper replacement launches first.
    s.at(278_000);
    assert_eq!(s.picture.launching.iter().map(|l| l.instance_type.as_str()).collect::<Vec<_>>(), ["c5.large"]);
    assert!(caption(&scene_at(&s, 1920.0, 1080.0, false), "DisruptionLaunching").ends_with("Launching NodeClaim: Underutilized"));
    // 5m22s: the old node drained and terminated, captioned on the Node (not its NodeClaim).
    s.at(322_000);
    let types: Vec<&str> = s.picture.nodes.iter().filter(|n| s.picture.zones.iter().any(|z| z.nodes.iter().any(|&i| s.picture.nodes[i].name == n.name))).map(|n| n.instance_type.as_str()).collect();
    assert_eq!(types, ["m5.large", "c5.large"]);
    let terminated = caption(&scene_at(&s, 1280.0, 720.0, true), "DisruptionTerminating");
    assert!(terminated.starts_with("Karpenter (node/ip-") && terminated.ends_with("): Disrupting Node: Underutilized"), "{terminated}");
    // 7m37s: scaled to 1, the c5.large is Empty and deleted; only the system node is left.
    s.at(457_000);
    let zoned: usize = s.picture.zones.iter().map(|z| z.nodes.len()).sum();
    assert_eq!(zoned, 1);
    assert!(caption(&scene_at(&s, 1920.0, 1080.0, false), "DisruptionTerminating").ends_with("Disrupting Node: Empty"));
}
