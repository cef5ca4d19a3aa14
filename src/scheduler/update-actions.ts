/**
 * The order in which ordering flags spread, as Pacemaker 2.1.5 spreads them. Which change
 * comes first matters: an action keeps the first reason it is given ("required X start",
 * "unrunnable grp1 running"), so the same graph can be worded differently depending on
 * the visiting order. What crm_simulate's trace log (-VVVVVV) shows of that order:
 *
 * - Every action is updated once, newest first (the reverse of creation order: failed
 *   resources' stops from the status section, then per resource in configuration order
 *   its stops and start, a group's start/running/stop/stopped after its members; starts
 *   of unplaced resources are created last, when an ordering needs them).
 * - Updating `then` evaluates each ordering into it, newest ordering first (configured
 *   constraints are older than the implicit ones of resources). An ordering that changes
 *   `first` re-updates first's `then`s (newest first) and `first`; if `then` changed, it is
 *   updated again once all its orderings are done, and then each of its `then`s.
 * - A group's pseudo-action is required as soon as one member's matching action is (its
 *   `running` is unrunnable as soon as one member's start is). An ordering into a group's
 *   start or stop is applied to each member's start or stop directly, so the member is
 *   given the reason of the ordering's first ("required grp1 running"); the same holds for
 *   a clone's start/stop and its instances. The group's own start->member and
 *   stop->member orderings carry no flags of their own.
 * - A configured ordering after a group is first recorded from the group's start/stop and
 *   moved to its running/stopped when first met, which only counts as a change.
 * - The start of an unplaced resource exists only once an ordering names it as first;
 *   orderings into it created before that never exist.
 */
import { type Action, type ActionSet, applyBackward, applyForward, type Edge } from "./actions.js";
import type { Resource, WorkingSet } from "./model.js";

export interface UpdateOrder {
  /** Position of each action in Pacemaker's creation order. */
  readonly actionRank: ReadonlyMap<Action, number>;
  /** Position of each ordering in Pacemaker's creation order. */
  readonly edgeRank: ReadonlyMap<Edge, number>;
  /** Orderings Pacemaker never creates (their `then` did not exist yet). */
  readonly absent: ReadonlySet<Edge>;
  /**
   * Configured orderings after a group: Pacemaker first records them from the group's
   * start/stop and moves them to its running/stopped when it first meets them.
   */
  readonly remapped: ReadonlySet<Edge>;
}

const GROUP_MEMBER_TASK: Record<string, string> = {
  start: "start",
  running: "start",
  stop: "stop",
  stopped: "stop",
};

