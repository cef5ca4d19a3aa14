/**
 * Clone pseudo-actions: `start`/`running`/`stop`/`stopped` (and promote/demote for
 * promotable clones) around the instances' actions.
 */
import {
  type Action,
  type ActionSet,
  IMPLIES_THEN,
  ONE_OR_MORE,
  RUNNABLE_LEFT,
  SUMMARIZES,
} from "./actions.js";
import type { Allocation } from "./allocate.js";
import type { Resource, WorkingSet } from "./model.js";
import { pseudoAction } from "./ordering.js";

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
  if (clone.clone?.promotable) orderRoles(set, clone, running, stop);
}

/**
 * promote/promoted and demote/demoted around the instances' role changes: promotion after
 * the clone is running, demotion before it stops. "promoted" can happen when one instance's
 * promotion can.
 */
function orderRoles(set: ActionSet, clone: Resource, running: Action, stop: Action): void {
  const promote = pseudoAction(set, clone, "promote");
  const promoted = pseudoAction(set, clone, "promoted");
  const demote = pseudoAction(set, clone, "demote");
  const demoted = pseudoAction(set, clone, "demoted");
  set.order(running, promote, 0);
  set.order(demoted, stop, 0);
  set.order(demoted, promote, 0);
  for (const inst of clone.children) {
    for (const p of inst.kind === "primitive" ? [inst] : inst.children) {
      for (const a of set.ofRsc(p.id, "promote")) {
        set.order(promote, a, 0);
        set.order(a, promoted, RUNNABLE_LEFT | ONE_OR_MORE);
      }
      for (const a of set.ofRsc(p.id, "demote")) {
        set.order(demote, a, 0);
        set.order(a, demoted, 0);
      }
    }
  }
}
