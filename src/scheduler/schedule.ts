/**
 * The scheduler's entry point: a pure function from a CIB (configuration + status) and
 * "now" to placement, scores and the transition (actions + orderings). No I/O, no clock.
 */
import type { XmlElement } from "../cib/xml.js";
import { type Action, ActionSet, COLOCATED } from "./actions.js";
import { type Allocation, Allocator, allPrimitives } from "./allocate.js";
import { orderClone } from "./clone-actions.js";
import { promotable } from "./colocation.js";
import { canFence, createFencing } from "./fencing.js";
import { inhibitUnpaired } from "./interleave.js";
import type { Resource, Role, WorkingSet } from "./model.js";
import { createNotifications } from "./notify.js";
import { applyOrderConstraints, orderGroup } from "./ordering.js";
import { createPrimitiveActions, type PrimitivePlan } from "./primitive.js";
import { blockStartsAwaitingProbes, createProbes } from "./probes.js";
import { createRecurring } from "./recurring.js";
import { INFINITY } from "./scores.js";
import { unpack } from "./unpack.js";
import { pacemakerOrder, updateActions } from "./update-actions.js";

export interface ScheduleOptions {
  /** Seconds since the epoch; defaults to the CIB's execution-date, else 0. */
  readonly now?: number;
  /**
   * Add clone notifications (notify=true) to the transition; on unless `false`. (The
   * controller leaves notify results out of the status section, as Pacemaker does.)
   */
  readonly notifications?: boolean;
}

export interface Transition {
  readonly ws: WorkingSet;
  readonly alloc: Allocation;
  readonly actions: ActionSet;
  readonly plans: Map<Resource, PrimitivePlan>;
  readonly fencing: Map<string, Action>;
  /** Role each primitive will have after the transition. */
  readonly nextRole: Map<Resource, Role>;
  /** Clone instances kept from running by an interleaved order (no partner instance). */
  readonly inhibited: ReadonlySet<Resource>;
}

/** @example const t = schedule(cib, { now: 1700000000 }); t.alloc.assigned */
export function schedule(cib: XmlElement, opts: ScheduleOptions = {}): Transition {
  const now = opts.now ?? 0;
  const ws = unpack(cib, { now });
  const allocator = new Allocator(ws);
  const alloc = allocator.run();
  const set = new ActionSet();
  const fencing = createFencing(set, ws);
  const plans = new Map<Resource, PrimitivePlan>();
  const prims = ws.resources.flatMap(allPrimitives);
  for (const p of prims) plans.set(p, createPrimitiveActions(set, ws, alloc, p));
  orderFencing(set, ws, plans, fencing);
  for (const g of allOfKind(ws.resources, "group")) orderGroup(set, g);
  for (const c of allOfKind(ws.resources, "clone")) orderClone(set, ws, alloc, c);
  const inhibited = inhibitUnpaired(ws, alloc, plans);
  const implicitEdges = set.edges.length;
  applyOrderConstraints(set, { ws, alloc, inhibited });
  const configured = new Set(set.edges.slice(implicitEdges));
  orderColocations(set, alloc);
  for (const p of prims) blockStartsAwaitingProbes(set, ws, p);
  updateActions(set, (a) => isActiveOn(ws, a), pacemakerOrder(set, ws, configured));
  dropReloadsOfRestarts(plans);
  const nextRole = new Map<Resource, Role>();
  for (const p of prims) {
    const plan = plans.get(p) as PrimitivePlan;
    const start = plan.starts[0];
    const role = roleAfter(alloc, p, plan);
    nextRole.set(p, role);
    createProbes(set, ws, p, alloc.assigned);
    if (role !== "Stopped") createRecurring(set, p, plan.next, role, start);
  }
  if (opts.notifications !== false)
    createNotifications(set, ws, plans, allOfKind(ws.resources, "clone"));
  markPseudo(set);
  return { ws, alloc, actions: set, plans, fencing, nextRole, inhibited };
}

/** A resource that restarts anyway needs no reload (Pacemaker: reload becomes restart). */
function dropReloadsOfRestarts(plans: Map<Resource, PrimitivePlan>): void {
  for (const plan of plans.values()) {
    if (plan.reload && plan.starts.some((s) => !s.optional)) plan.reload.optional = true;
  }
}

