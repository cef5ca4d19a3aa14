#!/usr/bin/env node
// Failure detection to new view in the deterministic simulator at pacer's default timers:
// crash one node (the representative included) at varied heartbeat phases, measure the virtual
// time until every survivor runs a view without it. Prints one JSON object per line.
// Usage: node bench/cluster-sim.mjs [trials=20]   (run `npm run build` first)
import { SimCluster } from "../dist/sim/cluster.js";
import { createRng } from "../dist/sim/rng.js";

const trials = Number(process.argv[2] ?? 20);
const LAN = { lossRate: 0, dupRate: 0, delayMinMs: 0.1, jitterMeanMs: 0.3 };

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

for (const n of [2, 3, 8, 16, 64]) {
  const detect = [];
  const form = [];
  const wallStart = performance.now();
  for (let t = 0; t < trials; t++) {
    const nodes = Array.from({ length: n }, (_, i) => ({ nodeid: i + 1 }));
    const config = { nodes, ...(n === 2 ? { quorum: { twoNode: true } } : {}) };
    const c = new SimCluster({ config, net: LAN, rng: createRng(1000 + t) });
    for (const x of nodes) c.start(x.nodeid);
    const all = nodes.map((x) => x.nodeid);
    const formed = until(c, all, all, 0, 5000);
    form.push(formed);
    c.runUntil(Math.max(c.now, 2500) + ((t * 53) % 150));
    const victim = all[t % n];
    c.crash(victim);
    const at = c.now;
    const rest = all.filter((x) => x !== victim);
    detect.push(until(c, rest, rest, at, 5000));
  }
  detect.sort((a, b) => a - b);
  form.sort((a, b) => a - b);
  console.log(JSON.stringify({
    bench: "cluster.sim.detect", case: `nodes-${n}`, trials, token_ms: 600,
    detect_ms_p50: pct(detect, 50), detect_ms_p99: pct(detect, 99), detect_ms_max: detect.at(-1),
    form_ms_p50: pct(form, 50), form_ms_max: form.at(-1),
    wall_ms: Math.round(performance.now() - wallStart),
  }));
}

function until(c, ids, members, fromMs, limitMs) {
  const want = members.join(",");
  for (let t = Math.max(c.now, fromMs); t <= fromMs + limitMs; t += 1) {
    c.runUntil(t);
    if (ids.every((id) => {
      const s = c.summary(id);
      return s !== null && s.phase === "operational" && s.members.join(",") === want;
    })) return +(c.now - fromMs).toFixed(1);
  }
  return Number.POSITIVE_INFINITY;
}

// Bulk: one 5 MB message to 3 nodes; heartbeats must keep flowing (no view change).
{
  const nodes = [1, 2, 3].map((nodeid) => ({ nodeid }));
  const c = new SimCluster({ config: { nodes }, net: LAN, rng: createRng(3) });
  for (const x of nodes) c.start(x.nodeid);
  c.runUntil(1000);
  const views = c.checker.views;
  const t0 = c.now;
  c.broadcast(2, 5_000_000);
  while (c.now < t0 + 20_000 && [1, 3].some((id) => (c.deliveredCount.get(id) ?? 0) < 1)) c.runUntil(c.now + 10);
  const ms = c.now - t0;
  console.log(JSON.stringify({
    bench: "cluster.sim.bulk", case: "5MB-3-nodes", ms: Math.round(ms),
    mb_per_s: +(5 / (ms / 1000)).toFixed(1), view_changes: c.checker.views - views,
  }));
}
