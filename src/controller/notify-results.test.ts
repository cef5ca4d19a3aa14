import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { printXml } from "../cib/xml.js";
import { emptyCib } from "./cib-state.js";
import { isFailure } from "./controller.js";
import { recordOp } from "./status.js";
import type { OpResult } from "./types.js";

function result(operation: string, rc: number, actionId: number): OpResult {
  return {
    resource: "stateful:0",
    operation,
    intervalMs: 0,
    rc,
    opStatus: 0,
    exitReason: "",
    callId: actionId,
    execMs: 1,
    queueMs: 0,
    rcChangeS: 1_700_000_000,
    transitionKey: `${actionId}:1:0:00000000-0000-0000-0000-000000000001`,
    resourceClass: "ocf",
    provider: "pacemaker",
    type: "Stateful",
    opDigest: "",
  };
}

describe("notify results", () => {
  it("are not recorded: the start that shows the instance running stays its last operation", () => {
    const cib = emptyCib();
    const member = { id: 1, name: "node1" };
    recordOp(cib, member, result("start", 0, 3), false);
    const before = printXml(cib);
    recordOp(cib, member, result("notify", 0, 4), false);
    recordOp(cib, member, result("notify", 1, 5), isFailure(result("notify", 1, 5)));
    assert.equal(printXml(cib), before);
    assert.match(before, /operation="start"/);
  });

  it("never count as failures, whatever the agent returned", () => {
    assert.equal(isFailure(result("notify", 1, 4)), false);
    assert.equal(isFailure(result("start", 1, 4)), true);
  });
});