/** Whether the action's resource is active on the action's node now. */
function isActiveOn(ws: WorkingSet, a: Action): boolean {
  if (a.task === "stop") return true;
  if (!a.rsc) return false;
  if (a.node === undefined) {
    // A clone's pseudo-action: active when any of its instances runs somewhere (a group
    // is not: an asymmetric order still blocks its members).
    if (a.rsc.kind !== "clone") return false;
    return allPrimitives(a.rsc).some((p) =>
      [...p.history.values()].some(
        (h) => h.role !== "Stopped" && ws.nodeByName.get(h.node)?.online === true,
      ),
    );
  }
  const h = a.rsc.history.get(a.node);
  return h !== undefined && h.role !== "Stopped" && ws.nodeByName.get(a.node)?.online === true;
}

function roleAfter(alloc: Allocation, p: Resource, plan: PrimitivePlan): Role {
  if (!p.managed || plan.starts.length === 0) {
    return plan.current.length > 0
      ? (p.history.get(plan.current[0] as string)?.role ?? "Started")
      : "Stopped";
  }
  const start = plan.starts[0] as Action;
  if (plan.next === undefined || !start.runnable) return "Stopped";
  if (alloc.promoted.has(p) && plan.promote?.runnable !== false) return "Promoted";
  return p.parent?.kind === "clone" && p.parent.clone?.promotable ? "Unpromoted" : "Started";
}

/** A mandatory colocation's dependent cannot start where its primary's start is blocked. */
function orderColocations(set: ActionSet, alloc: Allocation): void {
  for (const c of alloc.colocations) {
    if (c.score < INFINITY || c.primary.kind !== "primitive" || c.id.endsWith(":internal"))
      continue;
    // A role a plain primitive never has leaves the dependent unconstrained.
    if (c.primaryRole !== undefined && !promotable(c.primary)) continue;
    for (const ps of set.ofRsc(c.primary.id, "start")) {
      // A dependent in the promoted role needs its primary for the promotion only.
      const task = c.dependentRole === "Promoted" ? "promote" : "start";
      // A group blocked by its primary is blocked as a whole: every member names the
      // colocation (the ordering into the group's start acts on each member).
      const group = c.dependent.parent?.kind === "group" ? c.dependent.parent : undefined;
      const groupStart = task === "start" && group ? set.find(group.id, "start") : undefined;
      const targets = groupStart ? [groupStart] : set.ofRsc(c.dependent.id, task);
      for (const ds of targets) set.order(ps, ds, COLOCATED);
    }
  }
}

function allOfKind(rs: readonly Resource[], kind: Resource["kind"]): Resource[] {
  const out: Resource[] = [];
  const walk = (r: Resource) => {
    if (r.kind === kind) out.push(r);
    for (const c of r.children) walk(c);
  };
  for (const r of rs) walk(r);
  return out;
}

function orderFencing(
  set: ActionSet,
  ws: WorkingSet,
  plans: Map<Resource, PrimitivePlan>,
  fencing: Map<string, Action>,
): void {
  for (const plan of plans.values()) {
    let needsFence = false;
    for (const s of plan.stops) {
      const node = s.node === undefined ? undefined : ws.nodeByName.get(s.node);
      if (!node?.unclean) continue;
      const f = fencing.get(node.uname);
      needsFence = true;
      if (f) {
        set.order(f, s, 0);
        s.optional = false;
      } else {
        s.runnable = false;
      }
    }
    if (!needsFence && plan.rsc.requires !== "fencing") continue;
    for (const f of fencing.values()) for (const st of plan.starts) set.order(f, st, 0);
  }
  void canFence;
}

/** A pseudo-action is part of the transition when any action it orders is. */
function markPseudo(set: ActionSet): void {
  for (const a of set.actions) {
    if (!a.pseudo || a.rsc?.kind === "primitive") continue;
    const related = [...(set.inEdges.get(a) ?? []), ...(set.outEdges.get(a) ?? [])];
    const other = (e: { first: Action; then: Action }) => (e.first === a ? e.then : e.first);
    if (
      related.some(
        (e) => other(e).rsc?.kind === "primitive" && !other(e).optional && other(e).runnable,
      )
    ) {
      a.optional = false;
    }
  }
}
