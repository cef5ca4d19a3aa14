/**
 * The controller of one node (Pacemaker's controld + attrd roles), as a sans-IO state
 * machine: `step(event, now)` returns the effects to run, in order. Every node runs the same
 * code; the member elected DC for the current view (election.ts) is the only writer of the
 * CIB, runs the scheduler and executes transitions. See docs/decisions/0050..0053.
 */
import type { CibVersion } from "../cib/backend.js";
import {
  childElements,
  cloneElement,
  elem,
  printXml,
  setAttr,
  type XmlElement,
} from "../cib/xml.js";
import { assert } from "../shared/assert.js";
import { ctimeOfEpoch } from "../shared/ctime.js";
import {
  cibDigest,
  cibVersion,
  clusterProperty,
  compareVersions,
  configuration,
  DC_VERSION,
  ensureNodeEntries,
  parseCibText,
  setCibVersion,
  setClusterProperty,
  statusSection,
  versionText,
} from "./cib-state.js";
import { type Announce, electDc, joinWinner } from "./election.js";
import {
  type GraphAction,
  parseTransitionKey,
  type TransitionGraph,
  transitionKey,
} from "./graph.js";
import { activeResources } from "./history.js";
import { limits } from "./limits.js";
import { applyPatch, isVersionOnlyPatch, makePatch, makeStatusPatch } from "./replication.js";
import { applyRequest } from "./requests.js";
import {
  DC_DEADTIME_DEFAULT_MS,
  dcDeadtimeMs,
  holdJoin,
  nodelistComplete,
} from "./startup-hold.js";
import {
  bumpFailCount,
  eraseTransientAttrs,
  findNodeState,
  INFINITY,
  printLrm,
  recordOp,
  replaceLrm,
  setNodeOnline,
  setTransientAttr,
  transientAttrs,
} from "./status.js";
import { Transition } from "./transition.js";
import type {
  CibRequest,
  ControllerEvent,
  Effect,
  Member,
  Message,
  OpResult,
  View,
} from "./types.js";
import { packText, unpackText } from "./wire-text.js";

/** Monotonic milliseconds (timeouts) and wall-clock seconds (what the CIB records). */
export interface Now {
  readonly monoMs: number;
  readonly wallS: number;
}

export interface ControllerOptions {
  /** This node's name (uname) as the cluster layer reports it. */
  readonly self: string;
  /** The CIB recovered from disk, or the empty CIB. */
  readonly cib: XmlElement;
  readonly clusterName?: string;
  /**
   * Distinguishes this run of the node from earlier ones (the daemon passes its start time),
   * so the DC's duplicate-request filter does not mistake a restarted node's requests.
   */
  readonly incarnation: number;
  /**
   * Every node of the cluster configuration (corosync.conf's nodelist). The DC lists them all
   * in the CIB's nodes section, as Pacemaker does, so a node that never joined shows offline.
   */
  readonly nodelist?: readonly Member[];
}

interface JoinState {
  readonly ringSeq: number;
  readonly announces: Map<string, Announce & { readonly lrm: string; readonly settled: boolean }>;
  /** The member whose CIB everyone adopts, once every member announced. */
  winner: Member | null;
}

interface PendingRequest {
  /** The daemon's id for the client waiting on it; null for the controller's own requests. */
  readonly clientReqId: number | null;
  readonly request: CibRequest;
  readonly client: string;
}

/** Pacemaker prints cib-last-written like `Wed Nov 25 12:37:48 2026` (UTC here). */
export function cibTimestamp(wallS: number): string {
  return ctimeOfEpoch(wallS, { utc: true });
}

