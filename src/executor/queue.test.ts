import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { KeyedSerializer, Slots } from "./queue.js";

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("KeyedSerializer with Slots", () => {
  it("runs one job per key at a time, in submission order, never above the slot bound", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ key: fc.integer({ min: 0, max: 3 }), ms: fc.integer({ min: 0, max: 3 }) }),
          {
            maxLength: 30,
          },
        ),
        fc.integer({ min: 1, max: 4 }),
        async (jobs, slotsMax) => {
          const serializer = new KeyedSerializer(100);
          const slots = new Slots(slotsMax);
          const activeByKey = new Map<number, number>();
          const started: Array<{ key: number; index: number }> = [];
          let active = 0;
          let activeMax = 0;
          await Promise.all(
            jobs.map((job, index) =>
              serializer.run(String(job.key), async () => {
                await slots.acquire();
                try {
                  started.push({ key: job.key, index });
                  const k = (activeByKey.get(job.key) ?? 0) + 1;
                  activeByKey.set(job.key, k);
                  assert.equal(k, 1, `key ${job.key} runs alone`);
                  active++;
                  activeMax = Math.max(activeMax, active);
                  await tick(job.ms);
                  active--;
                  activeByKey.set(job.key, k - 1);
                } finally {
                  slots.release();
                }
              }),
            ),
          );
          assert.ok(activeMax <= slotsMax, `${activeMax} running at once, bound ${slotsMax}`);
          assert.equal(started.length, jobs.length);
          for (const key of [0, 1, 2, 3]) {
            const order = started.filter((s) => s.key === key).map((s) => s.index);
            assert.deepEqual(
              order,
              [...order].sort((a, b) => a - b),
              `key ${key} is FIFO`,
            );
          }
          assert.equal(slots.inUse, 0, "every slot is returned");
        },
      ),
      { numRuns: 60 },
    );
  });

  it("reports when a key's queue is full", async () => {
    const serializer = new KeyedSerializer(1);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = serializer.run("k", () => gate);
    const second = serializer.run("k", async () => {});
    assert.equal(serializer.hasRoom("k"), false);
    assert.equal(serializer.hasRoom("other"), true);
    release();
    await Promise.all([first, second]);
    assert.equal(serializer.hasRoom("k"), true);
  });
});
