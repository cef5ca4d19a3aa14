import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodeId } from "./api.js";
import { resolveConfig } from "./config.js";
import { computeQuorum } from "./quorum.js";

const ids = (...xs: number[]) => xs.map(nodeId);

describe("computeQuorum", () => {
  it("needs a majority of expected votes (votequorum(5))", () => {
    const cfg = resolveConfig({ nodes: [1, 2, 3, 4, 5].map((nodeid) => ({ nodeid })) });
    const three = computeQuorum(cfg, { members: ids(1, 2, 3), anyMemberSatisfied: false });
    assert.deepEqual(
      [three.quorate, three.totalVotes, three.expectedVotes, three.quorum],
      [true, 3, 5, 3],
    );
    assert.equal(
      computeQuorum(cfg, { members: ids(4, 5), anyMemberSatisfied: false }).quorate,
      false,
    );
  });

  it("counts quorum_votes per node and honours expected_votes", () => {
    const cfg = resolveConfig({
      nodes: [{ nodeid: 1, votes: 3 }, { nodeid: 2 }, { nodeid: 3 }],
      quorum: { expectedVotes: 5 },
    });
    const q = computeQuorum(cfg, { members: ids(1), anyMemberSatisfied: false });
    assert.deepEqual([q.quorate, q.totalVotes, q.quorum], [true, 3, 3]);
  });

  it("raises expected votes to the votes present", () => {
    const cfg = resolveConfig({
      nodes: [1, 2, 3].map((nodeid) => ({ nodeid })),
      quorum: { expectedVotes: 1 },
    });
    const q = computeQuorum(cfg, { members: ids(1, 2, 3), anyMemberSatisfied: false });
    assert.deepEqual([q.expectedVotes, q.quorum], [3, 2]);
  });

  it("two_node: 1 of 2 votes is quorate, but only after both were seen (implied wait_for_all)", () => {
    const cfg = resolveConfig({ nodes: [{ nodeid: 1 }, { nodeid: 2 }], quorum: { twoNode: true } });
    assert.equal(cfg.waitForAll, true);
    assert.equal(computeQuorum(cfg, { members: ids(1), anyMemberSatisfied: false }).quorate, false);
    const q = computeQuorum(cfg, { members: ids(1), anyMemberSatisfied: true });
    assert.deepEqual([q.quorate, q.quorum], [true, 1]);
    assert.equal(
      computeQuorum(cfg, { members: ids(1, 2), anyMemberSatisfied: false }).waitForAllSatisfied,
      true,
    );
  });

  it("two_node with wait_for_all: 0 explicitly is quorate alone from the start", () => {
    const cfg = resolveConfig({
      nodes: [{ nodeid: 1 }, { nodeid: 2 }],
      quorum: { twoNode: true, waitForAll: false },
    });
    assert.equal(computeQuorum(cfg, { members: ids(2), anyMemberSatisfied: false }).quorate, true);
  });
});

describe("resolveConfig", () => {
  it("uses pacer's defaults: token 600 ms, consensus 1.2 × token, join 50 ms", () => {
    const c = resolveConfig({ nodes: [{ nodeid: 1 }, { nodeid: 2 }, { nodeid: 3 }] });
    assert.deepEqual([c.tokenMs, c.consensusMs, c.joinMs, c.heartbeatMs], [600, 720, 50, 142]);
  });

  it("applies token_coefficient per node above two, as corosync.conf(5) says", () => {
    const nodes = [1, 2, 3, 4, 5].map((nodeid) => ({ nodeid }));
    const c = resolveConfig({ nodes, tokenMs: 3000, tokenCoefficientMs: 650 });
    assert.equal(c.tokenMs, 3000 + 3 * 650);
    assert.equal(c.consensusMs, Math.floor(1.2 * c.tokenMs));
    const two = resolveConfig({ nodes: nodes.slice(0, 2), tokenMs: 3000, tokenCoefficientMs: 650 });
    assert.equal(two.tokenMs, 3000);
  });
});
