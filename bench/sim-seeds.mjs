#!/usr/bin/env node
// Runs N simulator seeds (mixed faults, 2-16 nodes) and prints one JSON line with the pass
// count and the time taken. Usage: node bench/sim-seeds.mjs [seeds=10000] [from=1]
import { runSeed } from "../dist/sim/run.js";

const count = Number(process.argv[2] ?? 10000);
const from = Number(process.argv[3] ?? 1);
const start = performance.now();
let failed = 0;
let convergeMax = 0;
const conv = [];
for (let s = from; s < from + count; s++) {
  const r = runSeed(s);
  if (!r.ok) {
    failed++;
    console.error(`sim: FAILED seed=0x${s.toString(16)} invariant=${r.failure?.invariant} ${r.failure?.detail}`);
  } else {
    conv.push(r.convergeMs);
    convergeMax = Math.max(convergeMax, r.convergeMs);
  }
}
conv.sort((a, b) => a - b);
console.log(JSON.stringify({
  bench: "sim.seeds", seeds: count, from, failed,
  converge_ms_p50: conv[Math.floor(conv.length / 2)] ?? null, converge_ms_max: convergeMax,
  wall_s: +((performance.now() - start) / 1000).toFixed(1),
}));
