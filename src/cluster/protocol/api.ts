/**
 * Public API of pacer's cluster protocol core (Corosync's role): membership, agreed-order
 * broadcast with virtual synchrony, and votequorum-style quorum, as one pure state machine.
 *
 * The core does no I/O: no sockets, no clock, no randomness. The driver (src/cluster/transport
 * with real time, src/sim with virtual time) feeds inputs and executes the outputs in order.
 *
 * @example
 * ```ts
 * import { createNode, step, type ProtocolConfig } from "./api.js";
 * const config: ProtocolConfig = { nodes: [{ nodeid: 1 }, { nodeid: 2 }, { nodeid: 3 }] };
 * // incarnation: strictly larger on every start of this node (boot counter or wall-clock ms);
 * // ringSeq: the last value from a `persist` output (0 on first boot).
 * let node = createNode(config, nodeId(1), { incarnation: 7, ringSeq: 0 });
 * function feed(input: Input, nowMs: number): void {
 *   const r = step(node, input, nowMs); // `node` is consumed: always continue with r.state
 *   node = r.state;
 *   for (const out of r.outputs) execute(out); // in order: persist before the sends after it
 * }
 * setInterval(() => feed({ kind: "tick" }, monotonicMs()), TICK_MS); // TICK_MS ≤ 10
 * socket.on("packet", (from, bytes) => {
 *   const w = decodeWire(bytes); // src/cluster/protocol/wire.ts
 *   // The core trusts wire.from: the transport checks it against the authenticated sender.
 *   if (w.ok && w.value.from === from) feed({ kind: "packet", wire: w.value }, monotonicMs());
 * });
 * feed({ kind: "broadcast", payload: new TextEncoder().encode("hello") }, monotonicMs());
 * ```
 */
import type { Wire } from "./wire.js";

export { resolveConfig } from "./config.js";
export { nextTickMs } from "./next-tick.js";
export { createNode, step } from "./node.js";
export type { Wire } from "./wire.js";

/** A node id as in corosync.conf `nodelist { node { nodeid: N } }` (1 ..= 2^31-1). */
export type NodeId = number & { readonly __brand: "NodeId" };
/** @example const id = nodeId(3); */
export function nodeId(n: number): NodeId {
  if (!Number.isInteger(n) || n < 1 || n > 0x7fffffff) throw new RangeError(`bad nodeid ${n}`);
  return n as NodeId;
}

/**
 * A ring id, as Corosync prints it (`Ring ID: 1.2c`): the representative (the node that formed
 * the ring) and a sequence number. Ordered by seq, then rep; every installed ring of a node has
 * a larger seq than the one before, across restarts (seq is persisted).
 */
export interface RingId {
  readonly rep: NodeId;
  readonly seq: number;
}

/** One node of the nodelist (corosync.conf `nodelist.node`, `quorum_votes`). */
export interface NodeConfig {
  readonly nodeid: number;
  /** `quorum_votes`, default 1. */
  readonly votes?: number;
  readonly name?: string;
}

/** votequorum(5) options (`quorum { provider: corosync_votequorum ... }`). */
export interface QuorumConfig {
  /** `expected_votes`; default: the sum of the nodelist's votes. */
  readonly expectedVotes?: number;
  /** `two_node: 1`: with 2 expected votes, 1 vote is quorate. Implies waitForAll. */
  readonly twoNode?: boolean;
  /** `wait_for_all`: quorate for the first time only once all nodes were seen together. */
  readonly waitForAll?: boolean;
}

/**
 * The protocol's configuration. Timer fields keep corosync.conf(5)'s `totem` meanings; unset
 * fields take pacer's defaults (see docs/protocol.md: faster than Corosync's, failover ≤ 0.8 s).
 */
export interface ProtocolConfig {
  readonly nodes: readonly NodeConfig[];
  /** `totem.token`: ms without hearing a member before it is declared lost. pacer: 600. */
  readonly tokenMs?: number;
  /** `totem.token_coefficient`: added per node above 2 (nodelist ≥ 3 nodes). pacer: 0. */
  readonly tokenCoefficientMs?: number;
  /** `totem.consensus`: ms a membership round may take before it is abandoned. 1.2 × token. */
  readonly consensusMs?: number;
  /** `totem.join`: ms the representative waits for join replies. 50, as Corosync. */
  readonly joinMs?: number;
  /** `totem.token_retransmits_before_loss_const`: heartbeats per token timeout. 4. */
  readonly tokenRetransmitsBeforeLossConst?: number;
  /** `totem.token_retransmit`: heartbeat interval; default token / (const + 0.2). */
  readonly tokenRetransmitMs?: number;
  /** `totem.max_messages`: new data fragments one node may send per tick. 64. */
  readonly maxMessages?: number;
  /** `totem.window_size`: ordered-but-not-safe fragments allowed in a ring. 2048. */
  readonly windowSize?: number;
  /** Bytes of application payload per fragment (fits a 1500-byte MTU after crypto). 1100. */
  readonly fragmentBytes?: number;
  /**
   * Application messages a node holds at most before they are delivered back to it (pacer's
   * own bound, not a corosync.conf key). 65 536. See `broadcastRoom`.
   */
  readonly pendingMessagesMax?: number;
  /** Payload bytes a node holds at most in those messages; also the largest message. 256 MiB. */
  readonly pendingBytesMax?: number;
  readonly quorum?: QuorumConfig;
}

/** The state of one node. Opaque: drivers only hold it and pass it back to `step`. */
export interface NodeState {
  readonly __opaque: "pacer.cluster.protocol.NodeState";
}

