// The measurements of bench/cluster/run.mjs, one function per figure, each printing one JSON
// object per line (units last in keys, load1 = the host's 1-minute load average at the end).
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { EnvelopeKeys, openPacket, sealPacket } from "../../dist/cluster/transport/packet-crypto.js";
import { decodeWire } from "../../dist/cluster/protocol/wire.js";
import { SimCluster } from "../../dist/sim/cluster.js";
import { createRng } from "../../dist/sim/rng.js";
import { api, cluster, ids, inView, kill, load1, quantile, sleep, sock, start, stopAll, until } from "./processes.mjs";

const emit = (o) => {
  console.log(JSON.stringify({ ...o, load1: load1() }));
  return o;
};

/** AES-256-GCM seal + open of a 1 KiB payload, one core. */
export function envelope() {
  const keys = new EnvelopeKeys(randomBytes(32));
  const payload = randomBytes(1024);
  const n = 100_000;
  const t0 = performance.now();
  for (let seq = 1; seq <= n; seq++) {
    const p = sealPacket(keys, { link: 0, hearMask: 0xff, sender: 1, dest: 0, incarnation: 1, seq }, payload);
    if (!openPacket(keys, p).ok) throw new Error("bench: open failed");
  }
  const s = (performance.now() - t0) / 1000;
  return emit({ bench: "cluster.envelope", case: "seal+open-1KiB", packets_per_s: Math.round(n / s), us_per_packet: +((s * 1e6) / n).toFixed(2) });
}

/**
 * N real processes, default token: kill -9 one (victims rotate, the representative included,
 * at varied heartbeat phases), time until every survivor has logged the view without it;
 * restart it and wait for the full view before the next trial. Also the first formation: from
 * the last process spawned, and from the last node logging "started" (links and api open),
 * to every node logging the full view.
 */
export async function failover(n, trials) {
  const c = cluster(`fo-${n}`, n);
  const all = ids(c);
  for (const id of all) start(c, id);
  const spawnedAt = Date.now();
  await until(() => inView(c, all), 30_000, `${n}-node view`);
  const viewAtMs = Math.max(...all.map((id) => c.views.get(id).at(-1).atMs));
  const formMs = viewAtMs - spawnedAt;
  const formAfterStartedMs = viewAtMs - Math.max(...all.map((id) => c.startedAt.get(id)));
  const times = [];
  const byTrial = [];
  let falseViews = 0;
  for (let t = 0; t < trials; t++) {
    await sleep(300 + ((t * 53) % 150));
    const victim = all[t % n];
    const rest = all.filter((id) => id !== victim);
    const mark = new Map(rest.map((id) => [id, c.views.get(id).length]));
    const killedAt = Date.now();
    kill(c, victim);
    await until(() => inView(c, rest), 15_000, "the survivors' view");
    const firstWithout = rest.map((id) => c.views.get(id).slice(mark.get(id)).find((v) => v.members === rest.join(",")).atMs);
    times.push(Math.max(...firstWithout) - killedAt);
    byTrial.push({ victim, ms: +times.at(-1).toFixed(1) });
    falseViews += rest.reduce((k, id) => k + c.views.get(id).length - mark.get(id) - 1, 0);
    start(c, victim);
    await until(() => inView(c, all), 30_000, "the full view again");
  }
  stopAll(c);
  times.sort((a, b) => a - b);
  return emit({
    bench: "cluster.failover", case: `${n}-processes-default-token`, trials,
    ms_p50: +quantile(times, 0.5).toFixed(1), ms_p99: +quantile(times, 0.99).toFixed(1), ms_max: +times.at(-1).toFixed(1),
    extra_views: falseViews, first_view_after_spawn_ms: +formMs.toFixed(1),
    first_view_after_started_ms: +formAfterStartedMs.toFixed(1),
    slowest: byTrial.sort((a, b) => b.ms - a.ms).slice(0, 3),
  });
}

const LAN = { lossRate: 0, dupRate: 0, delayMinMs: 0.1, jitterMeanMs: 0.3 };

