/**
 * Promotable clones: after placement, the instances with the highest promotion scores
 * (the `master-<id>` node attribute, plus role=Promoted location constraints and
 * colocations) are promoted, up to promoted-max (promoted-node-max per node).
 */
import type { Allocator } from "./allocate.js";
import { instancePrimitives } from "./clone.js";
import type { Resource } from "./model.js";
import { addScores, INFINITY, parseScore, type Score } from "./scores.js";

function attrScore(a: Allocator, inst: Resource, node: string): Score | undefined {
  const n = a.ws.nodeByName.get(node);
  if (!n) return undefined;
  let total: Score | undefined;
  for (const p of instancePrimitives(inst)) {
    // The name the instance was known by on this node (its history) comes first: anonymous
    // instances are renumbered when the status is read, their attributes are not.
    const known = p.history.get(node)?.lrmId;
    const v =
      (known === undefined ? undefined : n.attrs.get(`master-${known}`)) ??
      n.attrs.get(`master-${p.id}`) ??
      n.attrs.get(`master-${p.baseId}`);
    if (v !== undefined) total = addScores(total ?? 0, parseScore(v, 0));
  }
  return total;
}

/** Promotion score of an instance placed on `node`. */
export function promotionScore(a: Allocator, clone: Resource, inst: Resource, node: string): Score {
  let score: Score = attrScore(a, inst, node) ?? -1;
  const notes = a.promotionNotes;
  for (const loc of a.ws.locations) {
    if (loc.role !== "Promoted" || (loc.rsc !== clone.id && loc.rsc !== inst.id)) continue;
    const s = loc.scores.get(node);
    if (s !== undefined) {
      score = addScores(score, s);
      notes.push(`${inst.id}: ${loc.id} adds ${s} on ${node}`);
    }
  }
  for (const c of a.ws.colocations) {
    if (c.dependent !== clone.id || c.dependentRole !== "Promoted") continue;
    const pri = a.ws.byId.get(c.primary);
    if (!pri) continue;
    const nodes = a.placedNodes(pri, c.primaryRole === "Promoted");
    if (nodes.has(node)) score = addScores(score, c.score);
    else if (c.score >= INFINITY) score = addScores(score, -INFINITY);
  }
  for (const c of a.ws.colocations) {
    // Instances placed with a mandatory primary of an Unpromoted-role colocation stay there
    // unpromoted.
    if (c.dependent !== clone.id || c.dependentRole !== "Unpromoted" || c.score < INFINITY)
      continue;
    const pri = a.ws.byId.get(c.primary);
    if (pri && a.placedNodes(pri, c.primaryRole === "Promoted").has(node)) score = -INFINITY;
  }
  for (const c of a.ws.colocations) {
    if (c.primary !== clone.id || c.primaryRole !== "Promoted") continue;
    const dep = a.ws.byId.get(c.dependent);
    if (!dep || dep.kind === "clone") continue;
    const lead = dep.kind === "group" ? dep.children[0] : dep;
    const w = lead ? a.weightsOf(lead).get(node) : undefined;
    // The dependent's dislikes count as much as its preferences (-INFINITY rules the node
    // out), as crm_simulate's promotion scores show.
    if (w !== undefined && c.score > 0 && w !== 0)
      score = addScores(score, Math.round((w * c.score) / INFINITY));
  }
  return score;
}

function lead(inst: Resource): Resource | undefined {
  return instancePrimitives(inst)[0];
}

export function assignPromotion(a: Allocator, clone: Resource): void {
  const settings = clone.clone;
  if (!settings) return;
  const candidates: { inst: Resource; node: string; score: Score; current: boolean }[] = [];
  for (const inst of clone.children) {
    const lead = instancePrimitives(inst)[0];
    const node = lead ? a.alloc.assigned.get(lead) : undefined;
    if (node === undefined || !lead) continue;
    if (clone.targetRole === "Unpromoted" || inst.targetRole === "Unpromoted") continue;
    if (lead.history.get(node)?.onFail === "demote" && !lead.history.get(node)?.failed) continue;
    // A group instance is promoted whole: one member that cannot run rules it out.
    if (instancePrimitives(inst).some((p) => a.alloc.assigned.get(p) !== node)) continue;
    const score = promotionScore(a, clone, inst, node);
    const current = lead.history.get(node)?.role === "Promoted";
    a.promotionScores.set(inst, score);
    candidates.push({ inst, node, score, current });
  }
  candidates.sort(
    (x, y) =>
      y.score - x.score ||
      (x.current === y.current ? 0 : x.current ? -1 : 1) ||
      (x.inst.instance ?? 0) - (y.inst.instance ?? 0),
  );
  const perNode = new Map<string, number>();
  let promoted = 0;
  for (const c of candidates) {
    if (promoted >= settings.promotedMax) break;
    if (c.score < 0) continue;
    if ((perNode.get(c.node) ?? 0) >= settings.promotedNodeMax) continue;
    // Without quorum an instance that is not running yet is still chosen (its start and
    // promote are then blocked); a running one is not promoted.
    if (
      !a.quorumAllowsPromotion() &&
      lead(c.inst)?.history.get(c.node)?.role !== "Stopped" &&
      lead(c.inst)?.history.has(c.node)
    )
      continue;
    perNode.set(c.node, (perNode.get(c.node) ?? 0) + 1);
    promoted++;
    for (const p of instancePrimitives(c.inst)) a.alloc.promoted.add(p);
  }
}