export class Controller {
  readonly self: string;
  private cibTree: XmlElement;
  private readonly clusterName: string | undefined;
  private readonly nodelist: readonly Member[];
  private viewNow: View | null = null;
  private dcMember: Member | null = null;
  private joinedView = false;
  private join: JoinState | null = null;
  /** When this node installed its first view: its dc-deadtime wait counts from there. */
  private firstViewMs: number | null = null;
  /** This node belongs to a formed cluster; its start-up wait is over (startup-hold.ts). */
  private settled = false;
  /** The DC holds this view's join until the nodelist is complete or dc-deadtime runs out. */
  private heldJoin = false;
  /** This node's own executor history, announced at every join. */
  private readonly localHistory: XmlElement = elem("cib", {}, [elem("status")]);
  private readonly myRequests = new Map<number, PendingRequest>();
  private requestCounter = 0;
  private readonly incarnation: number;
  private readonly lastAppliedReq = new Map<string, number>();
  // DC-only state.
  private readonly queuedRequests: {
    from: string;
    origin: string;
    reqId: number;
    request: CibRequest;
    client: string;
  }[] = [];
  private readonly queuedResults: OpResult[] = [];
  private transition: Transition | null = null;
  /**
   * Executor results recorded by the DC but not yet committed: results arriving together are
   * written as one CIB change (`flush`), so a burst of results costs one diff, not hundreds.
   */
  private draft: XmlElement | null = null;
  private transitionCounter = 0;
  private scheduleSeq = 0;
  private scheduling = false;
  private dirty = false;
  private recheckAtS: number | null = null;
  private shuttingDown = false;
  private effects: Effect[] = [];
  private now: Now = { monoMs: 0, wallS: 0 };
  private lastResultCommitMs = Number.NEGATIVE_INFINITY;

  constructor(opts: ControllerOptions) {
    this.self = opts.self;
    this.cibTree = cloneElement(opts.cib);
    this.clusterName = opts.clusterName;
    this.incarnation = opts.incarnation;
    this.nodelist = opts.nodelist ?? [];
  }

  /** The CIB as this node has it (read-only for callers: clone before changing). */
  get cib(): XmlElement {
    return this.cibTree;
  }

  get view(): View | null {
    return this.viewNow;
  }

  get dc(): Member | null {
    return this.joinedView ? this.dcMember : null;
  }

  get isDc(): boolean {
    return this.dcMember !== null && this.dcMember.name === this.self;
  }

  /** True once this node took part in the current view's join and holds the agreed CIB. */
  get joined(): boolean {
    return this.joinedView;
  }

  /** What a transition is doing right now, for status queries and tests. */
  transitionSummary(): { id: number; busy: boolean } {
    const t = this.transition;
    return {
      id: this.transitionCounter,
      busy: this.scheduling || (t !== null && !t.finished()) || this.dirty,
    };
  }

  /** Feeds one event; returns the effects to execute in order. */
  step(event: ControllerEvent, now: Now): Effect[] {
    this.now = now;
    this.effects = [];
    switch (event.kind) {
      case "view":
        this.onView(event.view);
        break;
      case "deliver":
        this.onDeliver(event.from, event.msg);
        break;
      case "op-result":
        this.onLocalResult(event.result);
        break;
      case "scheduled":
        this.onScheduled(event.seq, event.graph);
        break;
      case "tick":
        this.flushDraft();
        this.onTick();
        break;
      case "flush":
        if (this.heldJoin && !this.holdingJoin()) this.completeJoin();
        this.flushResults();
        break;
      case "client-request":
        this.onClientRequest(
          event.reqId,
          event.request,
          event.client ?? defaultClient(event.request),
        );
        break;
      case "shutdown-request":
        this.onShutdownRequest();
        break;
    }
    this.maybeSchedule();
    const out = this.effects;
    this.effects = [];
    return out;
  }

  private emit(e: Effect): void {
    this.effects.push(e);
  }

  private log(
    level: "info" | "warn" | "error",
    msg: string,
    fields?: Record<string, string | number>,
  ): void {
    this.emit(fields ? { kind: "log", level, msg, fields } : { kind: "log", level, msg });
  }

  private broadcast(msg: Message): void {
    this.emit({ kind: "broadcast", msg });
  }

  private selfMember(): Member {
    const m = this.viewNow?.members.find((x) => x.name === this.self);
    return m ?? { id: 0, name: this.self };
  }

  private member(name: string): Member | undefined {
    return this.viewNow?.members.find((x) => x.name === name);
  }

  // ---- membership, election and join -------------------------------------------------

