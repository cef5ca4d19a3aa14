import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAttr, parseXml } from "./xml.js";
import { compileXPath, selectElements, selectNodes } from "./xpath.js";

const r = parseXml(
  `<cib><configuration><resources>
    <primitive id="a" type="Dummy"><meta_attributes id="a-meta"><nvpair id="a-meta-target-role" name="target-role" value="Stopped"/></meta_attributes></primitive>
    <group id="g"><primitive id="b" type="IPaddr2"/><!-- note --><primitive id="c" type="Dummy"/></group>
  </resources></configuration><status/></cib>`,
  "t",
);
assert.ok(r.ok);
const cib = r.ok ? r.value : (undefined as never);
const ids = (path: string): (string | undefined)[] => {
  const s = selectElements(cib, path);
  assert.ok(s.ok, s.ok ? "" : s.error.detail);
  return s.ok ? s.value.map((e) => getAttr(e, "id") ?? e.name) : [];
};

describe("selectElements", () => {
  it("follows absolute paths and id predicates", () => {
    assert.deepEqual(ids("/cib/configuration/resources/primitive[@id='a']"), ["a"]);
    assert.deepEqual(ids("/cib/configuration/resources"), ["resources"]);
    assert.deepEqual(ids("/cib/nope"), []);
  });
  it("finds descendants in document order", () => {
    assert.deepEqual(ids("//primitive"), ["a", "b", "c"]);
    assert.deepEqual(ids("//primitive[@type='Dummy']"), ["a", "c"]);
    assert.deepEqual(ids("//nvpair[@name='target-role']"), ["a-meta-target-role"]);
    assert.deepEqual(ids("//group/primitive[2]"), ["c"]);
    assert.deepEqual(ids("//*[@id='g']"), ["g"]);
  });
  it("supports and/or, attribute existence and double quotes", () => {
    assert.deepEqual(ids(`//primitive[@type="Dummy" and @id='c']`), ["c"]);
    assert.deepEqual(ids("//primitive[@id='a' or @id='b']"), ["a", "b"]);
    assert.deepEqual(ids("//nvpair[@value]"), ["a-meta-target-role"]);
  });
  it("selects comments with comment()", () => {
    const s = selectNodes(cib, "//group/comment()[1]");
    assert.ok(s.ok && s.value.length === 1 && s.value[0]?.type === "comment");
  });
  it("accepts Pacemaker's unescaped quote in an id", () => {
    assert.ok(compileXPath("/cib/x[@id='a'b']").ok);
  });
  it("reports what it cannot parse", () => {
    for (const bad of ["primitive", "//primitive[", "//p[@id=x]", "//p[position()=1]", "/"]) {
      const c = compileXPath(bad);
      assert.ok(!c.ok, bad);
    }
  });
});
