import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Action,
  ActionSet,
  IMPLIES_FIRST,
  IMPLIES_THEN,
  propagate,
  RUNNABLE_LEFT,
} from "./actions.js";

function act(set: ActionSet, rscId: string, task: string, opts: Partial<Action> = {}): Action {
  return set.add({
    task,
    rsc: undefined,
    rscId,
    node: "n1",
    intervalMs: 0,
    pseudo: false,
    optional: opts.optional ?? true,
    runnable: opts.runnable ?? true,
    reason: undefined,
  });
}

describe("propagate", () => {
  it("propagate makes then required when first is required, with Pacemaker's reason", () => {
    const set = new ActionSet();
    const a = act(set, "A", "start", { optional: false });
    const b = act(set, "B", "start");
    set.order(a, b, IMPLIES_THEN | RUNNABLE_LEFT);
    propagate(set, () => false);
    assert.equal(b.optional, false);
    assert.equal(b.reason, "required A start");
  });
  it("propagate makes then unrunnable when first is unrunnable, transitively", () => {
    const set = new ActionSet();
    const a = act(set, "A", "start", { runnable: false });
    const b = act(set, "B", "start");
    const c = act(set, "C", "start");
    set.order(a, b, RUNNABLE_LEFT);
    set.order(b, c, RUNNABLE_LEFT);
    propagate(set, () => false);
    assert.equal(c.runnable, false);
    assert.equal(c.reason, "unrunnable B start");
  });
  it("propagate makes first required when then is (implies-first)", () => {
    const set = new ActionSet();
    const bStop = act(set, "B", "stop");
    const aStop = act(set, "A", "stop", { optional: false });
    set.order(bStop, aStop, IMPLIES_FIRST);
    propagate(set, () => true);
    assert.equal(bStop.optional, false);
  });
  it("propagate leaves optional orderings alone", () => {
    const set = new ActionSet();
    const a = act(set, "A", "start", { runnable: false, optional: false });
    const b = act(set, "B", "start");
    set.order(a, b, 0);
    propagate(set, () => false);
    assert.equal(b.runnable, true);
    assert.equal(b.optional, true);
  });
});
