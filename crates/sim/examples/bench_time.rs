//! The sim benches' runs (`benches/support/runs.rs`) timed natively the way
//! `scripts/wasm-bench.mjs` times them in wasm: one warm-up, then the median wall and CPU time
//! of N runs (CPU from /proc/thread-self/schedstat, so a loaded machine's waiting is left out).
//! `cargo run --profile bench -p stevedore-sim --example bench_time -- load|placement|day [RUNS]`

#[path = "../benches/support/runs.rs"]
mod runs;

use std::time::Instant;

fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "load".into());
    let Some(k) = runs::NAMES.iter().position(|n| *n == name) else {
        eprintln!("bench_time: no bench `{name}` (one of {})", runs::NAMES.join(", "));
        std::process::exit(2);
    };
    let k = k as u32;
    let n: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(10).max(1);
    let want = runs::prepare(k);
    runs::setup(k);
    assert_eq!(runs::run(k), want, "warm-up");
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..n {
        runs::setup(k);
        let (t0, c0) = (Instant::now(), cpu_ns());
        assert_eq!(runs::run(k), want);
        wall.push(t0.elapsed().as_secs_f64() * 1000.0);
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            cpu.push((b - a) as f64 / 1e6);
        }
    }
    println!("native {name}: median wall {:.2} ms", median(wall));
    if !cpu.is_empty() {
        println!("native {name}: median cpu {:.2} ms", median(cpu));
    }
}
