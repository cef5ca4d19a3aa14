import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  EnvelopeKeys,
  headerBytes,
  openPacket,
  readHeader,
  sealPacket,
  sealPacketParts,
  tagBytes,
} from "./packet-crypto.js";

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`packet-crypto.test: fast-check seed=${seed} (replay with FC_SEED=${seed})`);

const keys = new EnvelopeKeys(Buffer.alloc(32, 0x5a));
const header = {
  link: 1,
  hearMask: 0b11,
  sender: 7,
  dest: 0,
  incarnation: 1_700_000_000_123,
  seq: 42,
};

describe("packet envelope", () => {
  it("sends the parts of a sealed packet as the packet itself, and opens it", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        (plaintext, seq) => {
          const h = { ...header, seq };
          const parts = sealPacketParts(keys, h, plaintext);
          const whole = sealPacket(keys, h, plaintext);
          assert.deepEqual(Buffer.concat(parts), whole);
          assert.equal(parts[0].length, headerBytes);
          assert.equal(parts[2].length, tagBytes);
          const opened = openPacket(keys, whole);
          assert.ok(opened.ok);
          assert.deepEqual(opened.header, h);
          assert.deepEqual(new Uint8Array(opened.plaintext), plaintext);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it("uses a fresh nonce per sequence number (same plaintext, different ciphertext)", () => {
    const p = Buffer.from("heartbeat");
    const a = sealPacket(keys, { ...header, seq: 1 }, p);
    const b = sealPacket(keys, { ...header, seq: 2 }, p);
    assert.notDeepEqual(a.subarray(headerBytes), b.subarray(headerBytes));
  });

  it("authenticates the clear header: a header read beforehand must match the bytes", () => {
    const p = sealPacket(keys, header, Buffer.from("x"));
    const h = readHeader(p);
    assert.ok(h !== undefined);
    assert.equal(openPacket(keys, p, h).ok, true);
    // A header claiming another sequence number (so another nonce) fails authentication.
    assert.deepEqual(openPacket(keys, p, { ...h, seq: h.seq + 1 }), {
      ok: false,
      reason: "auth-failed",
    });
    for (let i = 0; i < p.length; i++) {
      const t = Buffer.from(p);
      t[i] = (t[i] ?? 0) ^ 0x01;
      assert.equal(openPacket(keys, t).ok, false, `bit flip at byte ${i} must not open`);
    }
    assert.equal(openPacket(new EnvelopeKeys(Buffer.alloc(32, 1)), p).ok, false);
  });
});