/** What the driver feeds to `step`. */
export type Input =
  /** Time passes. Drive every 10 ms, or when `nextTickMs` says; nowMs never goes backwards. */
  | { readonly kind: "tick" }
  /** A decoded, authenticated packet from a peer (the transport drops everything else). */
  | { readonly kind: "packet"; readonly wire: Wire }
  /** The application broadcasts a message to the current (or next) view, in agreed order. */
  | { readonly kind: "broadcast"; readonly payload: Uint8Array }
  /** Graceful shutdown: tell the members, so they need not wait for the token timeout. */
  | { readonly kind: "leave" };

/** A membership view (Corosync's configuration change + CPG's joined/left lists). */
export interface View {
  readonly ringId: RingId;
  /** Sorted ascending. */
  readonly members: readonly NodeId[];
  /** incarnations[i] belongs to members[i]; a restarted node comes back with a larger one. */
  readonly incarnations: readonly number[];
  /** Members of this view not in this node's previous view (or a new incarnation). */
  readonly joined: readonly NodeId[];
  /** Members of the previous view not in this one (or replaced by a new incarnation). */
  readonly left: readonly NodeId[];
}

/** votequorum's state for the current view (what `corosync-quorumtool -s` prints). */
export interface QuorumState {
  readonly quorate: boolean;
  readonly expectedVotes: number;
  readonly totalVotes: number;
  /** Votes needed: floor(expectedVotes / 2) + 1, or 1 with two_node and 2 expected votes. */
  readonly quorum: number;
  readonly twoNode: boolean;
  readonly waitForAll: boolean;
  /** wait_for_all is satisfied (all nodes were seen together once, by this incarnation). */
  readonly waitForAllSatisfied: boolean;
}

/**
 * What `step` asks the driver to do, executed in list order. A `persist` must be durable
 * before any later output is executed.
 */
export type Output =
  | { readonly kind: "persist"; readonly ringSeq: number }
  | { readonly kind: "send"; readonly to: NodeId; readonly wire: Wire }
  /** To every other node of the nodelist (multicast, or one unicast per node with udpu). */
  | { readonly kind: "broadcast"; readonly wire: Wire }
  /** An application message, in agreed order within `ringId`; FIFO per (sender, incarnation). */
  | {
      readonly kind: "deliver";
      readonly ringId: RingId;
      readonly sender: NodeId;
      readonly senderIncarnation: number;
      /** Position in the ring's agreed order: strictly increasing within a ring. */
      readonly seq: number;
      readonly payload: Uint8Array;
    }
  /** A new view; every delivery after it (until the next view) belongs to it. */
  | { readonly kind: "view"; readonly view: View }
  /** Always right after a `view`, and whenever quorum changes; ordered with deliveries. */
  | { readonly kind: "quorum"; readonly quorum: QuorumState };

export interface Stepped {
  readonly state: NodeState;
  readonly outputs: readonly Output[];
}

/** Effective timers after applying defaults and Corosync's derivation rules. */
export interface ResolvedConfig {
  readonly nodes: readonly { readonly nodeid: NodeId; readonly votes: number }[];
  /** token + (nodes - 2) × token_coefficient when the nodelist has ≥ 3 nodes. */
  readonly tokenMs: number;
  readonly consensusMs: number;
  readonly joinMs: number;
  readonly heartbeatMs: number;
  readonly retransmitMs: number;
  readonly maxMessages: number;
  readonly windowSize: number;
  readonly fragmentBytes: number;
  readonly pendingMessagesMax: number;
  readonly pendingBytesMax: number;
  readonly expectedVotes: number;
  readonly twoNode: boolean;
  readonly waitForAll: boolean;
}

/** Options of createNode. */
export interface NodeStart {
  /** Strictly larger on every start of this node id (e.g. a persisted boot counter). */
  readonly incarnation: number;
  /** The last ringSeq this node persisted (0 on first boot). */
  readonly ringSeq: number;
}

/** `createNode(config, self, start)`: a node that has not yet joined any ring. */
export type CreateNode = (config: ProtocolConfig, self: NodeId, start: NodeStart) => NodeState;
/** `step(state, input, nowMs)`: consumes `state`; nowMs is monotonic milliseconds. */
export type Step = (state: NodeState, input: Input, nowMs: number) => Stepped;

/** A read-only summary of a node's state, for status tools and the simulator. */
export interface NodeSummary {
  readonly self: NodeId;
  readonly incarnation: number;
  /** operational: in a ring; joining: in a membership round; recovering: finishing the old ring. */
  readonly phase: "booting" | "operational" | "joining" | "recovering";
  readonly ringId: RingId | null;
  readonly members: readonly NodeId[];
  readonly quorum: QuorumState | null;
  /** Application messages submitted but not yet delivered back to this node. */
  readonly pendingMessages: number;
  /** Their payload bytes. */
  readonly pendingBytes: number;
  readonly tokenEffectiveMs: number;
}
export type DescribeNode = (state: NodeState) => NodeSummary;
export { broadcastRoom, describeNode } from "./node.js";

/**
 * How much more a node accepts now: the backpressure signal (Corosync's CPG answers
 * `CS_ERR_TRY_AGAIN` instead). A `broadcast` input is accepted only when
 * `messages >= 1 && bytes >= payload.length`; beyond that `step` throws `InvariantError` (a
 * caller that ignores the signal is a bug, as with every other bound of the core). Room comes
 * back as the node's own messages are delivered back to it; while the node is out of any ring
 * (partitioned, joining) it does not.
 */
export interface BroadcastRoom {
  readonly messages: number;
  readonly bytes: number;
}
