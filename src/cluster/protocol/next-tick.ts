/**
 * When the core next needs a tick. A driver that ticks every 10 ms wakes 100 times a second
 * even on an idle cluster (≈ 1 % of a core for a Node.js process). While anything is in
 * flight (a round, an install, messages not yet safe, acks owed, holes to nack) the core wants
 * its fast ticks; once quiet, the only tick work left happens at known times: the next
 * heartbeat, the moment a peer's token runs out, an exclusion ending, a fresh ring settling.
 * Ticking at those deadlines keeps detection exact (the expiry is ticked at the millisecond it
 * happens, not up to one tick late) and cuts idle wakeups to a few per heartbeat.
 *
 * The local-health check (node.ts) reads a tick more than a heartbeat interval late as a stall
 * of our own host. Late is measured from the deadline given here (recorded in the state as
 * idleUntilMs), so idle ticks may be a heartbeat apart and a stall is flagged after the same
 * lateness as with fixed 10 ms ticks. (Timer lateness on this 2-core host at load 18 was
 * ≤ 16 ms, p99 7 ms, measured 2026-11-25.)
 */
import type { NodeState } from "./api.js";
import { desiredSet, needsRound, tokenEffectiveMs } from "./membership.js";
import type { State } from "./state.js";

/**
 * The monotonic time at which `step` next needs a `tick` input, assuming no other input comes
 * first (after any input, ask again). A result ≤ nowMs means "tick at the fast rate". Records
 * the deadline in the state (idleUntilMs) for the local-health check.
 * @example const dueMs = nextTickMs(node, nowMs); // schedule max(dueMs, lastTick + 10)
 */
export function nextTickMs(state: NodeState, nowMs: number): number {
  const s = state as unknown as State;
  s.idleUntilMs = -1e15;
  if (s.left) return Number.POSITIVE_INFINITY;
  if (busy(s)) return nowMs;
  const ctx = { s, out: [], now: nowMs };
  const desired = desiredSet(ctx);
  let lowest = s.self;
  for (const id of desired.keys()) if (id < lowest) lowest = id;
  if (lowest === s.self && needsRound(ctx, desired)) return nowMs;
  const hb = s.cfg.heartbeatMs;
  let due = s.lastHeartbeatMs + hb;
  const token = tokenEffectiveMs(s);
  for (const [id, p] of s.peers) {
    // `connected` holds while now - heard <= token: the first tick past it sees the loss.
    const lostMs = Math.min(p.lastHeardMs, p.hearsMeMs) + token + 1;
    if (lostMs > nowMs) due = Math.min(due, lostMs);
    const excludedUntil = s.excludedUntil.get(id);
    if (excludedUntil !== undefined && excludedUntil > nowMs) due = Math.min(due, excludedUntil);
  }
  const ring = s.ring;
  if (ring !== null) {
    const settledMs = ring.installedAtMs + Math.max(s.cfg.joinMs, hb);
    if (settledMs > nowMs) due = Math.min(due, settledMs);
  }
  s.idleUntilMs = Math.max(due, nowMs);
  return due;
}

/** Anything in flight that the per-tick work (retransmits, acks, nacks, timeouts) serves. */
function busy(s: State): boolean {
  const ring = s.ring;
  if (ring === null || ring.frozen) return true;
  if (s.promise !== null || s.coordinating !== null || s.installing !== null) return true;
  if (s.pending.length > 0 || s.frags.length > 0) return true;
  if (ring.received !== ring.maxSeen || ring.received > ring.lastAckSent) return true;
  if (ring.stable !== ring.received || ring.delivered !== ring.stable) return true;
  const seqr = ring.seqr;
  if (seqr !== null) {
    if (seqr.lastOrdered !== ring.stable || ring.announcedStable !== ring.stable) return true;
    for (const buf of seqr.buffered.values()) if (buf.size > 0) return true;
  }
  return false;
}
