// Rules for blocked stops, learned from crm_simulate 2.1.5 on variations of the
// unmanaged-stop-* and unmanaged-block-restart cases of pcmk-scheduler.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { summaryLines } from "./summary.js";

const DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";

function primitive(id: string, meta = ""): string {
  return `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy">${meta}</primitive>`;
}
function stopped(id: string): string {
  return `<meta_attributes id="${id}-meta"><nvpair id="${id}-tr" name="target-role" value="Stopped"/></meta_attributes>`;
}
/** History on n1: `running` resources started fine, `failedStop` ones failed to stop. */
function status(running: string[], failedStop: string[]): string {
  let call = 1;
  const op = (rsc: string, task: string, rc: number) =>
    `<lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_${task}_0" operation="${task}" ` +
    `transition-key="1:1:0:x" transition-magic="0:${rc};1:1:0:x" call-id="${call++}" ` +
    `rc-code="${rc}" op-status="0" interval="0" last-rc-change="1" op-digest="${DIGEST}"/>`;
  const rsc = (id: string, task: string, rc: number) =>
    `<lrm_resource id="${id}" class="ocf" provider="pacemaker" type="Dummy">${op(id, task, rc)}</lrm_resource>`;
  const fails = failedStop.map(
    (id) => `<nvpair id="fc-${id}" name="fail-count-${id}#stop_0" value="INFINITY"/>`,
  );
  return (
    `<node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member">` +
    `<lrm id="n1"><lrm_resources>${running.map((r) => rsc(r, "start", 0)).join("")}` +
    `${failedStop.map((r) => rsc(r, "stop", 1)).join("")}</lrm_resources></lrm>` +
    `<transient_attributes id="n1"><instance_attributes id="ta-n1">${fails.join("")}` +
    `</instance_attributes></transient_attributes></node_state>`
  );
}
function cib(resources: string, constraints: string, state: string): string {
  return (
    `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.7"><configuration>` +
    `<crm_config><cluster_property_set id="o">` +
    `<nvpair id="o1" name="stonith-enabled" value="false"/>` +
    `<nvpair id="o2" name="no-quorum-policy" value="ignore"/></cluster_property_set></crm_config>` +
    `<nodes><node id="n1" uname="n1"/></nodes><resources>${resources}</resources>` +
    `<constraints>${constraints}</constraints></configuration><status>${state}</status></cib>`
  );
}
function summary(xml: string): string[] {
  const r = parseXml(xml, "test.xml");
  assert.ok(r.ok);
  return summaryLines(schedule(r.value)).map((l) => l.replace(/\s+/g, " "));
}

describe("blocked stops", () => {
  it("a stop waiting for a blocked resource still says node availability", () => {
    // rsc1 must stop (disabled) but only after rsc2, whose stop failed and is blocked.
    const lines = summary(
      cib(
        primitive("rsc1", stopped("rsc1")) + primitive("rsc2"),
        `<rsc_order id="ord" first="rsc1" then="rsc2" kind="Mandatory"/>`,
        status(["rsc1"], ["rsc2"]),
      ),
    );
    assert.deepEqual(lines, ["* Stop rsc1 ( n1 ) due to node availability (blocked)"]);
  });
  it("the reverse side of an order is blocked only by a frozen resource, not by propagation", () => {
    // rsc1 restarts for rsc0; rsc2 (after rsc1) cannot stop because blocked rsc3 stops
    // first. Pacemaker does not carry rsc2's blocked stop back to rsc1's stop.
    const order = (id: string, a: string, b: string) =>
      `<rsc_order id="${id}" first="${a}" then="${b}" kind="Mandatory"/>`;
    const lines = summary(
      cib(
        ["rsc0", "rsc1", "rsc2", "rsc3"].map((r) => primitive(r)).join(""),
        order("a", "rsc0", "rsc1") + order("b", "rsc1", "rsc2") + order("c", "rsc2", "rsc3"),
        status(["rsc1", "rsc2"], ["rsc3"]),
      ),
    );
    assert.deepEqual(lines, [
      "* Start rsc0 ( n1 )",
      "* Restart rsc1 ( n1 ) due to required rsc0 start",
      "* Stop rsc2 ( n1 ) due to required rsc1 start (blocked)",
    ]);
  });
  it("a blocked resource does not stop a then-resource that stays", () => {
    const lines = summary(
      cib(
        primitive("rsc1") + primitive("rsc2"),
        `<rsc_order id="ord" first="rsc1" then="rsc2" kind="Mandatory"/>`,
        status(["rsc1"], ["rsc2"]),
      ),
    );
    assert.deepEqual(lines, []);
  });
  it("in a group, a blocked member holds back the stops that are needed, naming why", () => {
    // rsc1 starts, so rsc2 and rsc3 after it must restart; their stops wait for rsc4's,
    // which failed and is blocked. rsc3's stop was needed for rsc2's before rsc4 held it.
    const members = ["rsc1", "rsc2", "rsc3", "rsc4"].map((r) => primitive(r)).join("");
    const lines = summary(
      cib(`<group id="g">${members}</group>`, "", status(["rsc2", "rsc3"], ["rsc4"])),
    );
    assert.deepEqual(lines, [
      "* Start rsc1 ( n1 )",
      "* Stop rsc2 ( n1 ) due to unrunnable rsc3 stop (blocked)",
      "* Stop rsc3 ( n1 ) due to required rsc2 stop (blocked)",
    ]);
  });
});
