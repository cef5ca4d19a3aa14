import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  attrValues,
  getAttr,
  parseXml,
  printXml,
  removeAttr,
  setAttr,
  type XmlElement,
  type XmlNode,
} from "./xml.js";
import { LazyElement, parseXmlFast } from "./xml-fast.js";

/** The saxes path (asking for element lines keeps the fast parser out of it). */
function saxes(text: string) {
  return parseXml(text, "t.xml", { lines: new WeakMap() });
}

/** A tree as plain objects (reading a LazyElement's attributes as any caller would). */
function plain(n: XmlNode): XmlNode {
  if (n.type !== "element") return { ...n };
  return {
    type: "element",
    name: n.name,
    attrs: n.attrs.map(([k, v]) => [k, v]),
    children: n.children.map(plain),
  };
}

/** Every attribute read through getAttr/attrValues, before anything builds `attrs`. */
function readAll(lazy: XmlElement, eager: XmlElement): void {
  const names = new Set(eager.attrs.map(([k]) => k));
  assert.deepEqual(attrValues(lazy, names), new Map(eager.attrs));
  for (const [k, v] of eager.attrs) assert.equal(getAttr(lazy, k), v);
  assert.equal(getAttr(lazy, "no-such-attribute"), undefined);
  lazy.children.forEach((c, k) => {
    if (c.type === "element") readAll(c, eager.children[k] as XmlElement);
  });
}

/** The fast parser may give up on anything, but what it accepts saxes must parse the same. */
function agrees(text: string): boolean {
  const fast = parseXmlFast(text);
  if (fast === undefined) return false;
  const slow = saxes(text);
  assert.ok(slow.ok, `fast parser accepted what saxes rejects: ${JSON.stringify(text)}`);
  assert.deepEqual(fast, slow.value, JSON.stringify(text));
  const lazy = parseXmlFast(text, true);
  assert.ok(lazy, JSON.stringify(text));
  readAll(lazy, slow.value);
  assert.deepEqual(plain(lazy), slow.value, JSON.stringify(text));
  return true;
}

describe("parseXmlFast", () => {
  it("builds saxes' tree for CIB-like documents", () => {
    const docs = [
      '<?xml version="1.0" encoding="UTF-8"?>\n<cib a="1">\n  <x b=\'2\' c = "3" />\n</cib>\n',
      '<a x="1\n2\t3&#10;4 &amp; &lt;&gt;&quot;&apos;&#x41;"/>',
      "<a>hello &amp; world <b/> tail</a>",
      "<a>x<!--c-->y</a>",
      "<!-- before --><a x='a>b'></a ><!--after-->",
      '<a><b c="&#x1F600;"/></a>',
    ];
    for (const d of docs) assert.ok(agrees(d), `fast parser gave up on ${JSON.stringify(d)}`);
  });

  it("gives up on what it leaves to saxes, errors included", () => {
    const docs = [
      '<a x="1"y="2"/>',
      '<a x="1" x="2"/>',
      "<a><![CDATA[x]]></a>",
      "<a>\u0001</a>",
      "<a>]]></a>",
      '<a x="<"/>',
      "<a/>x",
      "<a/><b/>",
      "<a></b>",
      "<a>",
      '<a x="&bogus;"/>',
      '<a x="&#0;"/>',
      "<!DOCTYPE a><a/>",
      "<a><?pi x?></a>",
      "<a>a\r\nb</a>",
      "",
    ];
    for (const d of docs) assert.equal(parseXmlFast(d), undefined, JSON.stringify(d));
  });

  it("lazy elements read, change and print as plain ones", () => {
    const text = '<cib><status><op id="a" rc="7" d="x&amp;y"/><op rc="0" id="b"/></status></cib>';
    const lazy = parseXmlFast(text, true);
    assert.ok(lazy);
    const ops = (lazy.children[0] as XmlElement).children as XmlElement[];
    assert.ok(ops[0] instanceof LazyElement);
    assert.equal(getAttr(ops[0], "d"), "x&y");
    setAttr(ops[0], "rc", "0");
    removeAttr(ops[1] as XmlElement, "id");
    ops[1]?.children.push({ type: "comment", text: "c" });
    assert.equal(
      printXml(lazy, { indent: "" }),
      '<cib><status><op id="a" rc="0" d="x&amp;y"/><op rc="0"><!--c--></op></status></cib>\n',
    );
  });

  it("agrees with saxes on every scheduler reference case", () => {
    const root = join(process.cwd(), "../shared/pcmk-scheduler/cases");
    let n = 0;
    for (const tier of ["core", "clone"]) {
      for (const f of readdirSync(join(root, tier)).filter((x) => x.endsWith(".xml"))) {
        assert.ok(agrees(readFileSync(join(root, tier, f), "utf8")), f);
        n++;
      }
    }
    assert.ok(n > 200);
  });

  it("never accepts a document saxes rejects or reads differently", () => {
    const piece = fc.constantFrom(
      "<a",
      "<b ",
      "</a>",
      "</b>",
      "/>",
      ">",
      ' x="1"',
      " y='2'",
      ' x = "v"',
      "=",
      '"',
      "'",
      " ",
      "\n",
      "\t",
      "\r",
      "&amp;",
      "&#10;",
      "&#x;",
      "&lt",
      "<!--",
      "-->",
      "--",
      "<![CDATA[",
      "]]>",
      "<?xml version='1.0'?>",
      "<?p?>",
      "text",
      "\u0001",
      "é",
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (parts) => {
        if (agrees(`<a>${parts.join("")}</a>`)) accepted++;
      }),
      { numRuns: 5000 },
    );
    // The generator must reach the accepting paths, not only the early give-ups.
    assert.ok(accepted > 100, `only ${accepted} documents accepted`);
  });
});
