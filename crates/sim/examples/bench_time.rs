//! The sim benches' runs (`benches/support/runs.rs`) timed natively the way
//! `scripts/wasm-bench.mjs` times them in wasm: one warm-up, then the median wall and CPU time
//! of N runs (CPU from /proc/thread-self/schedstat, so a loaded machine's waiting is left out).
//! `cargo run --profile bench -p stevedore-sim --example bench_time -- load|placement|day|seek [RUNS]`

#[path = "../benches/support/runs.rs"]
mod runs;

#[path = "../benches/support/timing.rs"]
mod timing;

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
    let (wall, cpu) = timing::medians(n, || runs::setup(k), || assert_eq!(runs::run(k), want));
    println!("native {name}: median wall {wall:.2} ms");
    if let Some(c) = cpu {
        println!("native {name}: median cpu {c:.2} ms");
    }
}
