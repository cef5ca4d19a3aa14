/**
 * An in-process cluster layer for daemon tests: several NodeDaemons in one process share one
 * agreed-order queue (delivered on the next macrotask, in the same order to every member,
 * the sender included). Views are installed by the test. It stands in for the UDP transport
 * so the daemon's own wiring (api socket, executor, persistence) is testable alone.
 */
import type { ClusterStatus } from "../../cluster/transport/status-api.js";
import type { View } from "../../controller/types.js";
import type { ClusterHandlers, ClusterLayer } from "../cluster-layer.js";

export class LocalBus {
  private readonly layers = new Map<string, LocalLayer>();
  private ringSeq = 0;
  private readonly queue: { from: string; payload: Uint8Array }[] = [];
  private scheduled = false;

  constructor(readonly nodelist: readonly { id: number; name: string }[]) {}

  layer(name: string): LocalLayer {
    const self = this.nodelist.find((n) => n.name === name);
    if (!self) throw new Error(`${name} is not in the nodelist`);
    const l = new LocalLayer(this, self);
    this.layers.set(name, l);
    return l;
  }

  /** Installs a view of every started layer (quorum: a strict majority of the nodelist). */
  installView(): void {
    this.ringSeq += 1;
    const members = this.nodelist.filter((n) => this.layers.get(n.name)?.running === true);
    const view: View = {
      ringSeq: this.ringSeq,
      members,
      quorate: members.length * 2 > this.nodelist.length,
    };
    for (const m of members) this.layers.get(m.name)?.handlers?.onView(view);
  }

  send(from: string, payload: Uint8Array): void {
    this.queue.push({ from, payload });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    for (const m of this.queue.splice(0)) {
      for (const l of this.layers.values()) {
        if (l.running) l.handlers?.onDeliver(m.from, m.payload);
      }
    }
    for (const l of this.layers.values()) if (l.running) l.handlers?.onBatchEnd();
  }

  leave(name: string): void {
    const l = this.layers.get(name);
    if (l) l.running = false;
    this.installView();
  }
}

export class LocalLayer implements ClusterLayer {
  handlers: ClusterHandlers | undefined;
  running = false;

  constructor(
    private readonly bus: LocalBus,
    readonly self: { id: number; name: string },
  ) {}

  get nodelist(): readonly { id: number; name: string }[] {
    return this.bus.nodelist;
  }

  async start(handlers: ClusterHandlers): Promise<void> {
    this.handlers = handlers;
    this.running = true;
  }

  broadcast(payload: Uint8Array): void {
    if (this.running) this.bus.send(this.self.name, payload);
  }

  status(): ClusterStatus | null {
    return null;
  }

  async stop(): Promise<void> {
    if (this.running) this.bus.leave(this.self.name);
  }
}
