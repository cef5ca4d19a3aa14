/**
 * The cluster layer in its own worker thread, for the node daemon: heartbeats, membership and
 * packet crypto run on the worker's event loop, so a long task on the main thread (parsing a
 * large CIB, a slow callback) delays deliveries to the main thread but never a heartbeat, and
 * never causes a false node failure. The main thread gets views, quorum changes and
 * deliveries as events, in the core's order, and sends broadcasts.
 */
import { Worker } from "node:worker_threads";
import { err, ok, type Result } from "../../shared/result.js";
import type { QuorumState, View } from "../protocol/api.js";
import type { Delivery } from "./driver.js";
import type { TransportCounters } from "./receive.js";
import type { ClusterStatus } from "./status-api.js";

export interface WorkerData {
  readonly configText: string;
  readonly configFile: string;
  readonly authkey: Uint8Array;
  readonly self: number;
  readonly stateDir: string;
  readonly incarnation: number;
}

export type HostRequest =
  | { readonly kind: "broadcast"; readonly payload: Uint8Array }
  | { readonly kind: "status"; readonly id: number }
  | { readonly kind: "counters"; readonly id: number }
  | { readonly kind: "leave" };

export type WorkerEvent =
  | { readonly kind: "started" }
  | { readonly kind: "failed"; readonly error: string }
  | { readonly kind: "view"; readonly view: View }
  | { readonly kind: "quorum"; readonly quorum: QuorumState }
  | { readonly kind: "deliver"; readonly delivery: Delivery }
  | { readonly kind: "status"; readonly id: number; readonly status: ClusterStatus }
  | {
      readonly kind: "counters";
      readonly id: number;
      readonly counters: TransportCounters;
      readonly maxTickGapMs: number;
    }
  | { readonly kind: "left" };

export interface ClusterHostOptions extends WorkerData {
  readonly onView?: (v: View) => void;
  readonly onQuorum?: (q: QuorumState) => void;
  readonly onDeliver?: (d: Delivery) => void;
}

/** Requests waiting for the worker's answer at most (status/counters). */
export const pendingRequestsMax = 1024;

export class ClusterHost {
  private nextId = 1;
  private readonly waiting = new Map<number, (e: WorkerEvent) => void>();

  private constructor(
    private readonly worker: Worker,
    private readonly opts: ClusterHostOptions,
  ) {}

  /**
   * Starts the worker and resolves once its links are open.
   * @example const h = await ClusterHost.start({ configText, configFile, authkey, self: 1, ... });
   */
  static start(opts: ClusterHostOptions): Promise<Result<ClusterHost, string>> {
    const { onView: _v, onQuorum: _q, onDeliver: _d, ...data } = opts;
    const worker = new Worker(new URL("./cluster-worker.js", import.meta.url), {
      workerData: data,
    });
    const host = new ClusterHost(worker, opts);
    return new Promise((resolve) => {
      let settled = false;
      worker.on("message", (e: WorkerEvent) => {
        if (!settled && (e.kind === "started" || e.kind === "failed")) {
          settled = true;
          if (e.kind === "started") resolve(ok(host));
          else {
            void worker.terminate();
            resolve(err(e.error));
          }
          return;
        }
        host.onEvent(e);
      });
      worker.on("error", (e) => {
        if (!settled) {
          settled = true;
          resolve(err(`cluster worker: ${e.message}`));
        }
      });
    });
  }

  broadcast(payload: Uint8Array): void {
    this.worker.postMessage({ kind: "broadcast", payload } satisfies HostRequest);
  }

  status(): Promise<ClusterStatus> {
    return this.ask("status").then((e) => {
      if (e.kind !== "status") throw new Error("cluster worker answered out of turn");
      return e.status;
    });
  }

  counters(): Promise<{ counters: TransportCounters; maxTickGapMs: number }> {
    return this.ask("counters").then((e) => {
      if (e.kind !== "counters") throw new Error("cluster worker answered out of turn");
      return { counters: e.counters, maxTickGapMs: e.maxTickGapMs };
    });
  }

  /** Graceful leave (members need not wait for the token timeout), then the worker ends. */
  async leave(): Promise<void> {
    this.worker.postMessage({ kind: "leave" } satisfies HostRequest);
    await new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
  }

  /** Hard stop (tests, fatal errors): like a crash, the members detect it by timeout. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private ask(kind: "status" | "counters"): Promise<WorkerEvent> {
    if (this.waiting.size >= pendingRequestsMax)
      return Promise.reject(new Error("too many requests"));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.worker.postMessage({ kind, id } satisfies HostRequest);
    });
  }

  private onEvent(e: WorkerEvent): void {
    switch (e.kind) {
      case "view":
        this.opts.onView?.(e.view);
        return;
      case "quorum":
        this.opts.onQuorum?.(e.quorum);
        return;
      case "deliver":
        this.opts.onDeliver?.(e.delivery);
        return;
      case "status":
      case "counters": {
        const w = this.waiting.get(e.id);
        this.waiting.delete(e.id);
        w?.(e);
        return;
      }
      default:
        return;
    }
  }
}
