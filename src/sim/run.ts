/**
 * One seed → one whole-cluster run (TigerBeetle's VOPR style). Every fault parameter is drawn
 * from the seed ("swarm testing": each seed gets its own mix) and printed with it. A safety
 * phase with faults on is followed by a liveness phase: the network heals, crashed nodes
 * restart, paused ones resume, and within a bound the cluster must be one quorate view with
 * every message delivered.
 */

import type { ProtocolConfig } from "../cluster/protocol/api.js";
import { InvariantError } from "../shared/assert.js";
import { SimViolation } from "./checker.js";
import { SimCluster, TICK_MS } from "./cluster.js";
import { createRng, type Rng } from "./rng.js";

export interface Swarm {
  nodes: number;
  lossRate: number;
  dupRate: number;
  delayMinMs: number;
  jitterMeanMs: number;
  /** Mean ms between fault events of each kind; 0 = never. */
  partitionEveryMs: number;
  partitionMsMax: number;
  crashEveryMs: number;
  restartMsMax: number;
  pauseEveryMs: number;
  pauseMsMax: number;
  msgsPerSecPerNode: number;
  largeRate: number;
  largeBytesMax: number;
  tokenMs: number | null;
  twoNode: boolean;
  waitForAll: boolean;
  heavyVoter: boolean;
  safetyMs: number;
  /** Per-node clock rate error bound (host clocks drift apart). */
  clockDriftMax: number;
  /** Drive nodes with `nextTickMs` deadlines (the idle-saving transport driver) vs. 10 ms. */
  deadlineTicks: boolean;
  /**
   * The core's pending-message bound (null: the default). A small one makes the simulated
   * application meet backpressure: it submits only within `broadcastRoom` and skips the rest.
   */
  pendingMessagesMax: number | null;
}

export interface SimOptions {
  readonly nodes?: number;
  readonly trace?: (line: string) => void;
  readonly tracePackets?: boolean;
  /** Liveness bound after healing, ms of virtual time. */
  readonly livenessMs?: number;
}

export interface SimResult {
  readonly seed: number;
  readonly swarm: Swarm;
  readonly ok: boolean;
  readonly failure?: {
    readonly invariant: string;
    readonly node: number;
    readonly atMs: number;
    readonly detail: string;
  };
  readonly convergeMs: number;
  readonly views: number;
  readonly deliveries: number;
  readonly packets: number;
  /** Broadcasts the application held back for lack of room (backpressure). */
  readonly refused: number;
}

export function drawSwarm(rng: Rng, nodesOpt: number | undefined): Swarm {
  const nodes = nodesOpt ?? rng.pick([2, 2, 3, 3, 3, 4, 5, 5, 7, 8, 12, 16]);
  return {
    nodes,
    lossRate: rng.pick([0, 0, 0.01, 0.05, 0.15, 0.3]),
    dupRate: rng.pick([0, 0, 0.01, 0.05, 0.2]),
    delayMinMs: rng.pick([0, 0.1, 1, 3]),
    jitterMeanMs: rng.pick([0.2, 1, 5, 20, 60]),
    partitionEveryMs: rng.pick([0, 1500, 4000]),
    partitionMsMax: rng.pick([300, 1500, 4000]),
    crashEveryMs: rng.pick([0, 2000, 6000]),
    restartMsMax: rng.pick([100, 1000, 4000]),
    pauseEveryMs: rng.pick([0, 3000]),
    pauseMsMax: rng.pick([100, 500, 1500]),
    msgsPerSecPerNode: rng.pick([0, 5, 20, 100]),
    largeRate: rng.pick([0, 0.02, 0.1]), // capped below for high message rates
    largeBytesMax: rng.pick([5000, 60_000]),
    tokenMs: rng.pick([null, null, null, 300, 1000]),
    twoNode: nodes === 2 && rng.chance(0.7),
    waitForAll: rng.chance(0.3),
    heavyVoter: rng.chance(0.2),
    safetyMs: rng.pick([4000, 8000, 12000]),
    clockDriftMax: rng.pick([0, 0.0001, 0.01]),
    deadlineTicks: rng.chance(0.5),
    // Drawn last: every field above keeps the value it had before this one existed.
    pendingMessagesMax: rng.pick([null, null, null, 8]),
  };
}

