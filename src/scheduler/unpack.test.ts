import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import type { NodeInfo } from "./model.js";
import { unpack } from "./unpack.js";

/** A two-node CIB whose second node has the given node_state attributes. */
function nodeTwo(stonith: boolean, state: string, shutdown: boolean): NodeInfo {
  const attrs = shutdown
    ? `<transient_attributes id="n2"><instance_attributes id="s2">
         <nvpair id="s2-sd" name="shutdown" value="1266098137"/>
       </instance_attributes></transient_attributes>`
    : "";
  const xml = `<cib have-quorum="1" dc-uuid="n1"><configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="${stonith}"/>
    </cluster_property_set></crm_config>
    <nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/></nodes>
    <resources/><constraints/></configuration>
    <status>
      <node_state id="n1" uname="n1" in_ccm="true" crmd="online" join="member" expected="member"/>
      <node_state id="n2" uname="n2" ${state}>${attrs}</node_state>
    </status></cib>`;
  const r = parseXml(xml, "nodes.xml");
  assert.ok(r.ok);
  const ws = unpack(r.value, { now: 0 });
  return ws.nodeByName.get("n2") as NodeInfo;
}

describe("unpack node state", () => {
  it("unpack keeps a shutting-down node online while its controller runs (fencing on)", () => {
    // Observed with Pacemaker 2.1.5: left the membership, controller still up, shutdown set.
    const n = nodeTwo(true, 'in_ccm="false" crmd="online" join="pending" expected="down"', true);
    assert.equal(n.online, true);
    assert.equal(n.pending, false);
    assert.equal(n.unclean, false);
    assert.equal(n.shutdown, true);
  });
  it("unpack does not fence a shutting-down node whose controller is gone", () => {
    const n = nodeTwo(true, 'in_ccm="true" crmd="offline" join="member" expected="member"', true);
    assert.equal(n.online, false);
    assert.equal(n.unclean, false);
  });
  it("unpack needs full membership for a shutting-down node without fencing", () => {
    const pending = nodeTwo(
      false,
      'in_ccm="true" crmd="online" join="pending" expected="down"',
      true,
    );
    assert.equal(pending.online, false);
    assert.equal(pending.pending, false);
    const member = nodeTwo(
      false,
      'in_ccm="true" crmd="online" join="member" expected="down"',
      true,
    );
    assert.equal(member.online, true);
  });
  it("unpack still marks a pending node pending when it is not shutting down", () => {
    const n = nodeTwo(true, 'in_ccm="true" crmd="online" join="pending" expected="member"', false);
    assert.equal(n.pending, true);
  });
});

function op(rsc: string, task: string, rc: number, call: number): string {
  return `<lrm_rsc_op id="${rsc}_${task}_${call}" operation_key="${rsc}_${task}_0" operation="${task}"
    transition-key="1:1:0:abc" transition-magic="0:${rc};1:1:0:abc" call-id="${call}"
    rc-code="${rc}" op-status="0" interval="0"/>`;
}

describe("unpack clone-max=0", () => {
  it("unpack numbers active copies of an instance-less clone in status order", () => {
    const entry = (id: string, rc: number) =>
      `<lrm_resource id="${id}" class="ocf" provider="pacemaker" type="Dummy">${op(id, rc === 7 ? "monitor" : "start", rc, 2)}</lrm_resource>`;
    const state = (n: string, body: string) =>
      `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member">
         <lrm id="${n}"><lrm_resources>${body}</lrm_resources></lrm></node_state>`;
    const xml = `<cib have-quorum="1"><configuration><crm_config/>
      <nodes><node id="a" uname="a"/><node id="b" uname="b"/></nodes>
      <resources><clone id="d-clone">
        <meta_attributes id="m"><nvpair id="m1" name="clone-max" value="0"/></meta_attributes>
        <primitive id="d" class="ocf" provider="pacemaker" type="Dummy"/>
      </clone></resources><constraints/></configuration>
      <status>${state("b", entry("d:0", 7) + entry("d:1", 0))}${state("a", entry("d:0", 0))}</status></cib>`;
    const r = parseXml(xml, "zero.xml");
    assert.ok(r.ok);
    const ws = unpack(r.value, { now: 0 });
    const clone = ws.byId.get("d-clone");
    assert.ok(clone);
    const where = clone.children.map((i) => [
      i.id,
      [...i.history.values()].filter((h) => h.role !== "Stopped").map((h) => h.node),
    ]);
    assert.deepEqual(where, [
      ["d:0", ["b"]],
      ["d:1", ["a"]],
    ]);
    assert.ok(clone.children.every((i) => i.orphan));
  });
});

describe("unpack #default", () => {
  it("unpack leaves an attribute whose value is #default unset", () => {
    const xml = `<cib><configuration><crm_config/><nodes/><resources>
      <primitive id="d" class="ocf" provider="pacemaker" type="Dummy">
        <instance_attributes id="ia">
          <nvpair id="a" name="a" value="#default"/><nvpair id="b" name="b" value="#DEFAULT"/>
          <nvpair id="c" name="c" value="1"/>
        </instance_attributes>
      </primitive></resources><constraints/></configuration><status/></cib>`;
    const r = parseXml(xml, "default.xml");
    assert.ok(r.ok);
    const d = unpack(r.value, { now: 0 }).byId.get("d");
    assert.deepEqual([...(d?.params ?? [])], [["c", "1"]]);
  });
});

describe("unpack failures on a condemned node", () => {
  it("unpack does not count failures on a node an earlier failure condemned", () => {
    // Pacemaker 2.1.5 (stonith-0): the first failed stop on a node asks for fencing; a
    // failed stop of another resource listed after it there is not that resource's failure.
    const entry = (id: string) =>
      `<lrm_resource id="${id}" class="ocf" provider="pacemaker" type="Dummy">
         ${op(id, "start", 0, 2)}${op(id, "stop", 1, 3)}</lrm_resource>`;
    const xml = `<cib have-quorum="1"><configuration><crm_config/>
      <nodes><node id="a" uname="a"/><node id="b" uname="b"/></nodes>
      <resources><primitive id="fence" class="stonith" type="fence_dummy"/>
        <primitive id="first" class="ocf" provider="pacemaker" type="Dummy"/>
        <primitive id="second" class="ocf" provider="pacemaker" type="Dummy"/>
      </resources><constraints/></configuration>
      <status><node_state id="a" uname="a" in_ccm="true" crmd="online" join="member"
        expected="member"><lrm id="a"><lrm_resources>${entry("first")}${entry("second")}
      </lrm_resources></lrm></node_state></status></cib>`;
    const r = parseXml(xml, "condemned.xml");
    assert.ok(r.ok);
    const ws = unpack(r.value, { now: 0 });
    const a = ws.nodeByName.get("a");
    assert.equal(a?.unclean, true);
    assert.equal(a?.fenceReason, "first failed there");
    assert.equal(ws.byId.get("first")?.history.get("a")?.failed, true);
    const second = ws.byId.get("second")?.history.get("a");
    assert.equal(second?.failed, false);
    assert.equal(second?.role, "Started");
  });
});
