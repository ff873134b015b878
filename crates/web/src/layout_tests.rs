//! Geometry facts about the picture, checked for every built-in lesson at each narrative step
//! and at the screen sizes a classroom uses.

use crate::layout::{layout, View};
use crate::scene::{text_box, Rect, Scene, Shape};
use stevedore_sim::Sim;

const SIZES: &[(f64, f64, bool)] = &[(1280.0, 720.0, true), (1920.0, 1080.0, false), (1280.0, 720.0, false), (1920.0, 1080.0, true)];

fn lesson(id: &str) -> Sim {
    let scenario = stevedore_sim::load(crate::scenarios::find(id).expect("lesson exists").json).expect("lesson loads");
    Sim::new(scenario)
}

/// Each lesson at each narrative step (a little after it, when its point is on screen) and at
/// four minutes.
fn moments(id: &str) -> Vec<u64> {
    let sim = lesson(id);
    let mut at: Vec<u64> = sim.scenario.narrative.iter().map(|s| s.at + 5_000).collect();
    at.push(240_000);
    at.retain(|t| *t <= sim.scenario.duration);
    at.sort();
    at.dedup();
    at
}

fn view(w: f64, h: f64, projection: bool) -> View<'static> {
    View { width: w, height: h, projection, caption_window_ms: 60_000, ..View::default() }
}

fn inside(canvas: &Rect, r: &Rect) -> bool {
    r.x >= canvas.x - 0.5 && r.y >= canvas.y - 0.5 && r.right() <= canvas.right() + 0.5 && r.bottom() <= canvas.bottom() + 0.5
}

/// Every fact the issue lists, for one frame. Returns what failed, described.
fn check(scene: &Scene, w: f64, h: f64, projection: bool) -> Vec<String> {
    let mut bad = Vec::new();
    let canvas = Rect { x: 0.0, y: 0.0, w, h };
    let texts = scene.text_boxes();
    for (r, t, size) in &texts {
        if !inside(&canvas, r) {
            bad.push(format!("text {t:?} outside the canvas: {r:?}"));
        }
        if projection && *size < 16.0 {
            bad.push(format!("text {t:?} is {size} px in projection mode"));
        }
    }
    for (k, (a, ta, _)) in texts.iter().enumerate() {
        for (b, tb, _) in &texts[k + 1..] {
            if a.overlaps(b, 0.5) {
                bad.push(format!("texts {ta:?} {a:?} and {tb:?} {b:?} overlap"));
            }
        }
    }
    // Captions (opaque callouts) never cover each other or any label: card titles, zone names,
    // chips' words, the legend.
    let captions: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "caption").collect();
    for (k, a) in captions.iter().enumerate() {
        for b in &captions[k + 1..] {
            if a.r.overlaps(&b.r, 0.5) {
                bad.push(format!("captions {:?} {:?} and {:?} {:?} overlap", a.note, a.r, b.note, b.r));
            }
        }
        for (r, t, _) in &texts {
            if a.r.overlaps(r, 0.5) {
                bad.push(format!("caption {:?} {:?} covers the label {t:?} {r:?}", a.note, a.r));
            }
        }
    }
    for s in scene.shapes.iter().chain(&scene.overlay).chain(&scene.callouts) {
        let r = match s {
            Shape::Rect { r, .. } | Shape::Frame { r, .. } => *r,
            Shape::Line { from, to, .. } | Shape::Arrow { from, to, .. } => Rect { x: from.0.min(to.0), y: from.1.min(to.1), w: (from.0 - to.0).abs(), h: (from.1 - to.1).abs() },
            Shape::Text { x, y, text, size, align, .. } => text_box(*x, *y, text, *size, *align),
            Shape::Marks { rects, .. } => rects.iter().fold(rects[0], |a, r| {
                let (x, y) = (a.x.min(r.x), a.y.min(r.y));
                Rect { x, y, w: a.right().max(r.right()) - x, h: a.bottom().max(r.bottom()) - y }
            }),
            Shape::Path { points, .. } => points.iter().fold(Rect { x: points[0].0, y: points[0].1, w: 0.0, h: 0.0 }, |a, p| {
                let (x, y) = (a.x.min(p.0), a.y.min(p.1));
                Rect { x, y, w: a.right().max(p.0) - x, h: a.bottom().max(p.1) - y }
            }),
        };
        if !inside(&canvas, &r) {
            bad.push(format!("shape outside the canvas: {s:?}"));
        }
    }
    // Target lines end exactly on their task's chip.
    for o in scene.objects.iter().filter(|o| o.kind == "target-line") {
        let end = (o.r.x + o.r.w, o.r.y + o.r.h);
        let chip = scene.objects.iter().find(|c| c.kind == "chip" && c.id == o.id).map(|c| c.r.top_centre());
        match chip {
            Some(c) if (c.0 - end.0).abs() < 0.01 && (c.1 - end.1).abs() < 0.01 => {}
            other => bad.push(format!("target line for {} ends at {end:?}, its chip's top is {other:?}", o.id)),
        }
    }
    // Chips never overlap each other and stay inside their blocks; badges inside their cards.
    for (k, (ta, a)) in scene.chips.iter().enumerate() {
        for (tb, b) in &scene.chips[k + 1..] {
            if a.overlaps(b, 0.5) {
                bad.push(format!("chips of tasks {ta} and {tb} overlap"));
            }
        }
    }
    for o in scene.objects.iter().filter(|o| o.kind == "overflow") {
        if !scene.objects.iter().any(|c| matches!(c.kind, "capacity" | "zone" | "waiting") && c.r.inset(-0.5).contains(o.r.x, o.r.y) && c.r.inset(-0.5).contains(o.r.right(), o.r.bottom())) {
            bad.push(format!("overflow badge {} at {:?} outside its card", o.id, o.r));
        }
    }
    for o in scene.objects.iter().filter(|o| o.kind == "zone") {
        if o.id.is_empty() {
            bad.push("a zone column without a name".into());
        }
    }
    bad
}

