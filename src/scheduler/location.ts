/**
 * Initial node scores of each primitive: the cluster's symmetry, location constraints,
 * stickiness on the current node and bans after too many failures. Each contribution is
 * recorded so `--explain` can name it.
 */

import { failCount } from "./failcount.js";
import { canFenceNode } from "./fencing.js";
import type { LocationConstraint, NodeHistory, NodeInfo, Resource, WorkingSet } from "./model.js";
import { addScores, INFINITY, type Score } from "./scores.js";

export interface ScoreNote {
  readonly node: string;
  readonly score: Score;
  readonly why: string;
}

export type Weights = Map<string, Score>;

/** Whether a node may host resources at all in this transition. */
export function nodeCanRunResources(n: NodeInfo): boolean {
  return n.online && !n.standby && !n.unclean && !n.shutdown && !n.pending && !n.maintenance;
}

/**
 * `locations`: the constraints that may target `rsc`, in configuration order (all of them
 * unless the caller indexed them: scanning every constraint per resource is quadratic).
 */
export function initialWeights(
  ws: WorkingSet,
  rsc: Resource,
  notes: ScoreNote[],
  locationTarget: (rscId: string) => Resource[],
  locations: readonly LocationConstraint[] = ws.locations,
): Weights {
  const w: Weights = new Map();
  if (ws.options.symmetricCluster) for (const n of ws.nodes) w.set(n.uname, 0);
  for (const loc of locations) {
    if (loc.role !== undefined) continue;
    if (!locationTarget(loc.rsc).includes(rsc)) continue;
    for (const [node, s] of loc.scores) {
      w.set(node, addScores(w.get(node) ?? 0, s));
      notes.push({ node, score: s, why: `location constraint ${loc.id}` });
    }
  }
  return w;
}

/** Stickiness and failure bans depend on history; applied after constraints. */
export function applyHistoryScores(
  ws: WorkingSet,
  rsc: Resource,
  w: Weights,
  notes: ScoreNote[],
): void {
  const current = currentNodes(rsc);
  if (rsc.managed && rsc.stickiness !== 0 && current.length === 1) {
    const node = current[0] as string;
    if (w.has(node)) {
      w.set(node, addScores(w.get(node) ?? 0, rsc.stickiness));
      notes.push({
        node,
        score: rsc.stickiness,
        why: "resource-stickiness (currently active there)",
      });
    }
  }
  for (const n of ws.nodes) {
    const fc = failCount(rsc, n);
    if (fc <= 0 || rsc.migrationThreshold <= 0) continue;
    if (fc >= rsc.migrationThreshold) {
      w.set(n.uname, -INFINITY);
      notes.push({
        node: n.uname,
        score: -INFINITY,
        why: `fail count ${fc >= INFINITY ? "INFINITY" : fc} reached migration-threshold ${
          rsc.migrationThreshold >= INFINITY ? "INFINITY" : rsc.migrationThreshold
        }`,
      });
    }
  }
  for (const h of banningHistories(rsc)) {
    if (h.ban === "all") {
      for (const n of ws.nodes) w.set(n.uname, -INFINITY);
      notes.push({
        node: h.node,
        score: -INFINITY,
        why: "a fatal error (not configured) on " + h.node,
      });
    } else if (h.ban === "node") {
      w.set(h.node, -INFINITY);
      notes.push({ node: h.node, score: -INFINITY, why: "a hard error there" });
    }
    if (h.notInstalled) {
      w.set(h.node, -INFINITY);
      notes.push({ node: h.node, score: -INFINITY, why: "agent not installed there" });
    }
  }
}

/**
 * Histories whose hard errors ban `rsc`: its own, and for an instance of an anonymous
 * clone those of every instance (their numbers mean nothing, the error is the clone's).
 */
function banningHistories(rsc: Resource): NodeHistory[] {
  let clone = rsc.parent;
  while (clone && clone.kind !== "clone") clone = clone.parent;
  if (!clone || clone.clone?.unique) return [...rsc.history.values()];
  const out: NodeHistory[] = [];
  const walk = (r: Resource) => {
    if (r.kind === "primitive" && r.baseId === rsc.baseId) out.push(...r.history.values());
    for (const c of r.children) walk(c);
  };
  walk(clone);
  return out;
}

/** Nodes where the history says the resource is active. */
export function currentNodes(rsc: Resource): string[] {
  const out: string[] = [];
  for (const h of rsc.history.values()) if (h.role !== "Stopped") out.push(h.node);
  return out;
}

/**
 * A failure with on-fail=block freezes a resource where it is, unless that node is about
 * to be fenced (fencing settles its state).
 */
export function isBlocked(ws: WorkingSet, rsc: Resource): boolean {
  return [...rsc.history.values()].some((h) => {
    if (!h.blocked || h.role === "Stopped") return false;
    const node = ws.nodeByName.get(h.node);
    return !(node?.unclean && canFenceNode(ws, node));
  });
}
