/**
 * Ordering: rsc_order constraints and the implicit orders of groups become edges between
 * actions. A group (or clone) is represented by pseudo-actions: `start`/`stop` before its
 * members act, `running`/`stopped` once they all have.
 */
import {
  type Action,
  type ActionSet,
  ASYMMETRICAL,
  CLONE_WIDE,
  FROZEN_LEFT,
  IMPLIES_FIRST,
  IMPLIES_THEN,
  ONE_OR_MORE,
  RUNNABLE_LEFT,
} from "./actions.js";
import type { Allocation } from "./allocate.js";
import { interleaves, pairedInstance } from "./interleave.js";
import type { OrderConstraint, Resource, WorkingSet } from "./model.js";

/** What interleaved orders need to pair instances: placement and inhibited instances. */
export interface PairingContext {
  readonly ws: WorkingSet;
  readonly alloc: Allocation;
  readonly inhibited: ReadonlySet<Resource>;
}

const COMPLETION: Record<string, string> = {
  start: "running",
  stop: "stopped",
  promote: "promoted",
  demote: "demoted",
};

/** Then-tasks whose ordering after something applies to each instance of a clone. */
const PER_INSTANCE = new Set(["start", "promote"]);

const INVERSE: Record<string, string> = {
  start: "stop",
  stop: "start",
  promote: "demote",
  demote: "promote",
};

/** The pseudo-action of a collective resource (group/clone). */
export function pseudoAction(set: ActionSet, rsc: Resource, task: string): Action {
  return (
    set.find(rsc.id, task) ??
    set.add({
      task,
      rsc,
      rscId: rsc.id,
      node: undefined,
      intervalMs: 0,
      pseudo: true,
      optional: true,
      runnable: true,
      reason: undefined,
    })
  );
}

/** Actions standing for `task` of `rsc` when it is the earlier side of an order. */
export function firstActions(set: ActionSet, rsc: Resource, task: string): Action[] {
  if (rsc.kind === "primitive") return set.ofRsc(rsc.id, task);
  return [pseudoAction(set, rsc, COMPLETION[task] ?? task)];
}

/** Actions standing for `task` of `rsc` when it is the later side of an order. */
export function thenActions(set: ActionSet, rsc: Resource, task: string): Action[] {
  if (rsc.kind === "primitive") return set.ofRsc(rsc.id, task);
  return [pseudoAction(set, rsc, task)];
}

export function orderResources(
  set: ActionSet,
  first: Resource,
  firstTask: string,
  then: Resource,
  thenTask: string,
  flags: number,
): void {
  for (const f of firstActions(set, first, firstTask)) {
    for (const t of thenActions(set, then, thenTask)) set.order(f, t, flags);
  }
}

export function applyOrderConstraints(set: ActionSet, ctx: PairingContext): void {
  for (const o of ctx.ws.orders) applyOrder(set, ctx, o);
}

/**
 * Interleaved clones: the clone-level actions stay ordered (without flags) and each
 * instance of the waiting clone is ordered after the other clone's instance on its node.
 */
function orderPaired(
  set: ActionSet,
  ctx: PairingContext,
  first: Resource,
  firstTask: string,
  then: Resource,
  thenTask: string,
  flags: number,
): void {
  if (!interleaves(first, then, thenTask)) {
    orderResources(set, first, firstTask, then, thenTask, flags);
    if (then.kind !== "clone" || flags === 0 || !PER_INSTANCE.has(thenTask)) return;
    // Each instance is ordered too: what is required of the clone is required of every
    // instance (a restarted primary restarts them all), and an action of a clone on the
    // first side counts on the instance's node only.
    const wide = first.kind === "clone" ? CLONE_WIDE : 0;
    for (const inst of then.children) {
      for (const f of firstActions(set, first, firstTask)) {
        for (const t of thenActions(set, inst, thenTask)) set.order(f, t, flags | wide);
      }
    }
    return;
  }
  orderResources(set, first, firstTask, then, thenTask, 0);
  const { ws, alloc, inhibited } = ctx;
  for (const inst of then.children) {
    const partner = pairedInstance(ws, alloc, first, inst, thenTask, inhibited);
    if (!partner) continue;
    for (const f of instanceActions(set, partner, firstTask, true)) {
      for (const t of instanceActions(set, inst, thenTask, false)) set.order(f, t, flags);
    }
  }
}