  private onView(view: View): void {
    // Results recorded in the old view go out before the join compares versions.
    this.flushDraft();
    assert(
      view.members.some((m) => m.name === this.self),
      "a view contains its installer",
    );
    const prev = this.viewNow;
    this.viewNow = view;
    this.dcMember = electDc(view);
    this.joinedView = false;
    this.heldJoin = false;
    this.firstViewMs ??= this.now.monoMs;
    if (nodelistComplete(this.nodelist, view.members)) this.settled = true;
    this.join = { ringSeq: view.ringSeq, announces: new Map(), winner: null };
    this.queuedRequests.length = 0;
    this.log("info", "membership view installed", {
      ring: view.ringSeq,
      members: view.members.map((m) => m.name).join(" "),
      dc: this.dcMember.name,
      quorate: view.quorate ? 1 : 0,
    });
    if (this.transition && this.isDc) {
      for (const gone of prev?.members ?? []) {
        if (view.members.some((m) => m.name === gone.name)) continue;
        for (const a of this.transition.runningOn(gone.name)) this.transition.complete(a.id, false);
        this.transition.abort(`node ${gone.name} left`);
      }
    }
    if (!this.isDc) {
      this.transition = null;
      this.scheduling = false;
      this.dirty = false;
    }
    this.broadcast({
      kind: "join-announce",
      ringSeq: view.ringSeq,
      version: cibVersion(this.cibTree),
      digest: cibDigest(this.cibTree),
      ...this.packedLrm(),
      settled: this.settled,
    });
    // Requests not answered yet may have been lost with the old DC: send them again.
    for (const [reqId, p] of this.myRequests) this.sendRequest(reqId, p);
  }

  private packedLrm(): { lrm: string; lrmZ?: true } {
    const w = packText(printLrm(this.localLrm()));
    return w.z ? { lrm: w.text, lrmZ: true } : { lrm: w.text };
  }

  /** The whole CIB as `cib-full` carries it. */
  private fullCibMessage(ringSeq: number): Message {
    const w = packText(printXml(this.cibTree, { indent: "" }));
    return w.z
      ? { kind: "cib-full", ringSeq, cib: w.text, cibZ: true }
      : { kind: "cib-full", ringSeq, cib: w.text };
  }

  private localLrm(): XmlElement[] {
    const ns = findNodeState(this.localHistory, this.self);
    if (!ns) return [];
    const lrm = childElements(ns, "lrm")[0];
    const list = lrm ? childElements(lrm, "lrm_resources")[0] : undefined;
    return list ? childElements(list, "lrm_resource").map(cloneElement) : [];
  }

  private onAnnounce(from: string, msg: Extract<Message, { kind: "join-announce" }>): void {
    const join = this.join;
    const view = this.viewNow;
    if (!join || !view || msg.ringSeq !== join.ringSeq || this.joinedView) return;
    const member = this.member(from);
    if (!member) return;
    const lrm = unpackText(msg.lrm, msg.lrmZ);
    if (lrm === undefined) {
      this.log("error", "a join announce's history did not inflate; the node will be probed", {
        from,
      });
    }
    join.announces.set(from, {
      member,
      version: msg.version,
      digest: msg.digest,
      lrm: lrm ?? "",
      settled: msg.settled !== false,
    });
    if (join.announces.size < view.members.length || join.winner) return;
    const dc = this.dcMember as Member;
    const winner = joinWinner([...join.announces.values()], dc);
    join.winner = winner.member;
    const allSame = [...join.announces.values()].every((a) => a.digest === winner.digest);
    this.log("info", "join: every member announced", {
      winner: winner.member.name,
      version: versionText(winner.version),
      sync: allSame ? "none" : "full",
    });
    if (allSame) {
      this.completeJoin();
    } else if (winner.member.name === this.self) {
      this.broadcast(this.fullCibMessage(join.ringSeq));
    }
  }

  private onCibFull(from: string, ringSeq: number, text: string): void {
    const join = this.join;
    if (!join || ringSeq !== join.ringSeq) return;
    const expectedFrom = this.joinedView ? this.dcMember?.name : join.winner?.name;
    if (from !== expectedFrom) return;
    if (from !== this.self) {
      this.cibTree = parseCibText(text);
      this.emit({ kind: "persist", cib: this.cibTree });
    }
    if (!this.joinedView) this.completeJoin();
  }

  private completeJoin(): void {
    if (this.isDc && this.holdingJoin()) {
      if (!this.heldJoin) {
        const members = this.viewNow?.members ?? [];
        this.log("info", "DC waits for the rest of the nodelist before taking charge", {
          missing: this.nodelist
            .filter((n) => !members.some((m) => m.name === n.name))
            .map((n) => n.name)
            .join(" "),
          "dc-deadtime-ms": this.dcDeadtime(),
        });
      }
      this.heldJoin = true;
      // Re-checked at the deadline (and on every tick and view before it).
      this.emit({ kind: "wake", atMs: this.holdDeadlineMs() });
      return;
    }
    this.heldJoin = false;
    const announces = [...(this.join?.announces.values() ?? [])];
    if (this.isDc || announces.some((a) => a.settled)) this.settled = true;
    this.joinedView = true;
    this.log("info", "join complete", {
      dc: this.dcMember?.name ?? "",
      version: versionText(cibVersion(this.cibTree)),
    });
    if (!this.isDc) return;
    this.dcJoinUpdate();
    this.requestSchedule("join complete");
    for (const r of this.queuedResults.splice(0)) this.dcRecordResult(r);
    for (const q of this.queuedRequests.splice(0)) {
      this.dcApplyRequest(q.from, q.origin, q.reqId, q.request, q.client);
    }
  }

