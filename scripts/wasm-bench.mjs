#!/usr/bin/env node
// The sim's benchmarks in wasm, the very runs the native criterion benches time:
//   --bench eks_scheduler  5,000 pods onto 1,000 nodes (benches/eks_scheduler.rs)
//   --bench load           5,000 container instances, text to a built Sim (benches/load.rs)
//   --bench placement      5,000 tasks onto 5,000 instances (benches/placement.rs)
//   --bench day            24 h, 1,000 instances, 100 services (benches/day.rs)
//   --bench seek           10 seeks in that day, played with its checkpoints (benches/seek.rs)
//
//   cargo build --profile bench --target wasm32-unknown-unknown -p stevedore-sim \
//     --example eks_scheduler_wasm --example sim_benches_wasm
//   cargo build --profile bench -p stevedore-sim --example bench_time --example eks_scheduler_time
//   node scripts/wasm-bench.mjs [--bench NAME] [--runs 10] [--native-ms MS] [--native] [--wasm path]
//
// (cargo writes the bench profile's output under target/…/release.) Prints each run, the medians
// of wall and CPU time, and the wasm/native ratio against --native-ms (criterion's median), or
// with --native against the native example's medians run here the same way (warm-up, N runs).
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const bench = arg('--bench', 'eks_scheduler');
const SIM_BENCHES = ['load', 'placement', 'day', 'seek'];
if (bench !== 'eks_scheduler' && !SIM_BENCHES.includes(bench)) throw new Error(`no bench ${bench} (eks_scheduler, ${SIM_BENCHES.join(', ')})`);
const runs = Number(arg('--runs', '10'));
const nativeMs = arg('--native-ms', null);
const dir = 'target/wasm32-unknown-unknown/release/examples';
const path = arg('--wasm', bench === 'eks_scheduler' ? `${dir}/eks_scheduler_wasm.wasm` : `${dir}/sim_benches_wasm.wasm`);

const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const x = instance.exports;
// One interface for both modules: prepare once; per run an untimed setup, then the timed run.
const k = SIM_BENCHES.indexOf(bench);
const api = bench === 'eks_scheduler'
  ? { prepare: () => x.prepare(), setup: () => {}, run: () => x.run(), unit: 'pods' }
  : { prepare: () => x.prepare(k), setup: () => x.setup(k), run: () => x.run(k), unit: { load: 'instances', placement: 'tasks', day: '', seek: 'seeks' }[bench] };
const want = api.prepare();
// One warm-up run (the engine's first allocations, V8's tier-up).
api.setup();
if (api.run() !== want) throw new Error('warm-up: the run did not do its work');
// Wall time, and CPU time (process.cpuUsage: what a loaded machine's waiting leaves out).
const times = [];
const cpus = [];
for (let r = 0; r < runs; r++) {
  api.setup();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const n = api.run();
  const c = process.cpuUsage(c0);
  times.push(performance.now() - t0);
  cpus.push((c.user + c.system) / 1000);
  if (n !== want) throw new Error(`run ${r}: got ${n}, want ${want}`);
}
const med = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rate = (ms) => (api.unit ? `: ${Math.round((want * 1000) / ms)} ${api.unit}/s` : '');
const median = med(times);
const cpu = med(cpus);
console.log(`wasm ${path} --bench ${bench}`);
console.log(`runs (wall ms, sorted): ${[...times].sort((a, b) => a - b).map((t) => t.toFixed(1)).join(' ')}`);
console.log(`median wall ${median.toFixed(1)} ms${rate(median)}`);
console.log(`median cpu ${cpu.toFixed(1)} ms${rate(cpu)}`);
if (nativeMs) {
  const n = Number(nativeMs);
  console.log(`native median ${n} ms${rate(n)}; wasm/native time ratio ${(median / n).toFixed(2)}`);
}
if (process.argv.includes('--native')) {
  const exe = bench === 'eks_scheduler' ? 'target/release/examples/eks_scheduler_time' : 'target/release/examples/bench_time';
  if (!existsSync(exe)) throw new Error(`${exe} is not built (cargo build --profile bench -p stevedore-sim --example ...)`);
  const out = execFileSync(exe, bench === 'eks_scheduler' ? [String(runs)] : [bench, String(runs)], { encoding: 'utf8' });
  process.stdout.write(out);
  const wallN = Number(/median wall ([\d.]+)/.exec(out)?.[1]);
  const cpuN = Number(/median cpu ([\d.]+)/.exec(out)?.[1]);
  console.log(`wasm/native ratio: wall ${(median / wallN).toFixed(2)}, cpu ${(cpu / cpuN).toFixed(2)}`);
}
