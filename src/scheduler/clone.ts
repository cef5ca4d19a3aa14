/**
 * Clones: instances of one resource spread over nodes (clone-max in total, at most
 * clone-node-max per node). Constraints on the clone act on every instance; instances are
 * placed one after another, active ones first, each on the best node not yet full.
 */
import type { Allocator } from "./allocate.js";
import type { Colocation } from "./colocation.js";
import { currentNodes, isBlocked } from "./location.js";
import type { ColocationConstraint, Resource, WorkingSet } from "./model.js";
import { assignPromotion } from "./promotable.js";
import { INFINITY } from "./scores.js";

/** The primitive that stands for an instance in placement (a group's first member). */
export function instanceLead(inst: Resource): Resource | undefined {
  return inst.kind === "group" ? inst.children[0] : inst;
}

export function instancePrimitives(inst: Resource): Resource[] {
  return inst.kind === "group" ? inst.children : [inst];
}

export function cloneColocations(_ws: WorkingSet): Colocation[] {
  // Instances of a clone are independent; their groups' internal colocations come from
  // groupColocations. Nothing else is implicit.
  return [];
}

function endpoint(r: Resource, asPrimary: boolean, score: number): Resource | undefined {
  if (r.kind === "group") {
    return asPrimary && score >= INFINITY ? r.children[r.children.length - 1] : r.children[0];
  }
  return r;
}

/**
 * Colocations involving a clone. A clone as primary stays the clone (placement then uses
 * the set of nodes its instances got); a clone as dependent becomes one colocation per
 * instance. Role-specific dependents are handled by promotion, not placement.
 */
export function expandCloneColocation(
  _ws: WorkingSet,
  c: ColocationConstraint,
  dep: Resource,
  pri: Resource,
): Colocation[] {
  const primary = pri.kind === "clone" ? pri : endpoint(pri, true, c.score);
  if (!primary) return [];
  const deps =
    dep.kind === "clone" ? dep.children.map(instanceLead) : [endpoint(dep, false, c.score)];
  const out: Colocation[] = [];
  for (const d of deps) {
    if (!d) continue;
    out.push({
      id: c.id,
      dependent: d,
      primary,
      score: c.score,
      nodeAttribute: c.nodeAttribute,
      dependentRole: c.dependentRole,
      primaryRole: c.primaryRole,
      influence: c.influence,
      dependentRsc: dep,
      primaryRsc: pri,
    });
  }
  return out;
}

function isActive(inst: Resource): boolean {
  return instancePrimitives(inst).some((p) => currentNodes(p).length > 0);
}

function bannedWhereActive(a: Allocator, inst: Resource): boolean {
  const lead = instanceLead(inst);
  const cur = lead ? currentNodes(lead) : [];
  if (!lead || cur.length !== 1) return false;
  const node = cur[0] as string;
  // An instance that failed there (e.g. its stop) goes last as well: a fresh instance
  // takes the free node, and it is stopped where it is.
  const h = lead.history.get(node);
  return (
    (a.weightsOf(lead).get(node) ?? 0) < 0 || h?.failed === true || h?.failedTask !== undefined
  );
}

export function assignClone(a: Allocator, clone: Resource): void {
  if (a.cloneState.has(clone)) return;
  a.cloneState.set(clone, "busy");
  const settings = clone.clone;
  const perNodeMax = settings?.cloneNodeMax ?? 1;
  const perNode = new Map<string, number>();
  const open = () =>
    new Set(a.ws.nodes.map((n) => n.uname).filter((n) => (perNode.get(n) ?? 0) < perNodeMax));
  const place = (inst: Resource, allowed: ReadonlySet<string>) => {
    const lead = instanceLead(inst);
    if (!lead) return;
    const node = a.assign(lead, allowed);
    for (const p of instancePrimitives(inst)) if (p !== lead) a.assign(p);
    if (node !== undefined) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  };
  const byNumber = [...clone.children].sort((x, y) => (x.instance ?? 0) - (y.instance ?? 0));
  // First, active instances stay where they are when that is still their best node, and
  // no node keeps more than its even share, so instances spread out.
  const first = byNumber.map(instanceLead).find((l) => l !== undefined);
  const usable = first
    ? [...a.weightsOf(first)].filter(([n, s]) => s >= 0 && a.nodeUsable(n)).length
    : 0;
  const share = Math.min(perNodeMax, Math.ceil(clone.children.length / Math.max(1, usable)));
  for (const inst of byCurrentScore(a, clone, byNumber)) {
    const lead = instanceLead(inst);
    const cur = lead ? currentNodes(lead) : [];
    if (!lead || cur.length !== 1) continue;
    const node = cur[0] as string;
    if ((perNode.get(node) ?? 0) >= share) continue;
    if (!open().has(node) || !a.prefersCurrent(lead, node, open())) continue;
    place(inst, new Set([node]));
  }
  // Then the others in number order, anonymous instances banned from their node last: one
  // is not moved while another instance can start in its place.
  const banned = (i: Resource) => bannedWhereActive(a, i);
  const displacedLast = settings?.unique
    ? byNumber
    : [...byNumber.filter((i) => !banned(i)), ...byNumber.filter((i) => banned(i))];
  for (const inst of displacedLast) {
    const lead = instanceLead(inst);
    if (lead && !a.alloc.assigned.has(lead)) place(inst, open());
  }
  if (settings?.promotable) assignPromotion(a, clone);
  a.cloneState.set(clone, "done");
}

/**
 * Active instances go first where the clone (with its dependents' preferences) scores
 * their current node highest, so the best-placed instance keeps its node.
 */
function byCurrentScore(a: Allocator, clone: Resource, insts: Resource[]): Resource[] {
  const scores = a.cloneScores(clone);
  const at = (inst: Resource) => {
    const lead = instanceLead(inst);
    const cur = lead ? currentNodes(lead) : [];
    return cur.length === 1 ? (scores.get(cur[0] as string) ?? 0) : -INFINITY;
  };
  return insts
    .map((inst, i) => ({ inst, i, s: at(inst) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .map((k) => k.inst);
}

/**
 * Nodes where instances of `clone` were placed (optionally only promoted ones). With
 * `whole`, a group instance counts only where all of it runs (its last member was placed),
 * which is what a mandatory colocation with the clone needs.
 */
export function cloneNodes(
  a: Allocator,
  clone: Resource,
  promotedOnly: boolean,
  whole = false,
): Set<string> {
  const out = new Set<string>();
  for (const inst of clone.children) {
    const prims = instancePrimitives(inst);
    const lead = whole ? prims[prims.length - 1] : prims[0];
    // An instance frozen by a failure (on-fail=block) stays, but nothing may join it.
    if (!lead || prims.some((p) => isBlocked(a.ws, p))) continue;
    const node = a.alloc.assigned.get(lead);
    if (node === undefined) continue;
    if (promotedOnly && !prims.some((p) => a.alloc.promoted.has(p))) continue;
    out.add(node);
  }
  return out;
}

/** Nodes where instances of `clone` were placed and will not be promoted. */
export function unpromotedCloneNodes(a: Allocator, clone: Resource): Set<string> {
  assignClone(a, clone);
  const out = new Set<string>();
  for (const inst of clone.children) {
    const prims = instancePrimitives(inst);
    const node = prims[0] ? a.alloc.assigned.get(prims[0]) : undefined;
    if (prims.some((p) => isBlocked(a.ws, p))) continue;
    if (node !== undefined && !prims.some((p) => a.alloc.promoted.has(p))) out.add(node);
  }
  return out;
}
