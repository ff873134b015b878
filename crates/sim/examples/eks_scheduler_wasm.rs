//! The EKS scheduler benchmark (`benches/eks_scheduler.rs`: 5,000 pods onto 1,000 nodes, default
//! profile) as a wasm module with no imports, so Node can time the very run the native bench
//! times. `scripts/wasm-bench.mjs` builds, loads and times it:
//! `prepare()` parses the manifest once; each `run()` is one whole run and returns the number of
//! pods scheduled (so the work cannot be optimised away and the harness can check it).

#[path = "../benches/support/eks_bench.rs"]
mod support;

use std::sync::OnceLock;
use stevedore_sim::eks::manifest::Manifest;

static MANIFEST: OnceLock<Manifest> = OnceLock::new();

#[no_mangle]
pub extern "C" fn prepare() -> u32 {
    MANIFEST.get_or_init(support::manifest);
    support::PODS as u32
}

#[no_mangle]
pub extern "C" fn run() -> u32 {
    let m = MANIFEST.get_or_init(support::manifest);
    let r = stevedore_sim::eks::run::run(m, false);
    (r.decisions.iter().filter(|d| d.node.is_some()).count()) as u32
}
