import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  applyToDependent,
  type Colocation,
  compareColocated,
  keepPositive,
  mergeDependents,
  scaleScore,
  sortColocations,
} from "./colocation.js";
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

describe("keepPositive", () => {
  it("keepPositive never turns a usable node into a banned one", () => {
    // Pacemaker 2.1.5 clone scores: 10 - 250 -> 1, 0 - 250 -> 0, -10 - 250 -> -260.
    assert.equal(keepPositive(10, -250), 1);
    assert.equal(keepPositive(501, -1000), 1);
    assert.equal(keepPositive(0, -250), 0);
    assert.equal(keepPositive(-10, -250), -260);
    assert.equal(keepPositive(10, 250), 260);
  });
  it("keepPositive results are never negative for a non-negative start (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }),
        fc.integer({ min: -INFINITY, max: INFINITY }),
        (cur, delta) => assert.ok(keepPositive(cur, delta) >= 0),
      ),
    );
  });
  it("mergeDependents in positive-only mode adds preferences but no aversions", () => {
    const p = rsc("p");
    const d = rsc("d");
    const weights = new Map<Resource, Map<string, number>>([
      [
        p,
        new Map([
          ["n1", 0],
          ["n2", 10],
          ["n3", 0],
        ]),
      ],
      [
        d,
        new Map([
          ["n1", -INFINITY],
          ["n2", -INFINITY],
          ["n3", 400],
        ]),
      ],
    ]);
    const ctx = {
      nodes,
      weightsOf: (r: Resource) => weights.get(r) ?? new Map(),
      dependentsOf: (r: Resource) => (r === p ? [colo(d, p, 500_000)] : []),
      canRun: () => true,
    };
    const merged = mergeDependents(p, weights.get(p) as Map<string, number>, ctx, new Set(), true);
    assert.deepEqual(
      [...merged],
      [
        ["n1", 0],
        ["n2", 1],
        ["n3", 200],
      ],
    );
  });
});

describe("compareColocated", () => {
  it("compareColocated orders by priority, then clones, groups, primitives, then id", () => {
    const clone = { ...rsc("z"), kind: "clone" as const };
    const group = { ...rsc("g"), kind: "group" as const };
    const a = rsc("a");
    const b = rsc("b");
    const urgent = { ...rsc("zz"), priority: 5 };
    const sorted = [b, a, group, clone, urgent].sort(compareColocated).map((r) => r.id);
    assert.deepEqual(sorted, ["zz", "z", "g", "a", "b"]);
  });
  it("sortColocations sorts by the configured resource of the chosen side", () => {
    const d = rsc("d");
    const m1 = rsc("m1");
    const grp = { ...rsc("B"), kind: "group" as const };
    const c1 = { ...colo(m1, d, 10), dependentRsc: grp };
    const c2 = colo(rsc("A"), d, 10);
    const c3 = colo(rsc("C"), d, 10);
    assert.deepEqual(
      sortColocations([c3, c2, c1], "dependent").map((c) => c.dependent.id),
      ["m1", "A", "C"],
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
