// Soak: an idle 3-process cluster (default token, loopback) left alone for `minutes`,
// optionally with `loadProcs` CPU burners running beside it (busy loops at normal priority,
// each exiting on its own at the end). Counts the view changes every node logs after the
// first full view (target: 0), the longest gap between the driver's ticks, and samples the
// host's 1-minute load average every 10 s.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { api, cluster, ids, inView, load1, sleep, sock, start, stopAll, until } from "./processes.mjs";

/** A child that burns one core until `ms` have passed, then exits by itself. */
function burner(ms) {
  const code = `const end = Date.now() + ${ms}; let x = 0; while (Date.now() < end) { for (let i = 0; i < 1e5; i++) x += i; } process.exit(x > 0 ? 0 : 1);`;
  return spawn(process.execPath, ["-e", code], { stdio: "ignore" });
}

export async function soak(minutes, loadProcs) {
  const ms = minutes * 60_000;
  const c = cluster(`soak-${loadProcs}`, 3);
  const all = ids(c);
  for (const id of all) start(c, id);
  await until(() => inView(c, all), 30_000, "3-node view");
  await sleep(1000);
  const mark = all.map((id) => c.views.get(id).length);
  const burners = Array.from({ length: loadProcs }, () => burner(ms));
  const loads = [];
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  while (performance.now() - t0 < ms) {
    loads.push(load1());
    const left = ms - (performance.now() - t0);
    await sleep(Math.min(10_000, Math.max(0, left)));
  }
  for (const b of burners) if (b.exitCode === null && b.signalCode === null) b.kill("SIGKILL");
  const counters = await Promise.all(all.map((id) => api(sock(c, id), { op: "cluster-counters" })));
  const extra = all.map((id, i) => c.views.get(id).slice(mark[i]));
  stopAll(c);
  const o = {
    bench: "cluster.soak", case: loadProcs === 0 ? "idle" : `cpu-load-${loadProcs}-burners`,
    started: startedAt, minutes, view_changes: extra.reduce((k, v) => k + v.length, 0),
    views: extra.flat().map((v) => `${v.ring}:[${v.members}]`),
    max_tick_gap_ms: counters.map((x) => +x.maxTickGapMs.toFixed(1)),
    load1_min: Math.min(...loads), load1_max: Math.max(...loads),
    load1_avg: +(loads.reduce((a, b) => a + b, 0) / loads.length).toFixed(2),
  };
  console.log(JSON.stringify(o));
  return o;
}
