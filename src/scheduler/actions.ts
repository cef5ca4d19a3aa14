/**
 * Actions and the ordering edges between them, with Pacemaker's flags: an edge may make
 * its `then` required when `first` is (implies-then), make `first` required when `then` is
 * (implies-first), or make `then` unrunnable when `first` is unrunnable (runnable-left).
 */
import type { Resource } from "./model.js";

export const IMPLIES_THEN = 1;
export const IMPLIES_FIRST = 2;
export const RUNNABLE_LEFT = 4;
/** stop -> start of one resource on its current node: a required start needs the stop. */
export const RESTART = 8;
/** then is unrunnable only when every first with this flag is unrunnable (clone min). */
export const ONE_OR_MORE = 16;
/** Mandatory colocation: a dependent cannot start where its primary cannot. */
export const COLOCATED = 64;
/** symmetrical=false: a then-resource already active where it stays is left alone. */
export const ASYMMETRICAL = 32;
/**
 * then is unrunnable when first belongs to a resource the cluster may not touch (unmanaged
 * or blocked) and cannot run; an action unrunnable for any other reason does not block it.
 * The reverse (stop) side of a symmetrical order has this instead of RUNNABLE_LEFT.
 */
export const FROZEN_LEFT = 128;
/**
 * From an instance's action to its clone's completion pseudo-action (start -> running):
 * for an action on node N ordered after the clone, the clone counts as required when an
 * instance's action on N is, even one that cannot run.
 */
export const SUMMARIZES = 256;
/**
 * With SUMMARIZES semantics on an order between two clones (not interleaved): the first
 * clone counts as required when any of its instances' actions is, on any node.
 */
export const CLONE_WIDE = 512;

export interface Action {
  readonly uid: number;
  readonly task: string;
  readonly rsc: Resource | undefined;
  /** Resource id used in keys (clones/groups use their own id for pseudo-actions). */
  readonly rscId: string;
  readonly node: string | undefined;
  readonly intervalMs: number;
  readonly pseudo: boolean;
  /** An action of a resource the cluster may not touch (unmanaged, or blocked by a failure). */
  readonly frozen?: boolean;
  optional: boolean;
  runnable: boolean;
  reason: string | undefined;
  /** Fencing target and why (task "stonith"). */
  readonly fence?: { readonly node: string; readonly reason: string; readonly action: string };
  /**
   * The operation the graph names when it differs from the task in the key: "notify" for a
   * notification such as `rsc:0_pre_notify_start_0`, "notified" for its confirmation.
   */
  readonly operation?: string;
  /** Read-only: actions without meta of their own share one empty map. */
  readonly meta: ReadonlyMap<string, string>;
}

const NO_META: ReadonlyMap<string, string> = new Map();

export interface Edge {
  readonly first: Action;
  readonly then: Action;
  readonly flags: number;
}

export class ActionSet {
  readonly actions: Action[] = [];
  readonly edges: Edge[] = [];
  private readonly byKey = new Map<string, Action>();
  /** Non-recurring actions by resource and task, in creation order (ofRsc without a scan). */
  private readonly byRscTask = new Map<string, Action[]>();
  readonly outEdges = new Map<Action, Edge[]>();
  readonly inEdges = new Map<Action, Edge[]>();

  static key(rscId: string, task: string, intervalMs: number, node: string | undefined): string {
    return `${rscId}_${task}_${intervalMs}@${node ?? ""}`;
  }

  find(rscId: string, task: string, node?: string, intervalMs = 0): Action | undefined {
    return this.byKey.get(ActionSet.key(rscId, task, intervalMs, node));
  }

  add(a: Omit<Action, "uid" | "meta"> & { meta?: ReadonlyMap<string, string> }): Action {
    const k = ActionSet.key(a.rscId, a.task, a.intervalMs, a.node);
    const existing = this.byKey.get(k);
    if (existing) return existing;
    // Object.assign onto a fresh object, not a spread: a spread makes each action a slow
    // dictionary-like object, and a cold start adds one probe per resource and node.
    const action: Action = Object.assign({ uid: this.actions.length, meta: NO_META }, a);
    if (action.meta === undefined) (action as { meta: ReadonlyMap<string, string> }).meta = NO_META;
    this.actions.push(action);
    this.byKey.set(k, action);
    if (action.intervalMs === 0) {
      const rk = `${action.rscId}\0${action.task}`;
      const list = this.byRscTask.get(rk);
      if (list) list.push(action);
      else this.byRscTask.set(rk, [action]);
    }
    return action;
  }

  order(first: Action | undefined, then: Action | undefined, flags: number): void {
    if (!first || !then || first === then) return;
    const e: Edge = { first, then, flags };
    this.edges.push(e);
    const o = this.outEdges.get(first);
    if (o) o.push(e);
    else this.outEdges.set(first, [e]);
    const i = this.inEdges.get(then);
    if (i) i.push(e);
    else this.inEdges.set(then, [e]);
  }

  /** Actions of `rsc` with `task` (any node). */
  ofRsc(rscId: string, task: string): Action[] {
    return [...(this.byRscTask.get(`${rscId}\0${task}`) ?? [])];
  }
}

/** A collective's start/stop pseudo-action hands its own reason on to its members. */
function passThrough(a: Action): boolean {
  return (
    a.pseudo &&
    (a.task === "start" || a.task === "stop") &&
    a.rsc?.kind !== "primitive" &&
    a.reason !== undefined
  );
}

