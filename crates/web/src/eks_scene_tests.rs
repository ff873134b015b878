//! The EKS picture's geometry, for the EKS lesson at each narrative step and at the screen
//! sizes a classroom uses: everything inside the canvas, no two labels overlapping, text
//! ≥ 16 px in projection mode, and what the picture must show where it must show it.

use super::{layout, EksView};
use crate::eks_adapter::EksSession;
use crate::scene::{Object, Rect, Scene, Shape};

const SIZES: &[(f64, f64, bool)] = &[(1280.0, 720.0, true), (1920.0, 1080.0, false), (1280.0, 720.0, false), (1920.0, 1080.0, true)];

/// The canvas the app gives the picture is the window less the toolbar, narrative and panel.
fn canvas(w: f64, h: f64) -> (f64, f64) {
    (w - 400.0, h - 150.0)
}

fn session() -> EksSession {
    EksSession::load(crate::scenarios::find("eks-same-web-app").unwrap().json).unwrap()
}

fn inside(c: &Rect, r: &Rect) -> bool {
    r.x >= c.x - 0.5 && r.y >= c.y - 0.5 && r.right() <= c.right() + 0.5 && r.bottom() <= c.bottom() + 0.5
}

pub(super) fn problems(scene: &Scene, w: f64, h: f64, projection: bool) -> Vec<String> {
    let mut bad = Vec::new();
    let c = Rect { x: 0.0, y: 0.0, w, h };
    let texts = scene.text_boxes();
    for (r, t, size) in &texts {
        if !inside(&c, r) {
            bad.push(format!("text {t:?} outside: {r:?}"));
        }
        if projection && *size < 16.0 {
            bad.push(format!("text {t:?} is {size} px in projection mode"));
        }
    }
    for (k, (a, ta, _)) in texts.iter().enumerate() {
        for (b, tb, _) in &texts[k + 1..] {
            if a.overlaps(b, 0.5) {
                bad.push(format!("texts {ta:?} and {tb:?} overlap"));
            }
        }
    }
    // No line (a Service's endpoint, a pod's AWS call, a target) runs through a label: sampled
    // along it. Hairlines (1 px: a cordoned card's hatching) are texture under the words.
    for s in &scene.shapes {
        if let Shape::Line { from, to, width, .. } = s {
            if *width <= 1.0 {
                continue;
            }
            for (r, t, _) in &texts {
                let hit = (0..=40).map(|k| k as f64 / 40.0).any(|u| {
                    let (x, y) = (from.0 + (to.0 - from.0) * u, from.1 + (to.1 - from.1) * u);
                    x > r.x && x < r.right() && y > r.y && y < r.bottom()
                });
                if hit {
                    bad.push(format!("a line crosses the text {t:?}"));
                }
            }
        }
    }
    // No label lies on a pod chip it does not belong to (a pod's own words are inside it).
    let pods: Vec<Rect> = scene.objects.iter().filter(|o| o.kind == "pod").map(|o| o.r).collect();
    for (r, t, _) in &texts {
        if pods.iter().any(|p| r.overlaps(p, 0.5) && !inside(p, r)) {
            bad.push(format!("text {t:?} lies on a pod chip"));
        }
    }
    for s in scene.shapes.iter().chain(&scene.overlay) {
        if let Shape::Rect { r, .. } | Shape::Frame { r, .. } = s {
            if !inside(&c, r) {
                bad.push(format!("shape outside the canvas: {r:?}"));
            }
        }
    }
    bad
}

fn objects<'a>(scene: &'a Scene, kind: &str) -> Vec<&'a Object> {
    scene.objects.iter().filter(|o| o.kind == kind).collect()
}

fn within(a: &Rect, b: &Rect) -> bool {
    inside(b, a)
}