function instanceActions(set: ActionSet, inst: Resource, task: string, asFirst: boolean) {
  return asFirst ? firstActions(set, inst, task) : thenActions(set, inst, task);
}

function applyOrder(set: ActionSet, ctx: PairingContext, o: OrderConstraint): void {
  const ws = ctx.ws;
  const first = ws.byId.get(o.first);
  const then = ws.byId.get(o.then);
  if (!first || !then) return;
  const mandatory = o.kind === "Mandatory";
  const thenAct = o.thenAction;
  const minimum = first.kind === "clone" ? (!o.requireAll ? 1 : (first.clone?.cloneMin ?? 0)) : 0;
  // The instance count gates "then" even when the order is optional (crm_simulate 2.1.5
  // blocks the start either way); only a mandatory one also makes it required.
  if (minimum > 0 && o.firstAction === "start") {
    orderOneOrMore(set, o, first, then, minimum, mandatory);
    return;
  }
  const oneOrMore = 0;
  const flags = mandatory ? IMPLIES_THEN | RUNNABLE_LEFT | oneOrMore : 0;
  orderPaired(
    set,
    ctx,
    first,
    o.firstAction,
    then,
    thenAct,
    flags | (o.symmetrical ? 0 : ASYMMETRICAL),
  );
  if (!o.symmetrical) return;
  const fi = INVERSE[o.firstAction];
  const ti = INVERSE[thenAct];
  if (!fi || !ti) return;
  // crm_simulate's trace shows the reverse stop order never making a stop required by
  // itself: a stop is needed when its own start is (restart) or cannot run.
  const rflags = mandatory
    ? ti === "stop"
      ? FROZEN_LEFT
      : IMPLIES_FIRST | (ti === "demote" ? RUNNABLE_LEFT : 0)
    : 0;
  orderPaired(set, ctx, then, ti, first, fi, rflags);
}

/** Implicit orders of a group: members start in order and stop in reverse. */
export function orderGroup(set: ActionSet, g: Resource): void {
  const start = pseudoAction(set, g, "start");
  const running = pseudoAction(set, g, "running");
  const stop = pseudoAction(set, g, "stop");
  const stopped = pseudoAction(set, g, "stopped");
  set.order(stop, start, 0);
  set.order(stopped, start, 0);
  let prev: Resource | undefined;
  for (const m of g.children) {
    for (const s of set.ofRsc(m.id, "start")) {
      set.order(start, s, IMPLIES_THEN | RUNNABLE_LEFT);
      set.order(s, running, IMPLIES_THEN | RUNNABLE_LEFT);
    }
    for (const s of set.ofRsc(m.id, "stop")) {
      set.order(stop, s, IMPLIES_THEN);
      set.order(s, stopped, IMPLIES_THEN);
    }
    if (prev) {
      orderResources(set, prev, "start", m, "start", IMPLIES_THEN | RUNNABLE_LEFT);
      orderResources(set, m, "stop", prev, "stop", IMPLIES_FIRST | RUNNABLE_LEFT);
    }
    prev = m;
  }
}

/**
 * "then" needs only `minimum` instances of the first clone (require-all=false or
 * clone-min): a pseudo-action counts the instances that will be running.
 */
function orderOneOrMore(
  set: ActionSet,
  o: OrderConstraint,
  first: Resource,
  then: Resource,
  minimum: number,
  mandatory: boolean,
): void {
  const gate = set.add({
    task: "one-or-more",
    rsc: undefined,
    rscId: `clone-one-or-more:${o.id}`,
    node: undefined,
    intervalMs: 0,
    pseudo: true,
    optional: true,
    runnable: true,
    reason: undefined,
    meta: new Map([["minimum", String(minimum)]]),
  });
  for (const inst of first.children) {
    for (const a of inst.kind === "primitive"
      ? set.ofRsc(inst.id, "start")
      : thenActions(set, inst, "running")) {
      set.order(a, gate, ONE_OR_MORE);
    }
  }
  const flags = mandatory ? IMPLIES_THEN | RUNNABLE_LEFT : RUNNABLE_LEFT;
  for (const t of thenActions(set, then, o.thenAction)) set.order(gate, t, flags);
}
