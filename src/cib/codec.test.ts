import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { cibArb } from "./_arbitraries.js";
import { parseCibText } from "./load.js";
import { printXml } from "./xml.js";

describe("parseCibText ∘ printXml", () => {
  it("is the identity on generated CIBs, and printing is canonical (seeded)", () => {
    fc.assert(
      fc.property(cibArb({ mixed: false }), (cib) => {
        const text = printXml(cib);
        const back = parseCibText(text, "<generated>");
        assert.ok(back.ok, back.ok ? "" : JSON.stringify(back.error));
        assert.deepEqual(back.value, cib);
        assert.equal(printXml(back.value), text);
      }),
      { numRuns: 300 },
    );
  });
});
