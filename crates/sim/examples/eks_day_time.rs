//! Issue #15's day benchmark run (`benches/eks_day.rs`) timed natively: median wall and CPU time
//! of N runs (CPU from /proc/thread-self/schedstat, so a loaded machine's waiting is left out).
//! With `--out FILE` it also writes the run's kubectl `List`, so a speed change can be checked to
//! change nothing (`cmp` two files). Under `valgrind --tool=callgrind` use `-- 1`.
//! `cargo run --profile bench -p stevedore-sim --example eks_day_time [-- RUNS] [--out FILE]`

#[path = "../benches/support/eks_day.rs"]
mod support;

#[path = "../benches/support/timing.rs"]
mod timing;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(3).max(1);
    let out = args.iter().position(|a| a == "--out").and_then(|i| args.get(i + 1));
    let m = support::manifest();
    let (w, cpu) = timing::medians(runs, || {}, || drop(stevedore_sim::eks::run::run(&m, false)));
    println!("native: eks day median wall {:.2} s", w / 1000.0);
    if let Some(c) = cpu {
        println!("native: eks day median cpu {:.2} s", c / 1000.0);
    }
    if let Some(path) = out {
        let r = stevedore_sim::eks::run::run(&m, false);
        let text = serde_json::to_string_pretty(&stevedore_sim::eks::output::list(&r, 1_735_689_600)).expect("a List serialises");
        std::fs::write(path, text).expect("writes --out");
    }
}
