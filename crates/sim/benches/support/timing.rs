//! The native timers' loop (`examples/bench_time.rs`, `examples/eks_scheduler_time.rs`): one
//! untimed setup before each run, then the median wall time and the median CPU time of the runs,
//! in ms. CPU time is read from /proc/thread-self/schedstat (Linux), so a loaded machine's
//! waiting is left out; off Linux there is no CPU figure.

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

/// `run` timed `runs` times, `setup` before each outside the timing: (median wall, median CPU).
pub fn medians(runs: usize, mut setup: impl FnMut(), mut run: impl FnMut()) -> (f64, Option<f64>) {
    let (mut wall, mut cpu) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        setup();
        let (t0, c0) = (Instant::now(), cpu_ns());
        run();
        wall.push(t0.elapsed().as_secs_f64() * 1000.0);
        if let (Some(a), Some(b)) = (c0, cpu_ns()) {
            cpu.push((b - a) as f64 / 1e6);
        }
    }
    (median(wall), (!cpu.is_empty()).then(|| median(cpu)))
}
