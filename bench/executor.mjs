#!/usr/bin/env node
// Executor benchmarks: one JSON object per line, units last in keys.
//   node bench/executor.mjs [--runs 200] [--resources 200]
// - op latency: sequential monitors of one started Dummy (pacer's, Pacemaker's, heartbeat's);
// - burst: N Dummy resources started at once (the "200 Dummy resources" step, the
//   executor's share of it), with the worst event-loop delay seen meanwhile: heartbeats
//   share the main thread with the executor, so spawning must not stall it.
// Needs `npm run build` first.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { Executor } from "../dist/executor/executor.js";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "200" }, resources: { type: "string", default: "200" } },
});
const runs = Number(values.runs);
const resources = Number(values.resources);
const dir = mkdtempSync(join(tmpdir(), "pacer-bench-executor-"));

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function latency(ex, provider) {
  const agent = { class: "ocf", provider, type: "Dummy" };
  const base = { resourceId: `lat-${provider}`, agent, params: { state: join(dir, `${provider}.state`) } };
  const start = await ex.exec({ ...base, action: "start" });
  if (start.rc !== 0) throw new Error(`${provider} Dummy start: rc ${start.rc} ${start.exitReason}`);
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = await ex.exec({ ...base, action: "monitor" });
    ms.push(performance.now() - t0);
    if (r.rc !== 0) throw new Error(`${provider} Dummy monitor: rc ${r.rc}`);
  }
  await ex.exec({ ...base, action: "stop" });
  ms.sort((a, b) => a - b);
  return {
    bench: "executor.op-latency",
    case: `ocf:${provider}:Dummy monitor`,
    runs,
    ms_p50: +quantile(ms, 0.5).toFixed(2),
    ms_p99: +quantile(ms, 0.99).toFixed(2),
  };
}

async function burst(ex) {
  const agent = { class: "ocf", provider: "pacer", type: "Dummy" };
  const op = (i, action) => ({ resourceId: `b${i}`, agent, action, params: { state: join(dir, `b${i}.state`) } });
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: resources }, (_, i) => ex.exec(op(i, "start"))));
  const elapsed = performance.now() - t0;
  h.disable();
  const failed = results.filter((r) => r.rc !== 0).length;
  await Promise.all(Array.from({ length: resources }, (_, i) => ex.exec(op(i, "stop"))));
  return {
    bench: "executor.burst-start",
    case: `${resources} x ocf:pacer:Dummy start`,
    failed,
    ms_total: Math.round(elapsed),
    loop_delay_ms_max: +(h.max / 1e6).toFixed(1),
    loop_delay_ms_p99: +(h.percentile(99) / 1e6).toFixed(1),
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
  };
}

const ex = new Executor({ nodeName: "bench" });
try {
  for (const provider of ["pacer", "pacemaker", "heartbeat"]) {
    console.log(JSON.stringify(await latency(ex, provider)));
  }
  console.log(JSON.stringify(await burst(ex)));
} finally {
  ex.close();
  rmSync(dir, { recursive: true, force: true });
}
