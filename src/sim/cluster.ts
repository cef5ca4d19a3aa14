/**
 * N protocol nodes in one process under virtual time: a discrete-event loop ordered by
 * (time, seq), the faulty SimNetwork, and nodes that crash (state lost, ring seq kept, as on
 * disk), pause (no ticks, packets queue up) and restart (a new incarnation). Every packet goes
 * through the real wire codec. The Checker sees every output right after each step.
 */
import {
  broadcastRoom,
  createNode,
  describeNode,
  type NodeState,
  type NodeSummary,
  nextTickMs,
  nodeId,
  type Output,
  type ProtocolConfig,
  resolveConfig,
  step,
} from "../cluster/protocol/api.js";
import { decodeWire, encodeWire, type Wire } from "../cluster/protocol/wire.js";
import { InvariantError } from "../shared/assert.js";
import { Checker, MSG_HEADER_BYTES, SimViolation } from "./checker.js";
import { EventHeap } from "./heap.js";
import { type NetFaults, SimNetwork } from "./network.js";
import type { Rng } from "./rng.js";

export const TICK_MS = 10;

type Event =
  | { atMs: number; seq: number; kind: "packet"; to: number; from: number; bytes: Uint8Array }
  | { atMs: number; seq: number; kind: "tick"; node: number; gen: number; tickSeq: number }
  | { atMs: number; seq: number; kind: "call"; fn: () => void };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface SimNode {
  readonly id: number;
  inc: number;
  state: NodeState | null;
  status: "up" | "down" | "paused";
  ringSeq: number;
  inbox: { from: number; bytes: Uint8Array }[];
  counter: number;
  gen: number;
  /** Deadline mode: only the latest scheduled tick is live. */
  tickSeq: number;
  lastTickAtMs: number;
  /** This node's monotonic clock: offsetMs + now × rate (drift between hosts). */
  readonly clockOffsetMs: number;
  readonly clockRate: number;
}

export interface ClusterOptions {
  readonly config: ProtocolConfig;
  readonly net: NetFaults;
  readonly rng: Rng;
  /** Tick each node only when `nextTickMs` asks (as an idle-saving driver does), not every 10 ms. */
  readonly deadlineTicks?: boolean;
  /** Largest clock rate error, e.g. 0.001 for ±0.1 % (0: perfect clocks). */
  readonly clockDriftMax?: number;
  readonly trace?: (line: string) => void;
  /** Also trace every packet sent (kind and the fields that matter for membership). */
  readonly tracePackets?: boolean;
}

export class SimCluster {
  readonly nodes = new Map<number, SimNode>();
  readonly net: SimNetwork;
  readonly checker: Checker;
  private readonly heap = new EventHeap<Event>();
  private readonly decoded = new WeakMap<Uint8Array, Wire>();
  private seq = 0;
  now = 0;
  /** Every view installed: (time, node, ring seq, members). */
  readonly viewLog: { atMs: number; node: number; ringSeq: number; members: readonly number[] }[] =
    [];
  readonly deliveredCount = new Map<number, number>();
  /** Broadcasts the application skipped because the core had no room (backpressure). */
  refusedBroadcasts = 0;

  constructor(private readonly opts: ClusterOptions) {
    this.net = new SimNetwork(opts.rng.fork("net"), opts.net);
    this.checker = new Checker(resolveConfig(opts.config));
    for (const n of opts.config.nodes) {
      this.nodes.set(n.nodeid, {
        id: n.nodeid,
        inc: 0,
        state: null,
        status: "down",
        ringSeq: 0,
        inbox: [],
        counter: 0,
        tickSeq: 0,
        lastTickAtMs: 0,
        clockOffsetMs: opts.rng.float() * 1e6,
        clockRate: 1 + (opts.rng.float() * 2 - 1) * (opts.clockDriftMax ?? 0),
        gen: 0,
      });
    }
  }

  private push(e: DistributiveOmit<Event, "seq">): void {
    this.heap.push({ ...e, seq: this.seq++ } as Event);
  }

  /** Schedules fn at atMs (after every event already scheduled for that instant). */
  at(atMs: number, fn: () => void): void {
    this.push({ atMs, kind: "call", fn });
  }

  private trace(line: string): void {
    this.opts.trace?.(`${this.now.toFixed(3).padStart(10)}ms ${line}`);
  }

