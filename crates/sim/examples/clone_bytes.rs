//! What a checkpoint copy of the day benchmark's sim really allocates, by part, at 24 h:
//! `cargo run --release -p stevedore-sim --example clone_bytes [-- HOURS [SCENARIO.json]]`
use std::sync::atomic::Ordering::Relaxed;

#[path = "support/counting.rs"]
mod counting;
use counting::{ALLOCATED, FREED};
#[global_allocator]
static A: counting::Counting = counting::Counting;

#[path = "../benches/support/day.rs"]
mod support;

fn bytes<T: Clone>(x: &T) -> usize {
    let before = ALLOCATED.load(Relaxed);
    let c = x.clone();
    let n = ALLOCATED.load(Relaxed) - before;
    drop(c);
    n
}

fn main() {
    let hours: u64 = std::env::args().nth(1).and_then(|h| h.parse().ok()).unwrap_or(24);
    // An optional scenario file instead of the day benchmark's.
    let scenario = match std::env::args().nth(2) {
        Some(path) => stevedore_sim::load(&std::fs::read_to_string(path).expect("readable")).expect("valid scenario"),
        None => support::scenario(),
    };
    let mut sim = stevedore_sim::Sim::new(scenario);
    sim.advance_to(hours * 3_600_000);
    let k = |n: usize| n >> 10;
    println!("at {hours} h: whole sim {} KiB (estimate {} KiB)", k(bytes(&sim)), k(sim.approx_bytes()));
    println!("  tasks {} ({} slots), instances {}, log {} ({} entries), metrics {}, activities {}, aws {}, services {}, traffic {}",
        k(bytes(&sim.tasks)), sim.tasks.len(), k(bytes(&sim.instances)), k(bytes(&sim.log)), sim.log.len(), k(bytes(&sim.metrics)), k(bytes(&sim.activities)), k(bytes(&sim.aws)), k(bytes(&sim.services)), k(bytes(&sim.traffic)));
    println!("  api calls {} ({}), discovery {}, repositories {}, run task failures {}, groups {}, faults {}, instances' specs (shared) {}",
        k(bytes(&sim.api_calls)), sim.api_calls.len(), k(bytes(&sim.discovery)), k(bytes(&sim.repositories)), k(bytes(&sim.run_task_failures)), k(bytes(&sim.groups_state)), k(bytes(&sim.faults)), k(sim.instances.iter().map(|i| bytes(&*i.spec)).sum::<usize>()));
    let parts: Vec<String> = sim.approx_bytes_parts().iter().map(|(n, b)| format!("{n} {}", k(*b))).collect();
    // Tasks one by one, as a copy that shares none of them (one far from its neighbour) holds them.
    let before = ALLOCATED.load(Relaxed);
    let deep: Vec<stevedore_sim::engine::task::Task> = sim.tasks.iter().map(|t| (**t).clone()).collect();
    println!("  tasks unshared {} KiB (estimate {} KiB)", k(ALLOCATED.load(Relaxed) - before), k(sim.approx_bytes_parts()[0].1));
    drop(deep);
    let before = ALLOCATED.load(Relaxed);
    let known: Vec<stevedore_sim::engine::task::Task> = sim.tasks.iter().filter(|t| t.exists()).map(|t| (**t).clone()).collect();
    println!("  known tasks {} of {} slots: {} B each deep (size_of Task {} B)", known.len(), sim.tasks.len(), (ALLOCATED.load(Relaxed) - before) / known.len().max(1), std::mem::size_of::<stevedore_sim::engine::task::Task>());
    drop(known);
    // Placement explanations (shared `Arc`s, so a task's clone does not copy them): deep-copied.
    let before = ALLOCATED.load(Relaxed);
    let notes: usize = sim.tasks.iter().filter_map(|t| t.explanation.as_ref()).map(|e| e.notes.len()).sum();
    let explained: Vec<stevedore_sim::placement::Explanation> = sim.tasks.iter().filter_map(|t| t.explanation.as_deref().cloned()).collect();
    let real = ALLOCATED.load(Relaxed) - before;
    println!("  explanations {} KiB for {} ({} candidate notes; {} B each with its notes)", k(real), explained.len(), notes, real / explained.len().max(1));
    drop(explained);
    // Log entries (shared `Arc`s too): deep-copied.
    let before = ALLOCATED.load(Relaxed);
    let entries: Vec<stevedore_sim::engine::LogEntry> = sim.log.iter().map(|e| (**e).clone()).collect();
    let real = ALLOCATED.load(Relaxed) - before;
    println!("  log entries {} KiB for {} ({} B each; estimate {} KiB)", k(real), entries.len(), real / entries.len().max(1), k(sim.approx_bytes_parts()[3].1));
    let mut kinds: std::collections::BTreeMap<&str, usize> = Default::default();
    for e in &entries {
        *kinds.entry(e.kind).or_default() += 1;
    }
    let span = entries.last().map_or(0, |e| e.at) - entries.first().map_or(0, |e| e.at);
    println!("  log entries by kind over the last {} min: {kinds:?}", span / 60_000);
    drop(entries);
    let itself = sim.clone();
    println!("  estimate of a copy's own bytes (beyond what it shares with the sim) {} KiB", k(sim.approx_bytes().saturating_sub(sim.approx_bytes_shared_with(&itself))));
    drop(itself);
    println!("  estimate by part: {}", parts.join(", "));
    // How many instances change in a while (a copy could share the others).
    for minutes in [10, 60, 180] {
        let mut later = sim.clone();
        later.advance_to(hours * 3_600_000 + minutes * 60_000);
        let same = later.instances.iter().zip(&sim.instances).filter(|(a, b)| a.tasks == b.tasks && a.status == b.status && a.image_cache == b.image_cache && a.pulls_in_flight == b.pulls_in_flight).count();
        println!("  {minutes} min later: {same} of {} instances unchanged", sim.instances.len());
    }
    // How fast task records stop being shared with a copy (each write unshares one).
    for minutes in [1, 10, 60] {
        let mut later = sim.clone();
        later.advance_to(hours * 3_600_000 + minutes * 60_000);
        let same = later.tasks.iter().zip(&sim.tasks).filter(|(a, b)| stevedore_sim::shared::Shared::ptr_eq(a, b)).count();
        println!("  {minutes} min later: {same} of {} task records still shared", sim.tasks.len());
    }
    // What a checkpoint costs: a copy taken an hour earlier, then this one beside it.
    let mut later = sim.clone();
    later.advance_to((hours + 1) * 3_600_000);
    let before = ALLOCATED.load(Relaxed);
    let copy = later.clone();
    let real = ALLOCATED.load(Relaxed) - before;
    drop(copy);
    println!("a copy an hour later: {} KiB allocated, estimate beyond what it shares with the copy before {} KiB", k(real), k(later.approx_bytes().saturating_sub(later.approx_bytes_shared_with(&sim))));
    // A copy's estimated cost against what it really holds alone: copies an hour apart, the
    // live sim then moved 3 h on (so it shares little with them), the later copy dropped.
    let a = sim.clone();
    sim.advance_to((hours + 1) * 3_600_000);
    let b = sim.clone();
    sim.advance_to((hours + 4) * 3_600_000);
    let estimate = b.approx_bytes().saturating_sub(b.approx_bytes_shared_with(&a));
    let tasks = b.tasks.iter().enumerate().filter(|(k, t)| a.tasks.get(*k).is_none_or(|o| !stevedore_sim::shared::Shared::ptr_eq(t, o))).count();
    // Explanations `b` holds that `a` doesn't (at the same slot).
    let own: Vec<&stevedore_sim::placement::Explanation> = b
        .tasks
        .iter()
        .enumerate()
        .filter_map(|(k, t)| {
            let e = t.explanation.as_ref()?;
            let shared = a.tasks.get(k).and_then(|o| o.explanation.as_ref()).is_some_and(|x| std::sync::Arc::ptr_eq(x, e));
            (!shared).then_some(&**e)
        })
        .collect();
    let (expl, notes) = (own.len(), own.iter().map(|e| e.notes.len()).sum::<usize>());
    let earlier: std::collections::BTreeSet<*const stevedore_sim::engine::LogEntry> = a.log.iter().map(std::sync::Arc::as_ptr).collect();
    let entries = b.log.iter().filter(|e| !earlier.contains(&std::sync::Arc::as_ptr(e))).count();
    println!("  unshared: {tasks} task records of {}, {expl} explanations ({notes} notes), {entries} log entries of {}; parts {:?}", b.tasks.len(), b.log.len(), b.approx_bytes_parts().iter().map(|(n, v)| (*n, v >> 10)).collect::<Vec<_>>());
    let freed = FREED.load(Relaxed);
    drop(b);
    println!("a copy an hour after another: estimate {} KiB, really its own {} KiB", k(estimate), k(FREED.load(Relaxed) - freed));
    drop(a);
}
