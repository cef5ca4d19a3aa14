/**
 * Colocation arithmetic. Before a primary is placed, the preferences of resources that
 * depend on it are folded into its scores ("merge"), scaled by score/INFINITY at each
 * link of a chain; once placed, each dependent's scores are adjusted relative to where
 * its primary went ("apply").
 */
import type { Weights } from "./location.js";
import type { NodeInfo, Resource, Role } from "./model.js";
import { addScores, INFINITY, type Score } from "./scores.js";

/** A colocation between two primitives (groups and clones already resolved). */
export interface Colocation {
  readonly id: string;
  readonly dependent: Resource;
  readonly primary: Resource;
  readonly score: Score;
  readonly nodeAttribute: string;
  readonly dependentRole: Role | undefined;
  readonly primaryRole: Role | undefined;
  readonly influence: boolean;
  /** The configured resources (a group or clone, where dependent/primary is a member). */
  readonly dependentRsc?: Resource;
  readonly primaryRsc?: Resource;
}

/** Whether `r` is, or belongs to, a promotable clone. */
export function promotable(r: Resource): boolean {
  for (let x: Resource | undefined = r; x; x = x.parent) if (x.clone?.promotable) return true;
  return false;
}

function kindRank(r: Resource): number {
  if (r.kind === "clone") return r.clone?.promotable ? 0 : 1;
  return r.kind === "group" ? 2 : 3;
}

/**
 * The order in which Pacemaker considers the resources a resource is colocated with (or
 * that are colocated with it): higher priority first, then promotable clones, clones,
 * groups, primitives, then by id (allocation traces of 2.1.5 show this order).
 */
export function compareColocated(a: Resource, b: Resource): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const k = kindRank(a) - kindRank(b);
  if (k !== 0) return k;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Colocations sorted by their primaries (side "primary") or dependents ("dependent"). */
export function sortColocations(
  list: readonly Colocation[],
  side: "primary" | "dependent",
): Colocation[] {
  const key = (c: Colocation) =>
    side === "primary" ? (c.primaryRsc ?? c.primary) : (c.dependentRsc ?? c.dependent);
  return [...list].sort((a, b) => compareColocated(key(a), key(b)));
}

/** Scales a dependent's node score by a colocation factor, rounding half away from zero. */
export function scaleScore(score: Score, factor: number): Score {
  // A colocation of score 0 expresses no preference at all.
  if (factor === 0) return 0;
  if (score >= INFINITY || score <= -INFINITY) {
    if (factor === 0) return 0;
    const signed = Math.sign(score) * Math.sign(factor);
    if (Math.abs(factor) >= 1) return signed * INFINITY;
  }
  const raw = score * factor;
  let v = raw < 0 ? -Math.floor(-raw + 0.5) : Math.floor(raw + 0.5);
  // A preference never vanishes entirely: it survives as ±1 in the direction of the factor.
  if (v === 0 && score !== 0) v = factor > 0 ? 1 : -1;
  if (v >= INFINITY) return INFINITY;
  if (v <= -INFINITY) return -INFINITY;
  return v;
}

function attrOf(nodes: Map<string, NodeInfo>, node: string, attr: string): string | undefined {
  return nodes.get(node)?.attrs.get(attr);
}

/** Best score of `w` over nodes whose `attr` equals that of `node`. */
function bestMatching(
  w: Weights,
  nodes: Map<string, NodeInfo>,
  node: string,
  attr: string,
): Score | undefined {
  if (attr === "#uname") return w.get(node);
  const value = attrOf(nodes, node, attr);
  let best: Score | undefined;
  for (const [n, s] of w) {
    if (attrOf(nodes, n, attr) !== value || value === undefined) continue;
    if (best === undefined || s > best) best = s;
  }
  return best;
}

export interface MergeContext {
  readonly nodes: Map<string, NodeInfo>;
  weightsOf(r: Resource): Weights;
  dependentsOf(r: Resource): readonly Colocation[];
  canRun(node: string): boolean;
}

/** Where a chain of dependents has got to (crm_simulate -s on chains A <- B <- C). */
interface Chain {
  /** Each link is scaled by its own score, but a negative link turns the rest against. */
  readonly sign: number;
  /** A group entered as a dependent: only its members follow, not its own dependents. */
  readonly group: Resource | undefined;
}

/**
 * Folds the preferences of `rsc`'s dependents (recursively) into `base`. A dependent whose
 * contribution would leave no usable node is rolled back. `positiveOnly` (a clone's own
 * scores) lets dependents draw the primary to nodes but never push it away from one.
 */
