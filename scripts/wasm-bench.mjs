#!/usr/bin/env node
// The EKS scheduler benchmark in wasm: 5,000 pods onto 1,000 nodes with the default profile, the
// same run `cargo bench -p stevedore-sim --bench eks_scheduler` times natively.
//
//   cargo build --profile bench --target wasm32-unknown-unknown -p stevedore-sim --example eks_scheduler_wasm
//   node scripts/wasm-bench.mjs [--runs 10] [--native-ms 150] [--wasm path/to/module.wasm]
//   (native: cargo run --profile bench -p stevedore-sim --example eks_scheduler_time)
//
// (cargo writes the bench profile's output under target/…/release.) Prints each run, the median
// in ms, pods/s, and with --native-ms (criterion's native median) the wasm/native ratio.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(arg('--runs', '10'));
const nativeMs = arg('--native-ms', null);
const path = arg('--wasm', 'target/wasm32-unknown-unknown/release/examples/eks_scheduler_wasm.wasm');

const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const { prepare, run } = instance.exports;
const pods = prepare();
// One warm-up run (the engine's first allocations, V8's tier-up).
if (run() !== pods) throw new Error('warm-up: not every pod was scheduled');
// Wall time, and CPU time (process.cpuUsage: what a loaded machine's waiting leaves out).
const times = [];
const cpus = [];
for (let k = 0; k < runs; k++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const n = run();
  const c = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  cpus.push((c.user + c.system) / 1000);
  if (n !== pods) throw new Error(`run ${k}: ${n} of ${pods} pods scheduled`);
}
const med = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const median = med(times);
const cpu = med(cpus);
console.log(`wasm ${path}`);
console.log(`runs (wall ms, sorted): ${[...times].sort((a, b) => a - b).map((t) => t.toFixed(1)).join(' ')}`);
console.log(`median wall ${median.toFixed(1)} ms for ${pods} pods: ${Math.round((pods * 1000) / median)} pods/s`);
console.log(`median cpu ${cpu.toFixed(1)} ms: ${Math.round((pods * 1000) / cpu)} pods/s`);
if (nativeMs) {
  const n = Number(nativeMs);
  console.log(`native median ${n} ms: ${Math.round((pods * 1000) / n)} pods/s; wasm/native time ratio ${(median / n).toFixed(2)}`);
}
