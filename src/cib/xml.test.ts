import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { elem, parseXml, printXml, type XmlElement } from "./xml.js";

const nameArb = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const valueArb = fc.string({ maxLength: 12 });
function elementArb(depth: number): fc.Arbitrary<XmlElement> {
  const children: fc.Arbitrary<XmlElement[]> =
    depth === 0 ? fc.constant<XmlElement[]>([]) : fc.array(elementArb(depth - 1), { maxLength: 3 });
  return fc
    .record({
      name: nameArb,
      attrs: fc.uniqueArray(fc.tuple(nameArb, valueArb), { selector: (a) => a[0], maxLength: 4 }),
      children,
    })
    .map((r) => ({ type: "element" as const, name: r.name, attrs: r.attrs, children: r.children }));
}

describe("printXml", () => {
  it("round-trips through parseXml for any element tree", () => {
    fc.assert(
      fc.property(elementArb(3), (tree) => {
        const text = printXml(tree);
        const back = parseXml(text, "<generated>");
        assert.ok(back.ok, back.ok ? "" : back.error.detail);
        assert.deepEqual(back.value, tree);
        assert.equal(printXml(back.value), text);
      }),
      { numRuns: 200 },
    );
  });
  it("prints empty elements self-closed with attributes in order", () => {
    assert.equal(
      printXml(elem("nvpair", { id: "x", name: "n", value: 'a"b' })),
      '<nvpair id="x" name="n" value="a&quot;b"/>\n',
    );
  });
});

describe("parseXml", () => {
  it("reports file:line:col for a syntax error", () => {
    const r = parseXml("<cib>\n  <configuration>\n</cib>", "cib.xml");
    assert.ok(!r.ok);
    assert.equal(r.error.file, "cib.xml");
    assert.equal(r.error.line, 3);
  });
  it("keeps comments and unknown elements", () => {
    const src = '<cib a="1"><!-- hi --><frob x="y"><z/></frob></cib>';
    const r = parseXml(src, "t");
    assert.ok(r.ok);
    assert.equal(printXml(r.value, { indent: "" }), `${src}\n`);
  });
});
