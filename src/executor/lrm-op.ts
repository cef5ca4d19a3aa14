/**
 * How an executor result is written into the status section: the `lrm_rsc_op` attributes in
 * the order Pacemaker 2.1 writes them (see ../shared/live-outputs), and which entry ids it
 * updates. Pure; the digests come from the caller (digest.ts computes them as Pacemaker
 * does; which parameters are reloadable or secure comes from the agent's meta-data).
 */
import { ExecStatus, OcfRc } from "./codes.js";
import type { OpResult } from "./types.js";

/** Pacemaker 2.1.5's CRM feature set, which it stamps on every history entry. */
export const CRM_FEATURE_SET = "3.16.1";

export interface LrmOpContext {
  /** The node the operation ran on (`on_node`). */
  readonly nodeName: string;
  /** Digest of the resource's parameters; "" leaves the attribute empty. */
  readonly opDigest?: string;
  readonly crmFeatureSet?: string;
  /** `crm-debug-origin`; Pacemaker writes `do_update_resource` for executor results. */
  readonly debugOrigin?: string;
  /**
   * Reload support (written only when given): parameters whose change forces a restart and
   * the digest of the others, then secure parameters and the digest without them.
   */
  readonly forceRestart?: { readonly params: readonly string[]; readonly digest: string };
  readonly secure?: { readonly params: readonly string[]; readonly digest: string };
}

/** Pacemaker's parameter-list format: sorted, space-separated, two spaces at both ends. */
export function paramList(params: readonly string[]): string {
  return `  ${[...params].sort().join(" ")}  `;
}

/** `rsc_action_interval`, Pacemaker's operation key. */
export function lrmOperationKey(r: Pick<OpResult, "resourceId" | "action" | "intervalMs">): string {
  return `${r.resourceId}_${r.action}_${r.intervalMs}`;
}

/** The rc the requester expected, from the transition key (`action:transition:target:uuid`). */
export function expectedRc(r: Pick<OpResult, "transitionKey" | "action" | "intervalMs">): number {
  const m = /^\d+:\d+:(\d+):/.exec(r.transitionKey ?? "");
  if (m) return Number(m[1]);
  // Without a key: probes expect "not running", everything else success.
  return r.action === "monitor" && r.intervalMs === 0 ? OcfRc.NotRunning : OcfRc.Ok;
}

/** Whether a result is a failure the history must keep as `*_last_failure_0`. */
export function isFailure(r: OpResult): boolean {
  if (r.status === ExecStatus.Cancelled || r.status === ExecStatus.Pending) return false;
  if (r.status !== ExecStatus.Done) return true;
  const want = expectedRc(r);
  if (r.rc === want) return false;
  // A probe finding the resource running (or promoted) is news, not a failure.
  if (r.action === "monitor" && r.intervalMs === 0) {
    return !(r.rc === OcfRc.Ok || r.rc === OcfRc.NotRunning || r.rc === OcfRc.RunningPromoted);
  }
  return true;
}

/**
 * Ids of the `lrm_rsc_op` entries this result writes: recurring ops have their own entry
 * (`rsc_monitor_10000`), others replace `rsc_last_0`; failures also write
 * `rsc_last_failure_0`.
 * @example lrmRscOpIds(result) // ["vip_last_0", "vip_last_failure_0"]
 */
export function lrmRscOpIds(r: OpResult): string[] {
  const main = r.intervalMs > 0 ? lrmOperationKey(r) : `${r.resourceId}_last_0`;
  return isFailure(r) ? [main, `${r.resourceId}_last_failure_0`] : [main];
}

/**
 * The attributes of one `lrm_rsc_op`, in Pacemaker's order.
 * @example lrmRscOpAttributes(result, "vip_last_0", { nodeName: "node1", opDigest: d })
 */
export function lrmRscOpAttributes(
  r: OpResult,
  id: string,
  ctx: LrmOpContext,
): Array<[string, string]> {
  const key = r.transitionKey ?? "";
  const attrs: Array<[string, string]> = [
    ["id", id],
    ["operation_key", lrmOperationKey(r)],
    ["operation", r.action],
    ["crm-debug-origin", ctx.debugOrigin ?? "do_update_resource"],
    ["crm_feature_set", ctx.crmFeatureSet ?? CRM_FEATURE_SET],
    ["transition-key", key],
    ["transition-magic", `${r.status}:${r.rc};${key}`],
    ["exit-reason", r.exitReason],
    ["on_node", ctx.nodeName],
    ["call-id", String(r.callId)],
    ["rc-code", String(r.rc)],
    ["op-status", String(r.status)],
    ["interval", String(r.intervalMs)],
    ["last-rc-change", String(Math.floor(r.rcChangedAtMs / 1000))],
    ["exec-time", String(r.execMs)],
    ["queue-time", String(r.queueMs)],
    ["op-digest", ctx.opDigest ?? ""],
  ];
  if (ctx.forceRestart) {
    attrs.push(["op-force-restart", paramList(ctx.forceRestart.params)]);
    attrs.push(["op-restart-digest", ctx.forceRestart.digest]);
  }
  if (ctx.secure) {
    attrs.push(["op-secure-params", paramList(ctx.secure.params)]);
    attrs.push(["op-secure-digest", ctx.secure.digest]);
  }
  return attrs;
}
