/**
 * One `pacer node` process: the controller core driven with real time, wired to the cluster
 * layer (views + agreed-order messages), the executor (agents), the scheduler (a worker
 * thread), the CIB file in the state dir, and the api socket. This file is the only place
 * that knows all of them; each effect of the controller is executed here, in order.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:net";
import { join } from "node:path";
import type { Logger } from "pino";
import { atomicWrite } from "../cib/persist.js";
import { cloneElement, parseXml, printXml, removeAttr, type XmlElement } from "../cib/xml.js";
import { handleStatusRequest } from "../cluster/transport/status-api.js";
import { cibDigest, cibVersion, emptyCib } from "../controller/cib-state.js";
import { Controller, type Now } from "../controller/controller.js";
import type { TransitionGraph } from "../controller/graph.js";
import type {
  CibRequest,
  ControllerEvent,
  Effect,
  Message,
  OpResult,
} from "../controller/types.js";
import type { Executor } from "../executor/executor.js";
import type { ApiRequest } from "./api-protocol.js";
import { startApiServer } from "./api-server.js";
import type { ClusterLayer } from "./cluster-layer.js";
import { runAction } from "./executor-bridge.js";

/** Computes a transition graph from a CIB (in the daemon: a worker thread). */
export interface SchedulerRunner {
  schedule(cib: XmlElement, nowS: number): Promise<TransitionGraph>;
  close(): Promise<void>;
}

export interface NodeDaemonOptions {
  readonly stateDir: string;
  readonly apiSocket: string;
  readonly clusterName?: string;
  readonly cluster: ClusterLayer;
  readonly executor: Executor;
  readonly scheduler: SchedulerRunner;
  readonly log: Logger;
  /** Called once the node may exit (after a clean shutdown). */
  readonly onExit: (code: number) => void;
}

/** Controller timers (action timeouts, recheck) are in seconds; results flush per batch. */
const TICK_MS = 1000;
const CLIENT_TIMEOUT_MS = 60_000;

interface Waiter {
  resolve(answer: Record<string, unknown>): void;
  timer: NodeJS.Timeout;
}

/** Loads the persisted CIB, or the empty CIB when there is none (first start). */
export function loadCib(stateDir: string, log: Logger): XmlElement {
  const path = join(stateDir, "cib.xml");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    log.info({ path }, "no CIB on disk; starting with an empty one");
    return emptyCib();
  }
  const r = parseXml(text, path);
  if (!r.ok || r.value.name !== "cib") {
    log.error({ path }, "the CIB on disk is unreadable; starting empty (the cluster's copy wins)");
    return emptyCib();
  }
  return r.value;
}

export class NodeDaemon {
  readonly ctrl: Controller;
  private readonly started = performance.now();
  private tickTimer: NodeJS.Timeout | undefined;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAtMs = 0;
  private api: Server | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextReqId = 1;
  private persistChain: Promise<void> = Promise.resolve();
  private readonly lastReported = new Map<string, string>();
  private stopping = false;

  constructor(private readonly opts: NodeDaemonOptions) {
    this.ctrl = new Controller({
      self: opts.cluster.self.name,
      cib: loadCib(opts.stateDir, opts.log),
      incarnation: Date.now(),
      nodelist: opts.cluster.nodelist,
      ...(opts.clusterName !== undefined ? { clusterName: opts.clusterName } : {}),
    });
  }

  private now(): Now {
    return { monoMs: performance.now() - this.started, wallS: Math.floor(Date.now() / 1000) };
  }

  async start(): Promise<void> {
    this.api = await startApiServer({
      path: this.opts.apiSocket,
      handler: (req) => this.handleApi(req),
      onError: (detail) => this.opts.log.error({ detail }, "api handler failed"),
    });
    await this.opts.cluster.start({
      onView: (view) => this.feed({ kind: "view", view }),
      onDeliver: (from, payload) => this.onDeliver(from, payload),
      onBatchEnd: () => this.feed({ kind: "flush" }),
    });
    this.tickTimer = setInterval(() => this.feed({ kind: "tick" }), TICK_MS);
    this.opts.log.info(
      { node: this.opts.cluster.self.name, api: this.opts.apiSocket },
      "pacer node started",
    );
  }

  private onDeliver(from: string, payload: Uint8Array): void {
    let msg: Message;
    try {
      msg = JSON.parse(Buffer.from(payload).toString("utf8")) as Message;
    } catch {
      this.opts.log.warn({ from }, "dropped an undecodable controller message");
      return;
    }
    this.feed({ kind: "deliver", from, msg });
  }

  /** Feeds one event to the controller and runs its effects in order. */
  feed(event: ControllerEvent): void {
    if (this.stopping && event.kind !== "deliver" && event.kind !== "view") return;
    const effects = this.ctrl.step(event, this.now());
    for (const e of effects) this.run(e);
  }