  start(id: number): void {
    const n = this.must(id);
    n.inc++;
    n.status = "up";
    n.inbox = [];
    n.counter = 0;
    n.gen++;
    n.state = createNode(this.opts.config, nodeId(id), { incarnation: n.inc, ringSeq: n.ringSeq });
    this.checker.nodeUp(id, n.inc);
    this.trace(`node ${id} start inc=${n.inc} ringSeq=${n.ringSeq}`);
    const phase = this.opts.rng.float() * TICK_MS;
    this.push({ atMs: this.now + phase, kind: "tick", node: id, gen: n.gen, tickSeq: ++n.tickSeq });
  }

  crash(id: number): void {
    const n = this.must(id);
    if (n.status === "down") return;
    n.status = "down";
    n.state = null;
    n.gen++;
    this.checker.nodeDown(id);
    this.trace(`node ${id} crash`);
  }

  /** Graceful shutdown: the node tells its peers, then stops. */
  leave(id: number): void {
    const n = this.must(id);
    if (n.status !== "up") return;
    this.stepNode(n, { kind: "leave" });
    this.crash(id);
  }

  pause(id: number): void {
    const n = this.must(id);
    if (n.status !== "up") return;
    n.status = "paused";
    n.gen++;
    this.trace(`node ${id} pause`);
  }

  resume(id: number): void {
    const n = this.must(id);
    if (n.status !== "paused") return;
    n.status = "up";
    n.gen++;
    this.trace(`node ${id} resume (${n.inbox.length} queued packets)`);
    for (const p of n.inbox.splice(0)) this.feedPacket(n, p.from, p.bytes);
    this.push({ atMs: this.now, kind: "tick", node: id, gen: n.gen, tickSeq: ++n.tickSeq });
  }

  /**
   * The application on node id broadcasts a message of `bytes` bytes (≥ header), as a well-
   * behaved application does: only within the core's `broadcastRoom` (else it is counted in
   * `refusedBroadcasts`, as a CPG client gets CS_ERR_TRY_AGAIN, and not submitted).
   */
  broadcast(id: number, bytes: number): void {
    const n = this.must(id);
    if (n.status !== "up" || n.state === null) return;
    const size = Math.max(MSG_HEADER_BYTES, bytes);
    const room = broadcastRoom(n.state);
    if (room.messages < 1 || room.bytes < size) {
      this.refusedBroadcasts++;
      return;
    }
    const payload = new Uint8Array(size);
    const v = new DataView(payload.buffer);
    v.setUint32(0, id);
    v.setUint32(4, n.inc);
    v.setUint32(8, ++n.counter);
    for (let i = MSG_HEADER_BYTES; i < payload.length; i++)
      payload[i] = (i * 31 + n.counter) & 0xff;
    this.stepNode(n, { kind: "broadcast", payload });
  }

  summary(id: number): NodeSummary | null {
    const n = this.must(id);
    return n.state === null ? null : describeNode(n.state);
  }

  status(id: number): SimNode["status"] {
    return this.must(id).status;
  }