#[test]
fn every_lesson_fits_every_screen_without_overlaps_and_lines_end_on_ports() {
    let mut failures = Vec::new();
    let (mut frames, mut texts, mut lines, mut captions) = (0, 0, 0, 0);
    for l in crate::scenarios::BUILT_IN {
        let mut sim = lesson(l.id);
        for t in moments(l.id) {
            sim.advance_to(t);
            for &(w, h, projection) in SIZES {
                let scene = layout(&sim, &view(w, h, projection));
                frames += 1;
                texts += scene.text_boxes().len();
                lines += scene.objects.iter().filter(|o| o.kind == "target-line").count();
                captions += scene.objects.iter().filter(|o| o.kind == "caption" || o.kind == "container").count();
                for f in check(&scene, w, h, projection) {
                    failures.push(format!("{} at {}s, {w}x{h}{}: {f}", l.id, t / 1000, if projection { " projection" } else { "" }));
                }
            }
        }
    }
    // The checks ran over real pictures.
    assert!(frames >= 4 * crate::scenarios::BUILT_IN.len() * 2 && texts > 20 * frames && lines > 100 && captions > frames / 2, "{frames} frames, {texts} texts, {lines} lines, {captions} captions");
    let shown: Vec<&String> = failures.iter().take(40).collect();
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"));
}

#[test]
fn every_registered_target_with_a_block_gets_a_line() {
    let mut sim = lesson("first-light");
    sim.advance_to(120_000);
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    let targets: usize = sim.aws.elb.iter().map(|t| t.len()).sum();
    assert!(targets >= 6);
    let lines = scene.objects.iter().filter(|o| o.kind == "target-line").count();
    assert_eq!(lines, targets);
    assert!(scene.objects.iter().filter(|o| o.kind == "target-line").all(|o| o.note == "healthy"));
}

fn with_instances(n: u32) -> Sim {
    let mut doc: serde_json::Value = serde_json::from_str(crate::scenarios::default().json).unwrap();
    doc["containerInstances"][0]["count"] = serde_json::json!(n);
    let mut sim = Sim::new(stevedore_sim::load(&doc.to_string()).unwrap());
    sim.advance_to(60_000);
    sim
}

#[test]
fn thousands_of_instances_become_marks_then_density_and_still_fit() {
    for (n, marks) in [(300, true), (4996, false)] {
        let sim = with_instances(n);
        for &(w, h, projection) in SIZES {
            let scene = layout(&sim, &view(w, h, projection));
            assert_eq!(scene.instance_cards.len(), sim.instances.len());
            let canvas = Rect { x: 0.0, y: 0.0, w, h };
            assert!(scene.instance_cards.iter().all(|(_, r)| inside(&canvas, r)), "{n} instances at {w}x{h}: cards must fit");
            let px = crate::cards::tick_px(projection);
            let ticks = scene.shapes.iter().any(|s| matches!(s, Shape::Marks { rects, .. } if rects.iter().all(|r| r.w == px && r.h == px)));
            assert_eq!(ticks, marks, "{n} instances at {w}x{h}");
            // No per-instance text at this scale: nothing to overlap.
            assert!(scene.text_boxes().len() < 60, "{}", scene.text_boxes().len());
        }
    }
}

