import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { recheckAt } from "./recheck.js";

const CIB = `<cib><configuration><resources>
  <group id="g"><meta_attributes id="gm"><nvpair id="gm1" name="failure-timeout" value="2min"/>
  </meta_attributes><primitive id="a" class="ocf" provider="pacer" type="Dummy"/></group>
  <primitive id="b" class="ocf" provider="pacer" type="Dummy"><meta_attributes id="bm">
    <nvpair id="bm1" name="failure-timeout" value="30s"/></meta_attributes></primitive>
  <primitive id="c" class="ocf" provider="pacer" type="Dummy"/>
</resources></configuration><status><node_state id="1" uname="n1"><transient_attributes id="1">
  <instance_attributes id="s1">
    <nvpair id="x1" name="last-failure-a#monitor_10000" value="1000"/>
    <nvpair id="x2" name="last-failure-b#start_0" value="1050"/>
    <nvpair id="x3" name="last-failure-c#start_0" value="1000"/>
  </instance_attributes></transient_attributes></node_state></status></cib>`;

describe("recheckAt", () => {
  const cib = parseXml(CIB, "t");
  assert.ok(cib.ok);
  it("is the earliest failure expiry still to come (group meta inherited)", () => {
    assert.equal(recheckAt(cib.value, 1060), 1081);
    assert.equal(recheckAt(cib.value, 1090), 1121);
  });
  it("is null once every failure expired or none can", () => {
    assert.equal(recheckAt(cib.value, 2000), null);
  });
});
