//! The EKS scheduler benchmark's run (`benches/eks_scheduler.rs`), timed natively the way
//! `scripts/wasm-bench.mjs` times it in wasm: median wall time and median CPU time of N runs
//! (CPU time from /proc/thread-self/schedstat on Linux, so a loaded machine's waiting is left
//! out). `cargo run --profile bench -p stevedore-sim --example eks_scheduler_time [-- RUNS]`

#[path = "../benches/support/eks_bench.rs"]
mod support;

#[path = "../benches/support/timing.rs"]
mod timing;

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10).max(1);
    let m = support::manifest();
    let run = || stevedore_sim::eks::run::run(&m, false).decisions.iter().filter(|d| d.node.is_some()).count();
    assert_eq!(run(), support::PODS, "warm-up: every pod scheduled");
    let (w, cpu) = timing::medians(runs, || {}, || assert_eq!(run(), support::PODS));
    println!("native: median wall {w:.1} ms ({:.0} pods/s)", support::PODS as f64 * 1000.0 / w);
    if let Some(c) = cpu {
        println!("native: median cpu {c:.1} ms ({:.0} pods/s)", support::PODS as f64 * 1000.0 / c);
    }
}
