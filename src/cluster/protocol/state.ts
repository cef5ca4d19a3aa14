/**
 * The protocol core's internal state. Mutable and owned by `step`: the driver treats it as
 * opaque and never reuses a state it passed in (as with etcd-raft's RawNode), which keeps the
 * core allocation-light at 64 simulated nodes while staying deterministic.
 */
import type { NodeId, Output, QuorumState, ResolvedConfig, RingId } from "./api.js";
import type { Round, SeqRange, Wire } from "./wire.js";

export type InstallWire = Extract<Wire, { kind: "install" }>;
export type DataWire = Extract<Wire, { kind: "data" }>;
export type OrderedWire = Extract<Wire, { kind: "ordered" }>;

/** What we know of another node, from its latest packets. */
export interface Peer {
  inc: number;
  lastHeardMs: number;
  /** When its heartbeat last listed us: the link works both ways. */
  hearsMeMs: number;
  ring: RingId | null;
  promise: Round | null;
  ringRound: Round | null;
  /** When we received the heartbeat that told us `ring` (to ignore reports older than a view). */
  ringHeardMs: number;
}

/** One fragment of an application message, ordered by the sequencer. */
export interface Held {
  readonly gseq: number;
  readonly sender: NodeId;
  readonly senderInc: number;
  readonly senderSeq: number;
  readonly fragIndex: number;
  readonly fragCount: number;
  readonly payload: Uint8Array;
}

/** A fragment this node sends, until it is seen ordered. */
export interface Frag {
  readonly senderSeq: number;
  readonly fragIndex: number;
  readonly fragCount: number;
  readonly payload: Uint8Array;
  sentAtMs: number;
}

/** The sequencer's per-ring state (the ring's representative orders every fragment). */
export interface Sequencer {
  lastOrdered: number;
  next: Map<NodeId, number>;
  buffered: Map<NodeId, Map<number, DataWire>>;
  acked: Map<NodeId, number>;
}

export interface Ring {
  readonly id: RingId;
  readonly round: Round;
  readonly members: readonly NodeId[];
  readonly incs: ReadonlyMap<NodeId, number>;
  held: Map<number, Held>;
  delivered: number;
  /** Contiguous prefix of gseqs this node holds or delivered. */
  received: number;
  /** Safe point: every member received up to here; deliveries never pass it. */
  stable: number;
  announcedStable: number;
  /** senderSeq of our own last fragment delivered in this ring (first one - 1 before any). */
  ownLastDelivered: number;
  /** Every gseq ≤ prunedTo was dropped from `held` (stable and delivered). */
  prunedTo: number;
  /** Highest gseq known to exist (held, or announced by the sequencer). */
  maxSeen: number;
  partial: Map<NodeId, { inc: number; parts: Uint8Array[]; next: number }>;
  /** Set once this node reported its state of this ring in a join: no more deliveries here. */
  frozen: boolean;
  installedAtMs: number;
  lastNackMs: number;
  lastAckSent: number;
  lastAckMs: number;
  seqr: Sequencer | null;
}

export interface JoinReport {
  readonly from: NodeId;
  readonly inc: number;
  readonly ring: RingId | null;
  readonly delivered: number;
  readonly held: readonly SeqRange[];
  readonly stable: number;
  readonly own: readonly SeqRange[];
  readonly highestSeq: number;
  readonly waitForAllSatisfied: boolean;
}

export interface Coordinating {
  readonly round: Round;
  readonly startedMs: number;
  lastRequestMs: number;
  readonly invited: readonly NodeId[];
  readonly reports: Map<NodeId, JoinReport>;
}

/** Accepted an install; fetching the old ring's messages before installing the new ring. */
export interface Installing {
  readonly wire: InstallWire;
  readonly startedMs: number;
  readonly next: Ring;
  readonly safe: number;
  readonly extra: readonly SeqRange[];
  readonly sources: readonly { readonly node: NodeId; readonly ranges: readonly SeqRange[] }[];
  lastRequestMs: number;
  requests: number;
}

