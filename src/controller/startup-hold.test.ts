import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { dcDeadtimeMs, holdJoin, nodelistComplete } from "./startup-hold.js";

describe("dcDeadtimeMs", () => {
  it("reads Pacemaker's interval forms", () => {
    assert.equal(dcDeadtimeMs("20s"), 20_000);
    assert.equal(dcDeadtimeMs("20"), 20_000);
    assert.equal(dcDeadtimeMs("500ms"), 500);
    assert.equal(dcDeadtimeMs("2min"), 120_000);
    assert.equal(dcDeadtimeMs(" 3 sec "), 3000);
    assert.equal(dcDeadtimeMs("PT1M5S"), 65_000);
    assert.equal(dcDeadtimeMs("0"), 0);
  });
  it("rejects what is not an interval", () => {
    for (const bad of ["", "fast", "-1s", "1.5s", "3 weeks", "PT"]) {
      assert.equal(dcDeadtimeMs(bad), undefined, bad);
    }
    assert.equal(dcDeadtimeMs(undefined), undefined);
  });
  it("never returns more than an hour", () => {
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom("ms", "s", "min", "h", ""), (n, u) => {
        const v = dcDeadtimeMs(`${n}${u}`);
        return v !== undefined && v >= 0 && v <= 3_600_000;
      }),
    );
  });
});

describe("holdJoin", () => {
  const a = { id: 1, name: "a" };
  const b = { id: 2, name: "b" };
  it("nodelistComplete compares names; an empty nodelist is complete", () => {
    assert.equal(nodelistComplete([a, b], [a]), false);
    assert.equal(nodelistComplete([a, b], [b, a]), true);
    assert.equal(nodelistComplete([], [a]), true);
  });
  it("holds only a forming cluster with a node missing, before the deadline", () => {
    const base = { anySettled: false, nodelistComplete: false, nowMs: 100, deadlineMs: 2000 };
    assert.equal(holdJoin(base), true);
    assert.equal(holdJoin({ ...base, anySettled: true }), false);
    assert.equal(holdJoin({ ...base, nodelistComplete: true }), false);
    assert.equal(holdJoin({ ...base, nowMs: 2000 }), false);
  });
});
