/**
 * The cluster layer of a real node: src/cluster/transport's driver (UDP, crypto, the protocol
 * core with real time) adapted to what the daemon needs. Node ids become names from the
 * nodelist; a view and the quorum state that follows it become one controller view; a
 * quorum change inside a ring becomes a new view number that all members compute alike
 * (quorum changes are delivered in agreed order). Deliveries are handed on through a queue
 * drained on the next macrotask, so the driver's callbacks stay short.
 */
import { join } from "node:path";
import { deriveClusterKey } from "../cluster/config/authkey.js";
import { toProtocolConfig } from "../cluster/config/protocol-config.js";
import type { CorosyncConfig } from "../cluster/config/types.js";
import {
  createNode,
  nextTickMs,
  nodeId,
  type View as RingView,
  step,
} from "../cluster/protocol/api.js";
import { buildClusterStatus, MemberHistory } from "../cluster/transport/cluster-status.js";
import { ClusterDriver } from "../cluster/transport/driver.js";
import { planLinks } from "../cluster/transport/links.js";
import { localAddresses } from "../cluster/transport/local-addresses.js";
import { readNumberFile, writeNumberFileSync } from "../cluster/transport/state-files.js";
import type { ClusterStatus } from "../cluster/transport/status-api.js";
import type { View } from "../controller/types.js";
import { err, ok, type Result } from "../shared/result.js";
import type { ClusterHandlers, ClusterLayer } from "./cluster-layer.js";

/** Quorum-only changes inside one ring, at most (keeps view numbers unique per ring). */
const QUORUM_CHANGES_PER_RING_MAX = 999;

export function nodeNames(config: CorosyncConfig): { id: number; name: string }[] {
  return config.nodelist
    .filter((n) => n.nodeId !== undefined)
    .map((n) => ({ id: n.nodeId as number, name: n.name ?? `node${n.nodeId}` }));
}

export class TransportLayer implements ClusterLayer {
  readonly nodelist: readonly { id: number; name: string }[];
  private driver: ClusterDriver | undefined;
  private readonly history = new MemberHistory();
  private ring: RingView | null = null;
  private quorumChanges = 0;
  private quorate = false;
  private awaitingQuorum = false;
  private handlers: ClusterHandlers | undefined;
  private readonly queue: (() => void)[] = [];
  private draining = false;

  constructor(
    private readonly config: CorosyncConfig,
    readonly self: { id: number; name: string },
    private readonly opts: { authkey: Buffer; stateDir: string },
  ) {
    this.nodelist = nodeNames(config);
  }

  private name(id: number): string {
    return this.nodelist.find((n) => n.id === id)?.name ?? `node${id}`;
  }

  private enqueue(f: () => void): void {
    this.queue.push(f);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      for (const g of this.queue.splice(0)) g();
      this.handlers?.onBatchEnd();
    });
  }

  private emitView(): void {
    const ring = this.ring;
    if (!ring) return;
    const view: View = {
      ringSeq:
        ring.ringId.seq * (QUORUM_CHANGES_PER_RING_MAX + 1) +
        Math.min(this.quorumChanges, QUORUM_CHANGES_PER_RING_MAX),
      members: ring.members.map((id) => ({ id, name: this.name(id) })),
      quorate: this.quorate,
    };
    this.enqueue(() => this.handlers?.onView(view));
  }

  async start(handlers: ClusterHandlers): Promise<void> {
    this.handlers = handlers;
    const links = planLinks(this.config, { self: this.self.id, addresses: localAddresses() });
    if (!links.ok) throw new Error(links.error);
    const r = await this.open(links.value);
    if (!r.ok) throw new Error(r.error);
    this.driver = r.value;
  }

  private async open(
    links: Parameters<typeof ClusterDriver.start>[0]["links"],
  ): Promise<Result<ClusterDriver, string>> {
    const incFile = join(this.opts.stateDir, "incarnation");
    const seqFile = join(this.opts.stateDir, "ring-seq");
    const incarnation = Math.max((readNumberFile(incFile) ?? 0) + 1, Date.now());
    writeNumberFileSync(incFile, incarnation);
    const d = await ClusterDriver.start({
      core: { createNode, step, nextTickMs },
      protocol: toProtocolConfig(this.config),
      self: nodeId(this.self.id),
      start: { incarnation, ringSeq: readNumberFile(seqFile) ?? 0 },
      links,
      clusterKey: deriveClusterKey(this.opts.authkey, {
        clusterName: this.config.totem.clusterName ?? "",
      }),
      persist: (ringSeq) => writeNumberFileSync(seqFile, ringSeq),
      onView: (v) => {
        this.history.observe(v);
        this.ring = v;
        this.quorumChanges = 0;
        this.awaitingQuorum = true;
      },
      onQuorum: (q) => {
        const changed = q.quorate !== this.quorate;
        this.quorate = q.quorate;
        if (this.awaitingQuorum) {
          this.awaitingQuorum = false;
          this.emitView();
        } else if (changed) {
          this.quorumChanges += 1;
          this.emitView();
        }
      },
      onDeliver: (msg) => {
        const from = this.name(msg.sender);
        const payload = msg.payload;
        this.enqueue(() => this.handlers?.onDeliver(from, payload));
      },
    });
    return d.ok ? ok(d.value) : err(d.error);
  }

  broadcast(payload: Uint8Array): void {
    this.driver?.broadcast(payload);
  }

  status(): ClusterStatus | null {
    const d = this.driver;
    if (!d) return null;
    return buildClusterStatus(this.config, {
      self: this.self.id,
      driver: d,
      history: this.history,
    });
  }

  async stop(): Promise<void> {
    const d = this.driver;
    this.driver = undefined;
    if (!d) return;
    d.leave();
    // Give the leave message a moment on the wire before the sockets close.
    await new Promise((r) => setTimeout(r, 50));
    d.stop();
  }
}