function simUntil(c, members, fromMs, limitMs) {
  const want = members.join(",");
  for (let t = Math.max(c.now, fromMs); t <= fromMs + limitMs; t += 1) {
    c.runUntil(t);
    if (members.every((id) => {
      const s = c.summary(id);
      return s !== null && s.phase === "operational" && s.members.join(",") === want;
    })) return +(c.now - fromMs).toFixed(1);
  }
  return Number.POSITIVE_INFINITY;
}

/** The deterministic simulator at default timers, LAN-like delays: formation and detection. */
export function simDetect(n, trials) {
  const detect = [];
  const form = [];
  const wallStart = performance.now();
  for (let t = 0; t < trials; t++) {
    const nodes = Array.from({ length: n }, (_, i) => ({ nodeid: i + 1 }));
    const config = { nodes, ...(n === 2 ? { quorum: { twoNode: true } } : {}) };
    const c = new SimCluster({ config, net: LAN, rng: createRng(1000 + t) });
    for (const x of nodes) c.start(x.nodeid);
    const all = nodes.map((x) => x.nodeid);
    form.push(simUntil(c, all, 0, 5000));
    c.runUntil(Math.max(c.now, 2500) + ((t * 53) % 150));
    const victim = all[t % n];
    c.crash(victim);
    const at = c.now;
    detect.push(simUntil(c, all.filter((x) => x !== victim), at, 5000));
  }
  detect.sort((a, b) => a - b);
  form.sort((a, b) => a - b);
  return emit({
    bench: "cluster.sim.detect", case: `nodes-${n}`, trials, token_ms: 600,
    detect_ms_p50: quantile(detect, 0.5), detect_ms_p99: quantile(detect, 0.99), detect_ms_max: detect.at(-1),
    converge_ms_p50: quantile(form, 0.5), converge_ms_max: form.at(-1),
    wall_ms: Math.round(performance.now() - wallStart),
  });
}

/**
 * One `mb` MB message to 3 simulated nodes: heartbeats must keep flowing. Counts view changes
 * and the longest gap between two heartbeats a node sent while the message flowed (the
 * interval is 142 ms at defaults; the simulator has no CPU cost, so this checks the core's
 * own scheduling: data never takes a heartbeat's turn).
 */
export function simBulk(mb) {
  const nodes = [1, 2, 3].map((nodeid) => ({ nodeid }));
  const c = new SimCluster({ config: { nodes }, net: LAN, rng: createRng(3) });
  const lastBeat = new Map();
  let gapMax = 0;
  let measuring = false;
  const transmit = c.transmit.bind(c);
  c.transmit = (from, to, bytes) => {
    const w = decodeWire(bytes);
    if (measuring && w.ok && w.value.kind === "heartbeat" && to === (from % 3) + 1) {
      if (lastBeat.has(from)) gapMax = Math.max(gapMax, c.now - lastBeat.get(from));
      lastBeat.set(from, c.now);
    }
    return transmit(from, to, bytes);
  };
  for (const x of nodes) c.start(x.nodeid);
  c.runUntil(1000);
  const views = c.checker.views;
  const t0 = c.now;
  measuring = true;
  c.broadcast(2, mb * 1_000_000);
  while (c.now < t0 + 60_000 && [1, 3].some((id) => (c.deliveredCount.get(id) ?? 0) < 1)) c.runUntil(c.now + 10);
  const ms = c.now - t0;
  return emit({
    bench: "cluster.sim.bulk", case: `${mb}MB-3-nodes`, ms: Math.round(ms), mb_per_s: +(mb / (ms / 1000)).toFixed(1),
    view_changes: c.checker.views - views, heartbeat_gap_ms_max: +gapMax.toFixed(1),
  });
}

/**
 * One `mb` MB message (≤ 16; built by the node from `sizes`, not sent as JSON) from node 1 of
 * 3 real processes: time until every node delivered it, view changes, and each node's longest
 * gap between two driver ticks (heartbeats go out on ticks).
 */
