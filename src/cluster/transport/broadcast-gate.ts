/**
 * Backpressure for the owner of a `ClusterDriver` (the daemon, `pacer cluster-node`): the
 * protocol core accepts a broadcast only within `broadcastRoom` (api.ts) and asserts past it,
 * and the driver queues broadcasts before the core takes them. `BroadcastGate` wraps the core
 * handed to the driver, so it always sees the latest state, and counts what the driver still
 * queues: `offer` hands a message on only when it fits, else the caller tries again later
 * (Corosync's CPG: CS_ERR_TRY_AGAIN).
 */
import {
  type BroadcastRoom,
  broadcastRoom,
  describeNode,
  type NodeState,
  type NodeSummary,
} from "../protocol/api.js";
import type { ProtocolCore } from "./driver.js";

/** What the gate needs of the driver (ClusterDriver has both). */
export interface BroadcastSink {
  readonly outboxLength: number;
  broadcast(payload: Uint8Array): void;
}

export class BroadcastGate {
  /** The core to hand to `ClusterDriver.start` in place of `inner`. */
  readonly core: ProtocolCore;
  private latest: NodeState | undefined;
  /** Payload bytes handed to the driver and not yet fed to the core. */
  private queuedBytes = 0;

  /** @example const gate = new BroadcastGate({ createNode, step, nextTickMs }); */
  constructor(inner: ProtocolCore) {
    const next = inner.nextTickMs;
    this.core = {
      createNode: (config, self, start) => {
        this.latest = inner.createNode(config, self, start);
        return this.latest;
      },
      step: (state, input, nowMs) => {
        if (input.kind === "broadcast") this.queuedBytes -= input.payload.length;
        const r = inner.step(state, input, nowMs);
        this.latest = r.state;
        return r;
      },
      ...(next === undefined ? {} : { nextTickMs: next }),
    };
  }

  /** Room left for new messages, after what `sink` still queues; zero before the core exists. */
  room(sink: BroadcastSink): BroadcastRoom {
    if (this.latest === undefined) return { messages: 0, bytes: 0 };
    const r = broadcastRoom(this.latest);
    return {
      messages: Math.max(0, r.messages - sink.outboxLength),
      bytes: Math.max(0, r.bytes - this.queuedBytes),
    };
  }

  /** Hands `payloads` to `sink` if all fit (all or none); false: try again later. */
  offer(sink: BroadcastSink, payloads: readonly Uint8Array[]): boolean {
    const room = this.room(sink);
    const bytes = payloads.reduce((n, p) => n + p.length, 0);
    if (payloads.length > room.messages || bytes > room.bytes) return false;
    for (const p of payloads) {
      this.queuedBytes += p.length;
      sink.broadcast(p);
    }
    return true;
  }

  /** The core's summary (phase, ring, pending messages), undefined before it exists. */
  summary(): NodeSummary | undefined {
    return this.latest === undefined ? undefined : describeNode(this.latest);
  }
}
