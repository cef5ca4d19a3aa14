// Recorded failures, as crm_simulate 2.1.5 judges them: on-fail=ignore (core/on-fail-ignore,
// core/rec-rsc-3) and failures under changed parameters (core/bug-5025-4), with variations
// of those cases run through the real tool.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { operationDigest } from "./digest.js";
import type { Resource } from "./model.js";
import { schedule } from "./schedule.js";
import { summaryLines } from "./summary.js";

const DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";

function op(
  rsc: string,
  id: string,
  task: string,
  intervalMs: number,
  rc: number,
  call: number,
  digest = DIGEST,
) {
  return (
    `<lrm_rsc_op id="${id}" operation_key="${rsc}_${task}_${intervalMs}" operation="${task}" ` +
    `transition-key="1:1:0:x" transition-magic="0:${rc};1:1:0:x" call-id="${call}" ` +
    `rc-code="${rc}" op-status="0" interval="${intervalMs}" last-rc-change="1" op-digest="${digest}"/>`
  );
}
function nodeState(uname: string, ops: string, attrs = ""): string {
  return (
    `<node_state id="${uname}" uname="${uname}" in_ccm="true" crmd="online" join="member" ` +
    `expected="member"><lrm id="${uname}"><lrm_resources>` +
    `<lrm_resource id="rsc1" class="ocf" provider="pacemaker" type="Dummy">${ops}</lrm_resource>` +
    `</lrm_resources></lrm><transient_attributes id="${uname}">` +
    `<instance_attributes id="ta-${uname}">${attrs}</instance_attributes>` +
    `</transient_attributes></node_state>`
  );
}
function cib(rscOps: string, meta: string, status: string, params = ""): string {
  return (
    `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.7" have-quorum="1">` +
    `<configuration>` +
    `<crm_config><cluster_property_set id="opts">` +
    `<nvpair id="opts-1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>` +
    `<nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes><resources>` +
    `<primitive id="rsc1" class="ocf" provider="pacemaker" type="Dummy">` +
    `<instance_attributes id="rsc1-params">${params}</instance_attributes>` +
    `<meta_attributes id="rsc1-meta">${meta}</meta_attributes>` +
    `<operations>${rscOps}</operations></primitive></resources><constraints/>` +
    `</configuration><status>${status}</status></cib>`
  );
}
function summary(xml: string): string[] {
  const r = parseXml(xml, "test.xml");
  assert.ok(r.ok);
  return summaryLines(schedule(r.value)).map((l) => l.replace(/\s+/g, " "));
}

const MONITOR_IGNORED = `<op id="rsc1-mon" name="monitor" interval="10s" on-fail="ignore"/>`;
const THRESHOLD = `<nvpair id="rsc1-mt" name="migration-threshold" value="2"/>`;
const FAIL_COUNT = `<nvpair id="fc" name="fail-count-rsc1" value="2"/>`;
const PROBED_N2 = nodeState("n2", op("rsc1", "rsc1_last_0", "monitor", 0, 7, 1));

describe("on-fail=ignore", () => {
  it("a legacy fail count earned by ignored failures does not reach migration-threshold", () => {
    const ops =
      op("rsc1", "rsc1_last_0", "start", 0, 0, 1) +
      op("rsc1", "rsc1_last_failure_0", "monitor", 10000, 7, 2);
    const xml = cib(MONITOR_IGNORED, THRESHOLD, nodeState("n1", ops, FAIL_COUNT) + PROBED_N2);
    assert.deepEqual(summary(xml), []);
  });
  it("the same fail count without a recorded ignored failure moves the resource", () => {
    const ops = op("rsc1", "rsc1_last_0", "start", 0, 0, 1);
    const xml = cib(MONITOR_IGNORED, THRESHOLD, nodeState("n1", ops, FAIL_COUNT) + PROBED_N2);
    assert.deepEqual(summary(xml), ["* Move rsc1 ( n1 -> n2 )"]);
  });
  it("an ignored stop failure leaves the resource stopped", () => {
    const stopIgnored = `<op id="rsc1-stop" name="stop" interval="0" on-fail="ignore"/>`;
    const ops = op("rsc1", "rsc1_last_failure_0", "stop", 0, 1, 1);
    const xml = cib(stopIgnored, "", nodeState("n1", ops) + PROBED_N2);
    assert.deepEqual(summary(xml), ["* Start rsc1 ( n1 )"]);
  });
});

describe("failures recorded under other parameters", () => {
  const PARAMS = `<nvpair id="rsc1-state" name="state" value="/run/x"/>`;
  const BANNED = `<nvpair id="fc" name="fail-count-rsc1" value="INFINITY"/>`;
  const nowDigest = operationDigest(
    { params: new Map([["state", "/run/x"]]), ops: [] } as unknown as Resource,
    "start",
    0,
  );
  const history = (digest: string) =>
    op("rsc1", "rsc1_last_failure_0", "start", 0, 1, 1, digest) +
    op("rsc1", "rsc1_last_0", "stop", 0, 0, 2, digest);
  const oneNode = (status: string) =>
    cib("", "", status, PARAMS).replace(`<node id="n2" uname="n2"/>`, "");

  it("a failure under parameters that have changed since no longer counts", () => {
    const xml = oneNode(nodeState("n1", history(DIGEST), BANNED));
    assert.deepEqual(summary(xml), ["* Start rsc1 ( n1 )"]);
  });
  it("a failure under the current parameters keeps its fail count", () => {
    const xml = oneNode(nodeState("n1", history(nowDigest), BANNED));
    assert.deepEqual(summary(xml), []);
  });
});
