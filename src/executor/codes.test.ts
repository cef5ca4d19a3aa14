import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { ExecStatus, execStatusName, lsbToOcf, OcfRc, ocfRcFromExit, ocfRcName } from "./codes.js";
import { mapOcf, TIMEOUT_REASON } from "./outcome.js";
import type { ChildResult } from "./run-child.js";

function child(outcome: ChildResult["outcome"], exitReason = ""): ChildResult {
  return { outcome, stdout: "", stderr: "", exitReason, execMs: 1, pgid: 1 };
}

describe("ocfRcFromExit", () => {
  it("passes the OCF codes 0-9 and 190/191 through", () => {
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 190, 191]) {
      assert.equal(ocfRcFromExit(code), code);
    }
  });
  it("maps every other exit status to a generic error", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), (code) => {
        fc.pre(!((code >= 0 && code <= 9) || code === 190 || code === 191));
        assert.equal(ocfRcFromExit(code), OcfRc.Error);
      }),
    );
  });
  it("names codes as Pacemaker prints them", () => {
    assert.equal(ocfRcName(OcfRc.NotRunning), "not running");
    assert.equal(ocfRcName(OcfRc.RunningPromoted), "promoted");
    assert.equal(execStatusName(ExecStatus.Timeout), "Timed Out");
    assert.equal(ocfRcName(OcfRc.Degraded), "OCF_DEGRADED");
    assert.equal(ocfRcName(OcfRc.DegradedPromoted), "promoted (degraded)");
  });
});

describe("lsbToOcf", () => {
  it("maps status as Pacemaker does: 1-3 not running, 150/151 not installed/no privilege", () => {
    assert.equal(lsbToOcf("status", 0), OcfRc.Ok);
    for (const c of [1, 2, 3]) assert.equal(lsbToOcf("status", c), OcfRc.NotRunning);
    assert.equal(lsbToOcf("status", 4), OcfRc.Error);
    assert.equal(lsbToOcf("status", 7), OcfRc.Error);
    assert.equal(lsbToOcf("status", 150), OcfRc.NotInstalled);
    assert.equal(lsbToOcf("status", 151), OcfRc.InsufficientPriv);
    assert.equal(lsbToOcf("status", 152), OcfRc.Error);
  });
  it("keeps 0-7 for other actions and maps the rest to an error", () => {
    assert.equal(lsbToOcf("other", 3), OcfRc.Unimplemented);
    assert.equal(lsbToOcf("other", 7), OcfRc.NotRunning);
    assert.equal(lsbToOcf("other", 8), OcfRc.Error);
    assert.equal(lsbToOcf("other", 150), OcfRc.Error);
  });
});

describe("mapOcf", () => {
  it("reports a timeout as rc 1 with op-status 2 and Pacemaker's reason", () => {
    const m = mapOcf(child({ kind: "timeout" }));
    assert.deepEqual(m, { rc: 1, status: ExecStatus.Timeout, exitReason: TIMEOUT_REASON });
  });
  it("reports a missing agent as not installed", () => {
    const m = mapOcf(child({ kind: "spawn-error", errno: "ENOENT", detail: "spawn x ENOENT" }));
    assert.equal(m.rc, OcfRc.NotInstalled);
    assert.equal(m.status, ExecStatus.NotInstalled);
  });
  it("reports a killed agent as an execution error", () => {
    const m = mapOcf(child({ kind: "signaled", signal: "SIGKILL" }));
    assert.equal(m.status, ExecStatus.Error);
    // Pacemaker's words (crm_resource --validate on an agent that kills itself).
    assert.equal(m.exitReason, "Resource agent interrupted by Killed signal");
  });
  it("keeps the agent's exit reason", () => {
    const m = mapOcf(child({ kind: "exited", code: 6 }, "bad config"));
    assert.deepEqual(m, { rc: 6, status: ExecStatus.Done, exitReason: "bad config" });
  });
});
