import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cutBatch, namespacesOf, upBatches } from "./netns.js";
import { planSandbox, tutorialCorosyncConf } from "./plan.js";

describe("planSandbox", () => {
  it("uses the tutorial's addresses for node1 and node2", () => {
    const p = planSandbox(2);
    assert.deepEqual(
      p.nodes.map((n) => [n.name, n.publicIp, n.privateIp]),
      [
        ["node1", "192.168.1.10", "192.168.50.3"],
        ["node2", "192.168.1.11", "192.168.50.4"],
      ],
    );
  });
  it("rejects node counts outside 1..8", () => {
    assert.throws(() => planSandbox(0), RangeError);
    assert.throws(() => planSandbox(9), RangeError);
  });
});

describe("upBatches", () => {
  it("creates every veth pair in the host namespace and addresses only in sandbox namespaces", () => {
    const p = planSandbox(3);
    const batches = upBatches(p);
    const host = batches.find((b) => b.netns === undefined);
    assert.ok(host);
    assert.equal(host.lines.length, 3 * 2 + 1);
    const ns = new Set(namespacesOf(p));
    for (const b of batches) {
      if (b.netns !== undefined) assert.ok(ns.has(b.netns), `unknown namespace ${b.netns}`);
      else
        assert.ok(
          b.lines.every((l) => !l.startsWith("addr ")),
          "no address on the host",
        );
    }
  });
  it("cut and heal touch only the switch ports of one node", () => {
    const p = planSandbox(2);
    assert.deepEqual(cutBatch(p, 2, false).lines, [
      "link set pacer-n2-pub nomaster",
      "link set pacer-n2-prv nomaster",
    ]);
    assert.equal(cutBatch(p, 2, true).netns, "pacer-sw");
  });
});

describe("tutorialCorosyncConf", () => {
  it("declares the tutorial's multicast ring on the private network", () => {
    const text = tutorialCorosyncConf(planSandbox(2));
    assert.match(text, /bindnetaddr: 192\.168\.50\.0/);
    assert.match(text, /mcastaddr: 239\.255\.1\.1/);
    assert.match(text, /ring0_addr: 192\.168\.50\.4/);
  });
});
