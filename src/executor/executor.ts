/**
 * The executor (Pacemaker's execd role): runs resource agents for the controller, one
 * operation at a time per resource and a bounded number at once overall, and keeps recurring
 * monitors going, reporting their first result and then only changes.
 */
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import { err, ok, type Result } from "../shared/result.js";
import { type ClassContext, type Plan, planOperation } from "./classes.js";
import { ExecStatus, OcfRc } from "./codes.js";
import { executorLimits } from "./limits.js";
import { DEFAULT_LSB_DIR, DEFAULT_OCF_ROOT, pacerAgentsRoot, pacerToolsDir } from "./locate.js";
import { CRM_FEATURE_SET } from "./lrm-op.js";
import { type AgentMetadata, type MetadataError, parseAgentMetadata } from "./metadata.js";
import { decided, type Mapped } from "./outcome.js";
import { KeyedSerializer, Slots } from "./queue.js";
import { runChild } from "./run-child.js";
import type { AgentSpec, OpRequest, OpResult, RecurringListener } from "./types.js";

export interface ExecutorOptions {
  /** This node's name (`CRM_meta_on_node` default). Default: the host name. */
  readonly nodeName?: string;
  /** This node's id in the CIB (`CRM_meta_on_node_uuid` default), e.g. the corosync nodeid. */
  readonly nodeUuid?: string;
  /** Default: `$OCF_ROOT` of `baseEnv`, else /usr/lib/ocf. */
  readonly ocfRoot?: string;
  /** Where provider `pacer` agents are found besides `$OCF_ROOT`. Default: the repo's agents/. */
  readonly pacerAgentsRoot?: string;
  readonly lsbDir?: string;
  /** Where fence agents live. Default /usr/sbin. */
  readonly fenceDir?: string;
  readonly systemctl?: string;
  /** Default: whether /run/systemd/system exists. */
  readonly systemdRunning?: boolean;
  /** The environment agents inherit (minus OCF_*). Default: process.env. */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  readonly pathPrefix?: readonly string[];
  /**
   * pacer's tools, put on PATH after `pathPrefix` and made `HA_SBIN_DIR`, so agents calling
   * `crm_attribute` (promotion scores) reach this cluster rather than a Pacemaker one.
   * Default: pacer's bin/ when it holds crm_attribute; null leaves PATH and HA_SBIN_DIR alone.
   */
  readonly toolsDir?: string | null;
  /**
   * `PACER_NODE_PID` for agents (demo services stop with their node). Default: this process;
   * null for a one-shot tool whose process ends right away.
   */
  readonly nodePid?: number | null;
  /** The node's api socket, as `PACER_API_SOCKET` for the tools agents run. */
  readonly apiSocket?: string;
  readonly haVars?: Readonly<Record<string, string>>;
  /** `OCF_RESKEY_crm_feature_set`; default Pacemaker 2.1.5's, 3.16.1. */
  readonly crmFeatureSet?: string;
  readonly opsInFlightMax?: number;
  /** Recurring results worth reporting: the first one of each recurring op, then changes. */
  readonly onRecurring?: RecurringListener;
  /** Wall clock for `last-run` / `last-rc-change`. Default Date.now. */
  readonly wallClockMs?: () => number;
}

interface Recurring {
  readonly req: OpRequest;
  readonly callId: number;
  timer: NodeJS.Timeout | undefined;
  cancelled: boolean;
  last: OpResult | undefined;
}

/** Identifies a recurring operation as Pacemaker's operation key does: `rsc_action_interval`. */
function operationKey(resourceId: string, action: string, intervalMs: number): string {
  return `${resourceId}_${action}_${intervalMs}`;
}

export class Executor {
  private callIdSeq = 0;
  private readonly ctx: ClassContext;
  private readonly slots: Slots;
  private readonly perResource = new KeyedSerializer(executorLimits.opsQueuedPerResourceMax);
  private readonly recurring = new Map<string, Recurring>();
  private readonly wallClockMs: () => number;
  private readonly onRecurring: RecurringListener;
  private closed = false;
  private readonly metadataCache = new Map<string, AgentMetadata>();

  constructor(opts: ExecutorOptions = {}) {
    const inherited = opts.baseEnv ?? process.env;
    const base =
      opts.apiSocket === undefined ? inherited : { ...inherited, PACER_API_SOCKET: opts.apiSocket };
    const ocfRoot = opts.ocfRoot ?? base.OCF_ROOT ?? DEFAULT_OCF_ROOT;
    this.ctx = {
      env: {
        base,
        ocfRoot,
        nodeName: opts.nodeName ?? hostname(),
        ...(opts.nodeUuid !== undefined ? { nodeUuid: opts.nodeUuid } : {}),
        pathPrefix: toolPath(opts),
        haVars: haVarsFor(opts),
        // Pacemaker passes its feature set to every agent as a parameter.
        crmFeatureSet: opts.crmFeatureSet ?? CRM_FEATURE_SET,
        ...(opts.nodePid === null ? {} : { nodePid: opts.nodePid ?? process.pid }),
      },
      ocfRoot,
      pacerAgentsRoot: opts.pacerAgentsRoot ?? pacerAgentsRoot(),
      lsbDir: opts.lsbDir ?? DEFAULT_LSB_DIR,
      fenceDir: opts.fenceDir ?? "/usr/sbin",
      systemdRunning: opts.systemdRunning ?? existsSync("/run/systemd/system"),
      systemctl: opts.systemctl ?? "systemctl",
      stonithStarted: new Set<string>(),
    };
    this.slots = new Slots(opts.opsInFlightMax ?? executorLimits.opsInFlightMax);
    this.wallClockMs = opts.wallClockMs ?? Date.now;
    this.onRecurring = opts.onRecurring ?? (() => {});
  }