#[test]
fn the_level_of_detail_follows_the_zoom() {
    // 5,000 instances: density at zoom 1, ticks a few times in, full cards far in (the cards on
    // screen only), each level chosen from what the cells measure on screen.
    let sim = with_instances(4996);
    for &(w, h, projection) in SIZES {
        // Centred on an instance of the big zone that runs tasks.
        let (fit, _) = (layout(&sim, &view(w, h, projection)), ());
        let (_, busy) = *fit.instance_cards.iter().find(|(i, r)| !sim.instances[*i].tasks.is_empty() && r.w < 20.0).expect("a busy instance");
        let at = |scale: f64| {
            let zoom = crate::zoom::Zoom { scale, ..Default::default() }.centre_on(busy.x + busy.w / 2.0, busy.y + busy.h / 2.0, (w, h));
            let v = View { zoom, ..view(w, h, projection) };
            (layout(&sim, &v), v.visible())
        };
        // The other two zones' four instances are cards at any zoom.
        let cards_of = |scene: &Scene| scene.objects.iter().filter(|o| o.kind == "instance").count();
        let (fit, _) = at(1.0);
        // Ticks are `tick_px` on screen (≥ 6 px on a projector): that / zoom in the world.
        let px = crate::cards::tick_px(projection);
        assert!(!projection || px >= 6.0);
        let ticks = |scene: &Scene, s: f64| scene.shapes.iter().any(|sh| matches!(sh, Shape::Marks { rects, .. } if !rects.is_empty() && rects.iter().all(|r| (r.w * s - px).abs() < 1e-9 && r.w == r.h)));
        assert!(!ticks(&fit, 1.0) && cards_of(&fit) == 4, "{w}x{h}: density at zoom 1");
        let (mid, _) = at(4.0);
        assert!(ticks(&mid, 4.0) && cards_of(&mid) == 4, "{w}x{h}: ticks at zoom 4");
        let (near, visible) = at(crate::zoom::MAX_SCALE);
        let cards: Vec<_> = near.objects.iter().filter(|o| o.kind == "instance" && o.r.overlaps(&visible, 0.0)).collect();
        assert!(cards_of(&near) > 4 && cards_of(&near) - 4 <= cards.len() && cards.len() < 40, "{w}x{h}: {} cards in detail", cards.len());
        assert!(cards.iter().all(|o| o.r.overlaps(&visible, 0.0) && o.r.w < visible.w), "{w}x{h}: only cards on screen in detail, in world units");
        let tasks = near.objects.iter().filter(|o| o.kind == "task" && visible.contains(o.r.x, o.r.y)).count();
        assert!(tasks >= 1, "{w}x{h}: {tasks} task blocks");
        // Their text reads on screen as at zoom 1: at least the smallest type, once zoomed.
        let base = crate::scene::Type::new(projection, w).small;
        let on_screen: Vec<f64> = near.text_boxes().iter().filter(|(r, _, _)| visible.contains(r.x, r.y) && r.w < visible.w).map(|(_, _, size)| size * crate::zoom::MAX_SCALE).collect();
        assert!(!on_screen.is_empty() && on_screen.iter().all(|&s| s >= base - 0.01), "{w}x{h}: {on_screen:?}");
        // Outlines inside the cards are as thin on screen as at zoom 1 (a stroked rect paints
        // 2 px in world units, 96 px at 48×: the cards have none).
        for sh in &near.shapes {
            match sh {
                Shape::Rect { r, stroke: Some(_), .. } if r.overlaps(&visible, 0.0) => assert!(r.w >= visible.w || r.h >= visible.h, "{w}x{h}: stroked rect {r:?} in a zoomed card"),
                Shape::Frame { r, width, .. } if r.overlaps(&visible, 0.0) && r.w < visible.w && r.h < visible.h => assert!(width * crate::zoom::MAX_SCALE <= 4.0, "{w}x{h}: frame {width} wide"),
                _ => {}
            }
        }
        // Every card still has its place (hit-testing, the minimap), on screen or not.
        assert_eq!(near.instance_cards.len(), sim.instances.len());
    }
}