/** Pacemaker's creation order for the actions and orderings of one transition. */
export function pacemakerOrder(
  set: ActionSet,
  ws: WorkingSet,
  configuredEdges: ReadonlySet<Edge>,
): UpdateOrder {
  const actionRank = new Map<Action, number>();
  const rank = (a: Action) => {
    if (!actionRank.has(a)) actionRank.set(a, actionRank.size);
  };
  const byRsc = new Map<string, Action[]>();
  for (const a of set.actions) {
    if (a.fence) rank(a);
    const list = byRsc.get(a.rscId);
    if (list) list.push(a);
    else byRsc.set(a.rscId, [a]);
  }
  // Stops of failed resources are scheduled while the status section is read.
  for (const a of set.actions) {
    if (a.task !== "stop" || a.node === undefined || a.rsc?.kind !== "primitive") continue;
    const h = a.rsc.history.get(a.node);
    // (a recovery; a failed stop is not recovered but blocked)
    if (h?.failed && !h.blocked && ws.nodeByName.get(a.node)?.online) rank(a);
  }
  const walk = (r: Resource) => {
    const own = byRsc.get(r.id) ?? [];
    if (r.kind === "primitive") {
      for (const a of own) if (a.task === "stop") rank(a);
      for (const a of own) if (a.task !== "stop" && !isLazy(a)) rank(a);
      return;
    }
    for (const c of r.children) walk(c);
    for (const task of ["start", "running", "stop", "stopped"]) {
      for (const a of own) if (a.task === task) rank(a);
    }
    for (const a of own) rank(a);
  };
  for (const r of ws.resources) walk(r);
  // Configured orderings are older than the implicit ones, except where pacer orders clone
  // instances directly: Pacemaker applies those through the clone's pseudo-action, which
  // is visited before its instances.
  const edgeRank = new Map<Edge, number>();
  const viaClone = (e: Edge) => e.then.rsc?.kind !== "clone" && inClone(e.then);
  for (const e of set.edges) {
    if (configuredEdges.has(e) && !viaClone(e)) edgeRank.set(e, edgeRank.size);
  }
  for (const e of set.edges) if (!configuredEdges.has(e)) edgeRank.set(e, edgeRank.size);
  for (const e of set.edges) if (!edgeRank.has(e)) edgeRank.set(e, edgeRank.size);
  // Orderings are applied in creation order; the start of an unplaced resource comes to
  // exist when an ordering names it as `first`, and an ordering into it before that is lost.
  const absent = new Set<Edge>();
  const inOrder = [...edgeRank.keys()];
  for (const e of inOrder) {
    if (isLazy(e.then) && !actionRank.has(e.then)) absent.add(e);
    if (isLazy(e.first)) rank(e.first);
  }
  for (const a of set.actions) rank(a);
  const remapped = new Set(
    [...configuredEdges].filter(
      (e) => isGroupPseudo(e.first) && (e.first.task === "running" || e.first.task === "stopped"),
    ),
  );
  return { actionRank, edgeRank, absent, remapped };
}

/** The start of a primitive with no node: Pacemaker creates it only when an ordering needs it. */
function isLazy(a: Action): boolean {
  if (a.task !== "start" || a.node !== undefined || a.rsc?.kind !== "primitive") return false;
  return !inClone(a);
}

function inClone(a: Action): boolean {
  for (let r = a.rsc; r; r = r.parent) if (r.kind === "clone") return true;
  return false;
}

/** The default order: creation order in pacer's own action set. */
function creationOrder(set: ActionSet): UpdateOrder {
  return {
    actionRank: new Map(set.actions.map((a, i) => [a, i])),
    edgeRank: new Map(set.edges.map((e, i) => [e, i])),
    absent: new Set(),
    remapped: new Set(),
  };
}

/** An ordering into a group's or clone's start/stop acts on each member's start/stop. */
function appliesToMembers(a: Action): boolean {
  return (
    a.pseudo &&
    a.node === undefined &&
    (a.rsc?.kind === "group" || a.rsc?.kind === "clone") &&
    (a.task === "start" || a.task === "stop")
  );
}

function isGroupPseudo(a: Action): boolean {
  return a.pseudo && a.rsc?.kind === "group" && a.node === undefined;
}

/** A group's own start->member / stop->member ordering (no flags in Pacemaker). */
function isGroupToMember(e: Edge): boolean {
  const { first, then } = e;
  return (
    isGroupPseudo(first) &&
    (first.task === "start" || first.task === "stop") &&
    then.rsc !== undefined &&
    then.rsc.parent === first.rsc
  );
}

/**
 * Applies the edge flags until nothing changes, visiting actions in Pacemaker's order.
 * Bounded: flags only ever go from optional to required and from runnable to unrunnable.
 */
