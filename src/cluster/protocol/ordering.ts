/**
 * Agreed-order broadcast inside a ring: senders fragment and send to the ring's sequencer
 * (its representative), which stamps a global sequence number (gseq) and broadcasts; members
 * deliver in gseq order, nack gaps, and ack what they delivered so the sequencer can advance
 * the stable point (and free its window). FIFO per sender holds because the sequencer orders
 * a sender's fragments strictly by senderSeq.
 */
import { assert } from "../../shared/assert.js";
import type { NodeId } from "./api.js";
import {
  type Ctx,
  type DataWire,
  type Held,
  type OrderedWire,
  RETRANSMIT_BATCH_MAX,
  type Ring,
  ringEq,
  toRanges,
} from "./state.js";
import type { SeqRange } from "./wire.js";

/** The application broadcasts: queue it; fragment now if we are operational in a ring. */
export function submit(ctx: Ctx, payload: Uint8Array): void {
  const { s } = ctx;
  // The caller checks broadcastRoom() first (api.ts): past it is a caller bug, not load.
  assert(s.pending.length < s.cfg.pendingMessagesMax, "broadcast past broadcastRoom().messages");
  assert(
    payload.length <= s.cfg.pendingBytesMax - s.pendingBytes,
    "broadcast past broadcastRoom().bytes",
  );
  s.pending.push(payload);
  s.pendingBytes += payload.length;
  if (isOperational(ctx)) fragmentInto(ctx, payload);
}

export function isOperational(ctx: Ctx): boolean {
  const { s } = ctx;
  return s.ring !== null && !s.ring.frozen && s.installing === null && s.promise === null;
}

export function fragmentInto(ctx: Ctx, payload: Uint8Array): void {
  const { s } = ctx;
  const size = s.cfg.fragmentBytes;
  const count = Math.max(1, Math.ceil(payload.length / size));
  for (let i = 0; i < count; i++) {
    s.frags.push({
      senderSeq: s.nextSenderSeq++,
      fragIndex: i,
      fragCount: count,
      payload: payload.subarray(i * size, Math.min(payload.length, (i + 1) * size)),
      sentAtMs: -1,
    });
  }
}

/** Sends new fragments (within the window and this tick's budget) and retransmits old ones. */
export function pump(ctx: Ctx): void {
  const { s, now } = ctx;
  const ring = s.ring;
  if (ring === null || !isOperational(ctx)) return;
  const senderWindow = Math.max(1, Math.floor(s.cfg.windowSize / 2));
  const toSend: DataWire[] = [];
  let inflight = 0;
  const baseSeq = s.frags[0]?.senderSeq ?? s.nextSenderSeq;
  for (const f of s.frags) {
    if (s.sendBudget <= 0 || inflight >= senderWindow) break;
    const fresh = f.sentAtMs < 0;
    if (fresh || now - f.sentAtMs >= s.cfg.retransmitMs) {
      f.sentAtMs = now;
      s.sendBudget--;
      toSend.push({
        kind: "data",
        from: s.self,
        inc: s.inc,
        ring: ring.id,
        baseSeq,
        senderSeq: f.senderSeq,
        fragIndex: f.fragIndex,
        fragCount: f.fragCount,
        payload: f.payload,
      });
    }
    inflight++;
  }
  for (const d of toSend) {
    if (ring.seqr !== null) onData(ctx, d);
    else ctx.out.push({ kind: "send", to: ring.id.rep, wire: d });
  }
}

/** Sequencer: order a sender's fragments strictly in senderSeq order, within the window. */
export function onData(ctx: Ctx, d: DataWire): void {
  const { s } = ctx;
  const ring = s.ring;
  if (ring === null || ring.seqr === null || !ringEq(d.ring, ring.id) || !isOperational(ctx))
    return;
  if (ring.incs.get(d.from) !== d.inc) return;
  const seqr = ring.seqr;
  if (!seqr.next.has(d.from)) seqr.next.set(d.from, d.baseSeq);
  const next = seqr.next.get(d.from) ?? 0;
  if (d.senderSeq < next) return; // already ordered
  if (d.senderSeq > next) {
    const buf = seqr.buffered.get(d.from) ?? new Map<number, DataWire>();
    if (buf.size < s.cfg.windowSize) buf.set(d.senderSeq, d);
    seqr.buffered.set(d.from, buf);
    return;
  }
  drainSender(ctx, ring, d);
}

function drainSender(ctx: Ctx, ring: Ring, first: DataWire): void {
  const seqr = ring.seqr;
  assert(seqr !== null, "only the sequencer orders");
  let d: DataWire | undefined = first;
  const buf = seqr.buffered.get(first.from);
  while (d !== undefined) {
    if (seqr.lastOrdered - ring.stable >= ctx.s.cfg.windowSize) return; // window full: retry
    buf?.delete(d.senderSeq);
    seqr.next.set(d.from, d.senderSeq + 1);
    orderOne(ctx, ring, d);
    d = buf?.get(d.senderSeq + 1);
  }
}

