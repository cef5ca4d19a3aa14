// The pending-message bound and its signal (api.ts `broadcastRoom`): the core holds at most
// pendingMessagesMax messages / pendingBytesMax bytes of its own until they are delivered back.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvariantError } from "../../shared/assert.js";
import {
  broadcastRoom,
  createNode,
  describeNode,
  type NodeState,
  nodeId,
  type ProtocolConfig,
  step,
} from "./api.js";

const bytes = (n: number): Uint8Array => new Uint8Array(n).fill(7);

function node(extra: Partial<ProtocolConfig>, nodes = [1, 2]): NodeState {
  const config: ProtocolConfig = { nodes: nodes.map((nodeid) => ({ nodeid })), ...extra };
  return createNode(config, nodeId(1), { incarnation: 1, ringSeq: 0 });
}

describe("broadcastRoom", () => {
  it("defaults to 65,536 messages and 256 MiB", () => {
    assert.deepEqual(broadcastRoom(node({})), { messages: 65_536, bytes: 256 * 1024 * 1024 });
  });

  it("shrinks with every message held, and step refuses one past it", () => {
    let n = node({ pendingMessagesMax: 3, pendingBytesMax: 1000 });
    for (let i = 0; i < 3; i++) n = step(n, { kind: "broadcast", payload: bytes(100) }, 0).state;
    assert.deepEqual(broadcastRoom(n), { messages: 0, bytes: 700 });
    assert.equal(describeNode(n).pendingMessages, 3);
    assert.equal(describeNode(n).pendingBytes, 300);
    assert.throws(
      () => step(n, { kind: "broadcast", payload: bytes(1) }, 0),
      (e: unknown) => e instanceof InvariantError && /broadcastRoom/.test(e.message),
    );
  });

  it("counts bytes: a message larger than the room is refused, one that fits is not", () => {
    const n = node({ pendingBytesMax: 1000 });
    assert.throws(() => step(n, { kind: "broadcast", payload: bytes(1001) }, 0), InvariantError);
    const m = step(node({ pendingBytesMax: 1000 }), { kind: "broadcast", payload: bytes(1000) }, 0);
    assert.deepEqual(broadcastRoom(m.state), { messages: 65_535, bytes: 0 });
  });

  it("comes back as the node's own messages are delivered back to it", () => {
    let n = node({ pendingMessagesMax: 2 }, [1]);
    for (let i = 0; i < 2; i++) n = step(n, { kind: "broadcast", payload: bytes(50) }, 0).state;
    assert.equal(broadcastRoom(n).messages, 0);
    let delivered = 0;
    for (let t = 10; t <= 3000 && delivered < 2; t += 10) {
      const r = step(n, { kind: "tick" }, t);
      n = r.state;
      delivered += r.outputs.filter((o) => o.kind === "deliver").length;
    }
    assert.equal(delivered, 2, "a one-node cluster forms its ring and delivers both");
    assert.deepEqual(broadcastRoom(n), { messages: 2, bytes: 256 * 1024 * 1024 });
  });
});
