#!/usr/bin/env node
// bench/cluster: every figure issue 4 asks of the cluster layer, one JSON line each, then a
// summary table against the targets. Needs `npm run build` first; loopback only.
//   node bench/cluster/run.mjs [--trials 20] [--sizes 2,3,8] [--sim-sizes 16,64]
//                              [--sim-trials 20] [--messages 20000] [--idle-s 30] [--bulk-mb 10]
//   node bench/cluster/run.mjs --soak-min 10 [--soak-load 2]   (soak only; not for CI)
// Figures: failure detection to new view (median, p99) at 2/3/8 real processes and 16/64
// simulated nodes at the default token; 64 simulated nodes' first convergence; ordered
// 1 KiB throughput (msgs/s) on loopback; idle CPU of each node; AES-GCM envelope cost; one
// 5 MB and one 30 MB message (a full CIB) in the simulator without a view change.
// --sizes "" skips the real processes, --messages 0 the throughput, --idle-s 0 the idle CPU.
// Soak: view changes of an idle 3-process cluster in `--soak-min` minutes, with
// `--soak-load N` CPU burners beside it (0 = idle machine apart from others' work).
import { parseArgs } from "node:util";
import { bulkProcesses, envelope, failover, idleCpu, simBulk, simDetect, throughput } from "./figures.mjs";
import { load1 } from "./processes.mjs";
import { soak } from "./soak.mjs";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "20" },
    sizes: { type: "string", default: "2,3,8" },
    "sim-sizes": { type: "string", default: "16,64" },
    "sim-trials": { type: "string", default: "20" },
    messages: { type: "string", default: "20000" },
    "idle-s": { type: "string", default: "30" },
    "bulk-mb": { type: "string", default: "10" },
    "soak-min": { type: "string" },
    "soak-load": { type: "string", default: "0" },
  },
});

if (values["soak-min"] !== undefined) {
  const r = await soak(Number(values["soak-min"]), Number(values["soak-load"]));
  console.log(`soak ${r.case}: ${r.view_changes} view changes in ${r.minutes} min (target 0), load1 ${r.load1_min}–${r.load1_max}`);
  process.exit(r.view_changes === 0 ? 0 : 1);
}

const rows = [];
const row = (what, value, target, met) => rows.push({ what, value, target, met: met ? "yes" : "NO", load1: load1() });
envelope();
const list = (v) => v.split(",").filter((x) => x !== "").map(Number);
for (const n of list(values.sizes)) {
  const r = await failover(n, Number(values.trials));
  row(`crash → new view, ${n} processes (p50 / p99)`, `${r.ms_p50} / ${r.ms_p99} ms`, "≤ 800 ms", r.ms_p99 <= 800);
  if (n === 3) {
    row("3 processes: one view after the last node started", `${r.first_view_after_started_ms} ms`, "≤ 1500 ms", r.first_view_after_started_ms <= 1500);
    row("3 processes: one view after the last spawn (Node.js boot included)", `${r.first_view_after_spawn_ms} ms`, "≤ 1500 ms", r.first_view_after_spawn_ms <= 1500);
  }
}
for (const n of list(values["sim-sizes"])) {
  const r = simDetect(n, Number(values["sim-trials"]));
  row(`crash → new view, ${n} simulated (p50 / p99)`, `${r.detect_ms_p50} / ${r.detect_ms_p99} ms`, "≤ 800 ms", r.detect_ms_p99 <= 800);
  if (n === 64) row("64 simulated nodes converge (max)", `${r.converge_ms_max} ms`, "≤ 2000 ms", r.converge_ms_max <= 2000);
}
for (const mb of [5, 30]) {
  const r = simBulk(mb);
  row(`one ${mb} MB message to 3 simulated nodes: view changes, longest heartbeat gap`, `${r.view_changes}, ${r.heartbeat_gap_ms_max} ms (${r.mb_per_s} MB/s)`, "0", r.view_changes === 0);
}
if (Number(values["bulk-mb"]) > 0) {
  const r = await bulkProcesses(Number(values["bulk-mb"]));
  row(`one ${r.case.split("-")[0]} message, 3 processes: view changes, longest gap between ticks (idle: 142 ms)`, `${r.view_changes}, ${Math.max(...r.max_tick_gap_ms)} ms (${r.mb_per_s} MB/s)`, "0", r.view_changes === 0);
}
if (Number(values.messages) > 0)
  for (const r of await throughput(Number(values.messages))) row(`1 KiB ordered msgs/s, ${r.case}`, `${r.msgs_per_s}`, "(figure)", true);
if (Number(values["idle-s"]) > 0) {
  const idle = await idleCpu(Number(values["idle-s"]));
  row("idle CPU per node (3 nodes)", `${idle.cpu_pct.join(" / ")} %`, "< 0.5 %", idle.cpu_pct_max < 0.5);
}
console.log("\n| figure | measured | target | met | load1 |\n|---|---|---|---|---|");
for (const r of rows) console.log(`| ${r.what} | ${r.value} | ${r.target} | ${r.met} | ${r.load1} |`);
process.exit(0);
