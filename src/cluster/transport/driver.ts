/**
 * The driver: the one place where the protocol core meets real time and real sockets. It owns
 * the clock (a tick every `tickMs`), the link sockets, the packet envelope and link failover,
 * and feeds the pure core (`step`) with ticks, authentic packets and application broadcasts,
 * executing the core's outputs in order (persist before the sends after it).
 *
 * Keeping heartbeats on time: everything on the send and receive path is small and bounded
 * (one AES-GCM operation per datagram, one `step` per input, the core's own per-tick send
 * limits), inputs raised from inside a callback are queued rather than nested, and the
 * application gets deliveries through callbacks it must keep short (the daemon hands them to
 * its own queues). `maxTickGapMs` shows how late the event loop let the ticks run.
 */
import { assert } from "../../shared/assert.js";
import { err, ok, type Result } from "../../shared/result.js";
import type {
  CreateNode,
  Input,
  NodeId,
  NodeStart,
  NodeState,
  Output,
  ProtocolConfig,
  QuorumState,
  Step,
  View,
} from "../protocol/api.js";
import { resolveConfig } from "../protocol/config.js";
import { encodeWire, type Wire } from "../protocol/wire.js";
import { LinkHealth, type LinkSpec } from "./links.js";
import { EnvelopeKeys, sealPacketParts } from "./packet-crypto.js";
import { PacketReceiver, type TransportCounters } from "./receive.js";
import { type LinkSocket, openLink } from "./udp-link.js";

export interface Clock {
  /** Monotonic milliseconds (never goes backwards). */
  monotonicMs(): number;
}
export const systemClock: Clock = { monotonicMs: () => performance.now() };

export interface ProtocolCore {
  readonly createNode: CreateNode;
  readonly step: Step;
  /**
   * When the core next needs a tick (protocol/next-tick.ts). Given, the driver ticks at the
   * fast rate only while the core is busy and at its deadlines when idle; absent, every tickMs.
   */
  readonly nextTickMs?: (state: NodeState, nowMs: number) => number;
}

export type Delivery = Extract<Output, { kind: "deliver" }>;

export interface DriverOptions {
  readonly core: ProtocolCore;
  readonly protocol: ProtocolConfig;
  readonly self: NodeId;
  readonly start: NodeStart;
  readonly links: readonly LinkSpec[];
  /** From `deriveClusterKey(authkey, { clusterName })`. */
  readonly clusterKey: Buffer;
  /** Must be durable when it returns (the core relies on it before its next sends). */
  readonly persist: (ringSeq: number) => void;
  readonly onDeliver?: (d: Delivery) => void;
  readonly onView?: (v: View) => void;
  readonly onQuorum?: (q: QuorumState) => void;
  readonly clock?: Clock;
  /** Tick period while the core is busy (always, without `core.nextTickMs`); ≤ 10 ms. */
  readonly tickMs?: number;
}

/** The core's fast tick (while busy); idle, it is ticked at its deadlines (nextTickMs). */
export const tickMsDefault = 10;
/** How long sockets stay open after a leave, so that the leave packets get out. */
export const leaveFlushMs = 50;
/** Broadcasts handed to the core per macrotask: bounds how long a burst holds the loop. */
export const broadcastsPerTurn = 8;
/** Application messages queued at most before the core has taken them. */
export const outboxMessagesMax = 1_000_000;
/** Inputs raised by callbacks while a step runs, queued at most (a bug if exceeded). */
export const pendingInputsMax = 100_000;

export interface LinkPeerState {
  readonly nodeId: number;
  readonly addr: string | undefined;
  readonly up: boolean;
}

