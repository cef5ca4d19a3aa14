/**
 * As root: three `pacer cluster-node` processes, each in its own network namespace, joined by a
 * bridge, talking multicast with the tutorial's corosync.conf interface block
 * (bindnetaddr 192.168.50.0, mcastaddr 239.255.1.1, mcastport 5405). The addresses exist only
 * inside the namespaces this test creates and removes. Skipped when not root or without `ip`.
 * The same checks as cluster-node.test.ts on loopback: one view within 1.5 s of the last
 * start, the survivors' new view within token + consensus of a kill -9, 1,000+ messages in one
 * order across it, a node with another authkey kept out, captured packets replayed and
 * 100,000 fuzzed datagrams rejected and counted (_netns-probe.ts, from the dead node's
 * namespace).
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { resolveConfig } from "../protocol/api.js";
import { checkDeliveries } from "./_delivery-check.js";
import { assertTimingBound, load } from "./_timing-bound.js";
import { queryClusterStatus } from "./status-api.js";

const isRoot = process.getuid?.() === 0;
const hasIp = spawnSync("ip", ["-V"]).status === 0;
const canRun = isRoot && hasIp && spawnSync("ip", ["netns", "list"]).status === 0;

const pacerBin = new URL("../../../bin/pacer", import.meta.url).pathname;
const tag = `pcx${randomBytes(2).toString("hex")}`;
const ids = [1, 2, 3];
const ns = (id: number): string => `${tag}-n${id}`;
const sw = `${tag}-sw`;
const addr = (id: number): string => `192.168.50.${id + 2}`;
const dir = mkdtempSync(join(tmpdir(), "pacer-netns-"));
const procs = new Map<number, ChildProcess>();
/** Per node: when (wall-clock ms, by its own log line) it started and installed each view. */
const startedAt = new Map<number, number>();
const viewLog = new Map<number, { atMs: number; members: string; ring: string }[]>();
const defaults = resolveConfig({ nodes: ids.map((nodeid) => ({ nodeid })) });
const tokenPlusConsensusMs = defaults.tokenMs + defaults.consensusMs;
const probeJs = new URL("./_netns-probe.js", import.meta.url).pathname;

/** The wall-clock ms a node wrote on a log line ("... at MS"), else when we read it. */
function loggedAt(line: string): number {
  const m = / at (\d+)$/.exec(line);
  return m ? Number(m[1]) : Date.now();
}

/** When `id` first logged a view of exactly `members` at or after `sinceMs`. */
function viewAt(id: number, members: number[], sinceMs: number) {
  return (viewLog.get(id) ?? []).find((v) => v.atMs >= sinceMs && v.members === members.join(","));
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe" });
}