export function mergeDependents(
  rsc: Resource,
  base: Weights,
  ctx: MergeContext,
  visiting: Set<Resource> = new Set(),
  positiveOnly = false,
  chain: Chain = { sign: 1, group: undefined },
): Weights {
  visiting.add(rsc);
  let work = new Map(base);
  for (const c of ctx.dependentsOf(rsc)) {
    if (!c.influence || visiting.has(c.dependent)) continue;
    // A dependent of the promoted role weighs in on promotion, not on where instances run.
    if (c.primaryRole === "Promoted" && promotable(c.primary)) continue;
    const internal = c.id.endsWith(":internal");
    if (chain.group !== undefined && !(internal && c.dependent.parent === chain.group)) continue;
    const factor = (chain.sign * c.score) / INFINITY;
    const inGroup = c.dependent.parent?.kind === "group" ? c.dependent.parent : undefined;
    const next: Chain = { sign: factor < 0 ? -1 : 1, group: internal ? chain.group : inGroup };
    work = mergeOne(c.dependent, work, factor, c.nodeAttribute, ctx, visiting, positiveOnly, next);
  }
  visiting.delete(rsc);
  return work;
}

function mergeOne(
  dep: Resource,
  nodes: Weights,
  factor: number,
  attr: string,
  ctx: MergeContext,
  visiting: Set<Resource>,
  positiveOnly: boolean,
  chain: Chain,
): Weights {
  const depWeights = ctx.weightsOf(dep);
  const work = new Map(nodes);
  for (const [n, cur] of work) {
    const s = bestMatching(depWeights, ctx.nodes, n, attr);
    if (s === undefined) continue;
    if (factor < 0 && s < 0) continue;
    work.set(
      n,
      positiveOnly
        ? keepPositive(cur, scaleScore(s, factor))
        : addScores(cur, scaleScore(s, factor)),
    );
  }
  if (!anyAvailable(work, ctx)) return nodes;
  return mergeDependents(dep, work, ctx, visiting, positiveOnly, chain);
}

/**
 * Adds a dependent's preference without letting it turn a node the primary may use into
 * one it may not: a positive score stays at least 1, a zero stays 0 (Pacemaker's traces of
 * clone scores show exactly this).
 */
export function keepPositive(cur: Score, delta: Score): Score {
  const sum = addScores(cur, delta);
  if (sum >= 0 || cur < 0) return sum;
  return cur > 0 ? 1 : 0;
}

export function anyAvailable(w: Weights, ctx: { canRun(node: string): boolean }): boolean {
  for (const [n, s] of w) if (s >= 0 && ctx.canRun(n)) return true;
  return false;
}

/**
 * Adjusts a dependent's scores once its primary is placed at `primaryNode` (undefined when
 * the primary cannot run). Returns a note describing the effect for explanations.
 */
export function applyToDependent(
  w: Weights,
  c: Colocation,
  primaryNode: string | undefined,
  nodes: Map<string, NodeInfo>,
): string | undefined {
  if (primaryNode === undefined) {
    if (c.score < INFINITY) return undefined;
    for (const n of w.keys()) w.set(n, -INFINITY);
    return `${c.primary.id} cannot run anywhere and ${c.id} requires being with it`;
  }
  const value = attrOf(nodes, primaryNode, c.nodeAttribute);
  for (const [n, s] of w) {
    const same = value !== undefined && attrOf(nodes, n, c.nodeAttribute) === value;
    if (same) {
      if (c.score < INFINITY) w.set(n, addScores(s, c.score));
    } else if (c.score >= INFINITY) {
      w.set(n, -INFINITY);
    }
  }
  return undefined;
}

/** As applyToDependent, for a primary placed on several nodes (a clone's instances). */
export function applyToDependentSet(
  w: Weights,
  c: Colocation,
  primaryNodes: ReadonlySet<string>,
  nodes: Map<string, NodeInfo>,
): void {
  const values = new Set<string>();
  for (const n of primaryNodes) {
    const v = attrOf(nodes, n, c.nodeAttribute);
    if (v !== undefined) values.add(v);
  }
  for (const [n, s] of w) {
    const v = attrOf(nodes, n, c.nodeAttribute);
    const same = v !== undefined && values.has(v);
    if (same) {
      if (c.score < INFINITY) w.set(n, addScores(s, c.score));
    } else if (c.score >= INFINITY) {
      w.set(n, -INFINITY);
    }
  }
}