#[test]
fn a_binpacked_instance_looks_packed_and_blocks_are_as_wide_as_their_cpu() {
    // placement-strategies: binpack fills one instance; block widths follow CPU reservations.
    let mut sim = lesson("placement-strategies");
    sim.advance_to(120_000);
    let scene = layout(&sim, &view(1920.0, 1080.0, false));
    let boxes: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "capacity").collect();
    let mut checked = 0;
    for b in &boxes {
        let inst = sim.instances.iter().position(|i| i.spec.ec2_instance_id == b.id).unwrap();
        let tasks = &sim.instances[inst].tasks;
        let blocks: Vec<Rect> = tasks.iter().filter_map(|t| scene.task_blocks.iter().find(|(x, _)| x == t).map(|(_, r)| *r)).collect();
        if blocks.len() != tasks.len() || tasks.is_empty() {
            continue;
        }
        // Side by side from the left edge, bottom-aligned, inside the box.
        let used: f64 = blocks.iter().map(|r| r.w).sum();
        let cpu = sim.instances[inst].registered_cpu - sim.instances[inst].remaining_cpu;
        let expected = cpu as f64 / sim.instances[inst].registered_cpu as f64 * b.r.w;
        assert!((used - expected).abs() <= 1.0 || used > expected, "{}: blocks {used:.1} px for {cpu} CPU ({expected:.1} px)", b.id);
        assert!(blocks.iter().all(|r| (r.bottom() - b.r.bottom()).abs() < 0.01 && b.r.inset(-0.5).contains(r.x, r.y)));
        checked += 1;
    }
    assert!(checked >= 6, "{checked}");
}

#[test]
fn a_task_that_cannot_be_placed_is_a_ghost_on_the_instances_that_refused_it() {
    let mut sim = lesson("host-port-conflicts");
    sim.advance_to(120_000);
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    let ghosts: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "ghost").collect();
    assert!(!ghosts.is_empty());
    for g in &ghosts {
        assert!(g.note.contains("port"), "{}", g.note);
        assert!(scene.objects.iter().any(|c| c.kind == "capacity" && c.r.inset(-0.5).contains(g.r.x, g.r.y) && c.r.inset(-0.5).contains(g.r.right(), g.r.bottom())), "ghost inside an instance box");
    }
    assert!(scene.objects.iter().any(|o| o.kind == "waiting" && o.note.contains("closest match is already using a port")), "the waiting band says why, without ids");
}

#[test]
fn captions_name_what_happened_next_to_it_and_fade() {
    let mut sim = lesson("first-light");
    sim.advance_to(5_000);
    let captions = |window: u64| {
        let scene = layout(&sim, &View { caption_window_ms: window, ..view(1280.0, 720.0, true) });
        scene.objects.iter().filter(|o| o.kind == "caption" || o.kind == "container").map(|o| (o.note.clone(), o.r)).collect::<Vec<_>>()
    };
    let shown = captions(60_000);
    let (text, r) = shown.iter().find(|(t, _)| t == "web: started 6 tasks").expect("the scale-out is captioned");
    // Next to the service's tasks: within 200 px of its first block.
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    let first = scene.task_blocks[0].1;
    assert!((r.bottom() - first.y).abs() < 200.0, "{text} at {r:?}, block at {first:?}");
    // Outside the window, gone; with no window (tests, paused screenshots), none.
    assert!(captions(1_000).is_empty());
    assert!(captions(0).is_empty());
}

#[test]
fn a_target_lines_visible_end_starts_where_it_enters_its_own_box() {
    let r = Rect { x: 100.0, y: 100.0, w: 100.0, h: 100.0 };
    // From above and to the left: enters through the left side, not the top.
    let p = crate::traffic::entry((0.0, 150.0), (150.0, 190.0), &r).unwrap();
    assert!((p.0 - 100.0).abs() < 1e-9, "{p:?}");
    let p = crate::traffic::entry((150.0, 0.0), (150.0, 190.0), &r).unwrap();
    assert_eq!(p, (150.0, 100.0));
}

#[test]
fn request_dots_follow_traffic_and_calls_join_tasks() {
    let mut sim = lesson("service-discovery");
    sim.advance_to(6 * 60_000);
    let c = crate::palette::Colours::for_mode(false);
    let scene = |phase_s: f64| layout(&sim, &View { phase_s, ..view(1280.0, 720.0, false) });
    let s = scene(0.0);
    let dots = |s: &Scene| s.shapes.iter().filter_map(|x| match x { Shape::Rect { r, fill, .. } if fill == c.request => Some((r.x, r.y)), _ => None }).collect::<Vec<_>>();
    // 120 requests/s over 2 healthy targets = 60 per target: 5 dots per line (at most 5).
    assert_eq!(dots(&s).len(), 2 * crate::traffic::MAX_DOTS_PER_LINE);
    assert_ne!(dots(&s), dots(&scene(0.4)), "dots move with the phase");
    let calls = s.shapes.iter().filter(|x| matches!(x, Shape::Line { colour, .. } if colour == c.call)).count();
    assert_eq!(calls, sim.call_edges().len());
    assert_eq!(calls, 7);
}

