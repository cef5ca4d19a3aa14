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
  }

  action(id: number): GraphAction | undefined {
    return this.byId.get(id);
  }

  /** Actions whose inputs all completed, in id order; none once aborted. */
  ready(): GraphAction[] {
    if (this.aborted) return [];
    const out: GraphAction[] = [];
    for (const a of this.graph.actions) {
      if (this.state.get(a.id) !== "pending") continue;
      // An input the graph does not contain is treated as satisfied, as Pacemaker does for
      // actions optimized away.
      if (a.inputs.every((i) => !this.byId.has(i) || this.state.get(i) === "done")) out.push(a);
    }
    return out.sort((x, y) => x.id - y.id);
  }

  start(id: number, deadlineMs: number): void {
    assert(this.state.get(id) === "pending", `only a pending action starts (${id})`);
    this.state.set(id, "running");
    this.deadlineMs.set(id, deadlineMs);
  }

  /** Records an outcome; returns false for actions not running (late or duplicate result). */
  complete(id: number, succeeded: boolean): boolean {
    if (this.state.get(id) !== "running" && this.state.get(id) !== "pending") return false;
    this.state.set(id, succeeded ? "done" : "failed");
    this.deadlineMs.delete(id);
    return true;
  }

  abort(reason: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
  }

  running(): GraphAction[] {
    return this.graph.actions.filter((a) => this.state.get(a.id) === "running");
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
    if (this.running().length > 0) return false;
    if (this.aborted) return true;
    return this.graph.actions.every((a) => this.state.get(a.id) === "done");
  }

  counts(): { done: number; failed: number; pending: number; running: number } {
    const c = { done: 0, failed: 0, pending: 0, running: 0 };
    for (const s of this.state.values()) c[s] += 1;
    return c;
  }
}