  private must(id: number): SimNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new RangeError(`no node ${id}`);
    return n;
  }

  /** Runs every event up to and including untilMs. */
  runUntil(untilMs: number): void {
    for (;;) {
      const e = this.heap.peek();
      if (e === undefined || e.atMs > untilMs) break;
      this.heap.pop();
      this.now = e.atMs;
      this.dispatch(e);
    }
    this.now = Math.max(this.now, untilMs);
  }

  private dispatch(e: Event): void {
    if (e.kind === "call") {
      e.fn();
      return;
    }
    if (e.kind === "tick") {
      const n = this.must(e.node);
      if (n.gen !== e.gen || n.status !== "up" || n.tickSeq !== e.tickSeq) return;
      n.lastTickAtMs = this.now;
      this.stepNode(n, { kind: "tick" });
      if (this.opts.deadlineTicks !== true) {
        const next = { atMs: this.now + TICK_MS, node: n.id, gen: n.gen, tickSeq: ++n.tickSeq };
        this.push({ ...next, kind: "tick" });
      }
      return;
    }
    const n = this.must(e.to);
    if (n.status === "down") return;
    if (n.status === "paused") n.inbox.push({ from: e.from, bytes: e.bytes });
    else this.feedPacket(n, e.from, e.bytes);
  }

  private feedPacket(n: SimNode, from: number, bytes: Uint8Array): void {
    // Every receiver of one broadcast gets the same bytes: decode them once (the core never
    // mutates a received Wire).
    let wire = this.decoded.get(bytes);
    if (wire === undefined) {
      const w = decodeWire(bytes);
      if (!w.ok)
        throw new Error(`sim: undecodable packet from ${from}: ${JSON.stringify(w.error)}`);
      wire = w.value;
      this.decoded.set(bytes, wire);
    }
    this.stepNode(n, { kind: "packet", wire });
  }

  private stepNode(n: SimNode, input: Parameters<typeof step>[1]): void {
    if (n.state === null) return;
    let r: ReturnType<typeof step>;
    try {
      r = step(n.state, input, n.clockOffsetMs + this.now * n.clockRate);
    } catch (e) {
      if (e instanceof InvariantError) throw new SimViolation("core-assert", n.id, e.message);
      throw e;
    }
    n.state = r.state;
    this.execute(n, r.outputs);
    this.checker.observe(n.id, n.inc, r.outputs);
    if (this.opts.deadlineTicks === true && n.state !== null && n.status === "up")
      this.scheduleTick(n);
  }

  /** Deadline mode: the next tick when the core asks for it, at most every TICK_MS. */
  private scheduleTick(n: SimNode): void {
    if (n.state === null) return;
    const dueLocal = nextTickMs(n.state, n.clockOffsetMs + this.now * n.clockRate);
    if (dueLocal === Number.POSITIVE_INFINITY) return;
    const due = (dueLocal - n.clockOffsetMs) / n.clockRate;
    const atMs = Math.max(due, n.lastTickAtMs + TICK_MS, this.now);
    this.push({ atMs, kind: "tick", node: n.id, gen: n.gen, tickSeq: ++n.tickSeq });
  }

  private execute(n: SimNode, outputs: readonly Output[]): void {
    for (const o of outputs) {
      switch (o.kind) {
        case "persist":
          n.ringSeq = o.ringSeq;
          break;
        case "send":
          this.transmit(n.id, o.to, encodeWire(o.wire));
          break;
        case "broadcast": {
          const bytes = encodeWire(o.wire);
          for (const id of this.nodes.keys()) if (id !== n.id) this.transmit(n.id, id, bytes);
          break;
        }
        case "view":
          this.viewLog.push({
            atMs: this.now,
            node: n.id,
            ringSeq: o.view.ringId.seq,
            members: o.view.members,
          });
          this.trace(
            `node ${n.id} view ${o.view.ringId.rep}.${o.view.ringId.seq} [${o.view.members.join(",")}] joined=[${o.view.joined.join(",")}] left=[${o.view.left.join(",")}]`,
          );
          break;
        case "quorum":
          this.trace(
            `node ${n.id} quorum quorate=${o.quorum.quorate} votes=${o.quorum.totalVotes}/${o.quorum.expectedVotes} need=${o.quorum.quorum}`,
          );
          break;
        case "deliver":
          this.deliveredCount.set(n.id, (this.deliveredCount.get(n.id) ?? 0) + 1);
          if (this.opts.trace !== undefined) {
            const v = new DataView(o.payload.buffer, o.payload.byteOffset, o.payload.byteLength);
            this.trace(
              `node ${n.id} deliver ring=${o.ringId.rep}.${o.ringId.seq}@${o.seq} ${o.sender}:${o.senderIncarnation}#${v.getUint32(8)} (${o.payload.length}B)`,
            );
          }
          break;
      }
    }
  }

  private tracePacket(from: number, to: number, bytes: Uint8Array): void {
    const w = decodeWire(bytes);
    if (!w.ok) return;
    const v = w.value;
    const { payload: _p, ...rest } = v as typeof v & { payload?: unknown };
    if (v.kind === "ack") return;
    this.trace(`  pkt ${from}->${to} ${JSON.stringify(rest)}`);
  }

  private transmit(from: number, to: number, bytes: Uint8Array): void {
    if (this.opts.tracePackets === true) this.tracePacket(from, to, bytes);
    for (const delay of this.net.route(from, to, bytes.length)) {
      this.push({ atMs: this.now + delay, kind: "packet", to, from, bytes });
    }
  }
}
