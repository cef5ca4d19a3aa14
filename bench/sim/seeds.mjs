#!/usr/bin/env node
// Runs N simulator seeds (mixed faults, 2-16 nodes: the CI mix) and prints one JSON line with
// the pass count, convergence after healing, wall time, CPU time and the host's load.
// Usage: node bench/sim/seeds.mjs [--seeds 10000] [--from 1] [--jobs 1]
// Each failure prints its replay command. Needs `npm run build` first.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { hex, runSeed } from "../../dist/sim/run.js";

if (!isMainThread) {
  const { from, count } = workerData;
  for (let s = from; s < from + count; s++) {
    const r = runSeed(s >>> 0);
    parentPort.postMessage(r.ok
      ? { ok: true, converge: r.convergeMs }
      : { ok: false, line: `sim: FAILED seed=${hex(s)} invariant=${r.failure?.invariant} ${r.failure?.detail}\nreplay: ./bin/pacer sim --seed ${hex(s)} --trace` });
  }
  process.exit(0);
}

const { values } = parseArgs({ options: {
  seeds: { type: "string", default: "10000" }, from: { type: "string", default: "1" }, jobs: { type: "string", default: "1" },
} });
const count = Number(values.seeds);
const from = Number(values.from);
const jobs = Math.max(1, Math.min(count, Number(values.jobs)));
const start = performance.now();
const cpu0 = process.cpuUsage();
const loads = [loadavg()[0]];
const sampler = setInterval(() => loads.push(loadavg()[0]), 10_000);
let failed = 0;
const conv = [];
await Promise.all(Array.from({ length: jobs }, (_, j) => {
  const lo = from + Math.floor((count * j) / jobs);
  const hi = from + Math.floor((count * (j + 1)) / jobs);
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { from: lo, count: hi - lo } });
    w.on("message", (m) => {
      if (m.ok) conv.push(m.converge);
      else {
        failed++;
        console.error(m.line);
      }
    });
    w.on("error", reject);
    w.on("exit", resolve);
  });
}));
clearInterval(sampler);
conv.sort((a, b) => a - b);
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  bench: "sim.seeds", seeds: count, from, jobs, failed,
  converge_ms_p50: conv[Math.floor(conv.length / 2)] ?? null, converge_ms_max: conv.at(-1) ?? null,
  wall_s: +((performance.now() - start) / 1000).toFixed(1), cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(1),
  load1_min: +Math.min(...loads).toFixed(1), load1_max: +Math.max(...loads).toFixed(1),
}));
process.exit(failed === 0 ? 0 : 1);
