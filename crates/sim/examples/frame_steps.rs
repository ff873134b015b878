//! Where the sim's time goes when the app plays a big scenario at 3600×: advances the run in
//! 60-second steps (one frame each) and prints the slowest steps with what happened in them.
//! `cargo run --release -p stevedore-sim --example frame_steps -- scenario.json`

use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("usage: frame_steps SCENARIO");
    let text = std::fs::read_to_string(&path).expect("readable scenario");
    let scenario = stevedore_sim::load(&text).expect("valid scenario");
    let end = scenario.duration;
    let mut sim = stevedore_sim::Sim::new(scenario);
    sim.advance_to(1);
    let mut steps = Vec::new();
    let mut t = 0;
    while t < end {
        t += 60_000;
        let before = sim.log.len();
        let start = Instant::now();
        sim.advance_to(t);
        steps.push((start.elapsed().as_secs_f64() * 1000.0, t, sim.log.len() - before));
    }
    steps.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = steps.iter().map(|s| s.0).sum();
    println!("{} steps, {total:.0} ms in all; slowest:", steps.len());
    for (ms, t, logs) in steps.iter().take(8) {
        println!("  {ms:6.2} ms at {} ({logs} log entries)", stevedore_sim::time::format_clock(*t));
    }
}
