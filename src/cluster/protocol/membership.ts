/**
 * Membership: failure detection by heartbeats and the token timeout, and rounds that form
 * rings. The lowest node id of a connected component (its representative) invites the nodes it
 * is connected to; each invited node freezes its current ring and replies with what it holds
 * of it; after `join` ms (or all replies) the representative installs a ring whose id is
 * (itself, max seq reported + 1) and which carries, per old ring, how far its survivors must
 * deliver (virtual synchrony) and who can resend the missing messages.
 */
import { assert } from "../../shared/assert.js";
import type { NodeId, RingId } from "./api.js";
import { acceptInstall } from "./install.js";
import { deliverReady } from "./ordering.js";
import { computeQuorum } from "./quorum.js";
import {
  type Ctx,
  type JoinReport,
  LOCAL_HEALTH_MAX,
  type Peer,
  ringEq,
  roundBeats,
  roundEq,
  type State,
  toRanges,
} from "./state.js";
import type { RecoveryGroup, Round, Wire } from "./wire.js";

type W<K extends Wire["kind"]> = Extract<Wire, { kind: K }>;

/** Token timeout in effect: Lifeguard-style, longer while our own host has been stalling. */
export function tokenEffectiveMs(s: State): number {
  return Math.round(s.cfg.tokenMs * (1 + s.localHealth / LOCAL_HEALTH_MAX));
}

/** Updates what we know of the sender; false if the packet is from an older incarnation. */
export function noteHeard(ctx: Ctx, w: Wire): boolean {
  const { s, now } = ctx;
  let p = s.peers.get(w.from);
  if (p !== undefined && w.inc < p.inc) return false;
  if (p === undefined || w.inc > p.inc) {
    p = {
      inc: w.inc,
      lastHeardMs: now,
      hearsMeMs: -1e15,
      ring: null,
      promise: null,
      ringRound: null,
      ringHeardMs: -1e15,
    };
    s.peers.set(w.from, p);
  }
  p.lastHeardMs = now;
  return true;
}

function connected(_s: State, p: Peer, now: number, windowMs: number): boolean {
  return now - p.lastHeardMs <= windowMs && now - p.hearsMeMs <= windowMs;
}

/** Nodes (with us) we hear and that hear us, minus those that ignored our last invitation. */
export function desiredSet(ctx: Ctx): Map<NodeId, number> {
  const { s, now } = ctx;
  const out = new Map<NodeId, number>([[s.self, s.inc]]);
  const token = tokenEffectiveMs(s);
  for (const [id, p] of s.peers) {
    if ((s.excludedUntil.get(id) ?? -1) > now) continue;
    if (connected(s, p, now, token)) out.set(id, p.inc);
  }
  return out;
}

export function onHeartbeat(ctx: Ctx, hb: W<"heartbeat">): void {
  const { s, now } = ctx;
  const p = s.peers.get(hb.from);
  assert(p !== undefined && p.inc === hb.inc, "noteHeard ran first");
  if (hb.hears.includes(s.self)) p.hearsMeMs = now;
  p.ring = hb.ring;
  p.promise = hb.promise;
  p.ringRound = hb.ringRound;
  p.ringHeardMs = now;
  if (hb.ring !== null) s.highestSeq = Math.max(s.highestSeq, hb.ring.seq);
  const ring = s.ring;
  if (ring !== null && ringEq(hb.ring, ring.id) && hb.from === ring.id.rep) {
    ring.maxSeen = Math.max(ring.maxSeen, hb.lastOrdered);
    ring.stable = Math.max(ring.stable, hb.stable);
    if (!ring.frozen && s.installing === null && s.promise === null) deliverReady(ctx, ring);
  }
  // Our coordinator installed the round we promised to, but its install did not reach us.
  const promise = s.promise;
  if (promise !== null && promise.coordinator === hb.from && roundEq(hb.ringRound, promise)) {
    if (now - s.lastInstallRequestMs >= s.cfg.retransmitMs) {
      s.lastInstallRequestMs = now;
      const wire = { kind: "install-request", from: s.self, inc: s.inc, round: promise } as const;
      ctx.out.push({ kind: "send", to: hb.from, wire });
    }
  }
}

