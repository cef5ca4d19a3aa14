import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExecStatus, OcfRc } from "./codes.js";
import { expectedRc, isFailure, lrmRscOpAttributes, lrmRscOpIds } from "./lrm-op.js";
import type { OpResult } from "./types.js";

function result(over: Partial<OpResult>): OpResult {
  return {
    resourceId: "httpd",
    agent: { class: "ocf", provider: "heartbeat", type: "apache" },
    action: "monitor",
    intervalMs: 10_000,
    timeoutMs: 20_000,
    callId: 31,
    rc: OcfRc.Error,
    status: ExecStatus.Done,
    exitReason: "Failed to access httpd status page.",
    stdout: "",
    stderr: "",
    runAtMs: 1795610275_123,
    rcChangedAtMs: 1795610275_123,
    execMs: 0,
    queueMs: 0,
    transitionKey: "5:13:0:c8e56cc4-6ba7-4b32-a26f-1b258da334cd",
    params: {},
    ...over,
  };
}

describe("lrmRscOpAttributes", () => {
  it("matches the entry Pacemaker 2.1.5 wrote for a failed recurring monitor", () => {
    // From ../shared/live-outputs/S6a-failed/cibadmin_-Q.txt (httpd_last_failure_0).
    const r = result({});
    assert.deepEqual(lrmRscOpIds(r), ["httpd_monitor_10000", "httpd_last_failure_0"]);
    const attrs = lrmRscOpAttributes(r, "httpd_last_failure_0", {
      nodeName: "node1",
      opDigest: "6b0efdc6f127e47adb4b4355f22f72f9",
    });
    const printed = attrs.map(([k, v]) => `${k}="${v}"`).join(" ");
    assert.equal(
      printed,
      'id="httpd_last_failure_0" operation_key="httpd_monitor_10000" operation="monitor" ' +
        'crm-debug-origin="do_update_resource" crm_feature_set="3.16.1" ' +
        'transition-key="5:13:0:c8e56cc4-6ba7-4b32-a26f-1b258da334cd" ' +
        'transition-magic="0:1;5:13:0:c8e56cc4-6ba7-4b32-a26f-1b258da334cd" ' +
        'exit-reason="Failed to access httpd status page." on_node="node1" call-id="31" ' +
        'rc-code="1" op-status="0" interval="10000" last-rc-change="1795610275" ' +
        'exec-time="0" queue-time="0" op-digest="6b0efdc6f127e47adb4b4355f22f72f9"',
    );
  });

  it("records a timed-out stop as op-status 2 with rc 1", () => {
    const r = result({
      action: "stop",
      intervalMs: 0,
      status: ExecStatus.Timeout,
      transitionKey: "24:7:0:abc",
    });
    const attrs = new Map(lrmRscOpAttributes(r, "httpd_last_0", { nodeName: "node2" }));
    assert.equal(attrs.get("transition-magic"), "2:1;24:7:0:abc");
    assert.equal(attrs.get("operation_key"), "httpd_stop_0");
    assert.deepEqual(lrmRscOpIds(r), ["httpd_last_0", "httpd_last_failure_0"]);
  });
});

describe("lrmRscOpAttributes reload fields", () => {
  it("appends restart and secure parameter lists in Pacemaker's format", () => {
    const r = result({ action: "start", intervalMs: 0, rc: OcfRc.Ok });
    const attrs = lrmRscOpAttributes(r, "httpd_last_0", {
      nodeName: "node1",
      opDigest: "d1",
      forceRestart: { params: ["state", "envfile"], digest: "d2" },
      secure: { params: ["passwd"], digest: "d3" },
    });
    assert.deepEqual(attrs.slice(-5), [
      ["op-digest", "d1"],
      ["op-force-restart", "  envfile state  "],
      ["op-restart-digest", "d2"],
      ["op-secure-params", "  passwd  "],
      ["op-secure-digest", "d3"],
    ]);
  });
});

describe("isFailure", () => {
  it("uses the transition key's target rc", () => {
    const probe = result({ intervalMs: 0, rc: OcfRc.NotRunning, transitionKey: "3:1:7:u" });
    assert.equal(expectedRc(probe), 7);
    assert.equal(isFailure(probe), false);
    assert.deepEqual(lrmRscOpIds(probe), ["httpd_last_0"]);
  });
  it("does not count a probe finding the resource running", () => {
    assert.equal(
      isFailure(result({ intervalMs: 0, rc: OcfRc.Ok, transitionKey: "3:1:7:u" })),
      false,
    );
  });
  it("counts a promoted monitor returning 0 when 8 was expected", () => {
    assert.equal(isFailure(result({ rc: OcfRc.Ok, transitionKey: "3:1:8:u" })), true);
  });
  it("ignores cancellations", () => {
    assert.equal(isFailure(result({ status: ExecStatus.Cancelled })), false);
  });
});
