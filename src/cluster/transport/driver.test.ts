import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Input, NodeId, NodeState, Output, ProtocolConfig, Stepped } from "../protocol/api.js";
import { nodeId } from "../protocol/api.js";
import type { Wire } from "../protocol/wire.js";
import { ClusterDriver, type Delivery, type ProtocolCore } from "./driver.js";
import { LinkHealth, type LinkSpec } from "./links.js";

/**
 * A test double of the protocol core that floods: every broadcast goes straight to every peer
 * and is delivered on receipt (no ordering, no membership). It exercises the driver's real
 * sockets, envelope and link choice without depending on the real core.
 */
interface FloodState {
  readonly self: NodeId;
  readonly inc: number;
  lastHeartbeatMs: number;
  senderSeq: number;
}
const ring = { rep: nodeId(1), seq: 1 };
const floodCore: ProtocolCore = {
  createNode: (_config, self, start) =>
    ({ self, inc: start.incarnation, lastHeartbeatMs: -1e9, senderSeq: 0 }) as unknown as NodeState,
  step: (node: NodeState, input: Input, nowMs: number): Stepped => {
    const s = node as unknown as FloodState;
    const outputs: Output[] = [];
    const common = { from: s.self, inc: s.inc };
    if (input.kind === "tick" && nowMs - s.lastHeartbeatMs >= 20) {
      s.lastHeartbeatMs = nowMs;
      const hb: Wire = {
        ...common,
        kind: "heartbeat",
        ring: null,
        hears: [],
        promise: null,
        ringRound: null,
        delivered: 0,
        lastOrdered: 0,
        stable: 0,
      };
      outputs.push({ kind: "broadcast", wire: hb });
    }
    if (input.kind === "broadcast") {
      s.senderSeq++;
      const data: Wire = {
        ...common,
        kind: "data",
        ring,
        baseSeq: 0,
        senderSeq: s.senderSeq,
        fragIndex: 0,
        fragCount: 1,
        payload: input.payload,
      };
      outputs.push({ kind: "broadcast", wire: data });
    }
    if (input.kind === "packet" && input.wire.kind === "data") {
      const w = input.wire;
      outputs.push({
        kind: "deliver",
        ringId: ring,
        sender: w.from,
        senderIncarnation: w.inc,
        seq: w.senderSeq,
        payload: w.payload,
      });
    }
    return { state: node, outputs };
  },
};

const basePort = 20_000 + Math.floor(Math.random() * 20_000);
let portOffset = 0;
const nextPort = (): number => basePort + 10 * portOffset++;

interface TestNode {
  readonly driver: ClusterDriver;
  readonly got: Delivery[];
}

async function startNode(opts: {
  id: number;
  ids: number[];
  links: LinkSpec[];
  key?: Buffer;
}): Promise<TestNode> {
  const got: Delivery[] = [];
  const protocol: ProtocolConfig = { nodes: opts.ids.map((nodeid) => ({ nodeid })) };
  const r = await ClusterDriver.start({
    core: floodCore,
    protocol,
    self: nodeId(opts.id),
    start: { incarnation: Date.now(), ringSeq: 0 },
    links: opts.links,
    clusterKey: opts.key ?? Buffer.alloc(32, 7),
    persist: () => {},
    onDeliver: (d) => got.push(d),
  });
  if (!r.ok) assert.fail(r.error);
  return { driver: r.value, got };
}

function unicastLink(
  link: number,
  self: number,
  ids: number[],
  port: number,
  addr: (id: number) => string,
): LinkSpec {
  return {
    linkNumber: link,
    mode: "unicast",
    localAddr: addr(self),
    port,
    ttl: 1,
    peers: new Map(ids.filter((i) => i !== self).map((i) => [i, addr(i)])),
  };
}