#[test]
fn the_lesson_fits_every_screen_at_every_step_and_shows_what_it_must() {
    let mut s = session();
    let mut moments: Vec<u64> = s.narrative.iter().map(|n| n.at + 5_000).collect();
    moments.push(s.duration_ms);
    let mut frames = 0;
    for &t in &moments {
        s.at(t);
        for &(w, h, projection) in SIZES {
            let (w, h) = canvas(w, h);
            let scene = layout(&s.picture, &EksView { width: w, height: h, projection, ..EksView::default() });
            let bad = problems(&scene, w, h, projection);
            assert!(bad.is_empty(), "at {t} ms, {w}x{h} projection={projection}: {bad:#?}");
            // One control plane box, outside the VPC; every node inside its own zone's column.
            let (cp, vpc) = (objects(&scene, "control-plane"), objects(&scene, "vpc"));
            assert_eq!(cp.len(), 1);
            assert!(!cp[0].r.overlaps(&vpc[0].r, 0.0), "the control plane is outside the VPC");
            assert_eq!(cp[0].note, "EKS control plane (AWS-managed)");
            let zones = objects(&scene, "zone");
            for n in objects(&scene, "node") {
                let zone = zones.iter().find(|z| n.note.starts_with(&format!("{} ", z.id))).expect("the node's zone is drawn");
                assert!(within(&n.r, &zone.r), "{} inside {}", n.id, zone.id);
            }
            // Every bound application pod is drawn with its IP, inside a node card.
            let bound = s.picture.pods.iter().filter(|q| q.node.is_some() && !q.system).count();
            let mut pods = objects(&scene, "pod");
            for kind in ["pod-old", "pod-creating", "pod-not-ready", "pod-terminating"] {
                pods.extend(objects(&scene, kind));
            }
            // The Service's lines end at its Ready pods, and only there.
            let svc = &s.picture.services[0];
            let mut linked: Vec<&str> = objects(&scene, "endpoint").iter().map(|o| o.id.as_str()).collect();
            let mut ready: Vec<&str> = svc.ready.iter().map(|&k| s.picture.pods[k].name.as_str()).collect();
            linked.sort_unstable();
            ready.sort_unstable();
            assert_eq!(linked, ready, "at {t} ms, {w}x{h}");
            assert_eq!(objects(&scene, "service").len(), 1);
            assert_eq!(pods.len(), bound, "at {t} ms, {w}x{h}: {:?}", objects(&scene, "node"));
            assert!(pods.iter().all(|q| q.note.starts_with("192.168.")), "{pods:?}");
            assert_eq!(objects(&scene, "system-pod").len(), 2 * s.picture.nodes.len());
            assert_eq!(objects(&scene, "pending-pod").len(), s.picture.pending.len());
            frames += 1;
        }
    }
    assert_eq!(frames, moments.len() * SIZES.len());
}

