/**
 * Fail counts come from transient node attributes `fail-count-RSC` and
 * `fail-count-RSC#OP_INTERVAL` (Pacemaker 2.x). Anonymous clone instances share the
 * count of their configuration id.
 */
import type { NodeInfo, Resource } from "./model.js";
import { addScores, parseScore, type Score } from "./scores.js";

export function failCount(rsc: Resource, node: NodeInfo): Score {
  if (rsc.history.get(node.uname)?.failCountCleared === true) return 0;
  // Built at the first fail count: called for every resource on every node, mostly none.
  let names: Set<string> | undefined;
  let total: Score = 0;
  for (const [k, v] of node.attrs) {
    if (!k.startsWith("fail-count-")) continue;
    names ??= new Set([rsc.id, rsc.baseId]);
    const rest = k.slice("fail-count-".length);
    const hash = rest.indexOf("#");
    const name = hash >= 0 ? rest.slice(0, hash) : rest;
    if (!names.has(name) && !anonymousInstanceName(rsc, name)) continue;
    if (hash >= 0 && ignoredOp(rsc, rest.slice(hash + 1))) continue;
    // The legacy per-resource count says no operation: the history does.
    if (hash < 0 && onlyIgnoredFailures(rsc, node)) continue;
    total = addScores(total, parseScore(v, 0));
  }
  return total;
}

/** Anonymous clone instances are renumbered freely: `base:N` counts for every instance. */
function anonymousInstanceName(rsc: Resource, name: string): boolean {
  let clone = rsc.parent;
  while (clone && clone.kind !== "clone") clone = clone.parent;
  if (!clone || clone.clone?.unique) return false;
  const colon = name.lastIndexOf(":");
  return colon > 0 && name.slice(0, colon) === rsc.baseId && /^\d+$/.test(name.slice(colon + 1));
}

/** The failures recorded on `node` were all of operations with on-fail=ignore. */
function onlyIgnoredFailures(rsc: Resource, node: NodeInfo): boolean {
  const h = rsc.history.get(node.uname);
  return h !== undefined && h.failureIgnored && !h.failed;
}

/** Failures of an operation configured with on-fail=ignore do not count. */
function ignoredOp(rsc: Resource, opKey: string): boolean {
  const m = /^(.*)_(\d+)$/.exec(opKey);
  if (!m) return false;
  const def = rsc.ops.find((o) => o.name === m[1] && o.intervalMs === Number(m[2]));
  return def?.onFail === "ignore";
}
