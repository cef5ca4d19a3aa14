import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeSwarm, hex, runSeed } from "./run.js";

// A fixed set of swarm seeds runs in `npm test`; `SIM_SEEDS=500 npm run test:sim` runs many.
const FIXED_SEEDS = Array.from({ length: 20 }, (_, i) => 1 + i * 7919);

describe("runSeed", () => {
  for (const seed of FIXED_SEEDS) {
    it(`holds every invariant and converges for seed ${hex(seed)}`, () => {
      const r = runSeed(seed);
      const f = r.failure;
      assert.ok(
        r.ok,
        f === undefined
          ? ""
          : `invariant=${f.invariant} node=${f.node} t=${f.atMs}ms ${f.detail}\n` +
              `swarm: ${describeSwarm(r.swarm)}\nreplay: ./bin/pacer sim --seed ${hex(seed)} --trace`,
      );
    });
  }

  it("is deterministic: one seed, one run", () => {
    const a = runSeed(0x5eed);
    const b = runSeed(0x5eed);
    assert.deepEqual(
      [a.ok, a.views, a.deliveries, a.packets, a.convergeMs],
      [b.ok, b.views, b.deliveries, b.packets, b.convergeMs],
    );
  });
});
