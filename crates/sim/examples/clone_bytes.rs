//! What a checkpoint copy of the day benchmark's sim really allocates, by part, at 24 h:
//! `cargo run --release -p stevedore-sim --example clone_bytes [hours] [minutes between copies]`
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
/// Bytes allocated and not yet freed.
static LIVE: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(l.size(), Relaxed);
        LIVE.fetch_add(l.size(), Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        System.dealloc(p, l)
    }
}
#[global_allocator]
static A: Counting = Counting;

#[path = "../benches/support/day.rs"]
mod support;

fn bytes<T: Clone>(x: &T) -> usize {
    let before = ALLOCATED.load(Relaxed);
    let c = x.clone();
    let n = ALLOCATED.load(Relaxed) - before;
    drop(c);
    n
}

fn main() {
    let hours: u64 = std::env::args().nth(1).and_then(|h| h.parse().ok()).unwrap_or(24);
    let mut sim = stevedore_sim::Sim::new(support::scenario());
    sim.advance_to(hours * 3_600_000);
    let k = |n: usize| n >> 10;
    println!("at {hours} h: whole sim {} KiB (estimate {} KiB)", k(bytes(&sim)), k(sim.approx_bytes()));
    println!("  tasks {} ({} slots), instances {}, log {} ({} entries), metrics {}, activities {}, aws {}, services {}, traffic {}",
        k(bytes(&sim.tasks)), sim.tasks.len(), k(bytes(&sim.instances)), k(bytes(&sim.log)), sim.log.len(), k(bytes(&sim.metrics)), k(bytes(&sim.activities)), k(bytes(&sim.aws)), k(bytes(&sim.services)), k(bytes(&sim.traffic)));
    let parts: Vec<String> = sim.approx_bytes_parts().iter().map(|(n, b)| format!("{n} {}", k(*b))).collect();
    // Tasks one by one, as a copy that shares none of them (one far from its neighbour) holds them.
    let before = ALLOCATED.load(Relaxed);
    let deep: Vec<stevedore_sim::engine::task::Task> = sim.tasks.iter().map(|t| (**t).clone()).collect();
    println!("  tasks unshared {} KiB (estimate {} KiB)", k(ALLOCATED.load(Relaxed) - before), k(sim.approx_bytes_parts()[0].1));
    drop(deep);
    // The other shared parts, deep, against their estimates.
    let before = ALLOCATED.load(Relaxed);
    let deep: Vec<_> = sim.expired_billable().iter().map(|t| (**t).clone()).collect();
    let expired = ALLOCATED.load(Relaxed) - before;
    drop(deep);
    let before = ALLOCATED.load(Relaxed);
    let deep: Vec<_> = sim.instances.iter().map(|i| ((*i.spec).clone(), (*i.id).clone(), (*i.arn).clone(), (*i.attributes).clone())).collect();
    let facts = ALLOCATED.load(Relaxed) - before;
    drop(deep);
    let before = ALLOCATED.load(Relaxed);
    let deep: Vec<_> = sim.instances.iter().map(|i| (*i.image_cache).clone()).collect();
    let caches = ALLOCATED.load(Relaxed) - before;
    drop(deep);
    let est = |name: &str| k(sim.approx_bytes_parts().iter().find(|(n, _)| *n == name).map_or(0, |(_, b)| *b));
    println!("  unshared: expired tasks {} KiB (estimate {}, {} tasks), instance facts {} KiB (estimate {}), image caches {} KiB (estimate {}); instances' own {} KiB (estimate {})",
        k(expired), est("expired tasks"), sim.expired_billable().len(), k(facts), est("instance facts"), k(caches), est("image caches"), k(bytes(&sim.instances)), est("instances"));
    let itself = sim.clone();
    println!("  estimate of a copy's own bytes (beyond what it shares with the sim) {} KiB", k(sim.approx_bytes().saturating_sub(sim.approx_bytes_shared_with(&itself))));
    drop(itself);
    println!("  estimate by part: {}", parts.join(", "));
    // What a checkpoint costs: a copy taken `minutes` earlier (an hour unless given), then
    // this one beside it.
    let minutes: u64 = std::env::args().nth(2).and_then(|m| m.parse().ok()).unwrap_or(60);
    // What `later` holds that `sim` doesn't: its clone, plus what it wrote since, less what it freed.
    let live = LIVE.load(Relaxed);
    let mut later = sim.clone();
    later.advance_to(hours * 3_600_000 + minutes * 60_000);
    let held = LIVE.load(Relaxed).saturating_sub(live);
    let before = ALLOCATED.load(Relaxed);
    let copy = later.clone();
    let real = ALLOCATED.load(Relaxed) - before;
    drop(copy);
    println!("a copy {minutes} min later: holds {} KiB the one before doesn't (its shallow clone {} KiB), estimate {} KiB", k(held), k(real), k(later.approx_bytes().saturating_sub(later.approx_bytes_shared_with(&sim))));
}