export class ClusterDriver {
  private state: NodeState;
  private readonly keys: EnvelopeKeys;
  private readonly receiver: PacketReceiver;
  private readonly health: LinkHealth;
  private readonly clock: Clock;
  private readonly peers: readonly number[];
  private sockets: LinkSocket[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (monotonic ms); +Infinity when none is armed. */
  private timerAtMs = Number.POSITIVE_INFINITY;
  private readonly tickMs: number;
  private seq = 0;
  private busy = false;
  private readonly pending: Input[] = [];
  private readonly outbox: Uint8Array[] = [];
  private outboxScheduled = false;
  private lastTickMs = Number.NaN;
  private currentView: View | null = null;
  private currentQuorum: QuorumState | null = null;
  private stopped = false;
  /** Longest gap between two ticks seen (event-loop delay + tickMs). */
  maxTickGapMs = 0;
  /** Application messages delivered so far (this node's own included). */
  deliveredCount = 0;

  private constructor(private readonly opts: DriverOptions) {
    this.clock = opts.clock ?? systemClock;
    this.tickMs = opts.tickMs ?? tickMsDefault;
    this.keys = new EnvelopeKeys(opts.clusterKey);
    const members = opts.protocol.nodes.map((n) => n.nodeid);
    this.peers = members.filter((n) => n !== opts.self);
    this.receiver = new PacketReceiver(
      this.keys,
      opts.self,
      new Set(members),
      opts.start.incarnation,
    );
    const resolved = resolveConfig(opts.protocol);
    // A link is down for a peer after missing about half a token's worth of heartbeats.
    const downAfterMs = Math.max(3 * resolved.heartbeatMs, resolved.tokenMs / 2);
    this.health = new LinkHealth(
      opts.links.map((l) => l.linkNumber),
      downAfterMs,
    );
    this.state = opts.core.createNode(opts.protocol, opts.self, opts.start);
  }

  /**
   * Opens every link, then starts ticking.
   * @example const d = await ClusterDriver.start({ core: { createNode, step }, ... });
   */
  static async start(opts: DriverOptions): Promise<Result<ClusterDriver, string>> {
    assert(opts.links.length > 0, "a driver needs at least one link");
    const d = new ClusterDriver(opts);
    for (const spec of opts.links) {
      const s = await openLink(spec, (bytes) => d.onDatagram(spec.linkNumber, bytes));
      if (!s.ok) {
        d.stop();
        return err(s.error);
      }
      d.sockets.push(s.value);
    }
    d.tick(); // and arms the next one
    return ok(d);
  }

  get counters(): Readonly<TransportCounters> {
    return this.receiver.counters;
  }
  get view(): View | null {
    return this.currentView;
  }
  get quorum(): QuorumState | null {
    return this.currentQuorum;
  }

  /**
   * Broadcasts an application message in agreed order to the current (or next) view. The
   * message is queued and fed to the core a few per macrotask, so that a burst of broadcasts
   * never holds the event loop (and the next heartbeat) for long.
   */
  broadcast(payload: Uint8Array): void {
    if (this.stopped) return;
    assert(
      this.outbox.length < outboxMessagesMax,
      "broadcast queue overflow: the application outpaces the cluster",
    );
    this.outbox.push(payload);
    if (this.outboxScheduled) return;
    this.outboxScheduled = true;
    setImmediate(() => this.drainOutbox());
  }

  /** Application messages waiting to be handed to the core. */
  get outboxLength(): number {
    return this.outbox.length;
  }

  private drainOutbox(): void {
    this.outboxScheduled = false;
    if (this.stopped) return;
    for (let i = 0; i < broadcastsPerTurn && this.outbox.length > 0; i++) {
      const payload = this.outbox.shift();
      if (payload !== undefined) this.feed({ kind: "broadcast", payload });
    }
    if (this.outbox.length > 0) {
      this.outboxScheduled = true;
      setImmediate(() => this.drainOutbox());
    }
  }

  /** Tells the members we leave (so they need not wait for the token timeout), then stops. */
  leave(): void {
    for (const payload of this.outbox.splice(0)) this.feed({ kind: "broadcast", payload });
    this.feed({ kind: "leave" });
    // Closing a socket cancels sends still queued in it: give the leave packets a moment.
    this.stop({ closeAfterMs: leaveFlushMs });
  }

  /** Stops ticking and receiving; the sockets close now, or after `closeAfterMs`. */
  stop(opts: { closeAfterMs?: number } = {}): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAtMs = Number.POSITIVE_INFINITY;
    const sockets = this.sockets;
    this.sockets = [];
    const close = (): void => {
      for (const s of sockets) s.close();
    };
    if (opts.closeAfterMs === undefined) close();
    else setTimeout(close, opts.closeAfterMs);
  }

  /** Per link, each peer's address and whether the link to it is up now. */
  linkStates(): { linkNumber: number; localAddr: string; peers: LinkPeerState[] }[] {
    const now = this.clock.monotonicMs();
    return this.opts.links.map((l) => ({
      linkNumber: l.linkNumber,
      localAddr: l.localAddr,
      peers: this.peers.map((p) => ({
        nodeId: p,
        addr: l.peers.get(p),
        up: this.health.isUp(l.linkNumber, p, now),
      })),
    }));
  }

