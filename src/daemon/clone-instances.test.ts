import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import type { GraphAction, TransitionGraph } from "../controller/graph.js";
import { anonymousClonePrimitives, withAnonymousInstances } from "./clone-instances.js";

const CIB = `<cib><configuration><resources>
  <primitive id="solo" class="ocf" provider="heartbeat" type="Dummy"/>
  <clone id="anon"><primitive id="st" class="ocf" provider="pacemaker" type="Stateful"/></clone>
  <clone id="uniq">
    <meta_attributes id="uniq-meta"><nvpair id="u1" name="globally-unique" value="true"/></meta_attributes>
    <primitive id="u" class="ocf" provider="heartbeat" type="Dummy"/>
  </clone>
  <clone id="gclone"><group id="g"><primitive id="g1" class="ocf" provider="heartbeat" type="Dummy"/></group></clone>
</resources></configuration><status/></cib>`;

function cib() {
  const x = parseXml(CIB, "cib");
  assert.ok(x.ok);
  return x.value;
}

function action(id: number, rsc: string): GraphAction {
  return {
    id,
    type: "rsc_op",
    operation: "start",
    operationKey: `${rsc}_start_0`,
    resource: { id: rsc, class: "ocf", provider: "heartbeat", type: "Dummy" },
    node: "node1",
    intervalMs: 0,
    timeoutMs: 20000,
    targetRc: 0,
    params: {},
    meta: {},
    inputs: [],
  };
}

describe("anonymous clone instances", () => {
  it("finds the primitives of anonymous clones, cloned groups included", () => {
    assert.deepEqual([...anonymousClonePrimitives(cib())].sort(), ["g1", "st"]);
  });

  it("gives the executor the bare id of an anonymous instance and its number as meta", () => {
    const g: TransitionGraph = {
      actions: [action(1, "st:2"), action(2, "u:1"), action(3, "solo"), action(4, "g1:0")],
      recheckAtS: null,
    };
    const out = withAnonymousInstances(g, cib()).actions;
    assert.deepEqual(
      out.map((a) => a.resource?.id),
      ["st", "u:1", "solo", "g1"],
    );
    assert.deepEqual(out[0]?.meta, { clone: "2", globally_unique: "false" });
    assert.deepEqual(out[1]?.meta, {});
    // The transition still knows which action it is (results match by transition key).
    assert.deepEqual(
      out.map((a) => a.id),
      [1, 2, 3, 4],
    );
  });

  it("keeps the name a graph with long-id gives (history under st:0) and adds the number", () => {
    const named = (id: string, longId: string): GraphAction => ({
      ...action(1, id),
      resource: { id, longId, class: "ocf", provider: "pacemaker", type: "Stateful" },
    });
    const out = withAnonymousInstances(
      { actions: [named("st", "st:1"), named("st:0", "st:2")], recheckAtS: null },
      cib(),
    ).actions;
    assert.deepEqual(
      out.map((a) => [a.resource?.id, a.meta.clone]),
      [
        ["st", "1"],
        ["st:0", "2"],
      ],
    );
  });
});
