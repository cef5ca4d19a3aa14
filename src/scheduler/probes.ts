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

/**
 * A resource must be probed on a pending member before it starts anywhere, and a pending
 * node runs nothing: its required starts are blocked (crm_simulate 2.1.5, core/stonith-4
 * and variations). A resource already running is left alone.
 */
export function blockStartsAwaitingProbes(set: ActionSet, ws: WorkingSet, rsc: Resource): void {
  if (rsc.orphan || !rsc.managed) return;
  const waits = ws.nodes.some((n) => n.pending && n.inCcm === true && !probedOn(rsc, n.uname));
  if (!waits) return;
  for (const s of set.ofRsc(rsc.id, "start")) if (!s.optional) s.runnable = false;
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
