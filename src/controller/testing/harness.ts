/**
 * An in-memory cluster for controller tests: agreed-order broadcast (one global queue, every
 * member of the view receives every message in the same order, the sender included), views
 * installed by the test, virtual time, a fake executor per node and an injected scheduler.
 * Deterministic: no clock, no randomness, no I/O.
 */
import { cloneElement, type XmlElement } from "../../cib/xml.js";
import { assert } from "../../shared/assert.js";
import { emptyCib } from "../cib-state.js";
import { Controller } from "../controller.js";
import type { GraphAction, TransitionGraph } from "../graph.js";
import type { CibRequest, Effect, Member, Message, OpResult } from "../types.js";

export type SchedulerFn = (cib: XmlElement, nowS: number) => TransitionGraph;

interface FakeNode {
  readonly member: Member;
  ctrl: Controller;
  up: boolean;
  persisted: XmlElement | null;
  /** Resources the fake executor believes are running. */
  readonly running: Set<string>;
  readonly recurring: Map<string, { action: GraphAction; callId: number }>;
  callId: number;
  /** Resource ids whose next start fails. */
  readonly failStart: Set<string>;
}

type Pending =
  | { readonly at: number; readonly node: string; readonly kind: "result"; readonly r: OpResult }
  | {
      readonly at: number;
      readonly node: string;
      readonly kind: "graph";
      readonly seq: number;
      readonly graph: TransitionGraph;
    }
  | { readonly at: number; readonly node: string; readonly kind: "wake" };

export interface Reply {
  readonly node: string;
  readonly reqId: number;
  readonly error: string | null;
  readonly code: number;
}

const START_WALL_S = 1_790_000_000;

export class FakeCluster {
  readonly nodes = new Map<string, FakeNode>();
  private queue: { from: string; msg: Message }[] = [];
  private pending: Pending[] = [];
  nowMs = 0;
  private ringSeq = 0;
  readonly replies: Reply[] = [];
  readonly log: string[] = [];
  readonly executed: { node: string; key: string }[] = [];
  private incarnation = 1;
  private nextReq = 1;
  /** corosync.conf's nodelist as every controller is given it (none unless a test sets it). */
  nodelist: readonly Member[] = [];

  constructor(
    private readonly scheduler: SchedulerFn,
    readonly opMs = 50,
  ) {}

  get wallS(): number {
    return START_WALL_S + Math.floor(this.nowMs / 1000);
  }

  addNode(name: string, id: number, cib: XmlElement = emptyCib()): void {
    this.nodes.set(name, {
      member: { id, name },
      ctrl: this.controller(name, cib),
      up: true,
      persisted: null,
      running: new Set(),
      recurring: new Map(),
      callId: 0,
      failStart: new Set(),
    });
  }

  private controller(self: string, cib: XmlElement): Controller {
    return new Controller({
      self,
      cib,
      incarnation: this.incarnation++,
      nodelist: this.nodelist,
    });
  }

  node(name: string): FakeNode {
    const n = this.nodes.get(name);
    assert(n !== undefined, `no node ${name}`);
    return n;
  }

  members(): Member[] {
    return [...this.nodes.values()].filter((n) => n.up).map((n) => n.member);
  }

  /** Installs a new view on every live node (after flushing the old view's messages). */
  installView(quorate?: boolean): void {
    this.flush();
    this.ringSeq += 1;
    const members = this.members();
    const total = this.nodes.size;
    const q = quorate ?? members.length * 2 > total;
    for (const n of this.nodes.values()) {
      if (!n.up) continue;
      this.run(n, { kind: "view", view: { ringSeq: this.ringSeq, members, quorate: q } });
    }
  }

  /** kill -9: the node's queued messages and running operations vanish with it. */
  crash(name: string): void {
    const n = this.node(name);
    n.up = false;
    n.running.clear();
    n.recurring.clear();
    this.queue = this.queue.filter((m) => m.from !== name);
    this.pending = this.pending.filter((p) => p.node !== name);
    this.installView();
  }

  /** Starts a node again from what it persisted (or a given CIB: a stale copy). */
  restart(name: string, cib?: XmlElement): void {
    const n = this.node(name);
    n.ctrl = this.controller(name, cib ?? n.persisted ?? emptyCib());
    n.up = true;
    n.callId = 0;
    this.installView();
  }

  request(name: string, request: CibRequest): number {
    const reqId = this.nextReq++;
    this.run(this.node(name), { kind: "client-request", reqId, request });
    return reqId;
  }

  /** SIGTERM: the node asks to leave cleanly. */
  requestShutdown(name: string): void {
    this.run(this.node(name), { kind: "shutdown-request" });
  }

  /** The resource stops behind the cluster's back; its recurring monitor reports rc 7. */
  breakResource(name: string, rsc: string): void {
    const n = this.node(name);
    n.running.delete(rsc);
    for (const [key, rec] of n.recurring) {
      if (rec.action.resource?.id !== rsc) continue;
      this.pending.push({
        at: this.nowMs + this.opMs,
        node: name,
        kind: "result",
        r: this.result(n, rec.action, 7, rec.callId),
      });
      n.recurring.delete(key);
    }
  }