function describe(a: Action): string {
  if (a.task === "one-or-more") return a.rscId;
  return `${a.rscId} ${a.task}`;
}

export function applyForward(
  e: Edge,
  isActiveOn: (a: Action) => boolean,
  set: ActionSet,
  requiredOnly = false,
): boolean {
  const { first, then } = e;
  let changed = false;
  const leaveAlone = e.flags & ASYMMETRICAL && then.optional && isActiveOn(then);
  if (e.flags & ONE_OR_MORE && then.runnable && !requiredOnly) {
    const minimum = Number(then.meta.get("minimum") ?? "1");
    const ready = (set.inEdges.get(then) ?? []).filter(
      (x) =>
        x.flags & ONE_OR_MORE && x.first.runnable && (x.first.node !== undefined || x.first.pseudo),
    ).length;
    if (ready < minimum) {
      then.runnable = false;
      changed = true;
    }
  }
  if (e.flags & IMPLIES_THEN && !first.optional && then.optional && !leaveAlone) {
    then.optional = false;
    // A resource's own stop-before-start edge is not a reason worth naming.
    if (first.rscId !== then.rscId) {
      // Pseudo-actions of clones hand on the reason that made them required (a group's
      // are named: "required grp1 running").
      const collective = first.pseudo && first.rsc?.kind === "clone" && first.reason !== undefined;
      then.reason ??= collective ? first.reason : `required ${describe(first)}`;
    }
    changed = true;
  }
  if (
    e.flags & IMPLIES_THEN &&
    then.optional &&
    !leaveAlone &&
    requiredOnNode(set, first, then, (e.flags & CLONE_WIDE) !== 0)
  ) {
    then.optional = false;
    then.reason ??= `required ${describe(first)}`;
    changed = true;
  }
  if (requiredOnly) return changed;
  if (e.flags & COLOCATED && !first.runnable && first.node !== undefined) {
    // Blocking a colocated dependent: one that could run names the colocation, one that
    // already could not (crm_simulate's trace) is given the primary's start as reason.
    if (then.runnable) {
      then.runnable = false;
      then.reason ??= `colocation with ${first.rscId}`;
      changed = true;
    } else {
      then.reason ??= `unrunnable ${describe(first)}`;
    }
  }
  if (e.flags & FROZEN_LEFT && first.frozen && !first.runnable && then.runnable) {
    // Pacemaker names no reason for this one.
    then.runnable = false;
    changed = true;
  }
  // With ONE_OR_MORE, one runnable first is enough: the count above decides.
  // A stop that is not needed (yet) blocks nothing, not even its own start.
  const idleStop = e.flags & RESTART && first.optional;
  // A frozen resource's stop holds back only a stop that is needed.
  const frozenStopWaits = first.frozen === true && first.task === "stop" && then.optional;
  if (
    e.flags & RUNNABLE_LEFT &&
    !(e.flags & ONE_OR_MORE) &&
    then.runnable &&
    !leaveAlone &&
    !idleStop &&
    !frozenStopWaits
  ) {
    const blocked = !first.runnable && !(first.optional && firstIsNoop(first, isActiveOn));
    if (blocked) {
      then.runnable = false;
      if (first.rscId !== then.rscId) {
        then.reason ??=
          e.flags & ONE_OR_MORE
            ? undefined
            : passThrough(first)
              ? first.reason
              : `unrunnable ${describe(first)}`;
      }
      changed = true;
    }
  }
  return changed;
}

/** A clone's pseudo-action with a required instance action on `then`'s node (or any). */
function requiredOnNode(set: ActionSet, first: Action, then: Action, wide: boolean): boolean {
  if (!first.optional || then.node === undefined || first.rsc?.kind !== "clone") return false;
  return (set.inEdges.get(first) ?? []).some(
    (x) =>
      x.flags & SUMMARIZES &&
      x.first.node !== undefined &&
      (wide || x.first.node === then.node) &&
      !x.first.optional,
  );
}

/** An optional, unrunnable first with nothing to do (e.g. a running resource's start). */
function firstIsNoop(_first: Action, _isActiveOn: (a: Action) => boolean): boolean {
  return false;
}

function inClone(a: Action): boolean {
  for (let r = a.rsc; r; r = r.parent) if (r.kind === "clone") return true;
  return false;
}

export function applyBackward(e: Edge, isActiveOn: (a: Action) => boolean): boolean {
  const { first, then } = e;
  let changed = false;
  // An unrunnable first is not made required (it may be later, by its own start).
  if (e.flags & IMPLIES_FIRST && !then.optional && first.optional && first.runnable) {
    first.optional = false;
    // Checked for primitives and groups; clone instances' orderings are evaluated through
    // their clone in Pacemaker, which names the start instead, but the members of a group
    // instance are ordered among themselves (cloned-group-stop).
    const sameGroup = first.rsc?.parent?.kind === "group" && first.rsc.parent === then.rsc?.parent;
    if (first.rscId !== then.rscId && (sameGroup || (!inClone(first) && !inClone(then)))) {
      first.reason ??= `required ${describe(then)}`;
    }
    changed = true;
  }
  if (e.flags & RESTART && first.optional && isActiveOn(first)) {
    // A resource that must start again where it runs needs a stop first; one that can no
    // longer run where it is must stop.
    // The stop keeps no reason of its own: the summary words it from the start.
    if (!then.optional && then.runnable) {
      first.optional = false;
      changed = true;
    } else if (!then.runnable && then.node !== undefined) {
      first.optional = false;
      changed = true;
    }
  }
  return changed;
}