export function sendHeartbeat(ctx: Ctx): void {
  const { s, now } = ctx;
  s.lastHeartbeatMs = now;
  if (s.ring?.seqr != null) s.ring.announcedStable = s.ring.stable;
  const token = tokenEffectiveMs(s);
  const hears: NodeId[] = [];
  for (const [id, p] of s.peers) if (now - p.lastHeardMs <= token) hears.push(id);
  hears.sort((a, b) => a - b);
  const ring = s.ring;
  const seqr = ring?.seqr ?? null;
  ctx.out.push({
    kind: "broadcast",
    wire: {
      kind: "heartbeat",
      from: s.self,
      inc: s.inc,
      ring: ring?.id ?? null,
      hears,
      promise: s.promise,
      ringRound: s.installing?.wire.round ?? ring?.round ?? null,
      delivered: ring?.delivered ?? 0,
      lastOrdered: seqr?.lastOrdered ?? 0,
      stable: seqr !== null && ring !== null ? ring.stable : 0,
    },
  });
}

/** Does the representative of our component need a new ring? */
export function needsRound(ctx: Ctx, desired: ReadonlyMap<NodeId, number>): boolean {
  const { s } = ctx;
  const ring = s.ring;
  if (ring === null) return true;
  if (desired.size !== ring.members.length) return true;
  for (const [id, inc] of desired) if (ring.incs.get(id) !== inc) return true;
  const settleMs = ring.installedAtMs + Math.max(s.cfg.joinMs, s.cfg.heartbeatMs);
  for (const m of ring.members) {
    const p = s.peers.get(m);
    if (m === s.self || p === undefined || p.ringHeardMs < settleMs) continue;
    const onOurs =
      ringEq(p.ring, ring.id) || roundEq(p.promise, ring.round) || roundEq(p.ringRound, ring.round);
    if (!onOurs) return true; // it moved to another ring: ours no longer matches reality
  }
  return false;
}

/** Per tick: start a round if we represent our component and its ring is out of date. */
export function maybeStartRound(ctx: Ctx): void {
  const { s, now } = ctx;
  if (s.promise !== null || s.installing !== null || s.coordinating !== null) return;
  if (s.bootMs === null || now - s.lastRoundMs < s.cfg.joinMs) return;
  if (s.ring === null && now - s.bootMs < s.cfg.heartbeatMs + s.cfg.joinMs) return; // listen first
  const desired = desiredSet(ctx);
  let lowest = s.self;
  for (const id of desired.keys()) if (id < lowest) lowest = id;
  if (lowest !== s.self || !needsRound(ctx, desired)) return;
  s.attempt++;
  s.lastRoundMs = now;
  const round: Round = { coordinator: s.self, incarnation: s.inc, attempt: s.attempt };
  const invited = [...desired.keys()].filter((id) => id !== s.self).sort((a, b) => a - b);
  s.coordinating = { round, startedMs: now, lastRequestMs: now, invited, reports: new Map() };
  promiseTo(ctx, round);
  s.coordinating.reports.set(s.self, ownReport(s));
  if (invited.length === 0) propose(ctx);
  else
    ctx.out.push({
      kind: "broadcast",
      wire: { kind: "join-request", from: s.self, inc: s.inc, round, invited },
    });
}

function promiseTo(ctx: Ctx, round: Round): void {
  const { s } = ctx;
  s.promise = round;
  s.promised.set(round.coordinator, round);
  s.promiseMs = ctx.now;
  if (s.ring !== null) s.ring.frozen = true; // our report of this ring must stay true
}

function ownReport(s: State): JoinReport {
  const ring = s.ring;
  const keys = ring === null ? [] : [...ring.held.keys()].sort((a, b) => a - b);
  const stable = ring?.stable ?? 0;
  // Our own fragments past the safe point, as long as they continue our sequence without a
  // hole: survivors deliver exactly these, so a hole must end the run.
  const own: number[] = [];
  let expected = (ring?.ownLastDelivered ?? 0) + 1;
  for (const g of keys) {
    const h = ring?.held.get(g);
    if (h === undefined || h.sender !== s.self || h.senderInc !== s.inc) continue;
    if (g > stable && h.senderSeq !== expected) break;
    if (g > stable) own.push(g);
    expected = h.senderSeq + 1;
  }
  return {
    from: s.self,
    inc: s.inc,
    ring: ring?.id ?? null,
    delivered: ring?.delivered ?? 0,
    held: toRanges(keys),
    stable,
    own: toRanges(own),
    highestSeq: Math.max(s.highestSeq, ring?.id.seq ?? 0),
    waitForAllSatisfied: s.waitForAllSatisfied,
  };
}