  /**
   * Runs one operation. With `intervalMs > 0` it starts a recurring operation instead and
   * resolves with its first result (see startRecurring). A stop first cancels the resource's
   * recurring operations: a monitor running on would report the stop as a failure. Never
   * rejects for agent failures.
   * @example const r = await ex.exec({ resourceId: "d", agent: { class: "ocf", provider: "pacer", type: "Dummy" }, action: "start" });
   */
  exec(req: OpRequest): Promise<OpResult> {
    if (req.resourceId === "" || req.agent.type === "") {
      const why = "a request needs a resource id and an agent type";
      const mapped = decided(OcfRc.InvalidParam, ExecStatus.Invalid, why);
      return Promise.resolve(this.refused(req, ++this.callIdSeq, mapped));
    }
    if ((req.intervalMs ?? 0) > 0) return this.startRecurring(req);
    if (req.action === "stop") this.stopAllRecurring(req.resourceId);
    return this.runOnce(req, ++this.callIdSeq);
  }

  /**
   * Starts a recurring operation (normally a monitor): runs it now and then `intervalMs` after
   * each completion. A recurring op with the same key is replaced. Resolves with the first
   * result, which `onRecurring` also receives; later results reach `onRecurring` only when
   * rc or op-status changed (as Pacemaker's executor reports them).
   */
  async startRecurring(req: OpRequest): Promise<OpResult> {
    const intervalMs = req.intervalMs ?? 0;
    const callId = ++this.callIdSeq;
    if (intervalMs < executorLimits.intervalMsMin || this.closed) {
      const why = this.closed
        ? "executor is shutting down"
        : `interval ${intervalMs}ms is below the minimum ${executorLimits.intervalMsMin}ms`;
      return this.refused(req, callId, decided(OcfRc.InvalidParam, ExecStatus.Invalid, why));
    }
    const key = operationKey(req.resourceId, req.action, intervalMs);
    this.stopRecurring(req.resourceId, req.action, intervalMs);
    if (this.recurring.size >= executorLimits.recurringMax) {
      const why = `too many recurring operations (${executorLimits.recurringMax})`;
      return this.refused(req, callId, decided(OcfRc.Error, ExecStatus.Error, why));
    }
    const entry: Recurring = { req, callId, timer: undefined, cancelled: false, last: undefined };
    this.recurring.set(key, entry);
    return this.runRecurring(entry);
  }

  /** Cancels a recurring operation; true if it existed. A run in progress is discarded. */
  stopRecurring(resourceId: string, action: string, intervalMs: number): boolean {
    const key = operationKey(resourceId, action, intervalMs);
    const entry = this.recurring.get(key);
    if (!entry) return false;
    entry.cancelled = true;
    if (entry.timer) clearTimeout(entry.timer);
    this.recurring.delete(key);
    return true;
  }

  /** Cancels every recurring operation of a resource; returns how many. */
  stopAllRecurring(resourceId: string): number {
    let n = 0;
    for (const e of [...this.recurring.values()]) {
      if (e.req.resourceId === resourceId) {
        this.stopRecurring(resourceId, e.req.action, e.req.intervalMs ?? 0);
        n++;
      }
    }
    return n;
  }

  /**
   * An agent's parsed meta-data, from a cache or by running its `meta-data` action (generated
   * for LSB and systemd). Failures are not cached.
   * @example const md = await ex.metadata({ class: "ocf", provider: "heartbeat", type: "IPaddr2" });
   */
  async metadata(agent: AgentSpec): Promise<Result<AgentMetadata, MetadataError>> {
    const name = [agent.class, agent.provider, agent.type].filter((p) => p !== undefined).join(":");
    const hit = this.metadataCache.get(name);
    if (hit) return ok(hit);
    const r = await this.exec({ resourceId: agent.type, agent, action: "meta-data" });
    if (r.rc !== OcfRc.Ok) {
      const why = r.exitReason || `rc ${r.rc}`;
      return err({ kind: "metadata", detail: `${name}: meta-data failed: ${why}` });
    }
    const md = parseAgentMetadata(r.stdout, name);
    if (!md.ok) return md;
    if (this.metadataCache.size >= executorLimits.metadataCacheMax) {
      const oldest = this.metadataCache.keys().next();
      if (!oldest.done) this.metadataCache.delete(oldest.value);
    }
    this.metadataCache.set(name, md.value);
    return md;
  }

  /** Keys (`rsc_action_interval`) of the recurring operations in effect. */
  recurringKeys(): string[] {
    return [...this.recurring.keys()].sort();
  }

