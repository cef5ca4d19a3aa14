/**
 * Fencing: an unclean node is fenced (when stonith is enabled and the partition may act)
 * before the resources it ran are considered stopped and recovered elsewhere.
 */
import type { Action, ActionSet } from "./actions.js";
import type { NodeInfo, WorkingSet } from "./model.js";

export function canFence(ws: WorkingSet): boolean {
  const o = ws.options;
  return o.stonithEnabled && !ws.frozen && (o.haveQuorum || o.noQuorumPolicy === "ignore");
}

export function createFencing(set: ActionSet, ws: WorkingSet): Map<string, Action> {
  const out = new Map<string, Action>();
  if (!canFence(ws)) return out;
  for (const n of ws.nodes) {
    if (!n.unclean) continue;
    out.set(n.uname, fenceAction(set, ws, n));
  }
  return out;
}

function fenceAction(set: ActionSet, ws: WorkingSet, n: NodeInfo): Action {
  return set.add({
    task: "stonith",
    rsc: undefined,
    rscId: `stonith-${n.uname}`,
    node: n.uname,
    intervalMs: 0,
    pseudo: false,
    optional: false,
    runnable: true,
    reason: undefined,
    fence: {
      node: n.uname,
      reason: n.fenceReason ?? "node is unclean",
      action: ws.options.stonithAction,
    },
  });
}
