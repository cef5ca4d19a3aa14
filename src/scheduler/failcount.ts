/**
 * Fail counts come from transient node attributes `fail-count-RSC` and
 * `fail-count-RSC#OP_INTERVAL` (Pacemaker 2.x). Anonymous clone instances share the
 * count of their configuration id.
 */
import type { NodeInfo, Resource } from "./model.js";
import { addScores, parseScore, type Score } from "./scores.js";

export function failCount(rsc: Resource, node: NodeInfo): Score {
  const names = new Set([rsc.id, rsc.baseId]);
  let total: Score = 0;
  for (const [k, v] of node.attrs) {
    if (!k.startsWith("fail-count-")) continue;
    const rest = k.slice("fail-count-".length);
    const hash = rest.indexOf("#");
    const name = hash >= 0 ? rest.slice(0, hash) : rest;
    if (names.has(name)) total = addScores(total, parseScore(v, 0));
  }
  return total;
}