#[test]
fn the_services_around_the_cluster_act_with_arrows() {
    let arrows = |id: &str, at: u64, kind: &str| {
        let mut sim = lesson(id);
        sim.advance_to(at);
        let scene = layout(&sim, &view(1280.0, 720.0, true));
        scene.objects.iter().filter(|o| o.kind == "arrow" && o.note == kind).count()
    };
    // A secret the execution role can't read: red, from SSM Parameter Store.
    assert!((5_000..60_000).step_by(5_000).any(|t| arrows("secrets-environment", t, "refused") > 0));
    // An image pull streams from ECR while tasks are PENDING.
    assert!((180_000..200_000).step_by(2_000).any(|t| arrows("ecr-images", t, "pull") > 0));
    // A container's call denied by IAM.
    assert!((180_000..240_000).step_by(5_000).any(|t| arrows("iam-roles", t, "call-denied") > 0));
}

/// The zone a drawn object lies in (its top-left inside the zone's column).
fn zone_of(scene: &Scene, r: &Rect) -> Option<String> {
    scene.objects.iter().find(|z| z.kind == "zone" && z.r.contains(r.x + 1.0, r.y + 1.0)).map(|z| z.id.clone())
}

#[test]
fn a_lost_zone_goes_dark_and_its_tasks_come_back_in_the_others() {
    // lose-an-az: FIS stops every instance in us-east-1a at 5m.
    let mut sim = lesson("lose-an-az");
    sim.advance_to(315_000);
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    let dark: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "instance" && zone_of(&scene, &o.r).as_deref() == Some("us-east-1a")).collect();
    assert_eq!(dark.len(), 2);
    assert!(dark.iter().all(|o| o.note.ends_with("dimmed")), "{dark:?}");
    assert!(scene.text_boxes().iter().filter(|(_, t, _)| t.contains("STOPPED")).count() >= 2);
    let lit = scene.objects.iter().filter(|o| o.kind == "instance" && !o.note.ends_with("dimmed")).count();
    assert_eq!(lit, 4);
    // 'packed' lost all six at once: its load balancer says none is healthy.
    let packed = scene.objects.iter().find(|o| o.kind == "lb" && o.note.contains("packed-tg")).expect("packed's load balancer");
    assert!(packed.note.contains("(0/"), "{}", packed.note);
    // Replacements run in the other zones, none in the dark one.
    sim.advance_to(335_000);
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    let running: Vec<Option<String>> = scene.objects.iter().filter(|o| o.kind == "task" && o.note.starts_with("running")).map(|o| zone_of(&scene, &o.r)).collect();
    assert!(running.len() >= 12, "{running:?}");
    assert!(running.iter().all(|z| matches!(z.as_deref(), Some("us-east-1b" | "us-east-1c"))), "{running:?}");
}

#[test]
fn an_auto_scaling_launch_points_at_the_new_instance_which_slides_in() {
    let mut sim = lesson("cluster-auto-scaling");
    let before = sim.instances.len();
    let at = (5_000..900_000).step_by(5_000).find(|&t| {
        sim.advance_to(t);
        sim.instances.len() > before
    });
    let at = at.expect("the lesson's ASG launches an instance");
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    let new = &sim.instances[before].spec.ec2_instance_id;
    let arrow = scene.objects.iter().find(|o| o.kind == "arrow" && o.note == "launch" && &o.id == new).unwrap_or_else(|| panic!("no launch arrow to {new} at {at}"));
    let card = scene.objects.iter().find(|o| o.kind == "instance" && &o.id == new).unwrap().r;
    let node = scene.objects.iter().find(|o| o.kind == "edge" && o.id == "Auto Scaling groups").unwrap().r;
    // From the node's left side to the card's right side, middle.
    assert!((arrow.r.x - node.x).abs() < 0.01 && (arrow.r.right() - card.right()).abs() < 0.01 && (arrow.r.bottom() - (card.y + card.h / 2.0)).abs() < 0.01, "{arrow:?} {card:?} {node:?}");
    // Sliding in: the card's shapes start to the right and land where the sim put it; the
    // objects (what a click hits) never move.
    let frames = |p: f64| {
        let arriving = [(before, p)];
        let s = layout(&sim, &View { arriving_instances: &arriving, ..view(1280.0, 720.0, true) });
        let xs: Vec<f64> = s.shapes.iter().filter_map(|x| match x { Shape::Rect { r, .. } if r.w == card.w && r.h == card.h && (r.y - card.y).abs() < 0.01 => Some(r.x), _ => None }).collect();
        (xs, s.objects.iter().find(|o| o.kind == "instance" && &o.id == new).unwrap().r)
    };
    let (start, obj0) = frames(0.0);
    let (end, obj1) = frames(1.0);
    assert!(!start.contains(&card.x) && start.iter().any(|x| *x > card.x + 20.0), "{start:?} vs {}", card.x);
    assert!(end.contains(&card.x), "{end:?}");
    assert_eq!((obj0, obj1), (card, card));
    assert!(start.iter().all(|x| x + card.w <= 1280.0), "stays on the canvas");
}