  /** The DC's first write in a view: membership in the status section, histories, options. */
  private dcJoinUpdate(): void {
    const view = this.viewNow as View;
    this.flushDraft();
    const next = cloneElement(this.cibTree);
    for (const a of this.join?.announces.values() ?? []) {
      setNodeOnline(next, a.member, true);
      const lrm = parseCibText(a.lrm);
      replaceLrm(next, a.member, childElements(lrm, "lrm_resource"));
    }
    for (const ns of childElements(statusSection(next), "node_state")) {
      const name = ns.attrs.find(([k]) => k === "uname")?.[1] ?? "";
      if (view.members.some((m) => m.name === name)) continue;
      const id = Number(ns.attrs.find(([k]) => k === "id")?.[1] ?? "0");
      setNodeOnline(next, { id, name }, false);
      eraseTransientAttrs(next, name);
    }
    ensureNodeEntries(next, [...view.members, ...this.nodelist]);
    setClusterProperty(next, "have-watchdog", "false");
    setClusterProperty(next, "dc-version", DC_VERSION);
    setClusterProperty(next, "cluster-infrastructure", "corosync");
    if (this.clusterName !== undefined) setClusterProperty(next, "cluster-name", this.clusterName);
    setAttr(next, "have-quorum", view.quorate ? "1" : "0");
    setAttr(next, "dc-uuid", String(this.selfMember().id));
    this.dcCommit(next, { origin: this.self, client: "crmd", user: "hacluster", reqId: 0 });
  }

  // ---- CIB replication ----------------------------------------------------------------

  /** Commits the results recorded since the last flush as one change. */
  private flushDraft(): void {
    const d = this.draft;
    this.draft = null;
    if (!d || !this.isDc || !this.joinedView) return;
    this.lastResultCommitMs = this.now.monoMs;
    this.dcCommit(
      d,
      { origin: this.self, client: "crmd", user: "hacluster", reqId: 0 },
      { statusOnly: true },
    );
  }

  /**
   * At the end of a batch of deliveries: commit the results at once if few actions are
   * running or the last results commit is old enough, else once the interval is over (a
   * `wake` effect). A lone result (a failover's start) is written at once; a burst (200 resources starting) becomes one
   * commit per interval instead of one per batch, each costing a diff and a digest of the
   * whole status on every node's main thread.
   */
  private flushResults(): void {
    if (!this.draft) return;
    const dueMs = this.lastResultCommitMs + limits.resultCommitIntervalMs;
    // Few actions running: no burst to batch, and a waiting client (config change → Started)
    // should not wait for the interval.
    const burst = (this.transition?.runningCount() ?? 0) >= limits.resultBurstRunningMin;
    if (!burst || this.now.monoMs >= dueMs) {
      this.flushDraft();
    } else {
      // Asked at every deferral; the driver keeps the earliest wake.
      this.emit({ kind: "wake", atMs: dueMs });
    }
  }

