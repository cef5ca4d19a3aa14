/**
 * Probes: before a resource may start anywhere, every online node without a record of it
 * is asked (a one-shot monitor, `RSC_monitor_0`) whether it is already running there.
 */
import type { ActionSet } from "./actions.js";
import type { Resource, WorkingSet } from "./model.js";

export function createProbes(set: ActionSet, ws: WorkingSet, rsc: Resource): void {
  if (rsc.orphan || !rsc.managed) return;
  const starts = set.ofRsc(rsc.id, "start");
  for (const n of ws.nodes) {
    if (!n.online || n.unclean || n.pending || n.shutdown) continue;
    if (probedOn(rsc, n.uname)) continue;
    const probe = set.add({
      task: "monitor",
      rsc,
      rscId: rsc.id,
      node: n.uname,
      intervalMs: 0,
      pseudo: false,
      optional: false,
      runnable: true,
      reason: undefined,
    });
    for (const s of starts) set.order(probe, s, 0);
  }
}

/** Anonymous clone instances share probe results on a node. */
function probedOn(rsc: Resource, node: string): boolean {
  if (rsc.history.has(node)) return true;
  const clone = rsc.parent?.kind === "clone" ? rsc.parent : rsc.parent?.parent;
  if (!clone || clone.kind !== "clone" || clone.clone?.unique) return false;
  const idx = rsc.parent?.kind === "group" ? rsc.parent.children.indexOf(rsc) : 0;
  return clone.children.some((inst) => {
    const p = inst.kind === "group" ? inst.children[idx] : inst;
    return p?.history.has(node) === true;
  });
}
