/**
 * Runs the scheduler in a worker_thread (scheduler-worker.ts), one job at a time, so the
 * main thread (heartbeats, api) never waits on it. A crashed worker is replaced.
 */
import { Worker } from "node:worker_threads";
import { printXml, type XmlElement } from "../cib/xml.js";
import type { TransitionGraph } from "../controller/graph.js";
import type { SchedulerRunner } from "./node.js";

interface Answer {
  readonly seq: number;
  readonly graph?: TransitionGraph;
  readonly error?: string;
}

/** One node, one stopped primitive: enough to run unpack, placement, probes and the graph. */
const WARM_UP_CIB =
  '<cib admin_epoch="0" epoch="0" num_updates="0"><configuration><crm_config/>' +
  '<nodes><node id="1" uname="warm-up"/></nodes><resources><primitive id="warm-up" ' +
  'class="ocf" provider="heartbeat" type="Dummy"/></resources><constraints/></configuration>' +
  "<status/></cib>";

export class WorkerScheduler implements SchedulerRunner {
  private worker: Worker | undefined;
  private seq = 0;
  private readonly waiting = new Map<
    number,
    { resolve(g: TransitionGraph): void; reject(e: Error): void }
  >();

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL("./scheduler-worker.js", import.meta.url));
    w.on("message", (a: Answer) => {
      const p = this.waiting.get(a.seq);
      if (!p) return;
      this.waiting.delete(a.seq);
      if (a.graph) p.resolve(a.graph);
      else p.reject(new Error(a.error ?? "scheduler failed"));
    });
    w.on("error", (e) => this.failAll(e));
    w.on("exit", () => {
      this.worker = undefined;
      this.failAll(new Error("scheduler worker exited"));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /**
   * Starts the worker ahead of need and runs one throw-away job, so that a new DC pays neither
   * for loading the scheduler nor for its first, unoptimised run (measured: first schedule of
   * the lab's CIB 47-66 ms in a fresh worker, 17-38 ms after this warm-up; on a node booting
   * at load 20 the cold one took ~1 s and delayed the cold start's first transition).
   */
  warm(): void {
    this.seq += 1;
    this.ensure().postMessage({ seq: this.seq, cib: WARM_UP_CIB, nowS: 0 });
  }

  schedule(cib: XmlElement, nowS: number): Promise<TransitionGraph> {
    this.seq += 1;
    const seq = this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.ensure().postMessage({ seq, cib: printXml(cib, { indent: "" }), nowS });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.terminate();
  }
}