function setUp(): void {
  ip("netns", "add", sw);
  ip("-n", sw, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
  ip("-n", sw, "link", "set", "br0", "up");
  for (const id of ids) {
    ip("netns", "add", ns(id));
    ip("-n", ns(id), "link", "set", "lo", "up");
    ip(
      "link",
      "add",
      `${tag}a${id}`,
      "netns",
      ns(id),
      "type",
      "veth",
      "peer",
      "name",
      `${tag}b${id}`,
      "netns",
      sw,
    );
    ip("-n", ns(id), "link", "set", `${tag}a${id}`, "name", "eth1");
    ip("-n", ns(id), "addr", "add", `${addr(id)}/24`, "dev", "eth1");
    ip("-n", ns(id), "link", "set", "eth1", "up");
    ip("-n", sw, "link", "set", `${tag}b${id}`, "master", "br0");
    ip("-n", sw, "link", "set", `${tag}b${id}`, "up");
  }
}

function tearDown(): void {
  for (const p of procs.values()) if (p.exitCode === null) p.kill("SIGKILL");
  for (const n of [...ids.map(ns), sw]) spawnSync("ip", ["netns", "del", n]);
  rmSync(dir, { recursive: true, force: true });
}

/** The tutorial's block (section 4 of the walkthrough), plus what a 3-node cluster needs. */
function tutorialConf(): string {
  const nodes = ids.map(
    (id) => `\tnode {\n\t\tname: node${id}\n\t\tnodeid: ${id}\n\t\tring0_addr: ${addr(id)}\n\t}`,
  );
  return `totem {
\tversion: 2
\tcluster_name: ${tag}
        interface {
                ringnumber: 0
                bindnetaddr: 192.168.50.0
                mcastaddr: 239.255.1.1
                mcastport: 5405
        }
}
nodelist {
${nodes.join("\n")}
}
quorum {
\tprovider: corosync_votequorum
}
`;
}

function start(id: number, key = "authkey"): void {
  const args = [
    "netns",
    "exec",
    ns(id),
    process.execPath,
    pacerBin,
    "cluster-node",
    "--config",
    join(dir, "corosync.conf"),
    "--authkey",
    join(dir, key),
    "--state-dir",
    join(dir, `state${id}`),
    "--api-socket",
    join(dir, `api${id}.sock`),
    "--deliver-log",
    join(dir, `deliver${id}.log`),
  ];
  const p = spawn("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  let buf = "";
  startedAt.delete(id);
  viewLog.set(id, []);
  p.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
    writeFileSync(join(dir, `log${id}`), log);
    buf += d.toString();
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      const m = /view (\S+) members \[([\d,]*)\]/.exec(line);
      if (m) viewLog.get(id)?.push({ atMs: loggedAt(line), ring: m[1] ?? "", members: m[2] ?? "" });
      if (/\]: started, incarnation/.test(line)) startedAt.set(id, loggedAt(line));
    }
  });
  procs.set(id, p);
}