function orderOne(ctx: Ctx, ring: Ring, d: DataWire): void {
  const seqr = ring.seqr;
  assert(seqr !== null, "only the sequencer orders");
  const gseq = ++seqr.lastOrdered;
  const o: OrderedWire = {
    kind: "ordered",
    from: ctx.s.self,
    inc: ctx.s.inc,
    ring: ring.id,
    gseq,
    stable: ring.stable,
    sender: d.from,
    senderInc: d.inc,
    senderSeq: d.senderSeq,
    fragIndex: d.fragIndex,
    fragCount: d.fragCount,
    payload: d.payload,
  };
  ctx.out.push({ kind: "broadcast", wire: o });
  receiveOrdered(ctx, ring, o);
}

/** Drains every sender whose next fragment is buffered (after the window opened). */
function drainAll(ctx: Ctx, ring: Ring): void {
  const seqr = ring.seqr;
  if (seqr === null || !isOperational(ctx)) return;
  for (const [sender, buf] of [...seqr.buffered].sort((a, b) => a[0] - b[0])) {
    const d = buf.get(seqr.next.get(sender) ?? -1);
    if (d !== undefined) drainSender(ctx, ring, d);
  }
}

/** Routes an ordered fragment to the ring it belongs to (current, or the one being installed). */
export function onOrdered(ctx: Ctx, o: OrderedWire): void {
  const { s } = ctx;
  if (s.ring !== null && ringEq(o.ring, s.ring.id)) {
    receiveOrdered(ctx, s.ring, o); // from the sequencer, or a recovery reply from a peer
    return;
  }
  if (s.installing !== null && ringEq(o.ring, s.installing.next.id)) {
    const next = s.installing.next;
    if (o.gseq > next.delivered && !next.held.has(o.gseq)) next.held.set(o.gseq, toHeld(o));
    next.maxSeen = Math.max(next.maxSeen, o.gseq);
    next.stable = Math.max(next.stable, o.stable);
  }
}

function toHeld(o: OrderedWire): Held {
  return {
    gseq: o.gseq,
    sender: o.sender,
    senderInc: o.senderInc,
    senderSeq: o.senderSeq,
    fragIndex: o.fragIndex,
    fragCount: o.fragCount,
    payload: o.payload,
  };
}

/** Extends the contiguous received prefix over what is held. */
export function advanceReceived(ring: Ring): void {
  while (ring.held.has(ring.received + 1)) ring.received++;
}

export function receiveOrdered(ctx: Ctx, ring: Ring, o: OrderedWire): void {
  const { s } = ctx;
  if (o.gseq > ring.delivered && !ring.held.has(o.gseq)) ring.held.set(o.gseq, toHeld(o));
  advanceReceived(ring);
  ring.maxSeen = Math.max(ring.maxSeen, o.gseq);
  if (o.from === ring.id.rep) ring.stable = Math.max(ring.stable, o.stable);
  if (ring !== s.ring || !isOperational(ctx)) return;
  if (o.sender === s.self && o.senderInc === s.inc) {
    while (s.frags.length > 0 && (s.frags[0]?.senderSeq ?? Infinity) <= o.senderSeq)
      s.frags.shift();
  }
  deliverReady(ctx, ring);
}

/**
 * Delivers every contiguous fragment after `delivered` up to the safe point (received by every
 * member: whatever any member delivers, every other member holds, so each survivor group can
 * finish the ring with it), then drops what is no longer needed.
 */
export function deliverReady(ctx: Ctx, ring: Ring): void {
  while (ring.delivered < ring.stable) {
    const h = ring.held.get(ring.delivered + 1);
    if (h === undefined) break;
    ring.delivered++;
    deliverFragment(ctx, ring, h);
  }
  prune(ring);
}

/**
 * Finishes a ring as the install says (see RecoveryGroup): everything up to the safe point,
 * then the extra fragments (survivors' own, past it). Extras may have holes (a sender missed
 * some of its own fragments): a message with a hole is dropped here, and resent whole by its
 * sender in the next ring, exactly as every other survivor of this group does.
 */
export function deliverUpTo(
  ctx: Ctx,
  ring: Ring,
  bounds: { readonly safe: number; readonly extra: readonly SeqRange[] },
): void {
  while (ring.delivered < bounds.safe) {
    const h = ring.held.get(ring.delivered + 1);
    assert(h !== undefined, `recovered ring holds gseq ${ring.delivered + 1}`);
    ring.delivered++;
    deliverFragment(ctx, ring, h);
  }
  const extras: number[] = [];
  for (const r of bounds.extra) for (let g = r.lo; g <= r.hi; g++) extras.push(g);
  extras.sort((a, b) => a - b);
  // After a hole, a sender's later messages are dropped too: it resends them all, in order.
  const broken = new Set<NodeId>();
  for (const g of extras) {
    const h = ring.held.get(g);
    assert(h !== undefined && g > ring.delivered, `recovered ring holds extra gseq ${g}`);
    ring.delivered = g;
    if (broken.has(h.sender)) continue;
    const p = ring.partial.get(h.sender);
    const continues = p !== undefined && p.inc === h.senderInc && p.next === h.fragIndex;
    const starts = h.fragIndex === 0 && (p === undefined || p.next === 0);
    if (starts || continues) deliverFragment(ctx, ring, h);
    else {
      ring.partial.delete(h.sender);
      broken.add(h.sender);
    }
  }
}

