/**
 * dc-deadtime at cluster start (docs/decisions/0055-dc-deadtime.md), on the in-memory
 * cluster: a DC forming a cluster waits for the nodelist, a running cluster never waits.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { elem, firstChild, type XmlElement } from "../cib/xml.js";
import { configuration, emptyCib, setClusterProperty } from "./cib-state.js";
import { FakeCluster } from "./testing/harness.js";
import { miniSchedule } from "./testing/mini-scheduler.js";

/** A CIB with one Dummy, no fencing, and quorum ignored: a lone node would start it. */
function cibWithDummy(props: Record<string, string> = {}): XmlElement {
  const cib = emptyCib();
  setClusterProperty(cib, "stonith-enabled", "false");
  setClusterProperty(cib, "no-quorum-policy", "ignore");
  for (const [k, v] of Object.entries(props)) setClusterProperty(cib, k, v);
  const resources = firstChild(configuration(cib), "resources") as XmlElement;
  resources.children.push(
    elem("primitive", { id: "d1", class: "ocf", provider: "pacer", type: "Dummy" }),
  );
  return cib;
}

/** Nodes of the nodelist, all with the same CIB; only `booted` are up at first. */
function cluster(
  names: string[],
  booted: string[],
  props: Record<string, string> = {},
): FakeCluster {
  const c = new FakeCluster(miniSchedule);
  c.nodelist = names.map((name, i) => ({ id: i + 1, name }));
  for (const [i, n] of names.entries()) {
    c.addNode(n, i + 1, cibWithDummy(props));
    c.node(n).up = booted.includes(n);
  }
  c.installView();
  return c;
}

function starts(c: FakeCluster): string[] {
  return c.executed.filter((e) => e.key === "d1_start_0").map((e) => e.node);
}

describe("dc-deadtime", () => {
  it("a node that boots alone waits for its peer, and the resource starts once", () => {
    const c = cluster(["node1", "node2"], ["node1"]);
    c.advance(1500);
    assert.equal(c.node("node1").ctrl.isDc, true);
    assert.equal(c.node("node1").ctrl.joined, false, "the DC holds its join");
    assert.deepEqual(c.executed, [], "nothing probed or started while waiting");
    assert.ok(c.log.some((l) => l.includes("DC waits for the rest of the nodelist")));
    c.restart("node2"); // boots 1.5 s later
    c.settle();
    assert.deepEqual(starts(c), [c.placement().get("d1")?.[0]]);
    assert.equal(c.placement().get("d1")?.length, 1);
  });

  it("a lone node takes charge when dc-deadtime (pacer's default 2 s) runs out", () => {
    const c = cluster(["node1", "node2"], ["node1"]);
    c.advance(1900);
    assert.deepEqual(starts(c), []);
    c.advance(300);
    c.settle();
    assert.equal(c.node("node1").ctrl.joined, true);
    assert.deepEqual(starts(c), ["node1"]);
  });

  it("honours dc-deadtime from the CIB (0 is no wait, 5s waits longer)", () => {
    const none = cluster(["node1", "node2"], ["node1"], { "dc-deadtime": "0" });
    none.settle();
    assert.deepEqual(starts(none), ["node1"]);
    const long = cluster(["node1", "node2"], ["node1"], { "dc-deadtime": "5s" });
    long.advance(4500);
    assert.deepEqual(starts(long), []);
    long.advance(700);
    long.settle();
    assert.deepEqual(starts(long), ["node1"]);
  });

  it("takes charge at the deadline itself, not at the next tick", () => {
    // Ticks come every 100 ms here (every 1 s in the daemon); the hold asks for a wake.
    const c = cluster(["node1", "node2"], ["node1"], { "dc-deadtime": "2050ms" });
    c.advance(2040);
    assert.equal(c.node("node1").ctrl.joined, false);
    c.advance(20);
    assert.equal(c.node("node1").ctrl.joined, true, "joined at 2050 ms, before the tick at 2100");
  });

  it("does not wait when every node of the nodelist is in the first view", () => {
    const c = cluster(["node1", "node2"], ["node1", "node2"], { "dc-deadtime": "1min" });
    c.settle(1000);
    assert.equal(c.node("node1").ctrl.joined, true);
    assert.equal(starts(c).length, 1);
  });

  it("a node restarting into a running cluster does not wait, even with a node missing", () => {
    const c = cluster(["node1", "node2", "node3"], ["node1", "node2"], { "dc-deadtime": "1min" });
    c.advance(61_000); // the first two formed the cluster after dc-deadtime
    c.settle();
    assert.equal(starts(c).length, 1);
    c.crash("node1");
    c.settle();
    c.restart("node1"); // lowest id: DC again at once; node2 already belongs to the cluster
    c.advance(200);
    assert.equal(c.node("node1").ctrl.joined, true);
    assert.equal(c.node("node1").ctrl.isDc, true);
  });
});
