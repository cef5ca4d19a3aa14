import { describe } from "node:test";
import { ciSeedBatches, ciSeedCount, runSeedBatch } from "./_seed-batch.js";

describe(`runSeed: CI seeds, batch 4 of ${ciSeedBatches} (${ciSeedCount} in all)`, () => {
  runSeedBatch(3);
});
