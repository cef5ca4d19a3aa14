/**
 * The executor's request and result shapes: what the controller asks a node to run, and what
 * comes back (enough to write an `lrm_rsc_op` entry the way Pacemaker does).
 */
import type { ExecStatus, OcfRc } from "./codes.js";

/** Resource classes (the `class` attribute of a primitive). `service` resolves to lsb/systemd. */
export type AgentClass = "ocf" | "lsb" | "systemd" | "service" | "stonith";

/** What to run: `ocf:heartbeat:IPaddr2` is `{ class: "ocf", provider: "heartbeat", type: "IPaddr2" }`. */
export interface AgentSpec {
  readonly class: AgentClass;
  /** OCF only. */
  readonly provider?: string;
  readonly type: string;
}

/** Actions Pacemaker asks agents for; agents may implement others (e.g. `reload-agent`). */
export type AgentAction =
  | "start"
  | "stop"
  | "monitor"
  | "promote"
  | "demote"
  | "notify"
  | "reload"
  | "reload-agent"
  | "migrate_to"
  | "migrate_from"
  | "meta-data"
  | "validate-all";

export interface OpRequest {
  /** The instance name (`OCF_RESOURCE_INSTANCE`): a primitive id, or `id:N` for a clone instance. */
  readonly resourceId: string;
  readonly agent: AgentSpec;
  readonly action: AgentAction;
  /** 0 (or absent) for a one-shot operation or probe; > 0 makes `exec` start a recurring op. */
  readonly intervalMs?: number;
  /** Absent: `executorLimits.defaultTimeoutMs`. */
  readonly timeoutMs?: number;
  /** Instance attributes, passed as `OCF_RESKEY_<name>` (an `OCF_CHECK_LEVEL` key passes as is). */
  readonly params?: Readonly<Record<string, string>>;
  /**
   * Meta attributes, passed as `OCF_RESKEY_CRM_meta_<name>` with `-` turned into `_`
   * (`clone-max` → `CRM_meta_clone_max`). `interval`, `timeout` and `name` are set from the
   * request; `on_node` defaults to the executor's node name.
   */
  readonly meta?: Readonly<Record<string, string>>;
  /** Monitor depth (`OCF_CHECK_LEVEL`). */
  readonly checkLevel?: number;
  /** Pacemaker's `action:transition:target-rc:uuid`, echoed into the result. */
  readonly transitionKey?: string;
}

export interface OpResult {
  readonly resourceId: string;
  readonly agent: AgentSpec;
  readonly action: AgentAction;
  readonly intervalMs: number;
  /** The timeout the operation ran with (recurring ops put it in their op-digest). */
  readonly timeoutMs: number;
  /** Increases by one per request on this executor; a recurring op keeps its call id. */
  readonly callId: number;
  readonly rc: OcfRc;
  readonly status: ExecStatus;
  /** From the last `ocf-exit-reason:` line on stderr, or the executor's own explanation. */
  readonly exitReason: string;
  /** Bounded captures (`executorLimits.outputBytesMax`). */
  readonly stdout: string;
  readonly stderr: string;
  /** Wall clock (ms since the epoch) when the agent was started (`last-run`). */
  readonly runAtMs: number;
  /** Wall clock when the rc last changed for this operation (`last-rc-change`). */
  readonly rcChangedAtMs: number;
  readonly execMs: number;
  readonly queueMs: number;
  readonly transitionKey?: string;
  /** The request's params (for the op-digest: see digest.ts). */
  readonly params: Readonly<Record<string, string>>;
}

/** Called with recurring results the controller must hear about (first result and changes). */
export type RecurringListener = (result: OpResult) => void;
