//! A global allocator that counts bytes allocated and freed, for the examples that set the
//! sim's memory estimates against real allocations (`clone_bytes`, `seek_times`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Counting;
pub static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
pub static FREED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(l.size(), Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        FREED.fetch_add(l.size(), Relaxed);
        System.dealloc(p, l)
    }
}

/// Bytes allocated and not yet freed.
#[allow(dead_code)]
pub fn live() -> usize {
    ALLOCATED.load(Relaxed) - FREED.load(Relaxed)
}
