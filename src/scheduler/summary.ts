/**
 * "Transition Summary" lines: one per fenced node and per resource whose state changes,
 * worded and aligned as crm_simulate 2.1.5 prints them.
 */
import type { Action } from "./actions.js";
import { allPrimitives } from "./allocate.js";
import type { Resource, Role } from "./model.js";
import type { PrimitivePlan } from "./primitive.js";
import type { Transition } from "./schedule.js";
import { compareNames } from "./status-text.js";

interface Line {
  readonly verb: string;
  readonly rsc: string;
  readonly details: string;
  readonly reason: string;
}

/** @example summaryLines(schedule(cib)) // ["* Start      rsc1    ( node1 )"] */
export function summaryLines(t: Transition): string[] {
  const out: string[] = [];
  const fences = [...t.fencing.values()].sort((a, b) => compareNames(a.node ?? "", b.node ?? ""));
  for (const f of fences) {
    if (f.fence) out.push(`* Fence (${f.fence.action}) ${f.fence.node} '${f.fence.reason}'`);
  }
  const lines: Line[] = [];
  for (const top of t.ws.resources) {
    for (const p of allPrimitives(top)) {
      const plan = t.plans.get(p);
      if (plan) lines.push(...primitiveLines(t, plan));
    }
  }
  const rscWidth = Math.max(0, ...lines.map((l) => l.rsc.length));
  const detWidth = Math.max(0, ...lines.map((l) => l.details.length));
  for (const l of lines) {
    const reason = l.reason === "" ? "" : `  ${l.reason}`;
    out.push(
      `* ${l.verb.padEnd(10)} ${l.rsc.padEnd(rscWidth + 3)} ( ${l.details.padStart(detWidth)} )${reason}`,
    );
  }
  return out;
}

function roleName(r: Role): string {
  return r === "Started" ? "Started" : r;
}

function noQuorum(t: Transition, rsc: Resource): boolean {
  const o = t.ws.options;
  return !o.haveQuorum && o.noQuorumPolicy !== "ignore" && rsc.requires !== "nothing";
}

function stopReason(t: Transition, plan: PrimitivePlan, stop: Action | undefined, start: Action | undefined): string {
  const why = stop?.reason ?? (start && !start.runnable && start.node !== undefined ? start.reason : undefined);
  const text = why ?? (noQuorum(t, plan.rsc) ? "no quorum" : "node availability");
  const blocked = stop && !stop.runnable ? " (blocked)" : "";
  return `due to ${text}${blocked}`;
}

function primitiveLines(t: Transition, plan: PrimitivePlan): Line[] {
  const rsc = plan.rsc;
  if (plan.starts.length === 0 && plan.stops.length === 0) return [];
  const start = plan.starts[0];
  const nextRole = t.nextRole.get(rsc) ?? "Stopped";
  const current = plan.current;
  const next = start?.node;
  const startHappens = start !== undefined && next !== undefined && !start.optional;
  if (current.length === 0) {
    if (!startHappens || !start) return [];
    const role = nextRole === "Promoted" ? `Stopped -> Promoted ${next}` : next;
    if (start.runnable) return [{ verb: nextRole === "Promoted" ? "Promote" : "Start", rsc: rsc.id, details: role, reason: "" }];
    const why = start.reason ? `due to ${start.reason} (blocked)` : "(blocked)";
    return [{ verb: "Start", rsc: rsc.id, details: next, reason: why }];
  }
  const failed = current.some((n) => rsc.history.get(n)?.failed);
  if (current.length > 1) {
    if (next !== undefined && start?.runnable) {
      if (current.includes(next)) return [{ verb: "Restart", rsc: rsc.id, details: next, reason: "" }];
      return [{ verb: "Move", rsc: rsc.id, details: `${current.join(" ")} -> ${next}`, reason: "" }];
    }
    return current.map((c) => ({
      verb: "Stop",
      rsc: rsc.id,
      details: c,
      reason: stopReason(t, plan, plan.stops.find((s) => s.node === c), start),
    }));
  }
  const c = current[0] as string;
  const stop = plan.stops[0];
  const curRole = rsc.history.get(c)?.role ?? "Started";
  if (next === undefined || !start?.runnable) {
    if (!stop || stop.optional) return [];
    return [{ verb: "Stop", rsc: rsc.id, details: c, reason: stopReason(t, plan, stop, start) }];
  }
  if (next !== c) {
    return [{ verb: failed ? "Recover" : "Move", rsc: rsc.id, details: `${c} -> ${next}`, reason: "" }];
  }
  if (failed) return [{ verb: "Recover", rsc: rsc.id, details: c, reason: "" }];
  if (plan.reload && (!stop || stop.optional)) return [{ verb: "Reload", rsc: rsc.id, details: c, reason: "" }];
  if (stop && !stop.optional) {
    const why = start.reason ?? stop.reason ?? plan.restartReason;
    return [{ verb: "Restart", rsc: rsc.id, details: c, reason: why ? `due to ${why}` : "" }];
  }
  if (curRole !== nextRole && nextRole !== "Stopped") {
    const verb = nextRole === "Promoted" ? "Promote" : "Demote";
    return [{ verb, rsc: rsc.id, details: `${roleName(curRole === "Started" ? "Unpromoted" : curRole)} -> ${roleName(nextRole)} ${c}`, reason: "" }];
  }
  return [];
}