async function untilView(members: number[], timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const latest = members.map((id) => viewLog.get(id)?.at(-1));
    const logged = latest.every(
      (v) => v !== undefined && v.ring === latest[0]?.ring && v.members === members.join(","),
    );
    if (!logged && performance.now() - t0 <= timeoutMs) {
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    const all = await Promise.all(
      members.map((id) => queryClusterStatus(join(dir, `api${id}.sock`), { timeoutMs: 300 })),
    );
    const views = all.map((r) =>
      r.ok ? `${r.value.ringId?.seq}:${r.value.members.map((m) => m.nodeId)}` : "-",
    );
    if (views.every((v) => v === views[0] && v.endsWith(`:${members.join(",")}`)))
      return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) {
      const logs = ids.map((id) => {
        try {
          return readFileSync(join(dir, `log${id}`), "utf8");
        } catch {
          return "";
        }
      });
      assert.fail(`no common view of [${members}]: ${views.join(" | ")}\n${logs.join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function deliveries(id: number): string[] {
  try {
    return readFileSync(join(dir, `deliver${id}.log`), "utf8")
      .split("\n")
      .filter((l) => l !== "");
  } catch {
    return [];
  }
}

/** The views a node logged after the 3-node one (its stderr lines). */
function viewLines(id: number): string[] {
  let text = "";
  try {
    text = readFileSync(join(dir, `log${id}`), "utf8");
  } catch {
    return [];
  }
  const views = [...text.matchAll(/view (\S+) members \[([\d,]*)\]/g)].map(
    (m) => `${m[1]}:${m[2]}`,
  );
  const from = views.findIndex((v) => v.endsWith(":1,2,3"));
  return views.slice(Math.max(0, from));
}

/** Waits until both delivery logs stop growing (so they are compared at rest). */
async function settle(): Promise<void> {
  let last = "";
  for (let i = 0; i < 100; i++) {
    const now = [1, 2].map((id) => deliveries(id).length).join();
    if (now === last) return;
    last = now;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function request(id: number, req: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = createConnection(join(dir, `api${id}.sock`));
    let buf = "";
    s.on("connect", () => s.write(`${JSON.stringify(req)}\n`));
    s.on("data", (d) => {
      buf += d.toString();
      if (buf.includes("\n")) {
        s.destroy();
        resolve(JSON.parse(buf) as Record<string, unknown>);
      }
    });
    s.on("error", reject);
  });
}

async function broadcast(id: number, payloads: string[]): Promise<void> {
  const r = await request(id, { op: "cluster-broadcast", payloads });
  assert.equal(r.ok, true, `node ${id} took the batch: ${JSON.stringify(r)}`);
}

async function counters(id: number): Promise<Record<string, number>> {
  return (await request(id, { op: "cluster-counters" })).counters as Record<string, number>;
}

describe("pacer cluster-node in network namespaces (root)", {
  skip: canRun ? false : "needs root and iproute2",
}, () => {
  after(tearDown);

  it("forms a cluster over multicast with the tutorial's interface block, and survives kill -9", async () => {
    setUp();
    writeFileSync(join(dir, "corosync.conf"), tutorialConf());
    writeFileSync(join(dir, "authkey"), randomBytes(256), { mode: 0o400 });
    writeFileSync(join(dir, "wrongkey"), randomBytes(256), { mode: 0o400 });
    for (const id of ids) start(id);
    await untilView(ids, 30_000);
    const lastStart = Math.max(...ids.map((id) => startedAt.get(id) ?? Number.NaN));
    const formMs = Math.max(...ids.map((id) => viewAt(id, ids, 0)?.atMs ?? Number.NaN)) - lastStart;
    console.log(
      `cluster-netns: 3 namespaces formed one view over 239.255.1.1:5405 ${formMs.toFixed(0)} ms after the last node started, ${load()}`,
    );
    assertTimingBound(
      "cluster-netns",
      formMs,
      1500,
      `one view ${formMs.toFixed(0)} ms after the last start (≤ 1500)`,
    );
    const s = await queryClusterStatus(join(dir, "api1.sock"));
    assert.ok(s.ok);
    assert.equal(s.value.transport, "udp");
    assert.equal(
      s.value.links[0]?.localAddr,
      addr(1),
      "bindnetaddr 192.168.50.0 picked the namespace's address",
    );
    await Promise.all(
      ids.map((id) =>
        broadcast(
          id,
          Array.from({ length: 200 }, (_, k) => `m${id}-${k}`),
        ),
      ),
    );
    await new Promise((r) => setTimeout(r, 80));
    const tokenOf = async (): Promise<number> =>
      Math.max(
        ...(await Promise.all(
          [1, 2].map(
            async (id) =>
              (
                await request(id, { op: "cluster-counters" })
              ).tokenEffectiveMs as number,
          ),
        )),
      );
    const tokenBefore = await tokenOf();
    const killedAt = Date.now();
    procs.get(3)?.kill("SIGKILL");
    await untilView([1, 2], 30_000);
    const installed = [1, 2].map((id) => viewAt(id, [1, 2], killedAt));
    const detectMs = Math.max(...installed.map((v) => v?.atMs ?? Number.NaN)) - killedAt;
    // token + consensus, with the token a survivor stretched after its own stalls (local
    // health, docs/protocol.md §3; equal to the configured token on a healthy host).
    const tokenMs = Math.max(tokenBefore, await tokenOf());
    const boundMs = tokenMs + defaults.consensusMs;
    console.log(
      `cluster-netns: survivors installed view ${installed[0]?.ring} ${detectMs.toFixed(0)} ms after kill -9 (token + consensus = ${tokenPlusConsensusMs} ms; effective token ${tokenMs} ms), ${load()}`,
    );
    assert.equal(installed[0]?.ring, installed[1]?.ring, "the same new view at both survivors");
    assertTimingBound(
      "cluster-netns",
      detectMs,
      boundMs,
      `new view ${detectMs.toFixed(0)} ms after the kill (≤ effective token + consensus ${boundMs})`,
    );
    await Promise.all(
      [1, 2].map((id) =>
        broadcast(
          id,
          Array.from({ length: 300 }, (_, k) => `m${id}-${200 + k}`),
        ),
      ),
    );
    const t0 = performance.now();
    while (
      Math.min(...[1, 2].map((id) => deliveries(id).length)) < 1000 &&
      performance.now() - t0 < 10_000
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await settle();
    const d1 = deliveries(1);
    // Same view history (no false failure on a loaded host): identical logs; else EVS's
    // agreement and FIFO only.
    const sameViews = viewLines(1).join() === viewLines(2).join();
    checkDeliveries(
      new Map([
        [1, d1],
        [2, deliveries(2)],
      ]),
      { sameViews },
    );
    for (const id of [1, 2]) {
      const mine = deliveries(id).filter((l) => l.split(" ")[4]?.startsWith(`m${id}-`));
      assert.equal(mine.length, 500, `node ${id} delivered all of its own messages`);
    }
    if (sameViews) assert.ok(d1.length >= 1000);
    console.log(
      sameViews
        ? `cluster-netns: ${d1.length} messages in the same order on both survivors`
        : `cluster-netns: a false view change happened (load?); agreement and FIFO hold`,
    );
  });

  it("keeps a node with another authkey out and counts its packets as rejected", async () => {
    const before = await counters(1);
    const marks = [1, 2].map((id) => viewLog.get(id)?.length ?? 0);
    start(3, "wrongkey");
    // 1.5 s from the moment it runs (its own start can take seconds on a loaded host).
    for (const t0 = performance.now(); !startedAt.has(3) && performance.now() - t0 < 30_000; )
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of [1, 2]) {
      const since = (viewLog.get(id) ?? []).slice(marks[id - 1]);
      assert.ok(
        since.every((v) => !v.members.split(",").includes("3")),
        `node ${id} never had node 3 in a view: ${since.map((v) => v.members)}`,
      );
    }
    assert.ok(
      (viewLog.get(3) ?? []).every((v) => v.members === "3"),
      "the node with another key only ever sees itself",
    );
    const rejected = ((await counters(1)).rxAuthFailed ?? 0) - (before.rxAuthFailed ?? 0);
    console.log(
      `cluster-netns: node 1 rejected ${rejected} packets of the node with another authkey`,
    );
    assert.ok(rejected > 0);
    procs.get(3)?.kill("SIGKILL");
    await untilView([1, 2], 30_000);
  });

  it("rejects captured packets replayed to the group and survives 100,000 fuzzed datagrams", async () => {
    const before = await Promise.all([1, 2].map(counters));
    const probe = spawnSync(
      "ip",
      [
        "netns",
        "exec",
        ns(3),
        process.execPath,
        probeJs,
        "239.255.1.1",
        "5405",
        addr(3),
        join(dir, "authkey"),
        tag,
        "3",
        "100000",
        join(dir, "api1.sock"),
      ],
      { encoding: "utf8", timeout: 600_000 },
    );
    assert.equal(probe.status, 0, probe.stderr);
    const sent = JSON.parse(probe.stdout) as { captured: number; fuzzed: number; counted: number };
    const after = await Promise.all([1, 2].map(counters));
    const delta = (i: number, k: string): number => (after[i]?.[k] ?? 0) - (before[i]?.[k] ?? 0);
    const replayed = [0, 1]
      .flatMap((i) => ["rxReplayed", "rxTooOld", "rxStaleIncarnation"].map((k) => delta(i, k)))
      .reduce((a, b) => a + b, 0);
    const counted = sent.counted;
    console.log(
      `cluster-netns: ${replayed} of ${sent.captured} captured packets replayed were rejected as replays ` +
        `(by node 1 or 2); node 1 counted and dropped ${counted} of ${sent.fuzzed} fuzzed datagrams, ${load()}`,
    );
    assert.ok(sent.captured > 0, "captured packets of the cluster");
    assert.ok(replayed > 0, "replays are rejected");
    assert.ok(
      counted > sent.fuzzed * 0.5,
      "the kernel may drop some, most must arrive and be counted",
    );
    for (const id of [1, 2]) assert.equal(procs.get(id)?.exitCode, null, `node ${id} still runs`);
    await untilView([1, 2], 30_000);
  });
});
