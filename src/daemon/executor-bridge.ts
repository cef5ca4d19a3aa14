/**
 * Runs the controller's `execute` effects on this node's executor (src/executor) and turns
 * its results into the controller's OpResult. Recurring monitors report through the
 * executor's listener (first result, then changes); NodeDaemon.report passes each distinct
 * result to the controller once.
 */

import type { GraphAction } from "../controller/graph.js";
import type { OpResult } from "../controller/types.js";
import { opDigest } from "../executor/digest.js";
import type { Executor } from "../executor/executor.js";
import type { AgentAction, AgentClass, OpResult as ExecResult } from "../executor/types.js";

const AGENT_ACTIONS: ReadonlySet<string> = new Set([
  "start",
  "stop",
  "monitor",
  "promote",
  "demote",
  "notify",
  "reload",
  "reload-agent",
  "migrate_to",
  "migrate_from",
  "meta-data",
  "validate-all",
]);
const AGENT_CLASSES: ReadonlySet<string> = new Set(["ocf", "lsb", "systemd", "service", "stonith"]);

/** Converts an executor result into what the controller records. */
export function toControllerResult(r: ExecResult): OpResult {
  return {
    resource: r.resourceId,
    operation: r.action,
    intervalMs: r.intervalMs,
    rc: r.rc,
    opStatus: r.status,
    exitReason: r.exitReason,
    callId: r.callId,
    execMs: Math.round(r.execMs),
    queueMs: Math.round(r.queueMs),
    rcChangeS: Math.floor(r.rcChangedAtMs / 1000),
    transitionKey: r.transitionKey ?? "",
    resourceClass: r.agent.class,
    provider: r.agent.provider ?? "",
    type: r.agent.type,
    opDigest: opDigest(r.params, { intervalMs: r.intervalMs, timeoutMs: r.timeoutMs }),
  };
}

function refused(a: GraphAction, why: string, callId: number): OpResult {
  return {
    resource: a.resource?.id ?? "",
    operation: a.operation,
    intervalMs: a.intervalMs,
    rc: 2,
    opStatus: 9,
    exitReason: why,
    callId,
    execMs: 0,
    queueMs: 0,
    rcChangeS: Math.floor(Date.now() / 1000),
    transitionKey: a.transitionKey ?? "",
    resourceClass: a.resource?.class ?? "",
    provider: a.resource?.provider ?? "",
    type: a.resource?.type ?? "",
    opDigest: opDigest(a.params, { intervalMs: a.intervalMs, timeoutMs: a.timeoutMs }),
  };
}

/** Runs one graph action; `report` receives its result. */
export function runAction(ex: Executor, a: GraphAction, report: (r: OpResult) => void): void {
  const rsc = a.resource;
  if (!rsc) return;
  if (a.operation === "cancel") {
    const op = a.meta.operation ?? "monitor";
    ex.stopRecurring(rsc.id, op, a.intervalMs);
    report({ ...refused(a, "", 0), operation: op, rc: 0, opStatus: 1 });
    return;
  }
  if (!AGENT_ACTIONS.has(a.operation) || !AGENT_CLASSES.has(rsc.class)) {
    report(refused(a, `cannot run ${a.operation} of class ${rsc.class}`, 0));
    return;
  }
  if (a.operation === "stop") ex.stopAllRecurring(rsc.id);
  const req = {
    resourceId: rsc.id,
    agent: {
      class: rsc.class as AgentClass,
      ...(rsc.provider ? { provider: rsc.provider } : {}),
      type: rsc.type,
    },
    action: a.operation as AgentAction,
    intervalMs: a.intervalMs,
    timeoutMs: a.timeoutMs,
    params: a.params,
    meta: a.meta,
    ...(a.transitionKey !== undefined ? { transitionKey: a.transitionKey } : {}),
  };
  // A recurring op's first result comes both here and through the executor's listener;
  // the daemon reports each (call id, rc, status) once.
  ex.exec(req).then(
    (r) => report(toControllerResult(r)),
    (e: unknown) => report(refused(a, e instanceof Error ? e.message : String(e), 0)),
  );
}
