// Scripted scenarios on the simulated cluster (raft-style: init, step, check). Each cites the
// behaviour it pins down (Totem SRP §4 membership, corosync.conf(5) token, votequorum(5)).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ProtocolConfig } from "../cluster/protocol/api.js";
import { SimCluster } from "./cluster.js";
import type { NetFaults } from "./network.js";
import { createRng } from "./rng.js";

const LAN: NetFaults = { lossRate: 0, dupRate: 0, delayMinMs: 0.1, jitterMeanMs: 0.3 };

function cluster(
  n: number,
  opts: {
    quorum?: ProtocolConfig["quorum"];
    net?: NetFaults;
    seed?: number;
    deadline?: boolean;
    pendingMessagesMax?: number;
  } = {},
) {
  const config: ProtocolConfig = {
    nodes: Array.from({ length: n }, (_, i) => ({ nodeid: i + 1 })),
    ...(opts.quorum === undefined ? {} : { quorum: opts.quorum }),
    ...(opts.pendingMessagesMax === undefined
      ? {}
      : { pendingMessagesMax: opts.pendingMessagesMax }),
  };
  const c = new SimCluster({
    config,
    net: opts.net ?? LAN,
    rng: createRng(opts.seed ?? 1),
    deadlineTicks: opts.deadline === true,
  });
  for (let id = 1; id <= n; id++) c.start(id);
  return c;
}

function ringOf(c: SimCluster, id: number): string {
  const s = c.summary(id);
  return s?.ringId === null || s === null
    ? "none"
    : `${s.ringId.rep}.${s.ringId.seq}:${s.members.join(",")}`;
}

/** Virtual ms after `fromMs` until every listed node runs a view with exactly `members`. */
function timeUntilView(
  c: SimCluster,
  ids: readonly number[],
  members: readonly number[],
  fromMs: number,
  limitMs: number,
): number {
  for (let t = c.now; t <= fromMs + limitMs; t += 1) {
    c.runUntil(t);
    const ok = ids.every((id) => {
      const s = c.summary(id);
      return s !== null && s.phase === "operational" && s.members.join(",") === members.join(",");
    });
    if (ok) return c.now - fromMs;
  }
  return Number.POSITIVE_INFINITY;
}

