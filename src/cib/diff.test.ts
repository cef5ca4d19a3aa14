import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { applyEdits, cibArb, editArb } from "./_arbitraries.js";
import { applyPatchset, diffCib, isEmptyPatchset } from "./diff.js";
import { readVersion } from "./document.js";
import { cloneElement, parseXml, printXml } from "./xml.js";

function parse(text: string) {
  const r = parseXml(text, "test");
  assert.ok(r.ok);
  if (!r.ok) throw new Error("unreachable");
  return r.value;
}

const A = parse(`<cib epoch="1" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1">
  <configuration><crm_config/>
    <nodes><node id="1" uname="node1"/><node id="2" uname="node2"/></nodes>
    <resources/><constraints/></configuration>
  <status><node_state id="1" uname="node1" crmd="online"/><node_state id="2" uname="node2"/></status>
</cib>`);
const B = parse(`<cib epoch="2" num_updates="0" admin_epoch="0" have-quorum="0">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options">
      <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="2" uname="node2"/><node id="1" uname="node1x"/></nodes>
    <resources><primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/></resources>
    <constraints/></configuration>
  <status><node_state id="1" uname="node1" crmd="offline"/></status>
</cib>`);

describe("diffCib", () => {
  it("writes Pacemaker's v2 form with Pacemaker's paths", () => {
    const d = printXml(diffCib(A, B));
    assert.match(
      d,
      /^<diff format="2">\n {2}<version>\n {4}<source admin_epoch="0" epoch="1" num_updates="0"\/>\n {4}<target admin_epoch="0" epoch="2" num_updates="0"\/>/,
    );
    assert.match(d, /<change operation="delete" path="\/cib\/status\/node_state\[@id='2'\]"\/>/);
    assert.match(d, /<change operation="modify" path="\/cib">/);
    assert.match(d, /<change-attr name="dc-uuid" operation="unset"\/>/);
    assert.match(
      d,
      /<change operation="create" path="\/cib\/configuration\/resources" position="0">\n {4}<primitive id="d1"/,
    );
    assert.match(
      d,
      /<change operation="move" path="\/cib\/configuration\/nodes\/node\[@id='2'\]" position="0"\/>/,
    );
    assert.match(d, /<change-attr name="uname" operation="set" value="node1x"\/>/);
  });
  it("equal trees give an empty patchset", () => {
    assert.ok(isEmptyPatchset(diffCib(A, cloneElement(A))));
  });
});

describe("applyPatchset", () => {
  it("applies a patch crm_diff made (Pacemaker 2.1.5)", () => {
    const patch = parse(`<diff format="2">
  <version><source admin_epoch="0" epoch="1" num_updates="0"/><target admin_epoch="0" epoch="2" num_updates="0"/></version>
  <change operation="delete" path="/cib/status/node_state[@id=&apos;2&apos;]"/>
  <change operation="modify" path="/cib">
    <change-list><change-attr name="epoch" operation="set" value="2"/></change-list>
    <change-result><cib epoch="2" num_updates="0" admin_epoch="0" have-quorum="1" dc-uuid="1"/></change-result>
  </change>
  <change operation="create" path="/cib/configuration/resources" position="0">
    <primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>
  </change>
  <change operation="move" path="/cib/configuration/nodes/node[@id=&apos;2&apos;]" position="0"/>
</diff>`);
    const r = applyPatchset(A, patch);
    assert.ok(r.ok);
    if (!r.ok) return;
    const text = printXml(r.value, { indent: "" });
    assert.match(
      text,
      /<nodes><node id="2" uname="node2"\/><node id="1" uname="node1"\/><\/nodes>/,
    );
    assert.match(text, /<resources><primitive id="d1"/);
    assert.doesNotMatch(text, /node_state id="2"/);
    assert.deepEqual(readVersion(r.value), { adminEpoch: 0, epoch: 2, numUpdates: 0 });
  });
  it("refuses a patch whose source version differs, saying which way", () => {
    const patch = diffCib(A, B);
    const newer = cloneElement(A);
    newer.attrs = newer.attrs.map(([k, v]) => [k, k === "epoch" ? "5" : v]);
    const r = applyPatchset(newer, patch);
    assert.ok(!r.ok && r.error.kind === "patch-version" && !r.error.older);
    assert.ok(applyPatchset(newer, patch, { checkVersion: false }).ok);
  });
  it("reports a path that selects nothing", () => {
    const patch = parse(`<diff format="2"><change operation="delete" path="/cib/nope"/></diff>`);
    const r = applyPatchset(A, patch);
    assert.ok(!r.ok && r.error.kind === "patch-apply");
  });
});

describe("patch(a, diff(a, b))", () => {
  it("equals b for b derived from a by random edits (seeded; failures print seed and path)", () => {
    fc.assert(
      fc.property(cibArb(), fc.array(editArb(), { maxLength: 8 }), (a, edits) => {
        const b = cloneElement(a);
        applyEdits(b, edits);
        const r = applyPatchset(a, diffCib(a, b));
        assert.ok(r.ok, r.ok ? "" : r.error.detail);
        assert.deepEqual(r.value, b);
      }),
      { numRuns: 400 },
    );
  });
  it("equals b for unrelated a and b", () => {
    fc.assert(
      fc.property(cibArb(), cibArb(), (a, b) => {
        const r = applyPatchset(a, diffCib(a, b));
        assert.ok(r.ok, r.ok ? "" : r.error.detail);
        assert.deepEqual(r.value, b);
      }),
      { numRuns: 200 },
    );
  });
  it("survives printing and re-parsing the patch", () => {
    fc.assert(
      fc.property(
        cibArb({ mixed: false }),
        fc.array(editArb(false), { maxLength: 6 }),
        (a, edits) => {
          const b = cloneElement(a);
          applyEdits(b, edits);
          const printed = printXml(diffCib(a, b));
          const r = applyPatchset(a, parse(printed));
          assert.ok(r.ok, r.ok ? "" : r.error.detail);
          assert.deepEqual(r.value, b);
        },
      ),
      { numRuns: 200 },
    );
  });
});