  /**
   * The DC's only way to change the CIB: bump the version as Pacemaker does (epoch for a
   * configuration change, num_updates otherwise), then broadcast the patch.
   */
  private dcCommit(
    next: XmlElement,
    meta: { origin: string; client: string; user: string; reqId: number; reqKey?: string },
    opts: { readonly statusOnly?: boolean } = {},
  ): boolean {
    assert(this.isDc && this.joinedView, "only the joined DC writes the CIB");
    const before = this.cibTree;
    // Executor results touch the status section only: no need to print the configuration.
    const confChanged =
      opts.statusOnly !== true &&
      printXml(configuration(before), { indent: "" }) !==
        printXml(configuration(next), { indent: "" });
    const old = cibVersion(before);
    let v: CibVersion;
    if (confChanged) {
      const given = cibVersion(next);
      const bumped = { adminEpoch: old.adminEpoch, epoch: old.epoch + 1, numUpdates: 0 };
      v = compareVersions(given, bumped) > 0 ? { ...given, numUpdates: 0 } : bumped;
      setAttr(next, "cib-last-written", cibTimestamp(this.now.wallS));
      setAttr(next, "update-origin", meta.origin);
      setAttr(next, "update-client", meta.client);
      setAttr(next, "update-user", meta.user);
    } else {
      v = { ...old, numUpdates: old.numUpdates + 1 };
    }
    setCibVersion(next, v);
    // One diff per commit; a status-only change is diffed on the status section alone.
    const patch =
      opts.statusOnly === true ? makeStatusPatch(before, next) : makePatch(before, next);
    if (!confChanged && isVersionOnlyPatch(patch)) return false;
    this.cibTree = next;
    if (confChanged) this.emit({ kind: "persist", cib: next });
    this.broadcast({
      kind: "cib-diff",
      from: old,
      to: v,
      digest: cibDigest(next),
      patch,
      reqOrigin: meta.origin,
      reqKey: meta.reqKey ?? "",
      reqId: meta.reqId,
    });
    return true;
  }

  private onDiff(from: string, msg: Extract<Message, { kind: "cib-diff" }>): void {
    if (msg.reqKey !== "") {
      if (this.lastAppliedReq.size >= limits.requestOriginsMax) this.lastAppliedReq.clear();
      this.lastAppliedReq.set(msg.reqKey, msg.reqId);
    }
    if (from !== this.self) {
      if (!this.joinedView || from !== this.dcMember?.name) return;
      const have = cibVersion(this.cibTree);
      if (compareVersions(have, msg.from) !== 0) {
        this.log("warn", "CIB diff does not apply to our version; asking the DC for a copy", {
          have: versionText(have),
          from: versionText(msg.from),
        });
        this.broadcast({ kind: "cib-sync-request", have });
      } else {
        const next = applyPatch(this.cibTree, msg.patch);
        if (!next.ok || cibDigest(next.value) !== msg.digest) {
          this.log("warn", "CIB diff did not give the DC's digest; asking the DC for a copy", {
            detail: next.ok ? "digest" : next.error,
          });
          this.broadcast({ kind: "cib-sync-request", have });
        } else {
          const confChanged =
            msg.from.epoch !== msg.to.epoch || msg.from.adminEpoch !== msg.to.adminEpoch;
          this.cibTree = next.value;
          if (confChanged) this.emit({ kind: "persist", cib: next.value });
        }
      }
    }
    if (msg.reqOrigin === this.self) this.answer(msg.reqId, null, 0);
  }

  private answer(reqId: number, error: string | null, code: number): void {
    const p = this.myRequests.get(reqId);
    if (!p) return;
    this.myRequests.delete(reqId);
    if (p.clientReqId !== null) {
      this.emit({ kind: "client-reply", reqId: p.clientReqId, error, code });
    } else if (error !== null) {
      this.log("error", "the DC refused this node's own request", { error });
    }
  }

  private sendRequest(reqId: number, p: PendingRequest): void {
    if (!this.viewNow) return;
    this.broadcast({
      kind: "cib-request",
      reqId,
      incarnation: this.incarnation,
      client: p.client,
      request: p.request,
    });
  }

  private onClientRequest(clientReqId: number | null, request: CibRequest, client = "crmd"): void {
    if (this.myRequests.size >= limits.pendingRequestsMax) {
      if (clientReqId !== null) {
        this.emit({
          kind: "client-reply",
          reqId: clientReqId,
          error: "too many requests in flight",
          code: 75,
        });
      }
      return;
    }
    this.requestCounter += 1;
    const p = { clientReqId, request, client };
    this.myRequests.set(this.requestCounter, p);
    this.sendRequest(this.requestCounter, p);
  }

  private onCibRequest(from: string, msg: Extract<Message, { kind: "cib-request" }>): void {
    if (!this.isDc) return;
    const origin = `${from}/${msg.incarnation}`;
    if (!this.joinedView) {
      if (this.queuedRequests.length < limits.pendingRequestsMax) {
        this.queuedRequests.push({
          from,
          origin,
          reqId: msg.reqId,
          request: msg.request,
          client: msg.client,
        });
      }
      return;
    }
    this.dcApplyRequest(from, origin, msg.reqId, msg.request, msg.client);
  }