describe("membership", () => {
  it("forms one view of all nodes within 1.5 s of start", () => {
    const c = cluster(5);
    const ms = timeUntilView(c, [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 0, 1500);
    assert.ok(ms <= 1500, `formed after ${ms} ms`);
    assert.equal(new Set([1, 2, 3, 4, 5].map((id) => ringOf(c, id))).size, 1);
  });

  for (const n of [2, 3, 5, 16]) {
    it(`detects a crashed node and installs the new view within 800 ms at defaults (${n} nodes)`, () => {
      const worst: number[] = [];
      for (let trial = 0; trial < 6; trial++) {
        const c = cluster(n, {
          seed: 100 + trial,
          deadline: trial % 2 === 1, // also with the idle-saving deadline-driven ticks
          ...(n === 2 ? { quorum: { twoNode: true } } : {}),
        });
        c.runUntil(2000 + trial * 37); // crash at varied phases of the heartbeat
        const victim = n === 2 ? 2 : 1 + (trial % n); // includes the representative (node 1)
        c.crash(victim);
        const crashedAt = c.now;
        const survivors = Array.from({ length: n }, (_, i) => i + 1).filter((id) => id !== victim);
        worst.push(timeUntilView(c, survivors, survivors, crashedAt, 2000));
      }
      const max = Math.max(...worst);
      assert.ok(max <= 800, `detection + new view took ${worst.join(", ")} ms`);
    });
  }

  it("splits on a symmetric partition and merges back into one ring with a larger id", () => {
    const c = cluster(5);
    c.runUntil(1500);
    const before = c.summary(1)?.ringId?.seq ?? 0;
    c.net.partition([
      [1, 2],
      [3, 4, 5],
    ]);
    const t0 = c.now;
    assert.ok(timeUntilView(c, [1, 2], [1, 2], t0, 1500) < 1500);
    assert.ok(timeUntilView(c, [3, 4, 5], [3, 4, 5], t0, 1500) < 1500);
    assert.equal(c.summary(1)?.quorum?.quorate, false, "2 of 5 votes is not quorate");
    assert.equal(c.summary(3)?.quorum?.quorate, true, "3 of 5 votes is quorate");
    c.net.heal();
    const t1 = c.now;
    assert.ok(timeUntilView(c, [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], t1, 2000) < 2000);
    assert.ok((c.summary(4)?.ringId?.seq ?? 0) > before, "ring ids only grow");
    assert.equal(new Set([1, 2, 3, 4, 5].map((id) => ringOf(c, id))).size, 1);
  });

  it("keeps a one-way cut node out instead of flapping, and takes it back once healed", () => {
    const c = cluster(3);
    c.runUntil(1500);
    for (const x of [1, 2]) c.net.cut(3, x); // 3 can hear, but is not heard
    const t0 = c.now;
    assert.ok(timeUntilView(c, [1, 2], [1, 2], t0, 1500) < 1500);
    const views = c.checker.views;
    c.runUntil(c.now + 3000);
    assert.ok(c.checker.views - views <= 4, `${c.checker.views - views} views while cut`);
    c.net.heal();
    assert.ok(timeUntilView(c, [1, 2, 3], [1, 2, 3], c.now, 2000) < 2000);
  });

  it("rejoins a restarted node as a new incarnation", () => {
    const c = cluster(3);
    c.runUntil(1500);
    const inc = c.summary(3)?.incarnation ?? 0;
    c.crash(3);
    c.runUntil(c.now + 100);
    c.start(3); // faster than the token timeout: the others never saw it leave
    const t0 = c.now;
    assert.ok(timeUntilView(c, [1, 2, 3], [1, 2, 3], t0, 2000) < 2000);
    assert.ok((c.summary(3)?.incarnation ?? 0) > inc);
    // The survivors' view listed node 3 leaving and joining again (new incarnation).
    assert.equal(new Set([1, 2, 3].map((id) => ringOf(c, id))).size, 1);
  });

  it("installs the new view well within the token timeout when a node leaves gracefully", () => {
    const c = cluster(3);
    c.runUntil(1500);
    c.leave(3);
    const t0 = c.now;
    const ms = timeUntilView(c, [1, 2], [1, 2], t0, 1000);
    assert.ok(ms < 300, `took ${ms} ms`);
  });

  it("does not evict a node whose host stalls for less than the token timeout", () => {
    const c = cluster(3);
    c.runUntil(1500);
    const views = c.checker.views;
    c.pause(2);
    c.runUntil(c.now + 400);
    c.resume(2);
    c.runUntil(c.now + 2000);
    assert.equal(c.checker.views, views, "no view change");
  });
});

describe("messages", () => {
  it("delivers 1,000 broadcasts (some fragmented) in one order everywhere, across a crash", () => {
    const c = cluster(3, {
      net: { lossRate: 0.05, dupRate: 0.02, delayMinMs: 0.2, jitterMeanMs: 2 },
    });
    c.runUntil(1500);
    for (let i = 0; i < 1000; i++) {
      c.at(1500 + i, () => c.broadcast(1 + (i % 3), i % 50 === 0 ? 20_000 : 100));
    }
    c.at(1800, () => c.crash(3));
    c.runUntil(6000);
    // The checker enforced agreed order, FIFO and virtual synchrony after every step; here:
    // nothing submitted by a survivor is lost.
    assert.equal(c.summary(1)?.pendingMessages, 0);
    assert.equal(c.summary(2)?.pendingMessages, 0);
    assert.equal(c.deliveredCount.get(1), c.deliveredCount.get(2));
    assert.ok((c.deliveredCount.get(1) ?? 0) >= 666);
  });
});

describe("backpressure (broadcastRoom)", () => {
  it("a node holds at most pendingMessagesMax of its messages; room comes back on delivery", () => {
    const c = cluster(3, { pendingMessagesMax: 8 });
    c.runUntil(1500);
    const before = [1, 2, 3].map((id) => c.deliveredCount.get(id) ?? 0);
    for (let i = 0; i < 100; i++) c.broadcast(3, 100); // one burst: no time passes
    assert.equal(c.summary(3)?.pendingMessages, 8);
    assert.equal(c.refusedBroadcasts, 92);
    c.runUntil(c.now + 500);
    assert.equal(c.summary(3)?.pendingMessages, 0, "room is back");
    for (const id of [1, 2, 3])
      assert.equal((c.deliveredCount.get(id) ?? 0) - (before[id - 1] ?? 0), 8, `node ${id}`);
    for (let i = 0; i < 100; i++) c.broadcast(3, 100);
    assert.equal(c.refusedBroadcasts, 184, "the next burst again gets 8 in");
  });
});

describe("bulk transfer", () => {
  it("a 5 MB message never delays heartbeats: no view change while it flows", () => {
    const c = cluster(3);
    c.runUntil(1000);
    const views = c.checker.views;
    c.broadcast(2, 5_000_000);
    c.runUntil(4000);
    assert.equal(c.checker.views, views);
    assert.equal(c.deliveredCount.get(1), 1);
    assert.equal(c.deliveredCount.get(3), 1);
  });
});

describe("quorum (votequorum)", () => {
  it("two_node: waits for both nodes once, then survives the loss of either", () => {
    const c = cluster(2, { quorum: { twoNode: true } });
    c.crash(2);
    c.runUntil(2000);
    assert.equal(c.summary(1)?.quorum?.quorate, false, "wait_for_all: never saw both nodes");
    c.start(2);
    assert.ok(timeUntilView(c, [1, 2], [1, 2], c.now, 2000) < 2000);
    assert.equal(c.summary(1)?.quorum?.quorate, true);
    c.crash(2);
    assert.ok(timeUntilView(c, [1], [1], c.now, 1500) < 1500);
    const q = c.summary(1)?.quorum;
    assert.equal(q?.quorate, true, "two_node: one vote of two is quorate");
    assert.equal(q?.quorum, 1);
  });

  it("wait_for_all: a fresh partition of 2 of 3 nodes is not quorate", () => {
    const c = cluster(3, { quorum: { waitForAll: true } });
    c.crash(3);
    assert.ok(timeUntilView(c, [1, 2], [1, 2], 0, 1500) < 1500);
    assert.equal(c.summary(1)?.quorum?.quorate, false);
    c.start(3);
    assert.ok(timeUntilView(c, [1, 2, 3], [1, 2, 3], c.now, 2000) < 2000);
    c.crash(3);
    assert.ok(timeUntilView(c, [1, 2], [1, 2], c.now, 1500) < 1500);
    assert.equal(c.summary(1)?.quorum?.quorate, true, "all nodes were seen together once");
  });
});
