import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Action,
  ActionSet,
  IMPLIES_FIRST,
  IMPLIES_THEN,
  ONE_OR_MORE,
  RESTART,
  RUNNABLE_LEFT,
  SUMMARIZES,
} from "./actions.js";
import type { Resource } from "./model.js";
import { updateActions as propagate } from "./update-actions.js";

function act(set: ActionSet, rscId: string, task: string, opts: Partial<Action> = {}): Action {
  return set.add({
    task,
    rsc: opts.rsc,
    rscId,
    node: "node" in opts ? opts.node : "n1",
    intervalMs: 0,
    pseudo: opts.pseudo ?? false,
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
  it("propagate settles an action from its inputs before handing it on (restart reason)", () => {
    // B must restart where it runs and cannot start: its stop becomes required, which makes
    // its start required before C sees it, so C's reason is "required", as in Pacemaker.
    const set = new ActionSet();
    const gate = act(set, "gate", "start", { runnable: false, node: undefined, pseudo: true });
    const bStop = act(set, "B", "stop");
    const bStart = act(set, "B", "start");
    const cStart = act(set, "C", "start");
    set.order(gate, bStart, IMPLIES_THEN | RUNNABLE_LEFT);
    set.order(bStop, bStart, IMPLIES_THEN | RUNNABLE_LEFT | RESTART);
    set.order(bStart, cStart, IMPLIES_THEN | RUNNABLE_LEFT);
    propagate(set, (a) => a.rscId !== "gate");
    assert.equal(bStop.optional, false);
    assert.equal(cStart.runnable, false);
    assert.equal(cStart.reason, "required B start");
  });
  it("a clone counts as required for an action on node N when an instance action on N is", () => {
    const clone = { kind: "clone" } as Resource;
    const set = new ActionSet();
    const running = act(set, "clone", "running", { rsc: clone, node: undefined, pseudo: true });
    const onN1 = act(set, "clone:0", "start", { optional: false, runnable: false, node: "n1" });
    const onN2 = act(set, "clone:1", "start", { node: "n2" });
    const depN1 = act(set, "D1", "start", { node: "n1" });
    const depN2 = act(set, "D2", "start", { node: "n2" });
    for (const i of [onN1, onN2]) set.order(i, running, SUMMARIZES | RUNNABLE_LEFT | ONE_OR_MORE);
    for (const d of [depN1, depN2]) set.order(running, d, IMPLIES_THEN | RUNNABLE_LEFT);
    propagate(set, () => true);
    assert.equal(depN1.optional, false);
    assert.equal(depN1.reason, "required clone running");
    assert.equal(depN2.optional, true);
  });
  it("a group member inside a clone names the member whose stop required its own", () => {
    const clone = { kind: "clone", parent: undefined } as unknown as Resource;
    const group = { kind: "group", parent: clone } as unknown as Resource;
    const fs = { kind: "primitive", parent: group } as unknown as Resource;
    const reg = { kind: "primitive", parent: group } as unknown as Resource;
    const set = new ActionSet();
    const regStop = act(set, "reg:0", "stop", { rsc: reg });
    const fsStop = act(set, "fs:0", "stop", { rsc: fs, optional: false });
    set.order(regStop, fsStop, IMPLIES_FIRST | RUNNABLE_LEFT);
    propagate(set, () => true);
    assert.equal(regStop.optional, false);
    assert.equal(regStop.reason, "required fs:0 stop");
  });
});