#[test]
fn a_spot_notice_shows_tasks_moving_from_the_draining_instance_to_their_replacements() {
    // ec2-spot-draining: a Spot interruption notice at 3m; the agent sets DRAINING.
    let mut sim = lesson("ec2-spot-draining");
    let mut seen = 0;
    for t in (181_000..300_000).step_by(3_000) {
        sim.advance_to(t);
        let scene = layout(&sim, &view(1280.0, 720.0, true));
        for o in scene.objects.iter().filter(|o| o.kind == "arrow" && o.note == "replace") {
            let from = scene.instance_cards.iter().find(|(_, r)| (r.x + r.w / 2.0 - o.r.x).abs() < 0.01 && (r.y + r.h / 2.0 - o.r.y).abs() < 0.01).map(|(i, _)| *i).expect("starts on an instance card");
            assert_eq!(sim.instances[from].status, stevedore_sim::engine::InstanceStatus::Draining);
            let task = sim.find_task(&o.id).expect("ends at a task");
            assert!(sim.tasks[task].instance != Some(from) && sim.tasks[task].live());
            let b = scene.task_blocks.iter().find(|(k, _)| *k == task).unwrap().1;
            assert!((b.x + b.w / 2.0 - o.r.right()).abs() < 0.01 && (b.y - o.r.bottom()).abs() < 0.01);
            seen += 1;
        }
    }
    assert!(seen >= 2, "{seen} move arrows");
    // Long after, no arrows.
    sim.advance_to(sim.scenario.duration);
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    assert!(!scene.objects.iter().any(|o| o.note == "replace") || sim.instances.iter().any(|i| i.status == stevedore_sim::engine::InstanceStatus::Draining));
}

/// first-light with slow start on its target group: the scale-out at 5 min adds ramping targets.
fn first_light_slow_start() -> Sim {
    let mut doc: serde_json::Value = serde_json::from_str(crate::scenarios::find("first-light").unwrap().json).unwrap();
    doc["targetGroups"][0]["Attributes"] = serde_json::json!([{"Key": "slow_start.duration_seconds", "Value": "120"}]);
    Sim::new(stevedore_sim::load(&doc.to_string()).unwrap())
}

#[test]
fn a_target_in_slow_start_is_drawn_ramping_with_its_time_left() {
    let mut sim = first_light_slow_start();
    // Find a moment after the scale-out when the sim says some target ramps.
    let mut t = 300_000;
    while t < 600_000 && !sim.aws.elb[0].iter().any(|x| sim.slow_start_ramp(0, x).is_some()) {
        t += 5_000;
        sim.advance_to(t);
    }
    let ramping: Vec<String> = sim.aws.elb[0].iter().filter(|x| sim.slow_start_ramp(0, x).is_some()).map(|x| sim.tasks[x.task].id.clone()).collect();
    assert!(!ramping.is_empty(), "the scale-out's targets ramp");
    for &(w, h, projection) in SIZES {
        let scene = layout(&sim, &view(w, h, projection));
        for o in scene.objects.iter().filter(|o| o.kind == "target-line") {
            let (share, left) = sim.aws.elb[0].iter().find(|x| sim.tasks[x.task].id == o.id).and_then(|x| sim.slow_start_ramp(0, x)).map_or((None, 0), |(s, l)| (Some(s), l));
            match share {
                Some(s) => assert_eq!(o.note, format!("healthy · slow start {}% · {} s left", (s * 100.0).round(), left.div_ceil(1000))),
                None => assert_eq!(o.note, "healthy"),
            }
        }
        let sparse = scene.shapes.iter().filter(|s| matches!(s, Shape::Line { dash: crate::scene::Dash::Sparse, .. })).count();
        assert!(sparse >= ramping.len(), "{sparse} sparse lines for {} ramping targets", ramping.len());
        let tags: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "slow-start").collect();
        assert!(!tags.is_empty() && tags.iter().all(|o| o.note.starts_with("slow start ") && o.note.contains(" s · ")), "{tags:?}");
        assert!(scene.objects.iter().any(|o| o.kind == "legend" && o.id.starts_with("slow start")));
        let failures = check(&scene, w, h, projection);
        assert!(failures.is_empty(), "{failures:?}");
    }
    // After the window nothing ramps and nothing says so.
    sim.advance_to(t + 130_000);
    let scene = layout(&sim, &view(1280.0, 720.0, true));
    assert!(!scene.objects.iter().any(|o| o.kind == "slow-start" || o.note.contains("slow start")));
}