  private dcApplyRequest(
    from: string,
    origin: string,
    reqId: number,
    request: CibRequest,
    client: string,
  ): void {
    if ((this.lastAppliedReq.get(origin) ?? 0) >= reqId) {
      this.broadcast({ kind: "cib-reply", to: from, reqId, error: null, code: 0 });
      return;
    }
    const view = this.viewNow as View;
    this.flushDraft();
    const r = applyRequest(this.cibTree, request, view.members);
    if (!r.ok) {
      this.broadcast({
        kind: "cib-reply",
        to: from,
        reqId,
        error: r.error.message,
        code: r.error.code,
      });
      return;
    }
    const changed = this.dcCommit(r.value, {
      origin: from,
      client,
      user: "root",
      reqId,
      reqKey: origin,
    });
    if (!changed) {
      this.broadcast({ kind: "cib-reply", to: from, reqId, error: null, code: 0 });
      return;
    }
    this.requestSchedule(`${request.op} from ${from}`);
  }

  // ---- messages ----------------------------------------------------------------------

  private onDeliver(from: string, msg: Message): void {
    switch (msg.kind) {
      case "join-announce":
        this.onAnnounce(from, msg);
        return;
      case "cib-full": {
        const text = unpackText(msg.cib, msg.cibZ);
        if (text === undefined) {
          this.log("error", "a full CIB from a peer did not inflate; ignored", { from });
          return;
        }
        this.onCibFull(from, msg.ringSeq, text);
        return;
      }
      case "cib-diff":
        this.onDiff(from, msg);
        return;
      case "cib-sync-request":
        if (this.isDc && this.joinedView) {
          this.broadcast(this.fullCibMessage(this.viewNow?.ringSeq ?? 0));
        }
        return;
      case "cib-request":
        this.onCibRequest(from, msg);
        return;
      case "cib-reply":
        if (msg.to === this.self) this.answer(msg.reqId, msg.error, msg.code);
        return;
      case "exec":
        if (msg.to === this.self) {
          this.recordPending(msg.action);
          this.emit({ kind: "execute", action: msg.action });
        }
        return;
      case "op-result":
        this.onPeerResult(msg.result, from);
        return;
      case "shutdown-ok":
        if (msg.to === this.self && this.shuttingDown) {
          this.log("info", "the DC allowed this node to shut down");
          this.emit({ kind: "exit" });
        }
        return;
    }
  }

  // ---- executor results --------------------------------------------------------------

  /**
   * Notes an operation in progress in this node's own history (Pacemaker's pending entry:
   * call-id -1, op-status -1), so that a join held while it runs tells the next DC that the
   * resource is being started or stopped here, and it is not started twice.
   */
  private recordPending(a: GraphAction): void {
    const res = a.resource;
    if (!res || a.intervalMs > 0) return;
    recordOp(
      this.localHistory,
      this.selfMember(),
      {
        resource: res.id,
        operation: a.operation,
        intervalMs: 0,
        rc: 193,
        opStatus: -1,
        exitReason: "",
        callId: -1,
        execMs: 0,
        queueMs: 0,
        rcChangeS: Math.floor(this.now.wallS),
        transitionKey: a.transitionKey ?? "",
        resourceClass: res.class,
        provider: res.provider,
        type: res.type,
        opDigest: "",
      },
      false,
    );
  }

  private onLocalResult(r: OpResult): void {
    recordOp(this.localHistory, this.selfMember(), r, isFailure(r));
    if (this.viewNow) this.broadcast({ kind: "op-result", result: r });
  }

  private onPeerResult(r: OpResult, from: string): void {
    if (!this.isDc) return;
    const tagged = { ...r, node: from };
    if (!this.joinedView) {
      if (this.queuedResults.length < limits.queuedResultsMax) this.queuedResults.push(tagged);
      return;
    }
    this.dcRecordResult(tagged);
  }

