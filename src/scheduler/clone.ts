/**
 * Clones: instances of one resource spread over nodes (clone-max in total, at most
 * clone-node-max per node). Constraints on the clone act on every instance; instances
 * already active keep their node when it is still allowed.
 */
import type { Allocator } from "./allocate.js";
import type { Colocation } from "./colocation.js";
import type { ColocationConstraint, Resource, WorkingSet } from "./model.js";

export function cloneColocations(_ws: WorkingSet): Colocation[] {
  return [];
}

export function expandCloneColocation(
  _ws: WorkingSet,
  _c: ColocationConstraint,
  _dep: Resource,
  _pri: Resource,
): Colocation[] {
  return [];
}

export function assignClone(a: Allocator, clone: Resource): void {
  for (const inst of clone.children) {
    for (const p of inst.kind === "group" ? inst.children : [inst]) a.assign(p);
  }
}
