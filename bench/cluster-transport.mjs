#!/usr/bin/env node
// Cluster transport benchmarks: one JSON object per line, units last in keys.
//   node bench/cluster-transport.mjs [--runs 10] [--sizes 2,3,8] [--messages 20000] [--idle-s 10]
// - envelope: AES-256-GCM seal + open of a 1 KiB Wire payload (packets/s, one core);
// - failover: N `pacer cluster-node` processes on 127.0.0.1..N (udpu, pacer's default token),
//   kill -9 of one, time until every survivor logs the new view (median, p99 over runs);
// - throughput: 3 processes, 1 KiB agreed-order messages from one node, until another node
//   delivered them all (msgs/s);
// - idle CPU of one node in an idle 3-node cluster (% of one core, process.cpuUsage deltas).
// Needs `npm run build` first. Uses loopback only; ports random per run.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { EnvelopeKeys, openPacket, sealPacket } from "../dist/cluster/transport/packet-crypto.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "10" },
    sizes: { type: "string", default: "2,3,8" },
    messages: { type: "string", default: "20000" },
    "idle-s": { type: "string", default: "10" },
  },
});
const pacer = new URL("../bin/pacer", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "pacer-bench-cluster-"));
const live = new Set();
process.on("exit", () => {
  for (const p of live) if (p.exitCode === null) p.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function envelope() {
  const keys = new EnvelopeKeys(randomBytes(32));
  const payload = randomBytes(1024);
  const n = 100_000;
  const t0 = performance.now();
  for (let seq = 1; seq <= n; seq++) {
    const p = sealPacket(keys, { link: 0, hearMask: 0xff, sender: 1, dest: 0, incarnation: 1, seq }, payload);
    if (!openPacket(keys, p).ok) throw new Error("bench: open failed");
  }
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ bench: "cluster.envelope", case: "seal+open-1KiB", packets_per_s: Math.round(n / s), us_per_packet: +((s * 1e6) / n).toFixed(2) }));
}

function cluster(name, n) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const port = 21_000 + Math.floor(Math.random() * 30_000);
  const nodes = Array.from({ length: n }, (_, i) => `\tnode {\n\t\tnodeid: ${i + 1}\n\t\tring0_addr: 127.0.0.${i + 1}\n\t}`);
  writeFileSync(join(dir, "corosync.conf"), `totem {\n\tversion: 2\n\tcluster_name: b${port}\n\ttransport: udpu\n\tinterface {\n\t\tlinknumber: 0\n\t\tmcastport: ${port}\n\t}\n}\nnodelist {\n${nodes.join("\n")}\n}\nquorum {\n\tprovider: corosync_votequorum\n}\n`);
  writeFileSync(join(dir, "authkey"), randomBytes(256), { mode: 0o400 });
  return { dir, n, procs: new Map(), views: new Map() };
}

function start(c, id, deliverLog = true) {
  const p = spawn(process.execPath, [pacer, "cluster-node", "--config", join(c.dir, "corosync.conf"), "--authkey", join(c.dir, "authkey"),
    "--state-dir", join(c.dir, `s${id}`), "--api-socket", join(c.dir, `api${id}.sock`), "--nodeid", String(id),
    ...(deliverLog ? ["--deliver-log", join(c.dir, `d${id}.log`)] : [])], { stdio: ["ignore", "ignore", "pipe"] });
  live.add(p);
  c.procs.set(id, p);
  c.views.set(id, []);
  let buf = "";
  p.stderr.on("data", (d) => {
    buf += d.toString();
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /view \S+ members \[([\d,]*)\]/.exec(line);
      if (m) c.views.get(id).push({ atMs: performance.now(), members: m[1] });
    }
  });
}

async function until(cond, timeoutMs, what) {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

function stopAll(c) {
  for (const p of c.procs.values()) p.kill("SIGKILL");
  c.procs.clear();
}

async function failover(n, runs) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const c = cluster(`fo-${n}-${r}`, n);
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    for (const id of ids) start(c, id);
    const all = ids.join(",");
    await until(() => ids.every((id) => c.views.get(id).at(-1)?.members === all), 15_000, `${n}-node view`);
    await sleep(300);
    const victim = n;
    const survivors = ids.filter((id) => id !== victim).join(",");
    const killedAt = performance.now();
    c.procs.get(victim).kill("SIGKILL");
    await until(() => ids.filter((id) => id !== victim).every((id) => c.views.get(id).at(-1)?.members === survivors), 15_000, "new view");
    times.push(Math.max(...ids.filter((id) => id !== victim).map((id) => c.views.get(id).at(-1).atMs)) - killedAt);
    stopAll(c);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ bench: "cluster.failover", case: `${n}-processes-default-token`, runs, ms_p50: +quantile(times, 0.5).toFixed(1), ms_p99: +quantile(times, 0.99).toFixed(1), ms_max: +times.at(-1).toFixed(1) }));
}

function api(path, req) {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let buf = "";
    s.on("connect", () => s.write(`${JSON.stringify(req)}\n`));
    s.on("data", (d) => {
      buf += d;
      if (buf.includes("\n")) {
        s.destroy();
        resolve(JSON.parse(buf));
      }
    });
    s.on("error", reject);
  });
}

async function throughputAndIdle(messages, idleS) {
  const c = cluster("tp", 3);
  for (const id of [1, 2, 3]) start(c, id, false);
  await until(() => [1, 2, 3].every((id) => c.views.get(id).at(-1)?.members === "1,2,3"), 15_000, "3-node view");
  await sleep(300);
  const sock2 = join(c.dir, "api2.sock");
  const cpu0 = (await api(sock2, { op: "cluster-counters" })).cpuUs;
  await sleep(idleS * 1000);
  const idlePct = (((await api(sock2, { op: "cluster-counters" })).cpuUs - cpu0) / 1e6 / idleS) * 100;
  console.log(JSON.stringify({ bench: "cluster.idle-cpu", case: "3-processes-one-node", seconds: idleS, cpu_pct: +idlePct.toFixed(2) }));
  const kib = "x".repeat(1024);
  const delivered = async () => (await api(sock2, { op: "cluster-counters" })).delivered;
  const base = await delivered();
  const t0 = performance.now();
  for (let sent = 0; sent < messages; sent += 1000) {
    await api(join(c.dir, "api1.sock"), { op: "cluster-broadcast", payloads: Array.from({ length: Math.min(1000, messages - sent) }, () => kib) });
    while ((await delivered()) - base < sent - 2000) await sleep(5);
  }
  while ((await delivered()) - base < messages) {
    if (performance.now() - t0 > 120_000) throw new Error("bench: deliveries missing");
    await sleep(5);
  }
  const s = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({ bench: "cluster.throughput", case: "3-processes-1KiB-from-one", messages, msgs_per_s: Math.round(messages / s) }));
  stopAll(c);
}

envelope();
for (const n of values.sizes.split(",").map(Number)) await failover(n, Number(values.runs));
await throughputAndIdle(Number(values.messages), Number(values["idle-s"]));
process.exit(0);
