/**
 * Interleaved ordering between two clones (Pacemaker Explained, "Clone Options":
 * interleave). Instead of waiting for the whole first clone, each instance of the
 * dependent clone waits only for the instance of the other clone on its own node. An
 * instance that would start where the other clone has no instance cannot run at all
 * ("inhibited"), when the order is mandatory and symmetrical.
 */
import type { Allocation } from "./allocate.js";
import { instancePrimitives } from "./clone.js";
import type { OrderConstraint, Resource, WorkingSet } from "./model.js";
import { activeNodes, type PrimitivePlan } from "./primitive.js";

/** Tasks whose instance is matched by the node it runs on now, not where it is placed. */
const BY_CURRENT_NODE = new Set(["stop", "demote"]);

/**
 * Whether an order between `first` and `then` is interleaved. The clone whose actions
 * wait decides: `then` for start/promote, `first` for the reversed stop/demote order.
 */
export function interleaves(first: Resource, then: Resource, thenTask: string): boolean {
  if (first.kind !== "clone" || then.kind !== "clone" || first === then) return false;
  const owner = BY_CURRENT_NODE.has(thenTask) ? first : then;
  return owner.clone?.interleave === true;
}

/** The node an instance is matched on: where it is placed, or where it runs now. */
export function instanceNode(
  ws: WorkingSet,
  alloc: Allocation,
  inst: Resource,
  task: string,
  inhibited: ReadonlySet<Resource>,
): string | undefined {
  const lead = instancePrimitives(inst)[0];
  if (!lead) return undefined;
  if (BY_CURRENT_NODE.has(task)) {
    const cur = activeNodes(ws, lead);
    return cur.length === 1 ? cur[0] : undefined;
  }
  if (inhibited.has(inst)) return undefined;
  return alloc.assigned.get(lead);
}

/**
 * The instance of `clone` that pairs with an instance on `node`, if any. An inhibited
 * instance still pairs where it is active now (crm_simulate then names its unrunnable
 * start); one that is not active pairs nowhere, so inhibition spreads along a chain.
 */
export function partnerOn(
  ws: WorkingSet,
  alloc: Allocation,
  clone: Resource,
  node: string,
  task: string,
  inhibited: ReadonlySet<Resource>,
): Resource | undefined {
  const at = (c: Resource) =>
    inhibited.has(c) && !BY_CURRENT_NODE.has(task)
      ? instanceNode(ws, alloc, c, "stop", inhibited)
      : instanceNode(ws, alloc, c, task, inhibited);
  return clone.children.find((c) => at(c) === node);
}

function inhibits(ws: WorkingSet, o: OrderConstraint): [Resource, Resource] | undefined {
  if (o.kind !== "Mandatory" || !o.symmetrical || o.thenAction !== "start") return undefined;
  const first = ws.byId.get(o.first);
  const then = ws.byId.get(o.then);
  if (!first || !then || !interleaves(first, then, o.thenAction)) return undefined;
  // clone-min / require-all=false orders count instances instead of pairing them.
  if (!o.requireAll || (first.clone?.cloneMin ?? 0) > 0) return undefined;
  return [first, then];
}

/**
 * Instances of an interleaved dependent clone placed where the clone they depend on has
 * no instance cannot be active: their start becomes unrunnable (an active one must stop).
 * Repeated until stable, since an inhibited instance leaves its own dependents unpaired.
 */
export function inhibitUnpaired(
  ws: WorkingSet,
  alloc: Allocation,
  plans: ReadonlyMap<Resource, PrimitivePlan>,
): Set<Resource> {
  const inhibited = new Set<Resource>();
  const pairs = ws.orders.map((o) => inhibits(ws, o)).filter((p) => p !== undefined);
  let changed = pairs.length > 0;
  const limit = ws.resources.length * 64 + 16;
  for (let round = 0; changed && round < limit; round++) {
    changed = false;
    for (const [first, then] of pairs) {
      for (const inst of then.children) {
        const node = instanceNode(ws, alloc, inst, "start", inhibited);
        if (node === undefined) continue;
        if (partnerOn(ws, alloc, first, node, "start", inhibited)) continue;
        inhibited.add(inst);
        changed = true;
        for (const p of instancePrimitives(inst)) inhibitStart(plans.get(p));
      }
    }
  }
  return inhibited;
}

function inhibitStart(plan: PrimitivePlan | undefined): void {
  if (!plan) return;
  for (const a of [...plan.starts, ...(plan.promote ? [plan.promote] : [])]) {
    a.runnable = false;
    a.optional = true;
  }
}

/**
 * The instance of `first` an instance of `then` waits for. One without a node of its own
 * (not placed, or inhibited) still gets one: the instance on the first node, in the
 * cluster's node order, that has one (what Pacemaker's orderings show).
 */
export function pairedInstance(
  ws: WorkingSet,
  alloc: Allocation,
  first: Resource,
  inst: Resource,
  task: string,
  inhibited: ReadonlySet<Resource>,
): Resource | undefined {
  const node = instanceNode(ws, alloc, inst, task, inhibited);
  if (node !== undefined) return partnerOn(ws, alloc, first, node, task, inhibited);
  if (BY_CURRENT_NODE.has(task)) return undefined;
  for (const n of ws.nodes) {
    const partner = partnerOn(ws, alloc, first, n.uname, task, inhibited);
    if (partner) return partner;
  }
  return undefined;
}