function deliverFragment(ctx: Ctx, ring: Ring, h: Held): void {
  const { s } = ctx;
  let p = ring.partial.get(h.sender);
  if (h.fragIndex === 0) {
    p = { inc: h.senderInc, parts: [], next: 0 };
    ring.partial.set(h.sender, p);
  }
  assert(p !== undefined, "a continuation fragment follows its first fragment in one ring");
  assert(p.inc === h.senderInc && p.next === h.fragIndex, "fragments of a message are contiguous");
  p.parts.push(h.payload);
  p.next++;
  if (h.sender === s.self && h.senderInc === s.inc) ring.ownLastDelivered = h.senderSeq;
  if (p.next < h.fragCount) return;
  ring.partial.delete(h.sender);
  const payload = p.parts.length === 1 ? (p.parts[0] ?? new Uint8Array()) : concat(p.parts);
  ctx.out.push({
    kind: "deliver",
    ringId: ring.id,
    sender: h.sender,
    senderIncarnation: h.senderInc,
    seq: h.gseq,
    payload,
  });
  if (h.sender === s.self && h.senderInc === s.inc) {
    const mine = s.pending.shift();
    assert(
      mine !== undefined && mine.length === payload.length,
      "own messages return in FIFO order",
    );
    s.pendingBytes -= mine.length;
    assert(s.pendingBytes >= 0, "pending bytes never go negative");
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function prune(ring: Ring): void {
  const upTo = Math.min(ring.stable, ring.delivered);
  while (ring.prunedTo < upTo) ring.held.delete(++ring.prunedTo);
}

/** Per tick: ack progress to the sequencer, nack gaps. */
export function ackAndNack(ctx: Ctx): void {
  const { s, now } = ctx;
  const ring = s.ring;
  if (ring === null || !isOperational(ctx)) return;
  // Ack progress, and ack again while the safe point lags what we hold: acks get lost too.
  const lagging = ring.stable < ring.received && now - ring.lastAckMs >= s.cfg.retransmitMs;
  if (ring.received > ring.lastAckSent || (lagging && ring.seqr === null)) {
    ring.lastAckSent = ring.received;
    ring.lastAckMs = now;
    if (ring.seqr !== null) onAck(ctx, s.self, ring.received);
    else {
      const wire = {
        kind: "ack",
        from: s.self,
        inc: s.inc,
        ring: ring.id,
        received: ring.received,
      } as const;
      ctx.out.push({ kind: "send", to: ring.id.rep, wire });
    }
  }
  if (ring.seqr !== null || ring.maxSeen <= ring.received) return;
  if (now - ring.lastNackMs < s.cfg.retransmitMs) return;
  const missing: number[] = [];
  for (let g = ring.received + 1; g <= ring.maxSeen && missing.length < RETRANSMIT_BATCH_MAX; g++) {
    if (!ring.held.has(g)) missing.push(g);
  }
  if (missing.length === 0) return;
  ring.lastNackMs = now;
  const wire = {
    kind: "nack",
    from: s.self,
    inc: s.inc,
    ring: ring.id,
    ranges: toRanges(missing),
  } as const;
  ctx.out.push({ kind: "send", to: ring.id.rep, wire });
}

export function onAck(ctx: Ctx, from: NodeId, received: number): void {
  const ring = ctx.s.ring;
  if (ring === null || ring.seqr === null) return;
  const acked = ring.seqr.acked;
  acked.set(from, Math.max(acked.get(from) ?? 0, received));
  let stable = Infinity;
  for (const m of ring.members) stable = Math.min(stable, acked.get(m) ?? 0);
  if (stable > ring.stable) {
    ring.stable = stable;
    if (isOperational(ctx)) deliverReady(ctx, ring);
    drainAll(ctx, ring);
  }
}

/** Resends held fragments of `ringId` to `to` (nack from a member, or a recovery request). */
export function resend(ctx: Ctx, to: NodeId, ring: Ring, ranges: readonly SeqRange[]): void {
  let n = 0;
  for (const r of ranges) {
    for (let g = r.lo; g <= r.hi && n < RETRANSMIT_BATCH_MAX; g++, n++) {
      const h = ring.held.get(g);
      if (h === undefined) continue;
      const wire: OrderedWire = {
        kind: "ordered",
        from: ctx.s.self,
        inc: ctx.s.inc,
        ring: ring.id,
        gseq: g,
        stable: ring.seqr !== null ? ring.stable : 0,
        sender: h.sender,
        senderInc: h.senderInc,
        senderSeq: h.senderSeq,
        fragIndex: h.fragIndex,
        fragCount: h.fragCount,
        payload: h.payload,
      };
      ctx.out.push({ kind: "send", to, wire });
    }
  }
}