/** Keeps the offered load within what a ring can carry, so liveness has a fixed bound. */
function capLoad(sw: Swarm): Swarm {
  if (sw.msgsPerSecPerNode * sw.nodes >= 400) return { ...sw, largeRate: 0 };
  if (sw.msgsPerSecPerNode * sw.nodes >= 100)
    return { ...sw, largeRate: Math.min(sw.largeRate, 0.02) };
  return sw;
}

export function swarmConfig(sw: Swarm): ProtocolConfig {
  const nodes = Array.from({ length: sw.nodes }, (_, i) => ({
    nodeid: i + 1,
    votes: sw.heavyVoter && i === sw.nodes - 1 && !sw.twoNode ? 2 : 1,
  }));
  return {
    nodes,
    ...(sw.tokenMs === null ? {} : { tokenMs: sw.tokenMs }),
    ...(sw.pendingMessagesMax === null ? {} : { pendingMessagesMax: sw.pendingMessagesMax }),
    quorum: { twoNode: sw.twoNode, ...(sw.waitForAll ? { waitForAll: true } : {}) },
  };
}

export function describeSwarm(sw: Swarm): string {
  return Object.entries(sw)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
}

/** Runs one seed; never throws for a protocol bug (it is reported in the result). */
export function runSeed(seed: number, opts: SimOptions = {}): SimResult {
  const rng = createRng(seed);
  const sw = capLoad(drawSwarm(rng.fork("swarm"), opts.nodes));
  const cluster = new SimCluster({
    config: swarmConfig(sw),
    net: {
      lossRate: sw.lossRate,
      dupRate: sw.dupRate,
      delayMinMs: sw.delayMinMs,
      jitterMeanMs: sw.jitterMeanMs,
    },
    rng: rng.fork("cluster"),
    clockDriftMax: sw.clockDriftMax,
    deadlineTicks: sw.deadlineTicks,
    ...(opts.trace === undefined ? {} : { trace: opts.trace }),
    tracePackets: opts.tracePackets === true,
  });
  opts.trace?.(`sim: seed=${hex(seed)} ${describeSwarm(sw)}`);
  let convergeMs = -1;
  const result = (failure?: SimResult["failure"]): SimResult => ({
    seed,
    swarm: sw,
    ok: failure === undefined,
    convergeMs,
    views: cluster.checker.views,
    deliveries: cluster.checker.deliveries,
    packets: cluster.net.stats.sent,
    refused: cluster.refusedBroadcasts,
    ...(failure === undefined ? {} : { failure }),
  });
  try {
    for (let id = 1; id <= sw.nodes; id++) cluster.at(rng.float() * 300, () => cluster.start(id));
    scheduleFaults(cluster, rng.fork("faults"), sw);
    cluster.runUntil(sw.safetyMs);
    heal(cluster, sw);
    const livenessMs = opts.livenessMs ?? 8000;
    convergeMs = waitConverged(cluster, sw, livenessMs);
    if (convergeMs < 0) {
      return result({
        invariant: "liveness",
        node: 0,
        atMs: cluster.now,
        detail: livenessDetail(cluster, sw),
      });
    }
    return result();
  } catch (e) {
    if (e instanceof SimViolation)
      return result({ invariant: e.invariant, node: e.node, atMs: cluster.now, detail: e.message });
    if (e instanceof InvariantError)
      return result({ invariant: "core-assert", node: 0, atMs: cluster.now, detail: e.message });
    throw e;
  }
}

export function hex(seed: number): string {
  return `0x${(seed >>> 0).toString(16).padStart(8, "0")}`;
}

