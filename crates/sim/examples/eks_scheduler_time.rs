//! The EKS scheduler benchmark's run (`benches/eks_scheduler.rs`), timed natively the way
//! `scripts/wasm-bench.mjs` times it in wasm: median wall time and median CPU time of N runs
//! (CPU time from /proc/thread-self/schedstat on Linux, so a loaded machine's waiting is left
//! out). `cargo run --profile bench -p stevedore-sim --example eks_scheduler_time [-- RUNS]`

#[path = "../benches/support/eks_bench.rs"]
mod support;

use std::time::Instant;

/// Nanoseconds this thread has run on a CPU (None off Linux).
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10).max(1);
    let m = support::manifest();
    let run = || stevedore_sim::eks::run::run(&m, false).decisions.iter().filter(|d| d.node.is_some()).count();
    assert_eq!(run(), support::PODS, "warm-up: every pod scheduled");
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (t0, c0) = (Instant::now(), cpu_ns());
        assert_eq!(run(), support::PODS);
        wall.push(t0.elapsed().as_secs_f64() * 1000.0);
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            cpu.push((b - a) as f64 / 1e6);
        }
    }
    let w = median(wall);
    println!("native: median wall {w:.1} ms ({:.0} pods/s)", support::PODS as f64 * 1000.0 / w);
    if !cpu.is_empty() {
        let c = median(cpu);
        println!("native: median cpu {c:.1} ms ({:.0} pods/s)", support::PODS as f64 * 1000.0 / c);
    }
}
