/**
 * Probes: before a resource may start anywhere, every online node without a record of it
 * is asked (a one-shot monitor, `RSC_monitor_0`) whether it is already running there.
 */
import type { ActionSet } from "./actions.js";
import type { Resource, WorkingSet } from "./model.js";

export function createProbes(
  set: ActionSet,
  ws: WorkingSet,
  rsc: Resource,
  assigned: ReadonlyMap<Resource, string | undefined>,
): void {
  if (rsc.orphan || !rsc.managed) return;
  const starts = set.ofRsc(rsc.id, "start");
  for (const n of ws.nodes) {
    if (!n.online || n.unclean || n.pending || n.shutdown) continue;
    if (probedOn(rsc, n.uname)) continue;
    if (!probesFor(rsc, n.uname, assigned)) continue;
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

/**
 * One instance of an anonymous clone answers for all on a node: the one placed there, else
 * the first by number (crm_simulate 2.1.5's Executing sections).
 */
function probesFor(
  rsc: Resource,
  node: string,
  assigned: ReadonlyMap<Resource, string | undefined>,
): boolean {
  const clone = rsc.parent?.kind === "clone" ? rsc.parent : rsc.parent?.parent;
  if (!clone || clone.kind !== "clone" || clone.clone?.unique) return true;
  const idx = rsc.parent?.kind === "group" ? rsc.parent.children.indexOf(rsc) : 0;
  const member = (inst: Resource) => (inst.kind === "group" ? inst.children[idx] : inst);
  const lead = (inst: Resource) => (inst.kind === "group" ? inst.children[0] : inst);
  const insts = [...clone.children].sort((x, y) => (x.instance ?? 0) - (y.instance ?? 0));
  const here = insts.find((i) => {
    const l = lead(i);
    return l !== undefined && assigned.get(l) === node;
  });
  return member(here ?? (insts[0] as Resource)) === rsc;
}
