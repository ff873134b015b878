//! Rewind: a seek restores the nearest checkpoint and replays the rest; the state it reaches
//! is the state playing reaches (compared on reports, like the slicing invariant), and the
//! checkpoints stay bounded in number however long the run.

mod common;
use common::*;
use serde_json::Value;
use stevedore_sim::checkpoints::{Checkpoints, MIN_INTERVAL_MS};
use stevedore_sim::report::{report, ReportOptions};

fn lesson(name: &str) -> Value {
    let path = format!("{}/../../www/scenarios/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn state(s: &stevedore_sim::Sim) -> Value {
    let mut r = report(s, &ReportOptions { explain: true });
    // Plus what the app shows besides Describe* output.
    r["log"] = s.log.iter().map(|e| format!("{} {} {} {}", e.at, e.kind, e.subject, e.message)).collect();
    r["metrics"] = stevedore_sim::report::metrics_json(s);
    r
}

#[test]
fn a_seek_reaches_the_state_playing_reaches() {
    for name in ["target-tracking", "ecr-images", "cluster-auto-scaling", "ec2-spot-draining"] {
        let doc = lesson(name);
        let mut played = sim(&doc);
        let mut store = Checkpoints::new(&played);
        // Play the way the app does: frame-sized steps, a copy offered after each.
        let end = played.scenario.duration.min(3 * 3_600_000);
        let mut t = 0;
        while t < end {
            t = (t + 37_000).min(end);
            played.advance_to(t);
            store.observe(&played);
        }
        assert!(store.times().len() > 3, "{name}: copies at {:?}", store.times());
        // Seek to moments between and on copies, backwards and forwards.
        for at in [end / 3, 17_000, end - 1, end / 2 + 1, store.times()[1], 0] {
            let fresh = run(&doc, 0);
            let mut reference = fresh;
            reference.advance_to(at);
            let sought = store.seek(at, None);
            assert_eq!(sought.now(), at);
            assert!(state(&sought) == state(&reference), "{name}: the state after a seek to {at} ms differs from playing to it");
        }
    }
}

#[test]
fn a_seek_replays_at_most_the_gap_between_copies_and_copies_stay_bounded() {
    let doc = lesson("target-tracking");
    let mut played = sim(&doc);
    let mut store = Checkpoints::with_limits(&played, 8, usize::MAX);
    let end = 12 * 3_600_000;
    let mut t = 0;
    while t < end {
        t += 60_000;
        played.advance_to(t);
        store.observe(&played);
    }
    let times = store.times();
    assert!(times.len() <= 8, "{times:?}");
    assert_eq!(times[0], 0);
    // Recent copies are denser than old ones, and no gap exceeds a quarter of the run.
    let gaps: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|&g| g >= MIN_INTERVAL_MS && g <= end / 4), "{times:?}");
    assert!(gaps.last() <= gaps.first(), "{times:?}");
    // A seek from the current sim forward uses it rather than an older copy.
    let later = store.seek(end + 60_000, Some(played));
    assert_eq!(later.now(), end + 60_000);
}

#[test]
fn seeks_across_a_thinned_stretch_and_forward_from_the_current_sim_reach_the_played_state() {
    let doc = lesson("target-tracking");
    let mut played = sim(&doc);
    // Few copies: most of the early run is thinned away by the end.
    let mut store = Checkpoints::with_limits(&played, 4, usize::MAX);
    let mut seen = Vec::new();
    let end = 6 * 3_600_000;
    let mut t = 0;
    while t < end {
        t += 60_000;
        played.advance_to(t);
        store.observe(&played);
        seen.extend(store.times());
    }
    let kept = store.times();
    let thinned: Vec<u64> = seen.into_iter().filter(|x| !kept.contains(x)).collect();
    assert!(!thinned.is_empty(), "some copies were thinned: {kept:?}");
    let reference = |at: u64| {
        let mut r = run(&doc, 0);
        r.advance_to(at);
        state(&r)
    };
    // Backward, onto and just past a thinned copy's moment.
    for at in [thinned[0], thinned[0] + 1, thinned[thinned.len() / 2] + 30_000] {
        assert!(state(&store.seek(at, None)) == reference(at), "the state after a seek back to {at} ms differs from playing to it");
    }
    // Forward from a restored sim (the driver's current one), past a copy.
    let back = store.seek(kept[1] - 60_000, None);
    let ahead = store.seek(kept[1] + 90_000, Some(back));
    assert!(state(&ahead) == reference(kept[1] + 90_000), "a forward seek from a restored sim differs from playing");
}

#[test]
fn over_a_long_run_the_copies_stay_within_their_count_and_byte_budget() {
    let doc = lesson("target-tracking");
    let mut played = sim(&doc);
    let end = 24 * 3_600_000;
    // A budget that holds a few whole copies of the day's end, so it, not the count, decides
    // what is kept (a store never goes below its start and newest copy).
    let mut whole = run(&doc, 0);
    whole.advance_to(end);
    let budget = 3 * whole.approx_bytes();
    let mut store = Checkpoints::with_limits(&played, 48, budget);
    let mut t = 0;
    let mut most = 0;
    while t < end {
        t += 60_000;
        played.advance_to(t);
        store.observe(&played);
        let copies = store.times().len();
        most = most.max(copies);
        assert!(copies <= 48, "{copies} copies at {t} ms");
        assert!(store.approx_bytes() <= budget, "{copies} copies cost {} > budget {budget} at {t} ms", store.approx_bytes());
    }
    assert!(most > 3 && most < 48, "the budget, not the count, bounded the copies: at most {most}");
    let times = store.times();
    assert!(times.len() >= 3 && times[0] == 0, "{times:?}");
}

#[test]
fn copies_a_minute_apart_share_their_log_even_when_the_log_drops_its_oldest_entries_between_them() {
    // 40 tasks exiting every 2 minutes: the event log reaches its limit within hours.
    let td = serde_json::json!({"family": "job", "containerDefinitions": [{"name": "app", "image": "app:1", "cpu": 32, "memory": 32, "exitAfter": "2m"}]});
    let d = doc(serde_json::json!([{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}]), serde_json::json!([td]), serde_json::json!([{"serviceName": "jobs", "taskDefinition": "job", "desiredCount": 40, "launchType": "EC2"}]));
    let mut s = sim(&d);
    let mut t = 0;
    let (before, after) = loop {
        let a = s.clone();
        t += 60_000;
        s.advance_to(t);
        if s.log_dropped() > a.log_dropped() {
            break (a, s.clone());
        }
        assert!(t < 24 * 3_600_000, "the log never dropped entries");
    };
    // A minute apart they hold nearly everything in common: the later copy's own part is the
    // minute's new records, not its whole log.
    let own = after.approx_bytes() - after.approx_bytes_shared_with(&before);
    assert!(own * 5 < after.approx_bytes(), "a copy a minute later counted {own} B of its {} B as its own", after.approx_bytes());
}
