import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";

/** Three nodes, one anonymous clone banned from n1, nothing recorded yet. */
const CIB = `<cib epoch="1" num_updates="1" admin_epoch="0" have-quorum="1" validate-with="pacemaker-3.7">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o-s" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3"/></nodes>
    <resources>
      <clone id="A-clone"><primitive id="A" class="ocf" provider="pacemaker" type="Dummy"/></clone>
    </resources>
    <constraints><rsc_location id="ban" rsc="A-clone" node="n1" score="-INFINITY"/></constraints>
  </configuration>
  <status>
    <node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="2" uname="n2" in_ccm="true" crmd="online" join="member" expected="member"/>
    <node_state id="3" uname="n3" in_ccm="true" crmd="online" join="member" expected="member"/>
  </status>
</cib>`;

describe("probes of anonymous clones", () => {
  it("probe each node once, with the instance placed there or else the first", () => {
    const parsed = parseXml(CIB, "test.xml");
    assert.ok(parsed.ok);
    const t = schedule(parsed.value);
    const probes = t.actions.actions
      .filter((a) => a.task === "monitor" && a.intervalMs === 0)
      .map((a) => `${a.rscId}@${a.node}`)
      .sort();
    // crm_simulate 2.1.5 probes A:0 on n1 and n2 and A:1 on n3 for this CIB.
    assert.deepEqual(probes, ["A:0@n1", "A:0@n2", "A:1@n3"]);
  });
});