/** The lowest id among us and the peers heard in the last two heartbeat intervals. */
function freshLowest(ctx: Ctx): NodeId {
  const { s, now } = ctx;
  let lowest = s.self;
  const windowMs = 2 * s.cfg.heartbeatMs;
  for (const [id, p] of s.peers) if (id < lowest && connected(s, p, now, windowMs)) lowest = id;
  return lowest;
}

/** A round we already finished (a duplicated or late packet of it must not reopen it). */
function isPastRound(s: State, r: Round): boolean {
  const last = s.promised.get(r.coordinator);
  // A round we promised to before is over unless it is our current promise: never reopen it.
  if (last !== undefined && !roundBeats(r, last) && !roundEq(s.promise, r)) return true;
  const done = s.installing?.wire.round ?? s.ring?.round ?? null;
  if (done === null || done.coordinator !== r.coordinator || done.incarnation !== r.incarnation) {
    return false;
  }
  return r.attempt <= done.attempt;
}

export function onJoinRequest(ctx: Ctx, w: W<"join-request">): void {
  const { s } = ctx;
  if (!w.invited.includes(s.self) || s.installing !== null || isPastRound(s, w.round)) return;
  if (s.promise !== null && !roundBeats(w.round, s.promise)) {
    if (roundEq(s.promise, w.round)) replyJoin(ctx, w.round); // the request was resent
    return;
  }
  if (w.round.coordinator > freshLowest(ctx)) return; // a lower live node will represent us
  s.coordinating = null; // a lower representative takes over our own round, if any
  promiseTo(ctx, w.round);
  replyJoin(ctx, w.round);
}

function replyJoin(ctx: Ctx, round: Round): void {
  const { s } = ctx;
  const r = ownReport(s);
  const wire: W<"join"> = {
    kind: "join",
    from: s.self,
    inc: s.inc,
    round,
    ring: r.ring,
    delivered: r.delivered,
    held: r.held,
    stable: r.stable,
    own: r.own,
    highestSeq: r.highestSeq,
    waitForAllSatisfied: r.waitForAllSatisfied,
  };
  ctx.out.push({ kind: "send", to: round.coordinator, wire });
}

export function onJoin(ctx: Ctx, w: W<"join">): void {
  const c = ctx.s.coordinating;
  if (c === null || !roundEq(c.round, w.round) || !c.invited.includes(w.from)) return;
  c.reports.set(w.from, {
    from: w.from,
    inc: w.inc,
    ring: w.ring,
    delivered: w.delivered,
    held: w.held,
    stable: w.stable,
    own: w.own,
    highestSeq: w.highestSeq,
    waitForAllSatisfied: w.waitForAllSatisfied,
  });
  if (c.reports.size === c.invited.length + 1) propose(ctx);
}

/** Per tick: round and promise timeouts (`join`, `consensus`). */
export function membershipTimeouts(ctx: Ctx): void {
  const { s, now } = ctx;
  const c = s.coordinating;
  if (c !== null && now - c.lastRequestMs >= s.cfg.retransmitMs) {
    // Join requests and replies get lost: ask again whoever has not answered yet.
    c.lastRequestMs = now;
    const invited = c.invited.filter((id) => !c.reports.has(id));
    const wire = {
      kind: "join-request",
      from: s.self,
      inc: s.inc,
      round: c.round,
      invited,
    } as const;
    if (invited.length > 0) ctx.out.push({ kind: "broadcast", wire });
  }
  if (c !== null && now - c.startedMs >= s.cfg.joinMs) {
    // Past `join`, wait on (up to consensus / 2) only for invitees that still sound alive: a
    // slow link should not cost a node its membership, a dead node should not cost time.
    const alive = c.invited.some(
      (id) =>
        !c.reports.has(id) &&
        now - (s.peers.get(id)?.lastHeardMs ?? -1e15) <= 2 * s.cfg.heartbeatMs,
    );
    if (!alive || now - c.startedMs >= s.cfg.consensusMs / 2) propose(ctx);
  }
  if (s.promise !== null && s.coordinating === null && s.installing === null) {
    if (now - s.promiseMs >= s.cfg.consensusMs) s.promise = null; // the round died; ring stays frozen
  }
}

