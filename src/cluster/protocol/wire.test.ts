import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { nodeId } from "./api.js";
import { decodeWire, encodeWire, WIRE_VERSION, type Wire } from "./wire.js";

const n = nodeId;
const round = { coordinator: n(1), incarnation: 1_700_000_000_123, attempt: 3 };
const ring = { rep: n(1), seq: 42 };
const SAMPLES: Wire[] = [
  {
    kind: "heartbeat",
    from: n(2),
    inc: 5,
    ring,
    hears: [n(1), n(3)],
    promise: null,
    ringRound: round,
    delivered: 10,
    lastOrdered: 12,
    stable: 9,
  },
  {
    kind: "heartbeat",
    from: n(2),
    inc: 5,
    ring: null,
    hears: [],
    promise: round,
    ringRound: null,
    delivered: 0,
    lastOrdered: 0,
    stable: 0,
  },
  { kind: "join-request", from: n(1), inc: 1, round, invited: [n(2), n(3)] },
  {
    kind: "join",
    from: n(3),
    inc: 7,
    round,
    ring,
    delivered: 5,
    held: [{ lo: 6, hi: 9 }],
    stable: 5,
    own: [{ lo: 8, hi: 8 }],
    highestSeq: 42,
    waitForAllSatisfied: true,
  },
  {
    kind: "install",
    from: n(1),
    inc: 1,
    round,
    ring: { rep: n(1), seq: 43 },
    members: [n(1), n(3)],
    incarnations: [1, 7],
    groups: [
      {
        ring,
        safe: 7,
        extra: [{ lo: 8, hi: 8 }],
        sources: [{ node: n(3), ranges: [{ lo: 8, hi: 8 }] }],
      },
    ],
    quorum: {
      quorate: true,
      expectedVotes: 3,
      totalVotes: 2,
      quorum: 2,
      waitForAllSatisfied: false,
    },
  },
  { kind: "install-request", from: n(3), inc: 7, round },
  {
    kind: "data",
    from: n(3),
    inc: 7,
    ring,
    baseSeq: 4,
    senderSeq: 5,
    fragIndex: 0,
    fragCount: 2,
    payload: new Uint8Array([1, 2, 3]),
  },
  {
    kind: "ordered",
    from: n(1),
    inc: 1,
    ring,
    gseq: 99,
    stable: 97,
    sender: n(3),
    senderInc: 7,
    senderSeq: 5,
    fragIndex: 1,
    fragCount: 2,
    payload: new Uint8Array(1100).fill(7),
  },
  { kind: "ack", from: n(2), inc: 5, ring, received: 99 },
  { kind: "nack", from: n(2), inc: 5, ring, ranges: [{ lo: 3, hi: 4 }] },
  { kind: "recover-request", from: n(2), inc: 5, ring, ranges: [{ lo: 3, hi: 3 }] },
  { kind: "leave", from: n(2), inc: 5, ring: null },
];

describe("encodeWire", () => {
  for (const w of SAMPLES) {
    it(`round-trips a ${w.kind} packet through decodeWire`, () => {
      const bytes = encodeWire(w);
      assert.equal(bytes[2], WIRE_VERSION);
      const back = decodeWire(bytes);
      assert.ok(back.ok);
      assert.deepEqual(back.value, w);
    });
  }
});

describe("decodeWire", () => {
  it("refuses another version, an unknown kind, truncation and trailing bytes", () => {
    const bytes = encodeWire(SAMPLES[0] as Wire);
    const v2 = bytes.slice();
    v2[2] = 2;
    assert.deepEqual(decodeWire(v2), { ok: false, error: { kind: "bad-version", version: 2 } });
    const k = bytes.slice();
    k[3] = 200;
    assert.equal(decodeWire(k).ok, false);
    assert.equal(decodeWire(bytes.subarray(0, bytes.length - 1)).ok, false);
    assert.equal(decodeWire(new Uint8Array([...bytes, 0])).ok, false);
    assert.equal(decodeWire(new Uint8Array([1, 2])).ok, false);
  });

  it("never throws on random or mutated bytes (seeded; prints its seed on failure)", () => {
    const valid = SAMPLES.map((w) => encodeWire(w));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: valid.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.uint8Array({ maxLength: 64 }),
        (i, flips, tail) => {
          const b = (valid[i] as Uint8Array).slice();
          for (const [at, v] of flips) b[at % b.length] = v;
          const r = decodeWire(new Uint8Array([...b, ...tail]));
          if (r.ok) assert.equal(typeof r.value.kind, "string");
        },
      ),
      { numRuns: 5000, seed: 424242 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        decodeWire(b);
      }),
      { numRuns: 5000, seed: 4242 },
    );
  });
});
