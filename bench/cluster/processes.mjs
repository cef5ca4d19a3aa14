// Helpers for benchmarks with real `pacer cluster-node` processes on loopback (udpu on
// 127.0.0.1..N, random port, a fresh authkey): start, kill, api requests, view logs.
// Every process started here is killed by PID on exit.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const pacer = new URL("../../bin/pacer", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "pacer-bench-cluster-"));
const live = new Set();
process.on("exit", () => {
  for (const p of live) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(130));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
/** The 1-minute load average, rounded: printed with every figure (the host is shared). */
export const load1 = () => +loadavg()[0].toFixed(2);

/** A cluster directory with corosync.conf (udpu, pacer's default timers) and an authkey. */
export function cluster(name, n) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const port = 21_000 + Math.floor(Math.random() * 30_000);
  const nodes = Array.from({ length: n }, (_, i) => `\tnode {\n\t\tnodeid: ${i + 1}\n\t\tring0_addr: 127.0.0.${i + 1}\n\t}`);
  writeFileSync(join(dir, "corosync.conf"), `totem {\n\tversion: 2\n\tcluster_name: b${port}\n\ttransport: udpu\n\tinterface {\n\t\tlinknumber: 0\n\t\tmcastport: ${port}\n\t}\n}\nnodelist {\n${nodes.join("\n")}\n}\nquorum {\n\tprovider: corosync_votequorum\n}\n`);
  writeFileSync(join(dir, "authkey"), randomBytes(256), { mode: 0o400 });
  return { dir, n, procs: new Map(), views: new Map(), startedAt: new Map() };
}

export const ids = (c) => Array.from({ length: c.n }, (_, i) => i + 1);
export const sock = (c, id) => join(c.dir, `api${id}.sock`);

/** Starts node `id`; every view it logs is recorded with the (wall-clock) time it logged it. */
export function start(c, id, { deliverLog = false } = {}) {
  const p = spawn(process.execPath, [pacer, "cluster-node", "--config", join(c.dir, "corosync.conf"), "--authkey", join(c.dir, "authkey"),
    "--state-dir", join(c.dir, `s${id}`), "--api-socket", sock(c, id), "--nodeid", String(id),
    ...(deliverLog ? ["--deliver-log", join(c.dir, `d${id}.log`)] : [])], { stdio: ["ignore", "ignore", "pipe"] });
  live.add(p);
  p.on("exit", () => live.delete(p));
  c.procs.set(id, p);
  if (!c.views.has(id)) c.views.set(id, []);
  let buf = "";
  p.stderr.on("data", (d) => {
    buf += d.toString();
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /view (\S+) members \[([\d,]*)\]/.exec(line);
      // Times are the node's own (wall-clock ms on its log line), not when we got to read it.
      const at = Number(/ at (\d+)$/.exec(line)?.[1] ?? Date.now());
      if (m) c.views.get(id).push({ atMs: at, ring: m[1], members: m[2] });
      if (/\]: started, incarnation/.test(line)) c.startedAt.set(id, at);
    }
  });
  return p;
}

export function kill(c, id, signal = "SIGKILL") {
  c.procs.get(id)?.kill(signal);
  c.procs.delete(id);
}

export function stopAll(c) {
  for (const id of [...c.procs.keys()]) kill(c, id);
}

export async function until(cond, timeoutMs, what) {
  const t0 = performance.now();
  while (!(await cond())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Every node of `members` has logged a view of exactly `members` as its latest. */
export const inView = (c, members) => {
  const want = members.join(",");
  return members.every((id) => c.views.get(id)?.at(-1)?.members === want);
};

/** One JSON request on a node's api socket, one JSON answer. */
export function api(path, req, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let buf = "";
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`bench: ${path} did not answer`));
    }, timeoutMs);
    s.on("connect", () => s.write(`${JSON.stringify(req)}\n`));
    s.on("data", (d) => {
      buf += d;
      if (buf.includes("\n")) {
        clearTimeout(timer);
        s.destroy();
        resolve(JSON.parse(buf));
      }
    });
    s.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}
