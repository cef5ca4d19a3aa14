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

/**
 * Whether this partition may fence `n`: with quorum any unclean node; without it only a
 * node still online with us (a member gone bad, e.g. after a failed stop), never one that
 * left, which may be running as another partition (Pacemaker 2.1.5).
 */
export function canFenceNode(ws: WorkingSet, n: NodeInfo): boolean {
  if (canFence(ws)) return true;
  return ws.options.stonithEnabled && !ws.frozen && n.online;
}

export function createFencing(set: ActionSet, ws: WorkingSet): Map<string, Action> {
  const out = new Map<string, Action>();
  for (const n of ws.nodes) {
    if (!n.unclean || !canFenceNode(ws, n)) continue;
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
