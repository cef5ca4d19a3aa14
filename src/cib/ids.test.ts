import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  allIds,
  constrainableIds,
  danglingRefs,
  duplicateIds,
  findById,
  sanitizeId,
  uniqueId,
} from "./ids.js";
import { parseXml } from "./xml.js";

const r = parseXml(
  `<configuration><crm_config/><nodes><node id="1" uname="node1"/></nodes>
  <resources><primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/>
    <group id="g"><primitive id="b" class="ocf" provider="pacemaker" type="Dummy"/></group>
    <primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/></resources>
  <constraints><rsc_location id="l1" rsc="a" score="1" node="node1"/>
    <rsc_colocation id="c1" score="INFINITY" rsc="b" with-rsc="nosuch"/>
    <rsc_order id="o1" first="l1" then="zz"/></constraints>
  <tags><tag id="t1"><obj_ref id="a"/></tag></tags></configuration>`,
  "t",
);
assert.ok(r.ok);
const config = r.ok ? r.value : (undefined as never);

describe("duplicateIds", () => {
  it("finds the second declaration; node ids and obj_ref are not IDs", () => {
    assert.deepEqual(
      duplicateIds(config).map((d) => d.id),
      ["a"],
    );
  });
});

describe("danglingRefs", () => {
  it("lists constraint references to unknown ids in document order", () => {
    assert.deepEqual(
      danglingRefs(config).map((d) => `${d.element.name}.${d.attr}=${d.ref}`),
      ["rsc_colocation.with-rsc=nosuch", "rsc_order.then=zz"],
    );
  });
});

describe("constrainableIds", () => {
  it("includes resources (nested too) and tags, not constraints", () => {
    assert.deepEqual([...constrainableIds(config)].sort(), ["a", "b", "g", "t1"]);
  });
});

describe("findById", () => {
  it("finds elements declaring the id, skipping references", () => {
    assert.equal(findById(config, "b")?.name, "primitive");
    assert.equal(findById(config, "t1")?.name, "tag");
    assert.equal(findById(config, "1"), undefined);
  });
});

describe("uniqueId", () => {
  it("appends -0, -1 on a clash, as crmsh does", () => {
    assert.equal(uniqueId("d1-monitor-10s", new Set()), "d1-monitor-10s");
    assert.equal(uniqueId("d1-monitor-10s", new Set(["d1-monitor-10s"])), "d1-monitor-10s-0");
    assert.equal(uniqueId("x", new Set(["x", "x-0"])), "x-1");
  });
  it("never returns a taken id", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom("x", "x-0", "x-1", "x-2", "y")), (taken) => {
        assert.ok(!(taken as string[]).includes(uniqueId("x", new Set(taken))));
      }),
    );
  });
  it("sanitizes like Pacemaker's generated ids", () => {
    assert.equal(sanitizeId("status-2-#feature-set"), "status-2-.feature-set");
    assert.ok(allIds(config).has("l1"));
  });
});
