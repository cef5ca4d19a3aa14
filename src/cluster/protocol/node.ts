/**
 * createNode and step: the protocol core's entry points (see api.ts for the contract).
 * `step` dispatches one input, then runs the per-tick work; it never reads a clock.
 */
import { assert, assertNever, InvariantError } from "../../shared/assert.js";
import type {
  BroadcastRoom,
  Input,
  NodeId,
  NodeStart,
  NodeState,
  NodeSummary,
  ProtocolConfig,
  Stepped,
} from "./api.js";
import { resolveConfig } from "./config.js";
import { advanceInstall } from "./install.js";
import {
  findRingStore,
  maybeStartRound,
  membershipTimeouts,
  noteHeard,
  onHeartbeat,
  onInstall,
  onInstallRequest,
  onJoin,
  onJoinRequest,
  sendHeartbeat,
  tokenEffectiveMs,
} from "./membership.js";
import { ackAndNack, onAck, onData, onOrdered, pump, resend, submit } from "./ordering.js";
import { type Ctx, LOCAL_HEALTH_MAX, ringEq, type State } from "./state.js";
import type { Wire } from "./wire.js";

/**
 * A node that has not joined any ring yet.
 * @example const n = createNode({ nodes: [{ nodeid: 1 }] }, nodeId(1), { incarnation: 1, ringSeq: 0 });
 */
export function createNode(config: ProtocolConfig, self: NodeId, start: NodeStart): NodeState {
  const cfg = resolveConfig(config);
  assert(
    cfg.nodes.some((n) => n.nodeid === self),
    `node ${self} is in the nodelist`,
  );
  const state: State = {
    cfg,
    self,
    inc: start.incarnation,
    votes: new Map(cfg.nodes.map((n) => [n.nodeid, n.votes])),
    bootMs: null,
    peers: new Map(),
    ring: null,
    prevRing: null,
    promise: null,
    promiseMs: 0,
    promised: new Map(),
    coordinating: null,
    installing: null,
    attempt: 0,
    highestSeq: start.ringSeq,
    lastInstall: null,
    excludedUntil: new Map(),
    waitForAllSatisfied: false,
    quorum: null,
    pending: [],
    pendingBytes: 0,
    frags: [],
    nextSenderSeq: 1,
    lastHeartbeatMs: -1e15,
    lastTickMs: -1,
    idleUntilMs: -1e15,
    localHealth: 0,
    healthyFromMs: 0,
    sendBudget: cfg.maxMessages,
    lastInstallRequestMs: -1e15,
    lastRoundMs: -1e15,
    left: false,
  };
  return state as unknown as NodeState;
}

/**
 * Feeds one input at monotonic time nowMs. Consumes `state`: continue with the returned one.
 * @example const { state, outputs } = step(node, { kind: "tick" }, 1000);
 */
export function step(state: NodeState, input: Input, nowMs: number): Stepped {
  const s = state as unknown as State;
  if (s.lastTickMs > nowMs) throw new InvariantError("time cannot go backwards");
  const ctx: Ctx = { s, out: [], now: nowMs };
  if (s.left) return { state, outputs: [] };
  if (s.bootMs === null) s.bootMs = nowMs;
  switch (input.kind) {
    case "tick":
      onTick(ctx);
      break;
    case "packet":
      onPacket(ctx, input.wire);
      break;
    case "broadcast":
      submit(ctx, input.payload);
      pump(ctx);
      break;
    case "leave":
      ctx.out.push({
        kind: "broadcast",
        wire: { kind: "leave", from: s.self, inc: s.inc, ring: s.ring?.id ?? null },
      });
      s.left = true;
      break;
    default:
      assertNever(input);
  }
  return { state, outputs: ctx.out };
}

function onTick(ctx: Ctx): void {
  const { s, now } = ctx;
  checkLocalHealth(ctx);
  s.lastTickMs = now;
  s.sendBudget = s.cfg.maxMessages;
  if (now - s.lastHeartbeatMs >= s.cfg.heartbeatMs) sendHeartbeat(ctx);
  membershipTimeouts(ctx);
  advanceInstall(ctx);
  maybeStartRound(ctx);
  ackAndNack(ctx);
  const ring = s.ring;
  if (ring?.seqr != null && ring.stable > ring.announcedStable) sendHeartbeat(ctx); // safe point
  pump(ctx);
}

