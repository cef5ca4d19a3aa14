/**
 * One transition being executed by the DC (Pacemaker's transition engine): which actions
 * are waiting, running or done, which may start now, and whether the transition was
 * aborted. An aborted transition starts nothing new; it ends when what runs has reported.
 */
import { assert } from "../shared/assert.js";
import type { GraphAction, TransitionGraph } from "./graph.js";

type ActionState = "pending" | "running" | "done" | "failed";

export class Transition {
  private readonly state = new Map<number, ActionState>();
  private readonly deadlineMs = new Map<number, number>();
  private readonly byId = new Map<number, GraphAction>();
  /**
   * Kept up to date on every change, so that each result costs O(its dependents) instead of
   * a scan of the whole graph: with 1000 actions (200 resources on 3 nodes) the scans were
   * quadratic and took most of the DC's main thread (heartbeats) while results came in.
   */
  private readonly inputsLeft = new Map<number, number>();
  private readonly dependents = new Map<number, number[]>();
  private readonly readyIds = new Set<number>();
  private readonly runningIds = new Set<number>();
  private doneCount = 0;
  aborted = false;
  abortReason = "";

  constructor(
    readonly id: number,
    readonly graph: TransitionGraph,
  ) {
    for (const a of graph.actions) {
      assert(!this.byId.has(a.id), `action ids are unique in a graph (${a.id})`);
      this.byId.set(a.id, a);
      this.state.set(a.id, "pending");
    }
    for (const a of graph.actions) {
      // An input the graph does not contain is treated as satisfied, as Pacemaker does for
      // actions optimized away.
      const inputs = new Set(a.inputs.filter((i) => this.byId.has(i)));
      this.inputsLeft.set(a.id, inputs.size);
      for (const i of inputs) {
        const list = this.dependents.get(i);
        if (list) list.push(a.id);
        else this.dependents.set(i, [a.id]);
      }
      if (inputs.size === 0) this.readyIds.add(a.id);
    }
  }

  action(id: number): GraphAction | undefined {
    return this.byId.get(id);
  }

  /** Actions whose inputs all completed, in id order; none once aborted. */
  ready(): GraphAction[] {
    if (this.aborted) return [];
    return this.actionsOf(this.readyIds);
  }

  start(id: number, deadlineMs: number): void {
    assert(this.state.get(id) === "pending", `only a pending action starts (${id})`);
    this.state.set(id, "running");
    this.readyIds.delete(id);
    this.runningIds.add(id);
    this.deadlineMs.set(id, deadlineMs);
  }

  /** Records an outcome; returns false for actions not running (late or duplicate result). */
  complete(id: number, succeeded: boolean): boolean {
    if (this.state.get(id) !== "running" && this.state.get(id) !== "pending") return false;
    this.state.set(id, succeeded ? "done" : "failed");
    this.readyIds.delete(id);
    this.runningIds.delete(id);
    this.deadlineMs.delete(id);
    if (!succeeded) return true;
    this.doneCount += 1;
    for (const d of this.dependents.get(id) ?? []) {
      const left = (this.inputsLeft.get(d) ?? 0) - 1;
      this.inputsLeft.set(d, left);
      if (left === 0 && this.state.get(d) === "pending") this.readyIds.add(d);
    }
    return true;
  }

  abort(reason: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
  }

  runningCount(): number {
    return this.runningIds.size;
  }

  running(): GraphAction[] {
    return this.actionsOf(this.runningIds);
  }

  /** Running actions whose deadline passed. */
  overdue(nowMs: number): GraphAction[] {
    return this.running().filter((a) => (this.deadlineMs.get(a.id) ?? Infinity) <= nowMs);
  }

  /** Running actions on a node (to fail them when the node leaves). */
  runningOn(node: string): GraphAction[] {
    return this.running().filter((a) => a.node === node);
  }

  /** Complete: nothing runs and (aborted, or nothing is left to start). */
  finished(): boolean {
    if (this.runningIds.size > 0) return false;
    if (this.aborted) return true;
    return this.doneCount === this.byId.size;
  }

  counts(): { done: number; failed: number; pending: number; running: number } {
    const c = { done: 0, failed: 0, pending: 0, running: 0 };
    for (const s of this.state.values()) c[s] += 1;
    return c;
  }

  private actionsOf(ids: ReadonlySet<number>): GraphAction[] {
    return [...ids]
      .sort((x, y) => x - y)
      .map((i) => this.byId.get(i))
      .filter((a): a is GraphAction => a !== undefined);
  }
}
