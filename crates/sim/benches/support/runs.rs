//! The criterion benches' runs as plain functions, so the native timer (`examples/bench_time.rs`)
//! and the wasm module (`examples/sim_benches_wasm.rs`, timed by `scripts/wasm-bench.mjs`) time
//! exactly what the benches time. Per bench: `prepare` builds the input once (untimed),
//! `setup` what criterion's `iter_batched` builds outside the timing (untimed), `run` the timed
//! work; each returns a count the harness checks (so the work cannot be optimised away).

#![allow(dead_code)]

#[path = "day.rs"]
mod day;
#[path = "load.rs"]
mod load;
#[path = "placement.rs"]
mod placement;
#[path = "seek.rs"]
mod seek;

use std::cell::RefCell;
use stevedore_sim::{Scenario, Sim};

/// The benches, by the number the wasm module's exports take.
pub const NAMES: [&str; 4] = ["load", "placement", "day", "seek"];

thread_local! {
    static LOAD_TEXT: RefCell<Option<String>> = const { RefCell::new(None) };
    static SCENARIO: RefCell<Option<Scenario>> = const { RefCell::new(None) };
    static SIM: RefCell<Option<Sim>> = const { RefCell::new(None) };
    static STORE: RefCell<Option<stevedore_sim::checkpoints::Checkpoints>> = const { RefCell::new(None) };
}

/// Builds bench `k`'s input; returns the count `run` must return.
pub fn prepare(k: u32) -> u32 {
    match k {
        0 => {
            LOAD_TEXT.with(|t| *t.borrow_mut() = Some(load::text()));
            load::INSTANCES as u32
        }
        1 => {
            SCENARIO.with(|s| *s.borrow_mut() = Some(placement::scenario()));
            placement::TASKS as u32
        }
        2 => {
            SCENARIO.with(|s| *s.borrow_mut() = Some(day::scenario()));
            // The day's check is "traffic drove scaling" (over 100 activities): run returns 1.
            1
        }
        3 => {
            // The day played with its checkpoints (untimed); each run seeks to every moment.
            let (_, store) = seek::played(day::scenario());
            STORE.with(|s| *s.borrow_mut() = Some(store));
            seek::MOMENTS.len() as u32
        }
        _ => 0,
    }
}

/// The untimed part of one run (placement: the `Sim` built from a copy of the scenario).
pub fn setup(k: u32) {
    // The last load's `Sim` is freed here, untimed: the goal times loading, not freeing
    // (criterion's `iter_with_large_drop` leaves the drop out the same way).
    if k == 0 {
        drop(SIM.with(|s| s.borrow_mut().take()));
    }
    if k == 1 {
        let sim = SCENARIO.with(|s| Sim::new(s.borrow().clone().expect("prepared")));
        SIM.with(|s| *s.borrow_mut() = Some(sim));
    }
}

/// One timed run.
pub fn run(k: u32) -> u32 {
    match k {
        // Text to a built Sim: parse, validate, Sim::new (the app's load before first placement).
        0 => LOAD_TEXT.with(|t| {
            let t = t.borrow();
            let sim = Sim::new(stevedore_sim::load(t.as_deref().expect("prepared")).expect("loads"));
            let n = sim.instances.len() as u32;
            SIM.with(|s| *s.borrow_mut() = Some(sim));
            n
        }),
        1 => SIM.with(|s| {
            let mut sim = s.borrow_mut().take().expect("set up");
            sim.advance_to(0);
            let placed = sim.tasks.len() as u32;
            // Dropped by the next setup, untimed (criterion's iter_batched drops it untimed too).
            *s.borrow_mut() = Some(sim);
            placed
        }),
        2 => SCENARIO.with(|s| {
            let mut sim = Sim::new(s.borrow().clone().expect("prepared"));
            sim.advance_to(24 * 3_600_000);
            u32::from(sim.activities.len() > 100)
        }),
        3 => STORE.with(|s| seek::seek_all(s.borrow().as_ref().expect("prepared"))),
        _ => 0,
    }
}
