import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DEFLATE_FROM_CHARS, packText, unpackText } from "./wire-text.js";

describe("wire-text", () => {
  it("round-trips any text, deflating only long ones", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6000 }), (s) => {
        const w = packText(s);
        assert.equal(w.z === true, s.length >= DEFLATE_FROM_CHARS);
        return unpackText(w.text, w.z) === s;
      }),
    );
  });
  it("shrinks a repetitive history a lot", () => {
    const lrm =
      '<lrm_resource id="d1"><lrm_rsc_op id="d1_last_0" operation="start"/></lrm_resource>'.repeat(
        500,
      );
    assert.ok(packText(lrm).text.length * 10 < lrm.length);
  });
  it("refuses what does not inflate instead of throwing", () => {
    assert.equal(unpackText("not base64 deflate!!", true), undefined);
    assert.equal(unpackText("plain", undefined), "plain");
  });
});
