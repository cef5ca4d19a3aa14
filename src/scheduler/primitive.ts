/**
 * Actions of one primitive: stop where it runs and should not (or must restart), start
 * where it was placed, and the internal stop-before-start edge.
 */
import {
  type Action,
  type ActionSet,
  IMPLIES_FIRST,
  IMPLIES_THEN,
  RESTART,
  RUNNABLE_LEFT,
} from "./actions.js";
import type { Allocation } from "./allocate.js";
import { definitionChange, definitionChanged } from "./digest.js";
import { currentNodes, isBlocked } from "./location.js";
import type { Resource, WorkingSet } from "./model.js";

export interface PrimitivePlan {
  readonly rsc: Resource;
  readonly current: string[];
  readonly next: string | undefined;
  readonly starts: Action[];
  readonly stops: Action[];
  /** Why the resource must restart where it is (definition change), if it must. */
  readonly restartReason: string | undefined;
  /** A reload in place (only reloadable parameters changed). */
  readonly reload?: Action;
  readonly promote?: Action;
  readonly demote?: Action;
}

/** Nodes whose history counts: online nodes, and unclean nodes awaiting fencing. */
export function activeNodes(ws: WorkingSet, rsc: Resource): string[] {
  return currentNodes(rsc).filter((n) => {
    const node = ws.nodeByName.get(n);
    return node !== undefined && (node.online || node.unclean);
  });
}

export function createPrimitiveActions(
  set: ActionSet,
  ws: WorkingSet,
  alloc: Allocation,
  rsc: Resource,
): PrimitivePlan {
  const current = activeNodes(ws, rsc);
  const next = alloc.assigned.get(rsc);
  const plan = { rsc, current, next, starts: [] as Action[], stops: [] as Action[] };
  const blocked = isBlocked(ws, rsc);
  if (!rsc.managed || blocked || ws.frozen) {
    // Frozen resources still anchor orderings: running and unmanaged satisfies "then";
    // blocked (failed) can neither start nor stop.
    const node = current.length === 1 ? current[0] : undefined;
    const ok = !blocked && node !== undefined;
    set.add({
      task: "start",
      rsc,
      rscId: rsc.id,
      node: ok ? node : undefined,
      intervalMs: 0,
      pseudo: false,
      frozen: true,
      optional: true,
      runnable: ok,
      reason: undefined,
    });
    for (const c of current) {
      set.add({
        task: "stop",
        rsc,
        rscId: rsc.id,
        node: c,
        intervalMs: 0,
        pseudo: false,
        frozen: true,
        optional: true,
        runnable: false,
        reason: undefined,
      });
    }
    return { ...plan, restartReason: undefined };
  }
  const failedOn = (n: string) => rsc.history.get(n)?.failed === true;
  const only = singleActiveNode(ws, rsc, current);
  const changed =
    next !== undefined && only === next ? definitionChanged(ws, rsc, next) : undefined;
  for (const c of current) {
    const node = ws.nodeByName.get(c);
    const stays = c === next && only === c && !failedOn(c) && changed === undefined;
    plan.stops.push(
      set.add({
        task: "stop",
        rsc,
        rscId: rsc.id,
        node: c,
        intervalMs: 0,
        pseudo: node?.unclean === true,
        optional: stays,
        runnable: true,
        // A resource with no node to run on stops for that reason, whatever else it waits for.
        reason: next === undefined ? "node availability" : changed,
      }),
    );
  }
  const stays = next !== undefined && only === next && !failedOn(next);
  const start = set.add({
    task: "start",
    rsc,
    rscId: rsc.id,
    node: next,
    intervalMs: 0,
    pseudo: false,
    optional: next === undefined || (stays && changed === undefined),
    runnable: next !== undefined,
    reason: changed,
  });
  plan.starts.push(start);
  const quorumBlock = quorumBlocks(ws, rsc, current);
  if (quorumBlock !== undefined && start.runnable) {
    start.runnable = false;
    start.reason = quorumBlock;
    // Pacemaker makes a start required only when it can run (crm_simulate's trace), so
    // what is ordered after a quorum-blocked start reads "unrunnable X start".
    start.optional = true;
  }
  for (const s of plan.stops) {
    // A copy stopped by fencing does not make the copy that stays start again.
    const implies = s.node !== next && only === next ? 0 : IMPLIES_THEN;
    set.order(s, start, implies | RUNNABLE_LEFT | (s.node === next ? RESTART : 0));
  }
  const roles = promotableActions(set, alloc, rsc, plan.stops, start);
  if (roles) return { ...plan, restartReason: changed, ...roles };
  if (stays && changed === undefined && definitionChange(rsc, next)?.kind === "reload") {
    const reload = set.add({
      task: "reload",
      rsc,
      rscId: rsc.id,
      node: next,
      intervalMs: 0,
      pseudo: false,
      optional: false,
      runnable: true,
      reason: undefined,
    });
    return { ...plan, restartReason: changed, reload };
  }
  return { ...plan, restartReason: changed };
}

/**
 * The one node a resource runs on, if one. A fencing device's copies on nodes about to be
 * fenced do not make it multiply active (Pacemaker leaves the surviving copy alone); any
 * other resource active on two nodes is, even when one of them will be fenced.
 */
export function singleActiveNode(
  ws: WorkingSet,
  rsc: Resource,
  current: readonly string[],
): string | undefined {
  if (current.length === 1) return current[0];
  if (rsc.cls !== "stonith") return undefined;
  const live = current.filter((n) => ws.nodeByName.get(n)?.unclean !== true);
  return live.length === 1 ? live[0] : undefined;
}

/** Without quorum, no-quorum-policy decides which starts may happen. */
function quorumBlocks(ws: WorkingSet, rsc: Resource, current: string[]): string | undefined {
  const o = ws.options;
  if (o.haveQuorum || o.noQuorumPolicy === "ignore" || rsc.requires === "nothing") return undefined;
  if (o.noQuorumPolicy === "freeze") return current.length > 0 ? undefined : "quorum freeze";
  return "no quorum";
}

/** Promote/demote around the start/stop of an instance of a promotable clone. */
function promotableActions(
  set: ActionSet,
  alloc: Allocation,
  rsc: Resource,
  stops: Action[],
  start: Action,
): { promote?: Action; demote?: Action } | undefined {
  const clone = rsc.parent?.kind === "clone" ? rsc.parent : rsc.parent?.parent;
  if (!clone?.clone?.promotable) return undefined;
  const out: { promote?: Action; demote?: Action } = {};
  const wantPromoted = alloc.promoted.has(rsc);
  for (const stop of stops) {
    const c = stop.node as string;
    if (rsc.history.get(c)?.role !== "Promoted") continue;
    const demote = set.add({
      task: "demote",
      rsc,
      rscId: rsc.id,
      node: c,
      intervalMs: 0,
      pseudo: stop.pseudo,
      optional: wantPromoted && stop.optional && start.node === c,
      runnable: true,
      reason: undefined,
    });
    set.order(demote, stop, IMPLIES_FIRST);
    out.demote = demote;
  }
  if (wantPromoted && start.node !== undefined) {
    const promoted = rsc.history.get(start.node)?.role === "Promoted";
    const promote = set.add({
      task: "promote",
      rsc,
      rscId: rsc.id,
      node: start.node,
      intervalMs: 0,
      pseudo: false,
      optional: promoted && start.optional,
      runnable: start.runnable,
      reason: undefined,
    });
    set.order(start, promote, IMPLIES_THEN | RUNNABLE_LEFT);
    out.promote = promote;
  }
  return out;
}
