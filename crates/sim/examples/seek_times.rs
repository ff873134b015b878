//! Plays a scenario for its duration in 60-second steps (one frame at 3600×) with a checkpoint
//! store, then times seeks to moments across the run and prints memory as it goes:
//! `cargo run --release -p stevedore-sim --example seek_times -- scenario.json`
use std::time::Instant;
use stevedore_sim::checkpoints::Checkpoints;

/// Live heap bytes (`counting::live`): what the store and the sim really hold, to set against
/// their estimates.
#[path = "support/counting.rs"]
mod counting;
#[global_allocator]
static A: counting::Counting = counting::Counting;

fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmRSS")).and_then(|l| l.split_whitespace().nth(1)).and_then(|k| k.parse::<u64>().ok()).unwrap_or(0) / 1024
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: seek_times SCENARIO");
    let scenario = stevedore_sim::load(&std::fs::read_to_string(&path).expect("readable")).expect("valid scenario");
    let end = scenario.duration;
    let mut sim = stevedore_sim::Sim::new(scenario);
    // The app's store, or with `CHECKPOINT_MAX=N` / `CHECKPOINT_BUDGET_MIB=M` one of at most N
    // copies costing M MiB together.
    let env = |name: &str| std::env::var(name).ok().and_then(|n| n.parse::<usize>().ok());
    let mut store = match (env("CHECKPOINT_MAX"), env("CHECKPOINT_BUDGET_MIB")) {
        (None, None) => Checkpoints::new(&sim),
        (max, mib) => Checkpoints::with_limits(&sim, max.unwrap_or(stevedore_sim::checkpoints::DEFAULT_MAX), mib.map_or(stevedore_sim::checkpoints::DEFAULT_BUDGET_BYTES, |m| m << 20)),
    };
    let mut t = 0;
    while t < end {
        t = (t + 60_000).min(end);
        sim.advance_to(t);
        store.observe(&sim);
        // `STORE_REAL_AT=H`: at hour H, what the store really holds (live heap freed by
        // dropping it) against its estimate, then stop.
        if std::env::var("STORE_REAL_AT").ok().and_then(|h| h.parse::<u64>().ok()) == Some(t / 3_600_000) && t % 3_600_000 == 0 {
            let (estimate, copies, before) = (store.approx_bytes(), store.times().len(), counting::live());
            drop(store);
            println!("{} h: {copies} copies really hold {} KiB (estimate {} KiB)", t / 3_600_000, (before - counting::live()) >> 10, estimate >> 10);
            return;
        }
        if t % (2 * 3_600_000) == 0 {
            println!("{:>3} h: {} MiB RSS, {} MiB live heap, {} copies (~{} KiB each; {} MiB together), sim {} KiB", t / 3_600_000, rss_mib(), counting::live() >> 20, store.times().len(), store.approx_bytes() / 1024 / store.times().len().max(1), store.approx_bytes() >> 20, sim.approx_bytes() / 1024);
        }
    }
    let mut times = Vec::new();
    for k in [0.98, 0.04, 0.51, 0.28, 0.83, 0.02, 0.71, 0.14] {
        let at = (end as f64 * k) as u64 / 1000 * 1000;
        let start = Instant::now();
        let s = store.seek(at, None);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(s.now(), at);
    }
    times.sort_by(f64::total_cmp);
    println!("copies at {:?} min", store.times().iter().map(|t| t / 60_000).collect::<Vec<_>>());
    println!("seek: median {:.0} ms, max {:.0} ms over {} seeks (native)", times[times.len() / 2], times[times.len() - 1], times.len());
}