#[test]
fn an_unchanged_picture_is_recognised_and_any_change_is_not() {
    // The app skips the repaint only when the display list is identical.
    let mut sim = lesson("first-light");
    sim.advance_to(100_000);
    let v = view(1280.0, 720.0, true);
    assert!(layout(&sim, &v).same_picture(&layout(&sim, &v)));
    let selected = View { selected_instance: Some(0), ..view(1280.0, 720.0, true) };
    assert!(!layout(&sim, &v).same_picture(&layout(&sim, &selected)));
    let before = layout(&sim, &v);
    sim.advance_to(320_000);
    assert!(!before.same_picture(&layout(&sim, &v)), "the scale-out changes the picture");
}

#[test]
fn sparse_zones_read_well() {
    // fargate-spot-base: two zones of Fargate tasks only. Their blocks grow (type over the
    // base size) and no zone says "0 instances".
    let mut sim = lesson("fargate-spot-base");
    sim.advance_to(180_000);
    for &(w, h, projection) in SIZES {
        let scene = layout(&sim, &view(w, h, projection));
        let base = crate::scene::Type::new(projection, w).small;
        assert!(!scene.text_boxes().iter().any(|(_, t, _)| t.contains("0 instances")));
        let zones: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "zone").collect();
        assert_eq!(zones.len(), 2);
        for z in zones {
            let blocks: Vec<Rect> = scene.task_blocks.iter().map(|(_, r)| *r).filter(|r| z.r.contains(r.x, r.y)).collect();
            assert_eq!(blocks.len(), 5, "{w}x{h}");
            let chip_texts = scene.text_boxes().into_iter().filter(|(r, t, _)| z.r.contains(r.x, r.y) && t.starts_with("10.0.")).map(|(_, _, s)| s).collect::<Vec<_>>();
            assert!(!chip_texts.is_empty() && chip_texts.iter().all(|&s| s > base), "{w}x{h}: chip text {chip_texts:?} not above {base}");
            // Blocks of 1.6× to 2× the base size: as large as the zone takes.
            let chip = chip_texts.iter().copied().fold(0.0, f64::max);
            assert!(chip >= 1.6 * base, "{w}x{h}: chip text {chip} px, base {base} px");
        }
    }
    // secrets-environment: one instance in one zone stays a card of readable size.
    let mut sim = lesson("secrets-environment");
    sim.advance_to(120_000);
    for &(w, h, projection) in SIZES {
        let scene = layout(&sim, &view(w, h, projection));
        let (_, card) = scene.instance_cards[0];
        assert!(card.w <= crate::cards::MAX_CARD_W && card.h <= card.w * crate::cards::SINGLE_ROW_ASPECT + 0.01, "{w}x{h}: {card:?}");
        assert!(check(&scene, w, h, projection).is_empty());
    }
}

#[test]
fn cross_zone_off_keeps_each_zones_lines_in_its_zone() {
    // network-load-balancer: the NLB (cross-zone off by default) draws one node per zone and
    // every line from it stays above its target's zone; the ALB beside it (always on) fans out
    // from one point, so some of its lines cross into the other zone.
    let mut sim = lesson("network-load-balancer");
    sim.advance_to(180_000);
    let nlb_tg = sim.scenario.target_groups.iter().position(|g| g.network()).unwrap();
    assert!(!sim.cross_zone(nlb_tg));
    for &(w, h, projection) in SIZES {
        let scene = layout(&sim, &view(w, h, projection));
        let zone_of = |x: f64, y: f64| scene.objects.iter().find(|o| o.kind == "zone" && o.r.contains(x, y)).map(|o| o.id.clone());
        let lane_x = |zone: &str| scene.objects.iter().find(|o| o.kind == "zone" && o.id == zone).map(|o| (o.r.x, o.r.right())).unwrap();
        let nodes: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "lb-node").collect();
        assert_eq!(nodes.len(), 2, "{w}x{h}: one node per zone with targets");
        let (mut zonal, mut crossing) = (0, 0);
        let box_of = |kind: &str| scene.objects.iter().find(|o| o.kind == "lb" && sim.scenario.load_balancers.iter().any(|lb| lb.name == o.id && lb.kind == kind)).map(|o| o.r).unwrap();
        let alb = box_of("application");
        let starts_on = |o: &crate::scene::Object, b: Rect| (o.r.y - b.bottom()).abs() < 0.01 && o.r.x >= b.x && o.r.x <= b.right();
        for line in scene.objects.iter().filter(|o| o.kind == "target-line") {
            let zone = zone_of(line.r.x + line.r.w, line.r.y + line.r.h).expect("lines end in a zone");
            let (x0, x1) = lane_x(&zone);
            if nodes.iter().any(|n| (n.r.x + n.r.w / 2.0 - line.r.x).abs() < 0.01 && (n.r.y + n.r.h / 2.0 - line.r.y).abs() < 0.01) {
                assert!(line.r.x >= x0 && line.r.x <= x1, "{w}x{h}: NLB line to {} starts at {} outside its zone {x0}..{x1}", line.id, line.r.x);
                assert!(nodes.iter().any(|n| (n.r.x + n.r.w / 2.0 - line.r.x).abs() < 0.01 && n.id == zone), "{w}x{h}: from its zone's node");
                zonal += 1;
            } else if starts_on(line, alb) && (line.r.x < x0 || line.r.x > x1) {
                crossing += 1;
            }
        }
        assert!(zonal >= 2 && crossing >= 1, "{w}x{h}: {zonal} zonal lines, {crossing} crossing ALB lines");
        assert!(scene.text_boxes().iter().any(|(_, t, _)| t.contains("cross-zone off")), "{w}x{h}: the NLB says so");
        assert!(check(&scene, w, h, projection).is_empty(), "{:?}", check(&scene, w, h, projection));
    }
}


