//! Rewind benchmark (issue 13, item 2): the day benchmark's 24 h, 1,000-instance run played the
//! way the app plays it at 3600× (a minute of sim time per frame, a checkpoint offered after
//! each), then seeks to 10 moments spread over the day in a scrambled order. Goal: any seek
//! under 100 ms in wasm. Also prints the copies kept and their estimated size.

use criterion::{criterion_group, criterion_main, Criterion};

#[path = "support/day.rs"]
mod day;
#[path = "support/seek.rs"]
mod support;
use support::{played, MOMENTS};

fn seek(c: &mut Criterion) {
    let (sim, store) = played(day::scenario());
    let times = store.times();
    let gaps: Vec<u64> = times.windows(2).map(|w| (w[1] - w[0]) / 60_000).collect();
    eprintln!("{} copies, ~{} MB each (estimate), gaps in minutes {gaps:?}", times.len(), sim.approx_bytes() >> 20);
    let mut group = c.benchmark_group("seek");
    group.sample_size(10);
    group.bench_function("10 seeks in a 24 h, 1000-instance run (each: restore + replay)", |b| {
        b.iter(|| {
            let mut last = 0;
            for h in MOMENTS {
                let at = (h * 3_600_000.0) as u64;
                let s = store.seek(at, None);
                last = s.now();
            }
            last
        })
    });
    group.bench_function("restore only (clone of the nearest copy), 10 moments", |b| {
        b.iter(|| {
            let mut n = 0;
            for h in MOMENTS {
                let (s, _) = store.start_for((h * 3_600_000.0) as u64, None);
                n += s.tasks.len();
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, seek);
criterion_main!(benches);