  private run(e: Effect): void {
    switch (e.kind) {
      case "broadcast":
        this.opts.cluster.broadcast(Buffer.from(JSON.stringify(e.msg), "utf8"));
        return;
      case "persist":
        this.persist(e.cib);
        return;
      case "schedule":
        this.opts.scheduler.schedule(e.cib, this.now().wallS).then(
          (graph) => this.feed({ kind: "scheduled", seq: e.seq, graph }),
          (err: unknown) => {
            this.opts.log.error({ err: String(err) }, "the scheduler failed; retrying on tick");
            this.feed({
              kind: "scheduled",
              seq: e.seq,
              graph: { actions: [], recheckAtS: this.now().wallS + 1 },
            });
          },
        );
        return;
      case "execute":
        runAction(this.opts.executor, e.action, (r) => this.report(r));
        return;
      case "cancel-recurring":
        return;
      case "client-reply":
        this.reply(e.reqId, e.error, e.code);
        return;
      case "log":
        this.opts.log[e.level](e.fields ?? {}, e.msg);
        return;
      case "exit":
        void this.stop(0);
        return;
      case "wake":
        this.wakeAt(e.atMs);
        return;
    }
  }

  /**
   * One timer for the controller's `wake`s: the earliest asked wins (the controller asks
   * again, at its flush, for anything still due later).
   */
  private wakeAt(atMs: number): void {
    if (this.wakeTimer && this.wakeAtMs <= atMs) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAtMs = atMs;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.feed({ kind: "flush" });
      },
      // +1 ms: a timer may fire a fraction of a millisecond before `atMs` on the monotonic clock.
      Math.max(0, atMs - this.now().monoMs) + 1,
    );
  }

  /** Executor results, once each (a recurring op's first result may arrive twice). */
  report(r: OpResult): void {
    const key = `${r.resource}_${r.operation}_${r.intervalMs}`;
    const sig = `${r.callId}:${r.rc}:${r.opStatus}`;
    if (r.intervalMs > 0 && this.lastReported.get(key) === sig) return;
    this.lastReported.set(key, sig);
    this.feed({ kind: "op-result", result: r });
  }

  private persist(cib: XmlElement): void {
    const text = printXml(cib);
    const path = join(this.opts.stateDir, "cib.xml");
    this.persistChain = this.persistChain.then(async () => {
      const r = await atomicWrite(path, text, { mode: 0o600 });
      if (!r.ok) this.opts.log.error({ path, err: r.error }, "could not persist the CIB");
    });
  }

  private reply(reqId: number, error: string | null, code: number): void {
    const w = this.waiters.get(reqId);
    if (!w) return;
    this.waiters.delete(reqId);
    clearTimeout(w.timer);
    w.resolve(
      error === null
        ? { ok: true, version: cibVersion(this.ctrl.cib) }
        : { ok: false, error, code },
    );
  }

  private request(
    request: CibRequest,
    client: string | undefined,
  ): Promise<Record<string, unknown>> {
    const reqId = this.nextReqId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(reqId);
        resolve({ ok: false, error: "Timer expired: the cluster did not answer", code: 124 });
      }, CLIENT_TIMEOUT_MS);
      this.waiters.set(reqId, { resolve, timer });
      this.feed(
        client === undefined
          ? { kind: "client-request", reqId, request }
          : { kind: "client-request", reqId, request, client },
      );
    });
  }

  private async handleApi(req: ApiRequest): Promise<Record<string, unknown>> {
    switch (req.op) {
      case "cib-query":
        if (!this.ctrl.joined && this.ctrl.view === null) {
          return { ok: false, error: "Transport endpoint is not connected", code: 102 };
        }
        if (!this.ctrl.joined) {
          // Before the join this node's copy may be stale and no DC is known (crm_mon then
          // says "Current DC: NONE", as Pacemaker does while starting).
          const copy = cloneElement(this.ctrl.cib);
          removeAttr(copy, "dc-uuid");
          return { ok: true, cib: printXml(copy) };
        }
        return { ok: true, cib: printXml(this.ctrl.cib) };
      case "cib-replace":
        return this.request({ op: "replace", cib: req.cib, bump: req.bump }, req.client);
      case "attr":
        return this.request(
          { op: "attr", node: req.node, name: req.name, value: req.value, lifetime: req.lifetime },
          req.client,
        );
      case "cleanup":
        return this.request({ op: "cleanup", resource: req.resource, node: req.node }, req.client);
      case "node-status":
        return this.nodeStatus();
      case "controller-status":
        return {
          ok: true,
          joined: this.ctrl.joined,
          isDc: this.ctrl.isDc,
          dc: this.ctrl.dc?.name ?? null,
          busy: this.ctrl.transitionSummary().busy,
          digest: cibDigest(this.ctrl.cib),
          version: cibVersion(this.ctrl.cib),
        };
      case "cluster-status":
        return JSON.parse(
          handleStatusRequest('{"op":"cluster-status"}', () => this.opts.cluster.status()),
        ) as Record<string, unknown>;
    }
  }

  private nodeStatus(): Record<string, unknown> {
    const view = this.ctrl.view;
    return {
      ok: true,
      self: this.opts.cluster.self,
      dc: this.ctrl.dc?.name ?? null,
      quorate: view?.quorate ?? false,
      members: view?.members ?? [],
      nodelist: this.opts.cluster.nodelist,
    };
  }

  /** Stops everything this process started; resources are left as they are. */
  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    for (const w of this.waiters.values()) clearTimeout(w.timer);
    await this.persistChain;
    await this.opts.cluster.stop().catch(() => undefined);
    await this.opts.scheduler.close().catch(() => undefined);
    this.api?.close();
    this.opts.log.info({ code }, "pacer node stopped");
    this.opts.onExit(code);
  }

  /** SIGTERM: ask the DC to move resources away, exit when it allows (or alone). */
  shutdown(): void {
    this.feed({ kind: "shutdown-request" });
  }
}