  private tick(): void {
    const now = this.clock.monotonicMs();
    if (!Number.isNaN(this.lastTickMs))
      this.maxTickGapMs = Math.max(this.maxTickGapMs, now - this.lastTickMs);
    this.lastTickMs = now;
    this.feed({ kind: "tick" });
  }

  /**
   * Arms the timer for the core's next tick: the fast rate while it is busy, its next deadline
   * when idle. Called after every input, since a packet or a broadcast can make it busy.
   */
  private arm(): void {
    if (this.stopped) return;
    const now = this.clock.monotonicMs();
    const fastMs = Number.isNaN(this.lastTickMs) ? now : this.lastTickMs + this.tickMs;
    const dueMs = this.opts.core.nextTickMs?.(this.state, now) ?? fastMs;
    const atMs = Math.max(fastMs, dueMs);
    if (atMs >= this.timerAtMs) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAtMs = atMs;
    // Timers run on whole milliseconds and may fire a fraction early: round up.
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAtMs = Number.POSITIVE_INFINITY;
        this.tick();
      },
      Math.max(0, Math.ceil(atMs - now)),
    );
  }

  private onDatagram(link: number, bytes: Buffer): void {
    if (this.stopped) return;
    const r = this.receiver.receive(bytes);
    if (r === undefined) return;
    this.health.heard(link, r.header.sender, this.clock.monotonicMs(), r.header.hearMask);
    this.feed({ kind: "packet", wire: r.wire });
  }

  /** Runs one input through the core; inputs raised meanwhile (callbacks) wait their turn. */
  private feed(input: Input): void {
    if (this.busy) {
      assert(this.pending.length < pendingInputsMax, "driver input queue overflow");
      this.pending.push(input);
      return;
    }
    this.busy = true;
    try {
      let next: Input | undefined = input;
      while (next !== undefined) {
        const r = this.opts.core.step(this.state, next, this.clock.monotonicMs());
        this.state = r.state;
        for (const out of r.outputs) this.execute(out);
        next = this.pending.shift();
      }
    } finally {
      this.busy = false;
    }
    this.arm();
  }

  private execute(out: Output): void {
    switch (out.kind) {
      case "persist":
        this.opts.persist(out.ringSeq);
        return;
      case "send":
        this.sendWire(out.wire, [out.to]);
        return;
      case "broadcast":
        this.sendWire(out.wire, this.peers);
        return;
      case "deliver":
        this.deliveredCount++;
        this.opts.onDeliver?.(out);
        return;
      case "view":
        this.currentView = out.view;
        this.opts.onView?.(out.view);
        return;
      case "quorum":
        this.currentQuorum = out.quorum;
        this.opts.onQuorum?.(out.quorum);
        return;
    }
  }

  /** Seals and sends `wire` to `targets` (one peer, or every peer), choosing links. */
  private sendWire(wire: Wire, targets: readonly number[]): void {
    if (this.stopped || targets.length === 0) return;
    const bytes = encodeWire(wire);
    const now = this.clock.monotonicMs();
    const everyLink = wire.kind === "heartbeat" || wire.kind === "leave";
    const dest = targets.length === 1 ? (targets[0] ?? 0) : 0;
    for (const socket of this.sockets) {
      const link = socket.spec;
      if (link.mode === "multicast") {
        const wanted = everyLink || this.health.linksForAll(targets, now).includes(link.linkNumber);
        if (wanted) this.sendOne(socket, bytes, dest, undefined);
        continue;
      }
      for (const peer of targets) {
        const addr = link.peers.get(peer);
        if (addr === undefined) continue;
        if (!everyLink && !this.health.linksFor(peer, now).includes(link.linkNumber)) continue;
        this.sendOne(socket, bytes, peer, addr);
      }
    }
  }

  private sendOne(
    socket: LinkSocket,
    bytes: Uint8Array,
    dest: number,
    addr: string | undefined,
  ): void {
    this.seq++;
    const now = this.clock.monotonicMs();
    const hearMask =
      dest === 0 || socket.spec.mode === "multicast" ? 0xff : this.health.hearMask(dest, now);
    const datagram = sealPacketParts(
      this.keys,
      {
        link: socket.spec.linkNumber,
        hearMask,
        sender: this.opts.self,
        dest,
        incarnation: this.opts.start.incarnation,
        seq: this.seq,
      },
      bytes,
    );
    this.receiver.counters.txDatagrams++;
    socket.send(datagram, addr, this.onSent);
  }

  /** The send callback of every datagram (one function, not a closure per packet). */
  private readonly onSent = (e: Error | null): void => {
    if (e) this.receiver.counters.txErrors++;
  };
}