async function until(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function checkAllDelivered(nodes: TestNode[], ids: number[], perNode: number): void {
  nodes.forEach((n, i) => {
    for (const sender of ids.filter((s) => s !== ids[i])) {
      const fromSender = n.got
        .filter((d) => d.sender === sender)
        .map((d) => Buffer.from(d.payload).toString());
      assert.deepEqual(
        fromSender,
        Array.from({ length: perNode }, (_, k) => `${sender}:${k}`),
      );
    }
  });
}

describe("ClusterDriver", () => {
  it("carries messages between three processes' worth of nodes on 127.0.0.1-3 (udpu)", async () => {
    const ids = [1, 2, 3];
    const port = nextPort();
    const nodes = await Promise.all(
      ids.map((id) =>
        startNode({ id, ids, links: [unicastLink(0, id, ids, port, (i) => `127.0.0.${i}`)] }),
      ),
    );
    try {
      await until("heartbeats", () => nodes.every((n) => n.driver.counters.rxAccepted >= 4));
      for (let k = 0; k < 100; k++)
        nodes.forEach((n, i) => {
          n.driver.broadcast(Buffer.from(`${ids[i]}:${k}`));
        });
      await until("deliveries", () => nodes.every((n) => n.got.length >= 200));
      checkAllDelivered(nodes, ids, 100);
      for (const n of nodes) assert.equal(n.driver.counters.rxAuthFailed, 0);
    } finally {
      for (const n of nodes) n.driver.stop();
    }
  });

  it("carries messages over multicast on loopback (udp, TTL 1, loop on)", async () => {
    const ids = [1, 2, 3];
    const port = nextPort();
    const group = `239.255.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
    const link = (id: number): LinkSpec => ({
      linkNumber: 0,
      mode: "multicast",
      localAddr: `127.0.0.${id}`,
      port,
      mcastaddr: group,
      ttl: 1,
      peers: new Map(),
    });
    const nodes = await Promise.all(ids.map((id) => startNode({ id, ids, links: [link(id)] })));
    try {
      for (let k = 0; k < 50; k++)
        nodes.forEach((n, i) => {
          n.driver.broadcast(Buffer.from(`${ids[i]}:${k}`));
        });
      await until("deliveries", () => nodes.every((n) => n.got.length >= 100));
      checkAllDelivered(nodes, ids, 50);
      for (const n of nodes)
        assert.ok(n.driver.counters.rxLoopback > 0, "own multicast looped back");
    } finally {
      for (const n of nodes) n.driver.stop();
    }
  });

  it("rejects and counts the packets of a node with another authkey", async () => {
    const ids = [1, 2];
    const port = nextPort();
    const good = await startNode({
      id: 1,
      ids,
      links: [unicastLink(0, 1, ids, port, (i) => `127.0.0.${i}`)],
    });
    const intruder = await startNode({
      id: 2,
      ids,
      key: Buffer.alloc(32, 9),
      links: [unicastLink(0, 2, ids, port, (i) => `127.0.0.${i}`)],
    });
    try {
      for (let k = 0; k < 20; k++) intruder.driver.broadcast(Buffer.from(`2:${k}`));
      await until("rejections", () => good.driver.counters.rxAuthFailed >= 20);
      assert.equal(good.got.length, 0);
      assert.equal(good.driver.counters.rxAccepted, 0);
    } finally {
      good.driver.stop();
      intruder.driver.stop();
    }
  });

  it("fails over to link 1 when link 0 is broken in one direction", async () => {
    const ids = [1, 2];
    const port = nextPort();
    const addr0 = (i: number): string => `127.0.0.${i}`;
    const addr1 = (i: number): string => `127.0.1.${i}`;
    // Node 1's link 0 sends node 2's packets into a black hole: a one-way failure.
    const broken0: LinkSpec = {
      ...unicastLink(0, 1, ids, port, addr0),
      peers: new Map([[2, "127.0.9.9"]]),
    };
    const n1 = await startNode({
      id: 1,
      ids,
      links: [broken0, unicastLink(1, 1, ids, port, addr1)],
    });
    const n2 = await startNode({
      id: 2,
      ids,
      links: [unicastLink(0, 2, ids, port, addr0), unicastLink(1, 2, ids, port, addr1)],
    });
    try {
      await until(
        "link state",
        () =>
          n1.driver.linkStates()[1]?.peers[0]?.up === true &&
          n1.driver.linkStates()[0]?.peers[0]?.up === false,
      );
      for (let k = 0; k < 50; k++) n1.driver.broadcast(Buffer.from(`1:${k}`));
      await until("deliveries", () => n2.got.length >= 50);
      checkAllDelivered([n2], [2, 1], 50);
    } finally {
      n1.driver.stop();
      n2.driver.stop();
    }
  });
});

describe("LinkHealth", () => {
  it("prefers the lowest link up both ways, else sends on all", () => {
    const h = new LinkHealth([0, 1], 100);
    assert.deepEqual(h.linksFor(2, 0), [0, 1]);
    h.heard(0, 2, 0);
    h.heard(1, 2, 0);
    assert.deepEqual(h.linksFor(2, 50), [0]);
    h.heard(1, 2, 60, 0b10); // peer 2 says it hears us only on link 1
    assert.deepEqual(h.linksFor(2, 70), [1]);
    assert.deepEqual(h.linksFor(2, 500), [0, 1], "everything expired: use every link");
    assert.deepEqual(h.linksForAll([2, 3], 70), [0, 1]);
  });
});