export interface State {
  readonly cfg: ResolvedConfig;
  readonly self: NodeId;
  readonly inc: number;
  readonly votes: ReadonlyMap<NodeId, number>;
  bootMs: number | null;
  peers: Map<NodeId, Peer>;
  ring: Ring | null;
  /** The ring before `ring`, kept to serve recovery requests of slower members. */
  prevRing: Ring | null;
  promise: Round | null;
  promiseMs: number;
  /** Per coordinator, the last round we promised to: an older round is never accepted again. */
  promised: Map<NodeId, Round>;
  coordinating: Coordinating | null;
  installing: Installing | null;
  attempt: number;
  highestSeq: number;
  lastInstall: InstallWire | null;
  /** Invited nodes that did not answer: left out of our rounds until then. */
  excludedUntil: Map<NodeId, number>;
  waitForAllSatisfied: boolean;
  quorum: QuorumState | null;
  /** Application messages not yet delivered back to us (FIFO). */
  pending: Uint8Array[];
  /** Payload bytes of `pending` (bounded by cfg.pendingBytesMax). */
  pendingBytes: number;
  /** Fragments of `pending` for the current ring, oldest first. */
  frags: Frag[];
  nextSenderSeq: number;
  lastHeartbeatMs: number;
  lastTickMs: number;
  /**
   * The deadline `nextTickMs` last gave while idle (-1e15 while busy or never asked): a driver
   * ticking at deadlines is late only past it, not past lastTickMs + heartbeat.
   */
  idleUntilMs: number;
  /** Lifeguard-style local health: 0 healthy .. LOCAL_HEALTH_MAX after our own stalls. */
  localHealth: number;
  healthyFromMs: number;
  sendBudget: number;
  lastInstallRequestMs: number;
  lastRoundMs: number;
  left: boolean;
}

/** The per-step context: the state and the outputs collected so far, in order. */
export interface Ctx {
  readonly s: State;
  readonly out: Output[];
  readonly now: number;
}

export const LOCAL_HEALTH_MAX = 4;
/** At most this many gseqs per nack / recovery request, and fragments per reply. */
export const RETRANSMIT_BATCH_MAX = 64;

export function ringEq(a: RingId | null, b: RingId | null): boolean {
  if (a === null || b === null) return a === b;
  return a.rep === b.rep && a.seq === b.seq;
}

/** Ring ids are ordered by seq, then representative. */
export function ringCmp(a: RingId, b: RingId): number {
  return a.seq !== b.seq ? a.seq - b.seq : a.rep - b.rep;
}

export function roundEq(a: Round | null, b: Round | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.coordinator === b.coordinator && a.incarnation === b.incarnation && a.attempt === b.attempt
  );
}

/** A round from a lower node id wins; from the same node, the later attempt wins. */
export function roundBeats(a: Round, b: Round): boolean {
  if (a.coordinator !== b.coordinator) return a.coordinator < b.coordinator;
  if (a.incarnation !== b.incarnation) return a.incarnation > b.incarnation;
  return a.attempt > b.attempt;
}

/** Sorted keys → inclusive ranges. */
export function toRanges(sortedSeqs: readonly number[]): SeqRange[] {
  const out: SeqRange[] = [];
  for (const x of sortedSeqs) {
    const last = out[out.length - 1];
    if (last !== undefined && last.hi + 1 === x) out[out.length - 1] = { lo: last.lo, hi: x };
    else out.push({ lo: x, hi: x });
  }
  return out;
}

export function rangesContain(ranges: readonly SeqRange[], x: number): boolean {
  for (const r of ranges) if (r.lo <= x && x <= r.hi) return true;
  return false;
}

export function newRing(
  id: RingId,
  round: Round,
  members: readonly NodeId[],
  incs: readonly number[],
  opts: { self: NodeId; now: number },
): Ring {
  const map = new Map<NodeId, number>();
  members.forEach((m, i) => {
    map.set(m, incs[i] ?? 0);
  });
  const isRep = id.rep === opts.self;
  return {
    id,
    round,
    members,
    incs: map,
    held: new Map(),
    delivered: 0,
    received: 0,
    stable: 0,
    announcedStable: 0,
    ownLastDelivered: 0,
    prunedTo: 0,
    maxSeen: 0,
    partial: new Map(),
    frozen: false,
    installedAtMs: opts.now,
    lastNackMs: -1e15,
    lastAckSent: 0,
    lastAckMs: -1e15,
    seqr: isRep ? { lastOrdered: 0, next: new Map(), buffered: new Map(), acked: new Map() } : null,
  };
}
