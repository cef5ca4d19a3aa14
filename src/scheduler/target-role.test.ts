import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { summaryLines } from "./summary.js";

function meta(id: string, role: string | undefined): string {
  if (role === undefined) return "";
  return `<meta_attributes id="${id}-m"><nvpair id="${id}-tr" name="target-role" value="${role}"/></meta_attributes>`;
}

/** One node; primitive P and clone C (child Cc) with the given target-roles. */
function lines(p: string | undefined, clone: string | undefined, child: string | undefined) {
  const text = `<cib epoch="1" num_updates="1" admin_epoch="0" have-quorum="1" validate-with="pacemaker-3.7">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o-s" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources>
      <primitive id="P" class="ocf" provider="pacemaker" type="Dummy">${meta("P", p)}</primitive>
      <clone id="C">${meta("C", clone)}
        <primitive id="Cc" class="ocf" provider="pacemaker" type="Dummy">${meta("Cc", child)}</primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/></status>
</cib>`;
  const parsed = parseXml(text, "test.xml");
  assert.ok(parsed.ok);
  return summaryLines(schedule(parsed.value)).map((l) => l.replace(/\s+/g, " "));
}

describe("target-role", () => {
  // Each expectation is what crm_simulate 2.1.5 prints for the same CIB.
  it("is matched case-insensitively", () => {
    assert.deepEqual(lines("stopped", undefined, undefined), ["* Start Cc:0 ( n1 )"]);
  });
  it("a clone's stopped role reaches its child through inheritance", () => {
    assert.deepEqual(lines(undefined, "Stopped", undefined), ["* Start P ( n1 )"]);
  });
  it("a child's own target-role overrides its clone's", () => {
    assert.deepEqual(lines(undefined, "stopped", "started"), [
      "* Start P ( n1 )",
      "* Start Cc:0 ( n1 )",
    ]);
  });
});