  private dcRecordResult(r: OpResult & { node?: string }): void {
    const node = r.node ?? this.self;
    const member = this.member(node) ?? { id: 0, name: node };
    const failed = isFailure(r);
    const next = this.draft ?? cloneElement(this.cibTree);
    recordOp(next, member, r, failed);
    if (failed && r.opStatus !== 1) bumpFailCount(next, member, r, this.failIncrement(r));
    this.draft = next;
    const key = parseTransitionKey(r.transitionKey);
    const t = this.transition;
    const mine =
      key !== null &&
      t !== null &&
      key.transitionId === t.id &&
      key.dcUuid === String(this.selfMember().id);
    // A cancelled recurring operation is what a `cancel` action asked for.
    const expected =
      key !== null &&
      (r.operation === "notify" ||
        (r.rc === key.targetRc && (r.opStatus === 0 || (r.opStatus === 1 && r.intervalMs > 0))));
    if (r.operation === "notify" && (r.rc !== 0 || r.opStatus !== 0))
      this.log("warn", "notification failed (ignored)", { resource: r.resource, rc: r.rc, node });
    if (mine && key && t.complete(key.actionId, expected)) {
      if (!expected)
        this.requestSchedule(
          `${r.resource}_${r.operation}_${r.intervalMs} on ${node} returned rc ${r.rc}`,
        );
      this.dispatch();
      this.checkTransitionDone();
      return;
    }
    if (!expected) {
      this.log("warn", "unexpected result", {
        resource: r.resource,
        op: r.operation,
        rc: r.rc,
        node,
      });
      this.requestSchedule(`unexpected result for ${r.resource} on ${node}`);
    }
  }

  /** Start and stop failures ban the node (start-failure-is-fatal), others count one. */
  private failIncrement(r: OpResult): number {
    if (r.operation === "stop") return INFINITY;
    if (r.operation === "start") {
      const fatal = clusterProperty(this.cibTree, "start-failure-is-fatal");
      return fatal === "false" ? 1 : INFINITY;
    }
    return 1;
  }

  // ---- transitions -------------------------------------------------------------------

  private requestSchedule(reason: string): void {
    if (!this.isDc) return;
    this.dirty = true;
    if (this.transition && !this.transition.finished() && !this.transition.aborted) {
      this.log("info", "transition aborted", { transition: this.transition.id, reason });
      this.transition.abort(reason);
    }
  }

  private maybeSchedule(): void {
    if (!this.isDc || !this.joinedView || !this.dirty || this.scheduling) return;
    if (this.transition && !this.transition.finished()) return;
    this.flushDraft();
    this.dirty = false;
    this.scheduling = true;
    this.scheduleSeq += 1;
    this.emit({ kind: "schedule", seq: this.scheduleSeq, cib: cloneElement(this.cibTree) });
  }

  private onScheduled(seq: number, graph: TransitionGraph): void {
    if (seq !== this.scheduleSeq) return;
    this.scheduling = false;
    if (!this.isDc || !this.joinedView || this.dirty) return;
    this.transitionCounter += 1;
    this.transition = new Transition(this.transitionCounter, graph);
    this.recheckAtS = graph.recheckAtS;
    this.log("info", "transition started", {
      transition: this.transitionCounter,
      actions: graph.actions.length,
    });
    this.dispatch();
    this.checkTransitionDone();
  }

  /** Starts every action whose inputs completed; pseudo and controller actions inline. */
  private dispatch(): void {
    const t = this.transition;
    if (!t) return;
    for (let round = 0; round < limits.dispatchRoundsMax; round++) {
      const ready = t.ready();
      if (ready.length === 0) return;
      for (const a of ready) this.startAction(t, a);
    }
  }

  private startAction(t: Transition, a: GraphAction): void {
    if (a.type === "pseudo") {
      t.start(a.id, this.now.monoMs);
      t.complete(a.id, true);
      return;
    }
    if (a.type === "crm_event") {
      t.start(a.id, this.now.monoMs);
      t.complete(a.id, this.runControllerAction(a));
      return;
    }
    const node = a.node ?? "";
    if (!this.member(node)) {
      t.start(a.id, this.now.monoMs);
      t.complete(a.id, false);
      this.requestSchedule(`${a.operationKey} targets ${node}, which is not a member`);
      return;
    }
    const key = transitionKey(a.id, t.id, a.targetRc, String(this.selfMember().id));
    t.start(a.id, this.now.monoMs + a.timeoutMs + limits.actionTimeoutMarginMs);
    this.broadcast({ kind: "exec", to: node, action: { ...a, transitionKey: key } });
  }

  private runControllerAction(a: GraphAction): boolean {
    switch (a.operation) {
      case "clear_failcount": {
        const member = a.node ? this.member(a.node) : undefined;
        const rsc = a.resource?.id;
        if (!member || !rsc) return true;
        this.flushDraft();
        const next = cloneElement(this.cibTree);
        const suffix = `${rsc}#`;
        for (const name of transientAttrs(next, member.name).keys()) {
          if (
            name.startsWith(`fail-count-${suffix}`) ||
            name.startsWith(`last-failure-${suffix}`)
          ) {
            setTransientAttr(next, member, name, null);
          }
        }
        this.dcCommit(next, { origin: this.self, client: "crmd", user: "hacluster", reqId: 0 });
        return true;
      }
      case "do_shutdown":
        if (a.node) this.broadcast({ kind: "shutdown-ok", to: a.node });
        return true;
      default:
        this.log("error", "controller action not supported (fencing is not implemented)", {
          operation: a.operation,
          node: a.node ?? "",
        });
        this.transition?.abort(`cannot run ${a.operation}`);
        return false;
    }
  }