#[test]
fn a_pod_is_as_wide_as_its_cpu_request_and_pending_ones_say_why() {
    let mut s = session();
    s.at(s.duration_ms);
    let scene = layout(&s.picture, &EksView { width: 1520.0, height: 930.0, projection: false, ..EksView::default() });
    let node = &objects(&scene, "node")[0];
    let cap = s.picture.nodes.iter().find(|n| n.name == node.id).unwrap();
    let pod = objects(&scene, "pod").into_iter().find(|p| within(&p.r, &node.r)).unwrap();
    let q = s.picture.pods.iter().find(|q| q.name == pod.id).unwrap();
    // The box is the card less its margins (2 × GAP): the block's share of it is the request's.
    let share = pod.r.w / (node.r.w - 16.0);
    assert!((share - q.cpu_m as f64 / cap.cpu_m as f64).abs() < 0.01, "{share}");
    let lane = &objects(&scene, "pending")[0];
    assert!(lane.note.contains("Insufficient cpu"), "{}", lane.note);
    assert!(scene.text_boxes().iter().any(|(_, t, _)| t.contains("Insufficient cpu")));
    // Clicking a pod's block finds that pod.
    let (cx, cy) = (pod.r.x + pod.r.w / 2.0, pod.r.y + pod.r.h / 2.0);
    match scene.hit(cx, cy) {
        Some(crate::scene::Hit::Task(k)) => assert_eq!(s.picture.pods[k].name, pod.id),
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_phase_looks_different_and_says_so_in_projection() {
    use crate::eks_adapter::Phase;
    let mut s = session();
    let mut kinds = std::collections::BTreeSet::new();
    for t in (118..=135).chain(240..=262) {
        s.at(t * 1000);
        let scene = layout(&s.picture, &EksView { width: 880.0, height: 570.0, projection: true, ..EksView::default() });
        let texts: Vec<&str> = scene.text_boxes().into_iter().map(|(_, t, _)| t).collect();
        for (kind, phase, word) in [("pod-creating", Phase::ContainerCreating, "Creat"), ("pod-not-ready", Phase::NotReady, "0/1"), ("pod-terminating", Phase::Terminating, "Term")] {
            let drawn = objects(&scene, kind);
            let want = s.picture.pods.iter().filter(|q| q.node.is_some() && q.phase == phase).count();
            assert_eq!(drawn.len(), want, "at {t} s: {kind}");
            if want > 0 {
                kinds.insert(kind);
                assert!(texts.iter().any(|x| x.contains(word) || (word == "0/1" && x.contains("not Ready")) || (word == "Creat" && *x == "new")), "at {t} s the word {word:?} is on the canvas: {texts:?}");
            }
        }
    }
    assert_eq!(kinds.len(), 3, "{kinds:?}");
}

#[test]
fn the_pending_reason_is_never_cut_at_a_projected_1280() {
    let mut s = session();
    s.at(s.duration_ms);
    let (w, h) = canvas(1280.0, 720.0);
    let scene = layout(&s.picture, &EksView { width: w, height: h, projection: true, ..EksView::default() });
    let reason = s.picture.pods[s.picture.pending[0]].pending_reason.clone().unwrap();
    // Every word of kube-scheduler's message is on the canvas, none replaced by "…".
    let drawn: String = scene.text_boxes().iter().map(|(_, t, _)| *t).collect::<Vec<_>>().join(" ");
    for word in reason.split(' ') {
        assert!(drawn.split(' ').any(|d| d == word), "{word:?} missing from {drawn}");
    }
}

#[test]
fn an_arriving_node_fades_in_and_a_removed_one_leaves_a_fading_ghost() {
    use crate::eks_motion::MotionFrame;
    let mut s = session();
    s.at(35_000);
    let (w, h) = canvas(1280.0, 720.0);
    let still = layout(&s.picture, &EksView { width: w, height: h, projection: true, ..EksView::default() });
    let node = still.objects.iter().find(|o| o.kind == "node").unwrap().clone();
    let name = s.picture.nodes.iter().find(|n| node.id.contains(n.name.split('.').next().unwrap())).map(|n| n.name.clone()).unwrap_or_else(|| s.picture.nodes[0].name.clone());
    let ghost = Rect { x: 40.0, y: 300.0, w: 200.0, h: 150.0 };
    let at = |p: f64| {
        let m = MotionFrame { moves: vec![(name.clone(), Rect::default(), p), (String::new(), ghost, p)] };
        let scene = layout(&s.picture, &EksView { width: w, height: h, projection: true, motion: Some(&m), ..EksView::default() });
        let veil = scene.shapes.iter().filter_map(|sh| match sh { Shape::Rect { r, fill, .. } if fill.starts_with("rgba(") && (r.w - (node.r.w + 4.0)).abs() < 1.0 && (r.h - (node.r.h + 4.0)).abs() < 1.0 => Some(fill.clone()), _ => None }).next();
        (scene, veil)
    };
    let (half, veil) = at(0.5);
    assert!(half.objects.iter().any(|o| o.kind == "node-arriving" && o.note == "0.50"), "{:?}", half.objects.iter().map(|o| o.kind).collect::<Vec<_>>());
    assert!(veil.as_deref().is_some_and(|v| v.ends_with(",0.12)") || v.ends_with(",0.13)")), "a veil of 1 − ease(0.5) = 0.125 over the card: {veil:?}");
    assert!(half.objects.iter().any(|o| o.kind == "node-ghost" && o.r == ghost));
    // Where it lands: the node's objects do not move with it (clicks and the hook find it in place).
    assert!(half.objects.iter().any(|o| o.kind == "node" && o.r == node.r));
    assert_eq!(problems(&still, w, h, true), Vec::<String>::new());
}