/**
 * Lifeguard's local-health idea: if our own ticks were late (the host or the event loop
 * stalled), silence from peers during that time is our fault, not theirs. Give every peer a
 * fresh grace period and lengthen the token timeout for a while.
 */
function checkLocalHealth(ctx: Ctx): void {
  const { s, now } = ctx;
  if (s.lastTickMs < 0) return;
  // Idle, a deadline-driven driver was asked to tick only at idleUntilMs (next-tick.ts).
  const gap = now - Math.max(s.lastTickMs, s.idleUntilMs);
  if (gap > s.cfg.heartbeatMs) {
    s.localHealth = Math.min(LOCAL_HEALTH_MAX, s.localHealth + 1);
    s.healthyFromMs = now;
    const floor = now - tokenEffectiveMs(s) + 2 * s.cfg.heartbeatMs;
    for (const p of s.peers.values()) {
      p.lastHeardMs = Math.max(p.lastHeardMs, floor);
      p.hearsMeMs = Math.max(p.hearsMeMs, floor);
    }
  } else if (s.localHealth > 0 && now - s.healthyFromMs >= 4 * s.cfg.tokenMs) {
    s.localHealth--;
    s.healthyFromMs = now;
  }
}

function onPacket(ctx: Ctx, w: Wire): void {
  const { s } = ctx;
  if (w.from === s.self || !s.votes.has(w.from)) return; // not ours: the transport counts these
  if (!noteHeard(ctx, w)) return;
  switch (w.kind) {
    case "heartbeat":
      onHeartbeat(ctx, w);
      return;
    case "join-request":
      onJoinRequest(ctx, w);
      return;
    case "join":
      onJoin(ctx, w);
      return;
    case "install":
      onInstall(ctx, w);
      return;
    case "install-request":
      onInstallRequest(ctx, w);
      return;
    case "data":
      onData(ctx, w);
      return;
    case "ordered":
      onOrdered(ctx, w);
      if (s.installing !== null) advanceInstall(ctx);
      return;
    case "ack":
      if (s.ring !== null && ringEq(w.ring, s.ring.id)) onAck(ctx, w.from, w.received);
      return;
    case "nack": {
      const ring = s.ring;
      if (ring !== null && ring.seqr !== null && ringEq(w.ring, ring.id))
        resend(ctx, w.from, ring, w.ranges);
      return;
    }
    case "recover-request": {
      const store = findRingStore(s, w.ring);
      if (store !== null) resend(ctx, w.from, store, w.ranges);
      return;
    }
    case "leave": {
      const p = s.peers.get(w.from);
      if (p !== undefined) {
        p.lastHeardMs = -1e15;
        p.hearsMeMs = -1e15;
      }
      return;
    }
    default:
      assertNever(w);
  }
}

/**
 * A read-only summary of a node (for status tools and the simulator's liveness checks).
 * @example describeNode(node).phase // "operational"
 */
export function describeNode(state: NodeState): NodeSummary {
  const s = state as unknown as State;
  const phase: NodeSummary["phase"] =
    s.installing !== null
      ? "recovering"
      : s.promise !== null || s.coordinating !== null || s.ring?.frozen === true
        ? "joining"
        : s.ring === null
          ? "booting"
          : "operational";
  return {
    self: s.self,
    incarnation: s.inc,
    phase,
    ringId: s.ring?.id ?? null,
    members: s.ring?.members ?? [],
    quorum: s.quorum,
    pendingMessages: s.pending.length,
    pendingBytes: s.pendingBytes,
    tokenEffectiveMs: tokenEffectiveMs(s),
  };
}

/**
 * The backpressure signal: how many more messages (and payload bytes) `step` accepts now.
 * @example if (broadcastRoom(node).messages > 0) node = step(node, { kind: "broadcast", payload }, now).state;
 */
export function broadcastRoom(state: NodeState): BroadcastRoom {
  const s = state as unknown as State;
  return {
    messages: s.cfg.pendingMessagesMax - s.pending.length,
    bytes: s.cfg.pendingBytesMax - s.pendingBytes,
  };
}
