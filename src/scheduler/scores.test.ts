import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { addScores, formatScore, INFINITY, parseScore } from "./scores.js";

const score = fc.oneof(
  fc
    .integer({ min: -2 * INFINITY, max: 2 * INFINITY })
    .map((n) => Math.max(-INFINITY, Math.min(INFINITY, n))),
  fc.constantFrom(INFINITY, -INFINITY, 0),
);

describe("addScores", () => {
  it("addScores lets -INFINITY win over everything, +INFINITY over finite scores", () => {
    assert.equal(addScores(INFINITY, -INFINITY), -INFINITY);
    assert.equal(addScores(-INFINITY, INFINITY), -INFINITY);
    assert.equal(addScores(INFINITY, -999_999), INFINITY);
    assert.equal(addScores(999_999, 5), INFINITY);
    assert.equal(addScores(-999_999, -5), -INFINITY);
  });
  it("addScores is commutative and stays within ±INFINITY (property)", () => {
    fc.assert(
      fc.property(score, score, (a, b) => {
        const s = addScores(a, b);
        assert.equal(s, addScores(b, a));
        assert.ok(s >= -INFINITY && s <= INFINITY);
        if (a === -INFINITY || b === -INFINITY) assert.equal(s, -INFINITY);
      }),
      { numRuns: 500 },
    );
  });
  it("addScores is associative when no infinity is crossed (property)", () => {
    const small = fc.integer({ min: -1000, max: 1000 });
    fc.assert(
      fc.property(small, small, small, (a, b, c) => {
        assert.equal(addScores(addScores(a, b), c), addScores(a, addScores(b, c)));
      }),
    );
  });
});

describe("parseScore", () => {
  it("parseScore reads Pacemaker's spellings", () => {
    assert.equal(parseScore("INFINITY"), INFINITY);
    assert.equal(parseScore("+INFINITY"), INFINITY);
    assert.equal(parseScore("-infinity"), -INFINITY);
    assert.equal(parseScore("42"), 42);
    assert.equal(parseScore("-7"), -7);
    assert.equal(parseScore("2000000"), INFINITY);
    assert.equal(parseScore("junk", 3), 3);
  });
  it("formatScore round-trips through parseScore (property)", () => {
    fc.assert(fc.property(score, (s) => assert.equal(parseScore(formatScore(s)), s)));
  });
});
