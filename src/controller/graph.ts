/**
 * The transition graph as the controller executes it: Pacemaker's graph (synapses of one
 * action each, with the ids of the actions they wait for), flattened. The scheduler's own
 * output is converted into this shape by an adapter at the daemon edge (see
 * src/daemon/scheduler-worker.ts), so the controller depends on no scheduler internals.
 */

export interface GraphResource {
  /**
   * The name the node's executor and history know: for an anonymous clone instance the
   * bare id (`st`), as in Pacemaker's graph (`<primitive id>`).
   */
  readonly id: string;
  /** The scheduler's own instance name (`st:1`, the graph's `long-id`) when it differs. */
  readonly longId?: string;
  readonly class: string;
  readonly provider: string;
  readonly type: string;
}

export interface GraphAction {
  /** Unique inside its graph. */
  readonly id: number;
  /** rsc_op: an agent action on a node; pseudo: a marker (group running...); crm_event:
   * controller work (clear_failcount, do_shutdown, stonith). */
  readonly type: "rsc_op" | "pseudo" | "crm_event";
  readonly operation: string;
  /** `RSC_OP_INTERVALMS` as Pacemaker names it (e.g. `httpd_monitor_10000`). */
  readonly operationKey: string;
  readonly resource: GraphResource | null;
  readonly node: string | null;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** The OCF rc that counts as success (7 for probes expecting "not running"). */
  readonly targetRc: number;
  /** Resource instance parameters (OCF_RESKEY_*). */
  readonly params: Readonly<Record<string, string>>;
  /** Meta attributes (OCF_RESKEY_CRM_meta_*). */
  readonly meta: Readonly<Record<string, string>>;
  /** Ids of the actions that must complete first. */
  readonly inputs: readonly number[];
  /** Set by the DC when the action is dispatched: `action:transition:target_rc:dc-uuid`. */
  readonly transitionKey?: string;
}

export interface TransitionGraph {
  readonly actions: readonly GraphAction[];
  /**
   * When the scheduler wants to be asked again without any change (a failure-timeout
   * expiring), as a wall-clock second; null when nothing is time-dependent.
   */
  readonly recheckAtS: number | null;
}

/** Pacemaker's transition key: which action of which transition asked for this result. */
export function transitionKey(
  actionId: number,
  transitionId: number,
  targetRc: number,
  dcUuid: string,
): string {
  return `${actionId}:${transitionId}:${targetRc}:${dcUuid}`;
}

/** Splits a transition key; null for anything that is not one. */
export function parseTransitionKey(
  key: string,
): { actionId: number; transitionId: number; targetRc: number; dcUuid: string } | null {
  const m = /^(\d+):(\d+):(\d+):(.+)$/.exec(key);
  if (!m) return null;
  return {
    actionId: Number(m[1]),
    transitionId: Number(m[2]),
    targetRc: Number(m[3]),
    dcUuid: m[4] ?? "",
  };
}
