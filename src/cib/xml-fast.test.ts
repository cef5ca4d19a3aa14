import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseXml } from "./xml.js";
import { parseXmlFast } from "./xml-fast.js";

/** The saxes path (asking for element lines keeps the fast parser out of it). */
function saxes(text: string) {
  return parseXml(text, "t.xml", { lines: new WeakMap() });
}

/** The fast parser may give up on anything, but what it accepts saxes must parse the same. */
function agrees(text: string): boolean {
  const fast = parseXmlFast(text);
  if (fast === undefined) return false;
  const slow = saxes(text);
  assert.ok(slow.ok, `fast parser accepted what saxes rejects: ${JSON.stringify(text)}`);
  assert.deepEqual(fast, slow.value, JSON.stringify(text));
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
