import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runSeed } from "./run.js";

// The CI seeds (1,000, mixed faults, 2-16 nodes) run in sim-seeds-N.test.ts, split for
// parallel cores; `pacer sim --seeds N` and bench/sim/seeds.mjs run many more.
describe("runSeed", () => {
  it("is deterministic: one seed, one run", () => {
    const a = runSeed(0x5eed);
    const b = runSeed(0x5eed);
    assert.deepEqual(
      [a.ok, a.views, a.deliveries, a.packets, a.convergeMs],
      [b.ok, b.views, b.deliveries, b.packets, b.convergeMs],
    );
  });
});
