import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { renderResources } from "./status-text.js";

/** Two nodes without quorum; n2 has a failed stop of clone instance d and `state`. */
function lostQuorum(state: string, stopRc = 1, quorum = 0) {
  const op = (task: string, rc: number, call: number) =>
    `<lrm_rsc_op id="d_${task}_${call}" operation_key="d_${task}_0" operation="${task}"
      transition-key="1:1:0:abc" transition-magic="0:${rc};1:1:0:abc" call-id="${call}"
      rc-code="${rc}" op-status="0" interval="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>`;
  const xml = `<cib have-quorum="${quorum}"><configuration><crm_config/>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources><primitive id="fence" class="stonith" type="fence_dummy"/>
      <clone id="c"><primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/></clone>
    </resources><constraints/></configuration>
    <status>
      <node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/>
      <node_state id="n2" uname="n2" ${state}><lrm id="n2"><lrm_resources>
        <lrm_resource id="d" class="ocf" provider="pacemaker" type="Dummy">
          ${op("start", 0, 2)}${stopRc >= 0 ? op("stop", stopRc, 3) : ""}</lrm_resource>
      </lrm_resources></lrm></node_state>
    </status></cib>`;
  const r = parseXml(xml, "quorum.xml");
  assert.ok(r.ok);
  return schedule(r.value);
}

describe("fencing without quorum", () => {
  it("fences a node still online with the partition", () => {
    const t = lostQuorum('in_ccm="true" crmd="online" join="member" expected="member"');
    assert.deepEqual([...t.fencing.keys()], ["n2"]);
    // The instance there is stopped by the fencing; a fresh one is planned on n1.
    const d1 = t.ws.byId.get("d:1");
    assert.ok(d1);
    assert.equal(t.alloc.assigned.get(d1), "n1");
  });
  it("does not fence a node that left the partition", () => {
    const t = lostQuorum('in_ccm="false" crmd="offline" join="member" expected="member"');
    assert.equal(t.fencing.size, 0);
    assert.equal(t.ws.nodeByName.get("n2")?.unclean, true);
  });
});

describe("history of a node that left", () => {
  const left = 'in_ccm="false" crmd="offline" join="down" expected="down"';
  it("a resource still active on a cleanly offline node condemns it", () => {
    const t = lostQuorum(left, -1, 1);
    const n2 = t.ws.nodeByName.get("n2");
    assert.equal(n2?.unclean, true);
    assert.equal(n2?.fenceReason, "d:0 is thought to be active there");
    assert.deepEqual([...t.fencing.keys()], ["n2"]);
    // Fencing will stop it, so it simply moves.
    const d0 = t.ws.byId.get("d:0");
    assert.ok(d0);
    assert.equal(t.alloc.assigned.get(d0), "n1");
  });
  it("a failed stop there is not a failure once fencing settles it", () => {
    const t = lostQuorum(left, 1, 1);
    assert.equal(t.ws.byId.get("d:0")?.history.get("n2")?.failed, false);
  });
  it("a hard error there blocks the instance when the node cannot be fenced", () => {
    const t = lostQuorum(left, 5, 0);
    const h = t.ws.byId.get("d:0")?.history.get("n2");
    assert.equal(h?.failed, true);
    assert.equal(h?.blocked, true);
    assert.equal(t.fencing.size, 0);
    // The clone is active only through that instance: Pacemaker does not list it.
    assert.ok(!renderResources(t.ws).some((l) => l.includes("Clone Set: c ")));
  });
});
