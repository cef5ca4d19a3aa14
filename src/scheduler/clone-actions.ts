/**
 * Clone pseudo-actions: `start`/`running`/`stop`/`stopped` (and promote/demote for
 * promotable clones) around the instances' actions.
 */
import { type ActionSet, IMPLIES_THEN, ONE_OR_MORE, RUNNABLE_LEFT, SUMMARIZES } from "./actions.js";
import type { Allocation } from "./allocate.js";
import type { Resource, WorkingSet } from "./model.js";
import { orderResources, pseudoAction } from "./ordering.js";

export function orderClone(
  set: ActionSet,
  _ws: WorkingSet,
  _alloc: Allocation,
  clone: Resource,
): void {
  const start = pseudoAction(set, clone, "start");
  const running = pseudoAction(set, clone, "running");
  const stop = pseudoAction(set, clone, "stop");
  const stopped = pseudoAction(set, clone, "stopped");
  set.order(stopped, start, 0);
  for (const inst of clone.children) {
    orderResources(set, clone, "start", inst, "start", 0);
    for (const a of inst.kind === "primitive"
      ? set.ofRsc(inst.id, "start")
      : [pseudoAction(set, inst, "running")]) {
      set.order(start, a, RUNNABLE_LEFT);
      set.order(a, running, RUNNABLE_LEFT | ONE_OR_MORE);
    }
    for (const a of inst.kind === "primitive"
      ? set.ofRsc(inst.id, "stop")
      : [pseudoAction(set, inst, "stopped")]) {
      set.order(stop, a, IMPLIES_THEN);
      set.order(a, stopped, 0);
    }
    for (const p of inst.kind === "primitive" ? [inst] : inst.children) {
      for (const a of set.ofRsc(p.id, "start")) set.order(a, running, SUMMARIZES);
    }
  }
}