#[test]
fn a_task_shows_which_container_is_essential_and_why_it_stopped() {
    // batch-scheduled: nightly-report's report container is essential (exits 0 at 6m), its
    // log-router is not; etl has one container, so no row.
    let mut sim = lesson("batch-scheduled");
    for (t, exited) in [(395_000u64, false), (401_000, true)] {
        sim.advance_to(t);
        for &(w, h, projection) in SIZES {
            let scene = layout(&sim, &view(w, h, projection));
            let cells: Vec<_> = scene.objects.iter().filter(|o| o.kind == "container").collect();
            let tasks: Vec<_> = scene.objects.iter().filter(|o| o.kind == "task").collect();
            let with_row = tasks.iter().filter(|task| cells.iter().any(|c| c.id.starts_with(&format!("{}/", task.id)))).count();
            assert_eq!(with_row, 4, "{t} {w}x{h}: the four backfill tasks show their containers");
            for c in &cells {
                let task = tasks.iter().find(|k| c.id.starts_with(&format!("{}/", k.id))).unwrap();
                assert!(inside(&task.r, &c.r), "{} inside its task", c.id);
                let want = match (c.id.ends_with("/report"), exited) {
                    (true, false) => "essential",
                    (true, true) => "essential exit 0",
                    (false, _) => "not essential",
                };
                assert_eq!(c.note, want, "{t} {w}x{h} {}", c.id);
                if c.id.ends_with("/report") {
                    let words: Vec<&str> = scene.text_boxes().into_iter().filter(|(r, _, _)| c.r.contains(r.x + r.w / 2.0, r.y + r.h / 2.0) && r.w <= c.r.w).map(|(_, s, _)| s).collect();
                    let want: &[&str] = if exited { &["report exit 0", "exit 0", "0"] } else { &["report", "rep", "r"] };
                    assert!(words.len() == 1 && want.contains(&words[0]), "{t} {w}x{h}: {words:?}");
                }
            }
            let caption = scene.objects.iter().any(|o| o.kind == "caption" && (o.note.contains("Essential container in task exited") || o.note.contains("essential report exited")) && o.note.contains("exit 0"));
            assert_eq!(caption, exited, "{t} {w}x{h}: the stop reason is captioned once the essential container exits");
        }
    }
}

#[test]
fn the_iam_lesson_on_a_wide_screen_uses_the_height_under_its_cards() {
    // Two instances, one per zone: each card is its zone's only row and takes most of the
    // subnet's height (it was 0.85 × its width, leaving a third of the zone empty).
    let mut sim = lesson("iam-roles");
    sim.advance_to(185_000);
    let scene = layout(&sim, &view(1520.0, 930.0, false));
    let zones: Vec<&crate::scene::Object> = scene.objects.iter().filter(|o| o.kind == "subnet").collect();
    assert_eq!(zones.len(), 2);
    for (_, card) in &scene.instance_cards {
        let sub = zones.iter().find(|z| z.r.contains(card.x + 1.0, card.y + 1.0)).unwrap();
        assert!(card.h > card.w * crate::cards::CARD_ASPECT + 1.0, "{card:?}");
        // What is left under the card, to whatever is drawn below it (the Fargate lane) or the
        // subnet's foot: a fifth of the subnet at most.
        let below = scene.objects.iter().filter(|o| o.r.y >= card.bottom() && sub.r.contains(o.r.x + 1.0, o.r.y + 1.0)).map(|o| o.r.y).fold(sub.r.bottom(), f64::min);
        assert!(below - card.bottom() <= 0.2 * sub.r.h, "{card:?} in {:?}, next below at {below}", sub.r);
    }
    assert!(check(&scene, 1520.0, 930.0, false).is_empty(), "{:?}", check(&scene, 1520.0, 930.0, false));
}