  private run(n: FakeNode, event: Parameters<Controller["step"]>[0]): void {
    const effects = n.ctrl.step(event, { monoMs: this.nowMs, wallS: this.wallS });
    for (const e of effects) this.apply(n, e);
  }

  private apply(n: FakeNode, e: Effect): void {
    switch (e.kind) {
      case "broadcast":
        this.queue.push({ from: n.member.name, msg: e.msg });
        return;
      case "persist":
        n.persisted = cloneElement(e.cib);
        return;
      case "schedule":
        this.pending.push({
          at: this.nowMs + 1,
          node: n.member.name,
          kind: "graph",
          seq: e.seq,
          graph: this.scheduler(e.cib, this.wallS),
        });
        return;
      case "execute":
        this.execute(n, e.action);
        return;
      case "cancel-recurring":
        return;
      case "client-reply":
        this.replies.push({ node: n.member.name, reqId: e.reqId, error: e.error, code: e.code });
        return;
      case "log":
        this.log.push(`${this.nowMs} ${n.member.name} ${e.msg} ${JSON.stringify(e.fields ?? {})}`);
        return;
      case "exit":
        n.up = false;
        this.installView();
        return;
      case "wake":
        this.pending.push({ at: e.atMs, node: n.member.name, kind: "wake" });
        return;
    }
  }

  private result(_n: FakeNode, a: GraphAction, rc: number, callId: number): OpResult {
    const res = a.resource;
    assert(res !== null, "resource actions name their resource");
    return {
      resource: res.id,
      operation: a.operation,
      intervalMs: a.intervalMs,
      rc,
      opStatus: 0,
      exitReason: "",
      callId,
      execMs: this.opMs,
      queueMs: 0,
      rcChangeS: this.wallS,
      transitionKey: a.transitionKey ?? "",
      resourceClass: res.class,
      provider: res.provider,
      type: res.type,
      opDigest: "0",
    };
  }

  private execute(n: FakeNode, a: GraphAction): void {
    const rsc = a.resource?.id ?? "";
    this.executed.push({ node: n.member.name, key: a.operationKey });
    n.callId += 1;
    let rc = 0;
    if (a.operation === "start") {
      if (n.failStart.delete(rsc)) rc = 1;
      else n.running.add(rsc);
    } else if (a.operation === "stop") {
      n.running.delete(rsc);
      for (const [k, rec] of n.recurring)
        if (rec.action.resource?.id === rsc) n.recurring.delete(k);
    } else if (a.operation === "monitor") {
      rc = n.running.has(rsc) ? 0 : 7;
      if (a.intervalMs > 0) n.recurring.set(a.operationKey, { action: a, callId: n.callId });
    }
    this.pending.push({
      at: this.nowMs + this.opMs,
      node: n.member.name,
      kind: "result",
      r: this.result(n, a, rc, n.callId),
    });
  }

  /** Delivers every queued message (agreed order) to every live member. */
  flush(): void {
    // Rounds, as a driver delivers batches: every queued message, then a `flush` event.
    for (let round = 0; round < 100000 && this.queue.length > 0; round++) {
      for (const m of this.queue.splice(0)) {
        for (const n of this.nodes.values()) {
          if (n.up) this.run(n, { kind: "deliver", from: m.from, msg: m.msg });
        }
      }
      for (const n of this.nodes.values()) if (n.up) this.run(n, { kind: "flush" });
    }
    assert(this.queue.length === 0, "message storm: queue did not drain");
  }

  /** Advances virtual time by `ms`, delivering messages, results, graphs and ticks. */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    while (this.nowMs < end) {
      this.flush();
      const due = this.pending.filter((p) => p.at <= this.nowMs);
      this.pending = this.pending.filter((p) => p.at > this.nowMs);
      for (const p of due) {
        const n = this.nodes.get(p.node);
        if (!n?.up) continue;
        if (p.kind === "result") this.run(n, { kind: "op-result", result: p.r });
        else if (p.kind === "wake") this.run(n, { kind: "flush" });
        else this.run(n, { kind: "scheduled", seq: p.seq, graph: p.graph });
      }
      this.flush();
      if (this.nowMs % 100 === 0) {
        for (const n of this.nodes.values()) if (n.up) this.run(n, { kind: "tick" });
      }
      this.nowMs += 1;
    }
    this.flush();
  }

  /** Runs until nothing is queued or pending and the DC is idle (bounded). */
  settle(maxMs = 60_000): void {
    for (let spent = 0; spent < maxMs; spent += 10) {
      this.advance(10);
      const dc = [...this.nodes.values()].find((n) => n.up && n.ctrl.isDc);
      const busy = dc ? dc.ctrl.transitionSummary().busy : false;
      if (this.queue.length === 0 && this.pending.length === 0 && !busy) return;
    }
    throw new Error(`cluster did not settle within ${maxMs} ms`);
  }

  /** Where the fake executors say each resource runs. */
  placement(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const n of this.nodes.values()) {
      if (!n.up) continue;
      for (const r of n.running) out.set(r, [...(out.get(r) ?? []), n.member.name]);
    }
    return out;
  }
}