/**
 * Per old ring, how its survivors finish it. Up to the highest known safe point everything is
 * delivered (each survivor holds it already); past it, only fragments their own senders hold.
 * A message any node delivers when finishing a ring is thus one its sender holds and delivers
 * too, wherever the sender ends up: the sender resends only messages nobody delivered.
 */
function recoveryGroups(reports: readonly JoinReport[]): RecoveryGroup[] {
  const byRing = new Map<string, { ring: RingId; reports: JoinReport[] }>();
  for (const r of reports) {
    if (r.ring === null) continue;
    const key = `${r.ring.rep}.${r.ring.seq}`;
    const g = byRing.get(key) ?? { ring: r.ring, reports: [] };
    g.reports.push(r);
    byRing.set(key, g);
  }
  const groups: RecoveryGroup[] = [];
  for (const g of byRing.values()) {
    const safe = Math.max(...g.reports.map((r) => r.stable));
    for (const r of g.reports)
      assert(safe >= r.delivered, "no survivor delivered past the safe point");
    const sources = g.reports
      .map((r) => ({
        node: r.from,
        ranges: r.own
          .filter((x) => x.hi > safe)
          .map((x) => ({ lo: Math.max(x.lo, safe + 1), hi: x.hi })),
      }))
      .filter((x) => x.ranges.length > 0);
    const extra = sources.flatMap((x) => x.ranges).sort((a, b) => a.lo - b.lo);
    groups.push({ ring: g.ring, safe, extra, sources });
  }
  return groups;
}

/** The representative installs a ring for itself and every node that answered in time. */
function propose(ctx: Ctx): void {
  const { s, now } = ctx;
  const c = s.coordinating;
  assert(c !== null && roundEq(s.promise, c.round), "we propose only our own round");
  s.coordinating = null;
  for (const id of c.invited)
    if (!c.reports.has(id)) s.excludedUntil.set(id, now + s.cfg.consensusMs);
  const reports = [...c.reports.values()].sort((a, b) => a.from - b.from);
  const seq = Math.max(...reports.map((r) => r.highestSeq)) + 1;
  const members = reports.map((r) => r.from);
  const quorum = computeQuorum(s.cfg, {
    members,
    anyMemberSatisfied: reports.some((r) => r.waitForAllSatisfied),
  });
  const wire: W<"install"> = {
    kind: "install",
    from: s.self,
    inc: s.inc,
    round: c.round,
    ring: { rep: s.self, seq },
    members,
    incarnations: reports.map((r) => r.inc),
    groups: recoveryGroups(reports),
    quorum: {
      quorate: quorum.quorate,
      expectedVotes: quorum.expectedVotes,
      totalVotes: quorum.totalVotes,
      quorum: quorum.quorum,
      waitForAllSatisfied: quorum.waitForAllSatisfied,
    },
  };
  s.highestSeq = seq;
  ctx.out.push({ kind: "persist", ringSeq: seq }); // before anyone can see the ring id
  s.lastInstall = wire;
  ctx.out.push({ kind: "broadcast", wire });
  onInstall(ctx, wire);
}

export function onInstall(ctx: Ctx, w: W<"install">): void {
  const { s } = ctx;
  if (!roundEq(s.promise, w.round) || isPastRound(s, w.round)) return;
  const at = w.members.indexOf(s.self);
  if (at < 0 || w.incarnations[at] !== s.inc) {
    s.promise = null; // the round completed without us
    return;
  }
  s.promise = null;
  acceptInstall(ctx, w);
}

export function onInstallRequest(ctx: Ctx, w: W<"install-request">): void {
  const last = ctx.s.lastInstall;
  if (last !== null && roundEq(last.round, w.round))
    ctx.out.push({ kind: "send", to: w.from, wire: last });
}

/** Serves a recovery request from our current or previous ring. */
export function findRingStore(s: State, id: RingId) {
  if (s.ring !== null && ringEq(s.ring.id, id)) return s.ring;
  if (s.prevRing !== null && ringEq(s.prevRing.id, id)) return s.prevRing;
  return null;
}
