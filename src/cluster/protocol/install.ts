/**
 * Installing a ring: first finish the old ring exactly as the other survivors of it do (deliver
 * up to the install's `final` for our old ring, fetching what we lack from the sources it
 * names), then hand the new view and its quorum to the application, then resume sending.
 * This is where virtual synchrony comes from: every member that passes from ring A to ring B
 * delivered A's messages up to the same `final`.
 */
import { assert } from "../../shared/assert.js";
import type { NodeId, View } from "./api.js";
import { advanceReceived, deliverReady, deliverUpTo, fragmentInto, pump } from "./ordering.js";
import {
  type Ctx,
  type Installing,
  type InstallWire,
  newRing,
  type Ring,
  rangesContain,
  ringCmp,
  ringEq,
  toRanges,
} from "./state.js";

export function acceptInstall(ctx: Ctx, w: InstallWire): void {
  const { s, now } = ctx;
  const old = s.ring;
  if (old !== null) assert(ringCmp(w.ring, old.id) > 0, "ring ids only grow");
  assert(w.ring.seq > 0 && w.members.includes(s.self), "an installed ring contains its installer");
  const group = old === null ? undefined : w.groups.find((g) => ringEq(g.ring, old.id));
  assert(old === null || group !== undefined, "the install finishes our old ring");
  const next = newRing(w.ring, w.round, w.members, w.incarnations, { self: s.self, now });
  s.installing = {
    wire: w,
    startedMs: now,
    next,
    safe: group?.safe ?? 0,
    extra: group?.extra ?? [],
    sources: group?.sources ?? [],
    lastRequestMs: -1e15,
    requests: 0,
  };
  if (old !== null) assert(group !== undefined && group.safe >= old.delivered, "safe ≥ delivered");
  advanceInstall(ctx);
}

/** Extra fragments we lack (up to the safe point we hold everything: we acked it). */
function missingOf(ring: Ring, ins: Installing): number[] {
  const missing: number[] = [];
  for (let g = ring.delivered + 1; g <= ins.safe; g++) {
    assert(ring.held.has(g), `a member holds every gseq up to the safe point (${g})`);
  }
  for (const r of ins.extra) {
    for (let g = r.lo; g <= r.hi && missing.length < 64; g++)
      if (!ring.held.has(g)) missing.push(g);
  }
  return missing;
}

/** Per tick and on every recovered fragment: request what is missing, or finish. */
export function advanceInstall(ctx: Ctx): void {
  const { s, now } = ctx;
  const ins = s.installing;
  if (ins === null) return;
  const old = s.ring;
  const missing = old === null ? [] : missingOf(old, ins);
  if (missing.length === 0) {
    finishInstall(ctx);
    return;
  }
  if (now - ins.startedMs >= s.cfg.consensusMs) {
    s.installing = null; // sources gone: give up this ring, stay frozen in the old one
    return;
  }
  if (now - ins.lastRequestMs < s.cfg.retransmitMs || old === null) return;
  ins.lastRequestMs = now;
  const want = missing.slice(0, 64);
  const first = want[0] ?? 0;
  const candidates = ins.sources.filter((x) => x.node !== s.self && rangesContain(x.ranges, first));
  const src = candidates[ins.requests++ % Math.max(1, candidates.length)];
  if (src === undefined) return;
  const wire = {
    kind: "recover-request",
    from: s.self,
    inc: s.inc,
    ring: old.id,
    ranges: toRanges(want),
  } as const;
  ctx.out.push({ kind: "send", to: src.node, wire });
}

function finishInstall(ctx: Ctx): void {
  const { s, now } = ctx;
  const ins = s.installing;
  assert(ins !== null, "finishing an install in progress");
  const old = s.ring;
  if (old !== null) deliverUpTo(ctx, old, ins);
  const w = ins.wire;
  s.installing = null;
  s.prevRing = old;
  s.ring = ins.next;
  s.ring.installedAtMs = now;
  s.highestSeq = Math.max(s.highestSeq, w.ring.seq);
  ctx.out.push({ kind: "persist", ringSeq: w.ring.seq });
  ctx.out.push({ kind: "view", view: viewOf(old, w) });
  s.waitForAllSatisfied = s.waitForAllSatisfied || w.quorum.waitForAllSatisfied;
  s.quorum = {
    quorate: w.quorum.quorate,
    expectedVotes: w.quorum.expectedVotes,
    totalVotes: w.quorum.totalVotes,
    quorum: w.quorum.quorum,
    twoNode: s.cfg.twoNode,
    waitForAll: s.cfg.waitForAll,
    waitForAllSatisfied: w.quorum.waitForAllSatisfied,
  };
  ctx.out.push({ kind: "quorum", quorum: s.quorum });
  // Partly delivered messages are dropped everywhere alike; their senders resend them whole.
  s.frags = [];
  for (const p of s.pending) fragmentInto(ctx, p);
  s.ring.ownLastDelivered = (s.frags[0]?.senderSeq ?? s.nextSenderSeq) - 1;
  advanceReceived(s.ring); // fragments of the new ring that arrived while we recovered
  deliverReady(ctx, s.ring);
  pump(ctx);
}

function viewOf(old: Ring | null, w: InstallWire): View {
  const joined: NodeId[] = [];
  const left: NodeId[] = [];
  w.members.forEach((m, i) => {
    if (old === null || old.incs.get(m) !== w.incarnations[i]) joined.push(m);
  });
  if (old !== null) {
    for (const m of old.members) {
      const at = w.members.indexOf(m);
      if (at < 0 || w.incarnations[at] !== old.incs.get(m)) left.push(m);
    }
  }
  return { ringId: w.ring, members: w.members, incarnations: w.incarnations, joined, left };
}
