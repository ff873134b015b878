//! The sim's criterion benches (load, placement, day: `benches/support/runs.rs`) as a wasm module
//! with no imports, so Node can time the very runs the native benches time
//! (`scripts/wasm-bench.mjs --bench load|placement|day|seek`). Exports take the bench's number
//! (`runs::NAMES`).

#[path = "../benches/support/runs.rs"]
mod runs;

#[no_mangle]
pub extern "C" fn prepare(bench: u32) -> u32 {
    runs::prepare(bench)
}

#[no_mangle]
pub extern "C" fn setup(bench: u32) {
    runs::setup(bench)
}

#[no_mangle]
pub extern "C" fn run(bench: u32) -> u32 {
    runs::run(bench)
}
