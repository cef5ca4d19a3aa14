/**
 * Group semantics: members are placed together and started in order. Pacemaker models a
 * group as an INFINITY colocation of each member with the previous one plus mandatory
 * ordering; constraints on the group act on its first member (placement) or on the group's
 * start/running pseudo-actions (ordering).
 */
import type { Colocation } from "./colocation.js";
import type { Resource, WorkingSet } from "./model.js";
import { INFINITY } from "./scores.js";

export function groupMembers(r: Resource): Resource[] {
  return r.kind === "group" ? r.children : [r];
}

function allGroups(rs: readonly Resource[]): Resource[] {
  const out: Resource[] = [];
  const walk = (r: Resource) => {
    if (r.kind === "group") out.push(r);
    for (const c of r.children) walk(c);
  };
  for (const r of rs) walk(r);
  return out;
}

/** The implicit colocations that keep a group's members on one node. */
export function groupColocations(ws: WorkingSet): Colocation[] {
  const out: Colocation[] = [];
  for (const g of allGroups(ws.resources)) {
    for (let i = 1; i < g.children.length; i++) {
      out.push({
        id: `${g.id}:internal`,
        dependent: g.children[i] as Resource,
        primary: g.children[i - 1] as Resource,
        score: INFINITY,
        nodeAttribute: "#uname",
        dependentRole: undefined,
        primaryRole: undefined,
        influence: true,
      });
    }
  }
  return out;
}