export async function bulkProcesses(mb) {
  const c = cluster(`bulk-${mb}`, 3);
  const all = ids(c);
  for (const id of all) start(c, id);
  await until(() => inView(c, all), 30_000, "3-node view");
  await sleep(500);
  const views = all.map((id) => c.views.get(id).length);
  const base = await Promise.all(all.map(async (id) => (await api(sock(c, id), { op: "cluster-counters" })).delivered));
  const t0 = performance.now();
  const r = await api(sock(c, 1), { op: "cluster-broadcast", sizes: [mb * 1_000_000] }, 30_000);
  if (!r.ok) throw new Error(`bench: bulk message refused: ${r.error}`);
  await until(async () => (await Promise.all(all.map(async (id) => (await api(sock(c, id), { op: "cluster-counters" })).delivered))).every((d, i) => d > base[i]), 120_000, "the bulk delivery");
  const ms = performance.now() - t0;
  const gaps = await Promise.all(all.map(async (id) => +(await api(sock(c, id), { op: "cluster-counters" })).maxTickGapMs.toFixed(1)));
  stopAll(c);
  return emit({
    bench: "cluster.bulk", case: `${mb}MB-3-processes`, ms: Math.round(ms), mb_per_s: +(mb / (ms / 1000)).toFixed(1),
    view_changes: all.reduce((k, id, i) => k + c.views.get(id).length - views[i], 0), max_tick_gap_ms: gaps,
  });
}

/** Idle CPU of every node of an idle 3-process cluster (% of one core over `seconds`). */
export async function idleCpu(seconds) {
  const c = cluster("idle", 3);
  const all = ids(c);
  for (const id of all) start(c, id);
  await until(() => inView(c, all), 30_000, "3-node view");
  await sleep(1000);
  const cpu0 = await Promise.all(all.map(async (id) => (await api(sock(c, id), { op: "cluster-counters" })).cpuUs));
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu1 = await Promise.all(all.map(async (id) => (await api(sock(c, id), { op: "cluster-counters" })).cpuUs));
  const s = (performance.now() - t0) / 1000;
  stopAll(c);
  const pct = all.map((_, i) => +(((cpu1[i] - cpu0[i]) / 1e6 / s) * 100).toFixed(2));
  return emit({ bench: "cluster.idle-cpu", case: "3-processes-each-node", seconds, cpu_pct: pct, cpu_pct_max: Math.max(...pct) });
}

/**
 * Agreed-order 1 KiB messages on loopback, 3 processes: from one node, and from all three at
 * once; msgs/s until every node delivered everything. Senders keep ≤ 2 batches in flight and
 * retry when a node answers try-again (backpressure).
 */
export async function throughput(messages) {
  const c = cluster("tp", 3);
  const all = ids(c);
  for (const id of all) start(c, id);
  await until(() => inView(c, all), 30_000, "3-node view");
  await sleep(300);
  const kib = "x".repeat(1024);
  const delivered = async (id) => (await api(sock(c, id), { op: "cluster-counters" })).delivered;
  const out = [];
  for (const senders of [[1], all]) {
    const base = await Promise.all(all.map(delivered));
    const total = messages * senders.length;
    const viewsBefore = all.map((id) => c.views.get(id).length);
    const t0 = performance.now();
    await Promise.all(senders.map(async (id) => {
      for (let sent = 0; sent < messages;) {
        const n = Math.min(1000, messages - sent);
        const r = await api(sock(c, id), { op: "cluster-broadcast", payloads: Array.from({ length: n }, () => kib) });
        if (r.ok) sent += n;
        else await sleep(20);
        // Polled every 50 ms: each poll costs the nodes CPU, which is what is measured.
        while ((await delivered(id)) - base[id - 1] < sent * senders.length - 2000 * senders.length) await sleep(50);
      }
    }));
    let done = await Promise.all(all.map(delivered));
    for (const limit = performance.now() + 300_000; performance.now() < limit;) {
      if (done.every((d, i) => d - base[i] >= total)) break;
      await sleep(50);
      done = await Promise.all(all.map(delivered));
    }
    const s = (performance.now() - t0) / 1000;
    const got = Math.min(...done.map((d, i) => d - base[i]));
    out.push(emit({
      bench: "cluster.throughput", case: `3-processes-1KiB-from-${senders.length === 1 ? "one" : "all"}`,
      messages: total, delivered_everywhere: got, msgs_per_s: Math.round(got / s), mb_per_s: +((got * 1024) / s / 1e6).toFixed(2),
      view_changes: all.reduce((k, id, i) => k + c.views.get(id).length - viewsBefore[i], 0),
    }));
  }
  stopAll(c);
  return out;
}
