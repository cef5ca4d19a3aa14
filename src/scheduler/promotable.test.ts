import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { summaryLines } from "./summary.js";

/** Two nodes, equal promotion attributes; D must run with the promoted instance. */
function cib(dScoreOnN1: number): string {
  const attrs = (n: number) =>
    `<transient_attributes id="${n}"><instance_attributes id="a${n}">
       <nvpair id="a${n}m" name="master-S" value="10"/>
     </instance_attributes></transient_attributes>`;
  const state = (n: number) =>
    `<node_state id="${n}" uname="n${n}" in_ccm="true" crmd="online" join="member" expected="member">${attrs(n)}</node_state>`;
  return `<cib epoch="1" num_updates="1" admin_epoch="0" have-quorum="1" validate-with="pacemaker-3.7">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o-s" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>
    <resources>
      <clone id="S-clone">
        <meta_attributes id="S-m"><nvpair id="S-p" name="promotable" value="true"/></meta_attributes>
        <primitive id="S" class="ocf" provider="pacemaker" type="Stateful"/>
      </clone>
      <primitive id="D" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints>
      <rsc_location id="l1" rsc="D" node="n1" score="${dScoreOnN1}"/>
      <rsc_colocation id="c1" rsc="D" with-rsc="S-clone" with-rsc-role="Master" score="INFINITY"/>
    </constraints>
  </configuration>
  <status>${state(1)}${state(2)}</status>
</cib>`;
}

function lines(dScoreOnN1: number): string[] {
  const parsed = parseXml(cib(dScoreOnN1), "test.xml");
  assert.ok(parsed.ok);
  return summaryLines(schedule(parsed.value)).map((l) => l.replace(/\s+/g, " "));
}

describe("promotion scores", () => {
  // Expected lines are crm_simulate 2.1.5's for the same CIB.
  it("a dependent colocated with the promoted role pulls promotion to the node it prefers", () => {
    assert.ok(lines(5).includes("* Promote S:0 ( Stopped -> Promoted n1 )"), lines(5).join("\n"));
    assert.ok(lines(5).includes("* Start D ( n1 )"));
  });
  it("and pushes it away from a node it dislikes, even finitely", () => {
    assert.ok(lines(-5).includes("* Promote S:1 ( Stopped -> Promoted n2 )"), lines(-5).join("\n"));
    assert.ok(lines(-5).includes("* Start D ( n2 )"));
  });
});