  /** Stops all recurring operations and refuses new ones; running agents finish. */
  close(): void {
    this.closed = true;
    for (const e of [...this.recurring.values()]) {
      this.stopRecurring(e.req.resourceId, e.req.action, e.req.intervalMs ?? 0);
    }
  }

  private async runRecurring(entry: Recurring): Promise<OpResult> {
    const fresh = await this.runOnce(entry.req, entry.callId, () => entry.cancelled);
    if (entry.cancelled) return fresh;
    const prev = entry.last;
    const changed = !prev || prev.rc !== fresh.rc || prev.status !== fresh.status;
    const result: OpResult =
      prev && !changed ? { ...fresh, rcChangedAtMs: prev.rcChangedAtMs } : fresh;
    entry.last = result;
    if (changed) this.onRecurring(result);
    const intervalMs = entry.req.intervalMs ?? 0;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!entry.cancelled) void this.runRecurring(entry);
    }, intervalMs);
    return result;
  }

  /** `cancelled`: checked once the resource's turn comes, so a cancelled monitor never runs. */
  private async runOnce(
    req: OpRequest,
    callId: number,
    cancelled: () => boolean = () => false,
  ): Promise<OpResult> {
    if (this.closed) {
      return this.refused(
        req,
        callId,
        decided(OcfRc.Error, ExecStatus.Error, "executor is shutting down"),
      );
    }
    if (!this.perResource.hasRoom(req.resourceId)) {
      const why = `too many operations queued for ${req.resourceId} (${executorLimits.opsQueuedPerResourceMax})`;
      return this.refused(req, callId, decided(OcfRc.Error, ExecStatus.Error, why));
    }
    const queuedAt = performance.now();
    return this.perResource.run(req.resourceId, async () => {
      if (cancelled()) {
        return this.refused(req, callId, decided(OcfRc.Ok, ExecStatus.Cancelled, ""));
      }
      await this.slots.acquire();
      try {
        return await this.execute(req, callId, Math.round(performance.now() - queuedAt));
      } finally {
        this.slots.release();
      }
    });
  }

  private async execute(req: OpRequest, callId: number, queueMs: number): Promise<OpResult> {
    const timeoutMs = clampTimeout(req.timeoutMs);
    const runAtMs = this.wallClockMs();
    const plan: Plan = planOperation(req, this.ctx, timeoutMs);
    if (plan.kind === "answer") {
      return this.result(req, callId, plan.mapped, {
        runAtMs,
        queueMs,
        execMs: 0,
        stdout: plan.stdout ?? "",
        stderr: "",
      });
    }
    const child = await runChild(plan.child);
    const mapped = plan.map(child);
    plan.after?.(mapped);
    return this.result(req, callId, mapped, {
      runAtMs,
      queueMs,
      execMs: child.execMs,
      stdout: child.stdout,
      stderr: child.stderr,
    });
  }

  private refused(req: OpRequest, callId: number, mapped: Mapped): OpResult {
    const runAtMs = this.wallClockMs();
    return this.result(req, callId, mapped, {
      runAtMs,
      queueMs: 0,
      execMs: 0,
      stdout: "",
      stderr: "",
    });
  }

  private result(
    req: OpRequest,
    callId: number,
    mapped: Mapped,
    run: { runAtMs: number; queueMs: number; execMs: number; stdout: string; stderr: string },
  ): OpResult {
    return {
      resourceId: req.resourceId,
      agent: req.agent,
      action: req.action,
      intervalMs: req.intervalMs ?? 0,
      timeoutMs: clampTimeout(req.timeoutMs),
      callId,
      rc: mapped.rc,
      status: mapped.status,
      exitReason: mapped.exitReason,
      stdout: run.stdout,
      stderr: run.stderr,
      runAtMs: run.runAtMs,
      rcChangedAtMs: run.runAtMs,
      execMs: run.execMs,
      queueMs: run.queueMs,
      ...(req.transitionKey !== undefined ? { transitionKey: req.transitionKey } : {}),
      params: req.params ?? {},
    };
  }
}

function toolsOf(opts: ExecutorOptions): string | undefined {
  return (opts.toolsDir === undefined ? pacerToolsDir() : opts.toolsDir) ?? undefined;
}

function toolPath(opts: ExecutorOptions): string[] {
  const tools = toolsOf(opts);
  return [...(opts.pathPrefix ?? []), ...(tools ? [tools] : [])];
}

/**
 * Heartbeat's and Pacemaker's agents call `${HA_SBIN_DIR}/crm_attribute` (promotion scores),
 * `crm_node`...: with pacer's tools at hand they must reach pacer's, not /usr/sbin's.
 */
function haVarsFor(opts: ExecutorOptions): Record<string, string> {
  const tools = toolsOf(opts);
  return { ...(tools ? { HA_SBIN_DIR: tools } : {}), ...(opts.haVars ?? {}) };
}

function clampTimeout(timeoutMs: number | undefined): number {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return executorLimits.defaultTimeoutMs;
  }
  return Math.min(Math.round(timeoutMs), executorLimits.timeoutMsMax);
}
