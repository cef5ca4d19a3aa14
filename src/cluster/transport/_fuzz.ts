/**
 * Test helper: fuzzed datagrams for a cluster's port, four kinds in turn: random bytes; a real
 * envelope (sealed with the cluster's own key as nodelist node `sender`) with 1-4 bytes
 * changed; a real envelope under another key; a valid-looking header with a random body.
 * None of them may be accepted, crash a node, or go uncounted.
 */
import { randomBytes } from "node:crypto";
import { createConnection } from "node:net";
import { nodeId } from "../protocol/api.js";
import { encodeWire } from "../protocol/wire.js";
import { EnvelopeKeys, headerBytes, sealPacket } from "./packet-crypto.js";

/** @example const next = fuzzer(clusterKey, 3); socket.send(next(0), port, addr); */
export function fuzzer(clusterKey: Buffer, sender: number): (i: number) => Buffer {
  const right = new EnvelopeKeys(clusterKey);
  const wrong = new EnvelopeKeys(randomBytes(32));
  const incarnation = Date.now();
  const wire = encodeWire({
    kind: "heartbeat",
    from: nodeId(sender),
    inc: incarnation,
    ring: null,
    hears: [],
    promise: null,
    ringRound: null,
    delivered: 0,
    lastOrdered: 0,
    stable: 0,
  });
  const header = { link: 0, hearMask: 0xff, sender, dest: 0, incarnation };
  const rand = (n: number): number => Math.floor(Math.random() * n);
  return (i) => {
    const seq = 1 + i;
    switch (i % 4) {
      case 0:
        return randomBytes(1 + rand(600));
      case 1: {
        const b = Buffer.from(sealPacket(right, { ...header, seq }, wire));
        for (let k = 1 + rand(4); k > 0; k--) {
          const at = rand(b.length);
          b.writeUInt8(b.readUInt8(at) ^ (1 + rand(255)), at);
        }
        return b;
      }
      case 2:
        return Buffer.from(sealPacket(wrong, { ...header, seq }, wire));
      default: {
        const b = Buffer.from(sealPacket(right, { ...header, seq }, wire));
        return Buffer.concat([b.subarray(0, headerBytes), randomBytes(rand(600))]);
      }
    }
  };
}

/** The counters a dropped fuzzed datagram lands in (receive.ts). */
export const droppedCounters = [
  "rxMalformed",
  "rxAuthFailed",
  "rxUnknownSender",
  "rxLoopback",
  "rxNotForUs",
] as const;

/** Datagrams a node counted as dropped, from its `cluster-counters` answer. */
export function droppedTotal(counters: Readonly<Record<string, number>>): number {
  return droppedCounters.reduce((n, k) => n + (counters[k] ?? 0), 0);
}

/** A node's transport counters over its api socket (`cluster-counters`). */
export function nodeCounters(socketPath: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const s = createConnection(socketPath);
    let buf = "";
    s.on("connect", () => s.write(`${JSON.stringify({ op: "cluster-counters" })}\n`));
    s.on("data", (d) => {
      buf += d.toString();
      if (!buf.includes("\n")) return;
      s.destroy();
      resolve((JSON.parse(buf) as { counters: Record<string, number> }).counters);
    });
    s.on("error", reject);
  });
}

/**
 * Sends `total` fuzzed datagrams in bursts, pacing on the target's own count of dropped
 * datagrams (at most ~1,500 ahead, 2 s per wait at most) so that they reach it rather than
 * overflow its socket buffer on a slow host. Resolves with the target's dropped-count delta.
 */
export async function sendPaced(o: {
  readonly total: number;
  readonly next: (i: number) => Buffer;
  readonly send: (datagram: Buffer) => void;
  readonly dropped: () => Promise<number>;
}): Promise<number> {
  const base = await o.dropped();
  for (let i = 0; i < o.total; i += 250) {
    for (let j = i; j < Math.min(o.total, i + 250); j++) o.send(o.next(j));
    await new Promise((r) => setTimeout(r, 1));
    if ((i + 250) % 2000 !== 0) continue;
    const t0 = Date.now();
    while ((await o.dropped()) - base < i + 250 - 1500 && Date.now() - t0 < 2000)
      await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 300));
  return (await o.dropped()) - base;
}