  private checkTransitionDone(): void {
    const t = this.transition;
    if (!t?.finished()) return;
    const c = t.counts();
    this.log("info", t.aborted ? "transition stopped" : "transition complete", {
      transition: t.id,
      done: c.done,
      failed: c.failed,
      skipped: c.pending,
    });
    this.transition = null;
    this.allowShutdowns();
  }

  /** Lets nodes that asked to shut down go once nothing is active on them. */
  private allowShutdowns(): void {
    if (this.dirty || this.scheduling) return;
    this.flushDraft();
    for (const m of this.viewNow?.members ?? []) {
      if (!transientAttrs(this.cibTree, m.name).has("shutdown")) continue;
      if (activeResources(this.cibTree, m.name).length === 0) {
        this.broadcast({ kind: "shutdown-ok", to: m.name });
      }
    }
  }

  /** dc-deadtime from the CIB's cluster options, else pacer's default. */
  private dcDeadtime(): number {
    return dcDeadtimeMs(clusterProperty(this.cibTree, "dc-deadtime")) ?? DC_DEADTIME_DEFAULT_MS;
  }

  private holdingJoin(): boolean {
    return holdJoin({
      anySettled: [...(this.join?.announces.values() ?? [])].some((a) => a.settled),
      nodelistComplete: nodelistComplete(this.nodelist, this.viewNow?.members ?? []),
      nowMs: this.now.monoMs,
      deadlineMs: this.holdDeadlineMs(),
    });
  }

  private holdDeadlineMs(): number {
    return (this.firstViewMs ?? this.now.monoMs) + this.dcDeadtime();
  }

  private onTick(): void {
    if (this.firstViewMs !== null && this.now.monoMs >= this.firstViewMs + this.dcDeadtime()) {
      this.settled = true;
    }
    if (this.heldJoin && !this.holdingJoin()) this.completeJoin();
    const t = this.transition;
    if (this.isDc && t) {
      for (const a of t.overdue(this.now.monoMs)) {
        this.log("warn", "action timed out waiting for its result", {
          action: a.operationKey,
          node: a.node ?? "",
        });
        t.complete(a.id, false);
        this.requestSchedule(`${a.operationKey} timed out`);
      }
      this.checkTransitionDone();
    }
    if (this.isDc && this.recheckAtS !== null && this.now.wallS >= this.recheckAtS) {
      this.recheckAtS = null;
      this.requestSchedule("recheck time reached");
    }
  }

  private onShutdownRequest(): void {
    this.shuttingDown = true;
    const alone = (this.viewNow?.members.length ?? 0) <= 1;
    if (!this.viewNow || (alone && activeResources(this.cibTree, this.self).length === 0)) {
      this.emit({ kind: "exit" });
      return;
    }
    this.log("info", "shutdown requested: asking the DC to move resources away");
    this.onClientRequest(null, {
      op: "attr",
      node: this.self,
      name: "shutdown",
      value: String(Math.floor(this.now.wallS)),
      lifetime: "reboot",
    });
  }
}

/** Whether a result counts as a failure (fail count, last_failure); probes that find a
 * resource stopped or running are information, not failures. */
export function isFailure(r: OpResult): boolean {
  if (r.opStatus === 1) return false;
  // A failed notification is logged, never counted: the resource's own state is unchanged.
  if (r.operation === "notify") return false;
  if (r.operation === "monitor" && r.intervalMs === 0) {
    return r.opStatus !== 0 || ![0, 7, 8].includes(r.rc);
  }
  if (r.opStatus !== 0) return true;
  const key = parseTransitionKey(r.transitionKey);
  const target = key?.targetRc ?? 0;
  return r.rc !== target;
}

/** The tool Pacemaker would name for a request that does not say (`update-client`). */
function defaultClient(r: CibRequest): string {
  return r.op === "replace" ? "cibadmin" : r.op === "attr" ? "crm_attribute" : "crm_resource";
}