function scheduleFaults(c: SimCluster, rng: Rng, sw: Swarm): void {
  const ids = Array.from({ length: sw.nodes }, (_, i) => i + 1);
  const every = (meanMs: number, fn: () => void): void => {
    if (meanMs <= 0) return;
    const next = (t: number): void => {
      const at = t + rng.expo(meanMs);
      if (at < sw.safetyMs)
        c.at(at, () => {
          fn();
          next(at);
        });
    };
    next(0);
  };
  every(sw.partitionEveryMs, () => {
    if (c.net.partitioned) return;
    partitionOnce(c, rng, ids);
    c.at(c.now + rng.range(100, sw.partitionMsMax), () => c.net.heal());
  });
  every(sw.crashEveryMs, () => {
    const up = ids.filter((id) => c.status(id) === "up");
    if (up.length <= 1) return;
    const id = rng.pick(up);
    c.crash(id);
    c.at(c.now + rng.range(50, sw.restartMsMax), () => {
      if (c.status(id) === "down") c.start(id);
    });
  });
  every(sw.pauseEveryMs, () => {
    const up = ids.filter((id) => c.status(id) === "up");
    if (up.length === 0) return;
    const id = rng.pick(up);
    c.pause(id);
    c.at(c.now + rng.range(20, sw.pauseMsMax), () => c.resume(id));
  });
  if (sw.msgsPerSecPerNode > 0) {
    for (const id of ids) {
      const next = (t: number): void => {
        const at = t + rng.expo(1000 / sw.msgsPerSecPerNode);
        if (at >= sw.safetyMs) return;
        c.at(at, () => {
          const large = rng.chance(sw.largeRate);
          c.broadcast(id, large ? rng.range(1000, sw.largeBytesMax) : rng.range(12, 300));
          next(at);
        });
      };
      next(300);
    }
  }
}

function partitionOnce(c: SimCluster, rng: Rng, ids: readonly number[]): void {
  const mode = rng.pick(["isolate", "halves", "one-way", "one-way-pair"] as const);
  const victim = rng.pick(ids);
  if (mode === "isolate") c.net.partition([[victim], ids.filter((x) => x !== victim)]);
  else if (mode === "halves") {
    const a = ids.filter(() => rng.chance(0.5));
    c.net.partition([a, ids.filter((x) => !a.includes(x))]);
  } else if (mode === "one-way") {
    const inbound = rng.chance(0.5);
    for (const x of ids) if (x !== victim) inbound ? c.net.cut(x, victim) : c.net.cut(victim, x);
  } else {
    const other = rng.pick(ids);
    if (other !== victim) c.net.cut(victim, other);
  }
}

function heal(c: SimCluster, sw: Swarm): void {
  c.net.heal();
  c.net.faults = { ...c.net.faults, lossRate: 0, dupRate: 0 };
  for (let id = 1; id <= sw.nodes; id++) {
    if (c.status(id) === "down") c.start(id);
    else if (c.status(id) === "paused") c.resume(id);
  }
}

function converged(c: SimCluster, sw: Swarm): boolean {
  let ring: string | null = null;
  for (let id = 1; id <= sw.nodes; id++) {
    const s = c.summary(id);
    if (s === null || s.phase !== "operational" || s.ringId === null) return false;
    if (s.members.length !== sw.nodes || s.quorum?.quorate !== true || s.pendingMessages > 0)
      return false;
    const key = `${s.ringId.rep}.${s.ringId.seq}`;
    if (ring !== null && ring !== key) return false;
    ring = key;
  }
  return true;
}

/** Virtual ms from healing until converged, or -1 past the bound. */
function waitConverged(c: SimCluster, sw: Swarm, boundMs: number): number {
  const start = c.now;
  for (let t = start; t <= start + boundMs; t += TICK_MS * 5) {
    c.runUntil(t);
    if (converged(c, sw)) return t - start;
  }
  return -1;
}

function livenessDetail(c: SimCluster, sw: Swarm): string {
  const parts: string[] = [];
  for (let id = 1; id <= sw.nodes; id++) {
    const s = c.summary(id);
    parts.push(
      s === null
        ? `${id}:down`
        : `${id}:${s.phase}@${s.ringId?.rep}.${s.ringId?.seq}[${s.members.join(",")}]q=${s.quorum?.quorate}p=${s.pendingMessages}`,
    );
  }
  return `not converged: ${parts.join(" ")}`;
}
