//! The rewind benchmark's run (issue 13, item 2): the day benchmark's 24 h, 1,000-instance run
//! played the way the app plays it at 3600× (a minute of sim time per frame, a checkpoint
//! offered after each), and the moments a seek goes to, back and forth over the day.

#![allow(dead_code)]

use stevedore_sim::checkpoints::Checkpoints;
use stevedore_sim::Sim;

pub const DAY: u64 = 24 * 3_600_000;
/// 10 moments (hours) across the day, back and forth.
pub const MOMENTS: [f64; 10] = [23.5, 1.0, 12.25, 6.75, 20.0, 0.5, 17.1, 3.3, 9.9, 14.6];

/// The day played with a checkpoint store, as the app keeps one.
pub fn played(scenario: stevedore_sim::Scenario) -> (Sim, Checkpoints) {
    let mut sim = Sim::new(scenario);
    let mut store = Checkpoints::new(&sim);
    let mut t = 0;
    while t < DAY {
        t = (t + 60_000).min(DAY);
        sim.advance_to(t);
        store.observe(&sim);
    }
    (sim, store)
}

/// Each of `MOMENTS` sought in turn (restore + replay); returns how many reached their moment.
pub fn seek_all(store: &Checkpoints) -> u32 {
    MOMENTS.iter().filter(|h| {
        let at = (**h * 3_600_000.0) as u64;
        store.seek(at, None).now() == at
    }).count() as u32
}
