/**
 * "Transition Summary" lines: one per fenced node and per resource whose state changes,
 * worded and aligned as crm_simulate 2.1.5 prints them.
 */
import type { Action } from "./actions.js";
import { allPrimitives } from "./allocate.js";
import type { Resource, Role } from "./model.js";
import { type PrimitivePlan, singleActiveNode } from "./primitive.js";
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
  // crm_simulate's column widths, measured on its output: the name column is 5 wide and,
  // going down the lines, grows to a name's length + 2 whenever a name is longer than it
  // (so it depends on the order of the lines); the details column is at least 5 wide.
  // (A loop, not Math.max(...spread): a spread of 100,000s of lines overflows the stack.)
  let nameWidth = 5;
  for (const l of lines) if (l.rsc.length > nameWidth) nameWidth = l.rsc.length + 2;
  let detWidth = 5;
  for (const l of lines) detWidth = Math.max(detWidth, l.details.length);
  for (const l of lines) {
    const reason = l.reason === "" ? "" : `  ${l.reason}`;
    out.push(
      `* ${l.verb.padEnd(10)} ${l.rsc.padEnd(nameWidth + 2)} ( ${l.details.padStart(detWidth)} )${reason}`,
    );
  }
  return out;
}

function stopReason(
  t: Transition,
  plan: PrimitivePlan,
  stop: Action | undefined,
  start: Action | undefined,
): string {
  const startWhy = start && !start.runnable && start.node !== undefined ? start.reason : undefined;
  // A stop names its own reason when it has one, else why the start cannot happen.
  const why = stop?.reason ?? startWhy;
  const blocked = stop && !stop.runnable ? " (blocked)" : "";
  // "node availability" is what placement found; an instance an interleaved order keeps
  // from running was placed, and Pacemaker names no reason unless an ordering gave one.
  if (why === undefined && t.inhibited.has(instanceOf(plan.rsc))) return blocked.trim();
  // Pacemaker gives a stop "node availability" only when the resource was placed nowhere.
  if (why === undefined && plan.next !== undefined) return blocked === "" ? "" : "blocked";
  return `due to ${why ?? "node availability"}${blocked}`;
}

/** The clone instance a primitive belongs to (itself, or its group). */
function instanceOf(rsc: Resource): Resource {
  return rsc.parent?.kind === "group" ? rsc.parent : rsc;
}

function isPromotable(rsc: Resource): boolean {
  const clone = rsc.parent?.kind === "clone" ? rsc.parent : rsc.parent?.parent;
  return clone?.clone?.promotable === true;
}

/** "node" for plain resources, "Role node" for promotable instances. */
function at(rsc: Resource, role: Role, node: string): string {
  if (!isPromotable(rsc)) return node;
  return `${role === "Promoted" ? "Promoted" : "Unpromoted"} ${node}`;
}

function primitiveLines(t: Transition, plan: PrimitivePlan): Line[] {
  const rsc = plan.rsc;
  if (plan.starts.length === 0 && plan.stops.length === 0) return [];
  const start = plan.starts[0];
  const prom = isPromotable(rsc);
  const nextRole: Role = t.nextRole.get(rsc) === "Promoted" ? "Promoted" : "Unpromoted";
  // Copies on nodes about to be fenced are stopped by the fencing, not reported.
  const only = singleActiveNode(t.ws, rsc, plan.current);
  const current = only !== undefined ? [only] : plan.current;
  const next = t.inhibited.has(instanceOf(rsc)) ? undefined : start?.node;
  const line = (verb: string, details: string, reason = ""): Line[] => [
    { verb, rsc: rsc.id, details, reason },
  ];
  // A start blocked when it was created stays optional but is still shown (blocked).
  const startHappens =
    start !== undefined && next !== undefined && (!start.optional || !start.runnable);
  if (current.length === 0) {
    if (!startHappens || !start) return [];
    const promoted = prom && (nextRole === "Promoted" || t.alloc.promoted.has(rsc));
    const details = promoted ? `Stopped -> Promoted ${next}` : next;
    const verb = promoted ? "Promote" : "Start";
    const promote = plan.promote;
    if (start.runnable && promoted && promote && !promote.runnable) {
      return line(verb, details, promote.reason ? `due to ${promote.reason} (blocked)` : "blocked");
    }
    if (start.runnable) return line(verb, details);
    // A blocked promotion is only "blocked"; Pacemaker names no reason for it.
    if (promoted) return line(verb, details, "blocked");
    return line(verb, details, start.reason ? `due to ${start.reason} (blocked)` : "blocked");
  }
  const failed = current.some((n) => rsc.history.get(n)?.failed);
  if (current.length > 1) {
    if (next !== undefined && start?.runnable) {
      if (current.includes(next)) return line("Restart", next);
      // Pacemaker names the first node it found the resource on.
      return line(failed ? "Recover" : "Move", `${current[0]} -> ${next}`);
    }
    return current.flatMap((c) =>
      line(
        "Stop",
        c,
        stopReason(
          t,
          plan,
          plan.stops.find((s) => s.node === c),
          start,
        ),
      ),
    );
  }
  const c = current[0] as string;
  const stop = plan.stops.find((s) => s.node === c) ?? plan.stops[0];
  const curRole: Role = rsc.history.get(c)?.role === "Promoted" ? "Promoted" : "Unpromoted";
  if (next === undefined || !start?.runnable) {
    if (!stop || stop.optional) return [];
    return line("Stop", at(rsc, curRole, c), stopReason(t, plan, stop, start));
  }
  const roleChange = prom && curRole !== nextRole;
  if (next !== c) {
    const details = prom ? `${curRole} ${c} -> ${nextRole} ${next}` : `${c} -> ${next}`;
    return line(failed ? "Recover" : "Move", details);
  }
  const inPlace = roleChange ? `${curRole} -> ${nextRole} ${c}` : at(rsc, curRole, c);
  if (failed) return line("Recover", inPlace);
  if (plan.reload && (!stop || stop.optional)) return line("Reload", inPlace);
  if (stop && !stop.optional) {
    const why = start.reason ?? stop.reason ?? plan.restartReason;
    return line("Restart", inPlace, why ? `due to ${why}` : "");
  }
  if (roleChange) {
    const act = nextRole === "Promoted" ? plan.promote : plan.demote;
    if (act && act.optional) return [];
    const blocked =
      act && !act.runnable ? (act.reason ? `due to ${act.reason} (blocked)` : "blocked") : "";
    return line(nextRole === "Promoted" ? "Promote" : "Demote", inPlace, blocked);
  }
  return [];
}
