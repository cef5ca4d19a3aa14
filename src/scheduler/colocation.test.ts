import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { applyToDependent, type Colocation, mergeDependents, scaleScore } from "./colocation.js";
import type { NodeInfo, Resource } from "./model.js";
import { INFINITY } from "./scores.js";

function node(uname: string): NodeInfo {
  return {
    id: uname,
    uname,
    online: true,
    standby: false,
    unclean: false,
    shutdown: false,
    pending: false,
    maintenance: false,
    fenceReason: undefined,
    unseen: false,
    attrs: new Map([["#uname", uname]]),
    allocatedCount: 0,
  };
}
function rsc(id: string): Resource {
  return {
    id,
    kind: "primitive",
    parent: undefined,
    children: [],
    xml: undefined,
    meta: new Map(),
    params: new Map(),
    cls: "ocf",
    provider: "pacemaker",
    type: "Dummy",
    ops: [],
    orphan: false,
    baseId: id,
    instance: undefined,
    priority: 0,
    stickiness: 0,
    targetRole: "Started",
    managed: true,
    migrationThreshold: INFINITY,
    requires: "quorum",
    history: new Map(),
    clone: undefined,
  };
}
function colo(dep: Resource, pri: Resource, score: number): Colocation {
  return {
    id: `${dep.id}-with-${pri.id}`,
    dependent: dep,
    primary: pri,
    score,
    nodeAttribute: "#uname",
    dependentRole: undefined,
    primaryRole: undefined,
    influence: true,
  };
}
const nodes = new Map(["n1", "n2", "n3"].map((n) => [n, node(n)]));

describe("scaleScore", () => {
  it("scaleScore rounds half away from zero and never loses a preference", () => {
    assert.equal(scaleScore(33, 0.5), 17);
    assert.equal(scaleScore(-33, 0.5), -17);
    assert.equal(scaleScore(50, 33 / INFINITY), 1);
    assert.equal(scaleScore(-70, 33 / INFINITY), 1);
    assert.equal(scaleScore(30, -40 / INFINITY), -1);
    assert.equal(scaleScore(0, 0.5), 0);
    assert.equal(scaleScore(-INFINITY, 1), -INFINITY);
    assert.equal(scaleScore(INFINITY, 0), 0);
    assert.equal(scaleScore(55, 0), 0);
  });
  it("scaleScore with factor 1 is the identity on finite scores (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -999_999, max: 999_999 }), (s) =>
        assert.equal(scaleScore(s, 1), s),
      ),
    );
  });
});

describe("mergeDependents", () => {
  it("mergeDependents scales each link of a chain by its own factor", () => {
    const p = rsc("p");
    const d = rsc("d");
    const x = rsc("x");
    const weights = new Map<Resource, Map<string, number>>([
      [
        p,
        new Map([
          ["n1", 0],
          ["n2", 0],
          ["n3", 0],
        ]),
      ],
      [
        d,
        new Map([
          ["n1", 0],
          ["n2", 10],
          ["n3", 0],
        ]),
      ],
      [
        x,
        new Map([
          ["n1", 0],
          ["n2", 100],
          ["n3", -100],
        ]),
      ],
    ]);
    const deps = new Map([
      [p, [colo(d, p, 200_000)]],
      [d, [colo(x, d, 500_000)]],
    ]);
    const merged = mergeDependents(p, weights.get(p) as Map<string, number>, {
      nodes,
      weightsOf: (r) => weights.get(r) ?? new Map(),
      dependentsOf: (r) => deps.get(r) ?? [],
      canRun: () => true,
    });
    assert.deepEqual(
      [...merged],
      [
        ["n1", 0],
        ["n2", 52],
        ["n3", -50],
      ],
    );
  });
  it("mergeDependents rolls back a dependent that would leave no usable node", () => {
    const p = rsc("p");
    const d = rsc("d");
    const weights = new Map<Resource, Map<string, number>>([
      [
        p,
        new Map([
          ["n1", 0],
          ["n2", 0],
        ]),
      ],
      [
        d,
        new Map([
          ["n1", -INFINITY],
          ["n2", -INFINITY],
        ]),
      ],
    ]);
    const merged = mergeDependents(p, weights.get(p) as Map<string, number>, {
      nodes,
      weightsOf: (r) => weights.get(r) ?? new Map(),
      dependentsOf: (r) => (r === p ? [colo(d, p, INFINITY)] : []),
      canRun: () => true,
    });
    assert.deepEqual(
      [...merged],
      [
        ["n1", 0],
        ["n2", 0],
      ],
    );
  });
});

describe("applyToDependent", () => {
  it("applyToDependent bans other nodes for INFINITY and adds finite scores", () => {
    const w = new Map([
      ["n1", 5],
      ["n2", 7],
    ]);
    applyToDependent(w, colo(rsc("d"), rsc("p"), INFINITY), "n2", nodes);
    assert.deepEqual(
      [...w],
      [
        ["n1", -INFINITY],
        ["n2", 7],
      ],
    );
    const v = new Map([
      ["n1", 5],
      ["n2", 7],
    ]);
    applyToDependent(v, colo(rsc("d"), rsc("p"), -20), "n1", nodes);
    assert.deepEqual(
      [...v],
      [
        ["n1", -15],
        ["n2", 7],
      ],
    );
  });
  it("applyToDependent makes a dependent of a stopped primary unrunnable only when mandatory", () => {
    const w = new Map([["n1", 5]]);
    applyToDependent(w, colo(rsc("d"), rsc("p"), 100), undefined, nodes);
    assert.deepEqual([...w], [["n1", 5]]);
    applyToDependent(w, colo(rsc("d"), rsc("p"), INFINITY), undefined, nodes);
    assert.deepEqual([...w], [["n1", -INFINITY]]);
  });
});
