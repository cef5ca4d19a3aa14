import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ctimeOfEpoch, ctimeText } from "./ctime.js";

describe("ctimeText", () => {
  it("pads a single-digit day with a space, as ctime(3)", () => {
    assert.equal(ctimeText(new Date(2026, 10, 5, 9, 3, 7)), "Thu Nov  5 09:03:07 2026");
  });
  it("reads the UTC fields with utc", () => {
    assert.equal(
      ctimeOfEpoch(Date.UTC(2026, 10, 25, 23, 59, 1) / 1000, { utc: true }),
      "Wed Nov 25 23:59:01 2026",
    );
  });
});
