/**
 * Test helper: checks delivery logs written by `pacer cluster-node --deliver-log` (lines
 * `RING SEQ SENDER INCARNATION PAYLOAD`) against what extended virtual synchrony promises.
 * Always: two nodes never deliver different messages at the same position of the same ring;
 * no node delivers a message twice; each sender's messages arrive in the order sent. When
 * the nodes went through the same views, their logs must be identical.
 */
import assert from "node:assert/strict";

interface Entry {
  readonly ring: string;
  readonly seq: string;
  readonly sender: string;
  readonly payload: string;
}

function parse(line: string): Entry {
  const [ring = "", seq = "", sender = "", , ...rest] = line.split(" ");
  return { ring, seq, sender, payload: rest.join(" ") };
}

/** The payload's number: `m2-17` → 17. */
const indexOf = (payload: string): number => Number(payload.split("-")[1]);

/**
 * @example checkDeliveries(new Map([[1, log1], [2, log2]]), { sameViews: true })
 */
export function checkDeliveries(
  logs: ReadonlyMap<number, readonly string[]>,
  opts: { sameViews: boolean },
): void {
  const at = new Map<string, string>();
  for (const [node, lines] of logs) {
    const entries = lines.map(parse);
    const payloads = entries.map((e) => e.payload);
    assert.equal(new Set(payloads).size, payloads.length, `node ${node} delivered a message twice`);
    const lastBySender = new Map<string, number>();
    for (const e of entries) {
      const key = `${e.ring}/${e.seq}`;
      const seen = at.get(key);
      assert.ok(
        seen === undefined || seen === e.payload,
        `ring ${e.ring} position ${e.seq}: ${seen} vs ${e.payload} on node ${node}`,
      );
      at.set(key, e.payload);
      const prefix = e.payload.split("-")[0] ?? "";
      const last = lastBySender.get(prefix) ?? -1;
      assert.ok(
        indexOf(e.payload) > last,
        `node ${node}: ${e.payload} after ${prefix}-${last} (not FIFO)`,
      );
      lastBySender.set(prefix, indexOf(e.payload));
    }
  }
  if (opts.sameViews) {
    const [first, ...others] = [...logs.values()];
    for (const o of others)
      assert.deepEqual(o, first, "same views, so the same messages in the same order");
  }
}