export function updateActions(
  set: ActionSet,
  isActiveOn: (a: Action) => boolean,
  order: UpdateOrder = creationOrder(set),
): void {
  const newestFirst = (edges: readonly Edge[] | undefined): Edge[] =>
    (edges ?? [])
      .filter((e) => !order.absent.has(e))
      .sort((a, b) => (order.edgeRank.get(b) ?? 0) - (order.edgeRank.get(a) ?? 0));
  const befores = new Map<Action, Edge[]>();
  const afters = new Map<Action, Edge[]>();
  const beforesOf = (a: Action): Edge[] => {
    const l = befores.get(a) ?? newestFirst(set.inEdges.get(a));
    befores.set(a, l);
    return l;
  };
  const aftersOf = (a: Action): Edge[] => {
    const l = afters.get(a) ?? newestFirst(set.outEdges.get(a));
    afters.set(a, l);
    return l;
  };
  const members = new Map<Action, Action[]>();
  const membersOf = (g: Action): Action[] => {
    let l = members.get(g);
    if (!l) {
      const task = GROUP_MEMBER_TASK[g.task];
      const kids = g.rsc?.children ?? [];
      l =
        task === undefined
          ? []
          : kids.flatMap((k) =>
              k.kind === "primitive" ? set.ofRsc(k.id, task) : (set.ofRsc(k.id, g.task) ?? []),
            );
      members.set(g, l);
    }
    return l;
  };
  const derive = (a: Action): void => {
    if (!isGroupPseudo(a)) return;
    const kids = membersOf(a);
    if (a.optional && kids.some((k) => !k.optional)) a.optional = false;
    if (a.task === "running" && a.runnable && kids.some((k) => !k.runnable)) a.runnable = false;
  };

  // Meeting a remapped ordering the first time only moves it (to the front of both lists:
  // a new ordering) and counts as a change of `then`.
  const pendingRemap = new Set(order.remapped);
  const remap = (e: Edge): void => {
    pendingRemap.delete(e);
    befores.set(e.then, [e, ...beforesOf(e.then).filter((x) => x !== e)]);
    afters.set(e.first, [e, ...aftersOf(e.first).filter((x) => x !== e)]);
  };

  // Deep chains are finished from a queue instead of the stack.
  const DEPTH_MAX = 2000;
  const deferred: Action[] = [];
  let depth = 0;
  let steps = 0;
  const stepsMax = set.actions.length * 256 + set.edges.length * 64 + 4096;

  const update = (then: Action): void => {
    if (steps++ > stepsMax) return;
    if (depth > DEPTH_MAX) {
      deferred.push(then);
      return;
    }
    depth++;
    // A flag a group takes from its members is not a change that is passed on.
    derive(then);
    let thenChanged = false;
    for (const e of [...beforesOf(then)]) {
      if (isGroupToMember(e)) continue;
      if (pendingRemap.has(e)) {
        remap(e);
        thenChanged = true;
        continue;
      }
      derive(e.first);
      const wasFirst = flagsOf(e.first);
      const wasThen = flagsOf(then);
      applyForward(e, isActiveOn, set);
      applyBackward(e, isActiveOn);
      if (appliesToMembers(then)) {
        for (const member of membersOf(then)) {
          const was = flagsOf(member);
          applyForward(memberEdge(e, member), isActiveOn, set);
          if (flagsOf(member) !== was) {
            thenChanged = true;
            update(member);
          }
        }
      }
      if (flagsOf(e.first) !== wasFirst) {
        for (const x of aftersOf(e.first)) update(x.then);
        update(e.first);
      }
      if (flagsOf(then) !== wasThen) thenChanged = true;
    }
    if (thenChanged) {
      update(then);
      for (const x of aftersOf(then)) update(x.then);
    }
    depth--;
  };

  const newestAction = [...set.actions].sort(
    (a, b) => (order.actionRank.get(b) ?? 0) - (order.actionRank.get(a) ?? 0),
  );
  for (const a of newestAction) update(a);
  while (deferred.length > 0 && steps <= stepsMax) update(deferred.shift() as Action);
}

/** The ordering `e` into a group, as it applies to one member's action. */
function memberEdge(e: Edge, member: Action): Edge {
  const then = member;
  return { first: e.first, then, flags: e.flags };
}

function flagsOf(a: Action): number {
  return (a.optional ? 1 : 0) | (a.runnable ? 2 : 0);
}
