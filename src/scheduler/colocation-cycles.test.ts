// Mandatory colocation cycles: found and named, and placed as crm_simulate 2.1.5 places them
// (A with B with A: both where A prefers; checked with the real tool on this input).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseXml } from "../cib/xml.js";
import { cycleWarning, mandatoryColocationCycles } from "./colocation-cycles.js";
import type { ColocationConstraint, WorkingSet } from "./model.js";
import { schedule } from "./schedule.js";
import { INFINITY } from "./scores.js";
import { summaryLines } from "./summary.js";

function colo(id: string, dependent: string, primary: string, score = INFINITY) {
  const c: ColocationConstraint = {
    id,
    dependent,
    primary,
    score,
    dependentRole: undefined,
    primaryRole: undefined,
    nodeAttribute: "#uname",
    influence: true,
  };
  return c;
}
function cycles(cs: ColocationConstraint[]) {
  return mandatoryColocationCycles({ colocations: cs } as unknown as WorkingSet);
}

function cib(colocations: string): string {
  const dummy = (id: string) =>
    `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy"/>`;
  const state = (i: number) =>
    `<node_state id="${i}" uname="n${i}" in_ccm="true" crmd="online" join="member" ` +
    `expected="member"/>`;
  return (
    `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.7" ` +
    `have-quorum="1"><configuration><crm_config><cluster_property_set id="o">` +
    `<nvpair id="o-1" name="stonith-enabled" value="false"/></cluster_property_set>` +
    `</crm_config><nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>` +
    `<resources>${dummy("A")}${dummy("B")}${dummy("C")}</resources><constraints>` +
    `${colocations}<rsc_location id="la" rsc="A" node="n2" score="50"/></constraints>` +
    `</configuration><status>${state(1)}${state(2)}</status></cib>`
  );
}
const with_ = (id: string, rsc: string, withRsc: string, score = "INFINITY") =>
  `<rsc_colocation id="${id}" rsc="${rsc}" with-rsc="${withRsc}" score="${score}"/>`;

describe("mandatory colocation cycles", () => {
  it("finds a two-resource cycle and names its constraints", () => {
    const found = cycles([colo("a-with-b", "A", "B"), colo("b-with-a", "B", "A")]);
    assert.deepEqual(found, [{ constraints: ["a-with-b", "b-with-a"], resources: ["A", "B"] }]);
    assert.match(cycleWarning(found[0] as never), /a-with-b, b-with-a form a cycle between A, B/);
  });
  it("finds a longer cycle and leaves out the chain hanging off it", () => {
    const found = cycles([
      colo("a-b", "A", "B"),
      colo("b-c", "B", "C"),
      colo("c-a", "C", "A"),
      colo("d-a", "D", "A"),
    ]);
    assert.deepEqual(found, [{ constraints: ["a-b", "b-c", "c-a"], resources: ["A", "B", "C"] }]);
  });
  it("ignores chains and finite scores", () => {
    assert.deepEqual(cycles([colo("a-b", "A", "B"), colo("b-c", "B", "C")]), []);
    assert.deepEqual(cycles([colo("a-b", "A", "B"), colo("b-a", "B", "A", 500)]), []);
  });
  it("reports a cycle exactly when a constraint's primary reaches back to its dependent", () => {
    const edge = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }));
    fc.assert(
      fc.property(fc.array(edge, { maxLength: 12 }), (edges) => {
        const cs = edges.map(([d, p], i) => colo(`c${i}`, `R${d}`, `R${p}`));
        const reported = new Set(cycles(cs).flatMap((c) => c.constraints));
        for (const c of cs) {
          assert.equal(reported.has(c.id), reaches(cs, c.primary, c.dependent), c.id);
        }
      }),
    );
  });
  it("places a cycle as Pacemaker does: both where the first one prefers", () => {
    const r = parseXml(cib(with_("a-with-b", "A", "B") + with_("b-with-a", "B", "A")), "t.xml");
    assert.ok(r.ok);
    const lines = summaryLines(schedule(r.value)).map((l) => l.replace(/\s+/g, " "));
    assert.deepEqual(lines, ["* Start A ( n2 )", "* Start B ( n2 )", "* Start C ( n1 )"]);
  });
});

function reaches(cs: readonly ColocationConstraint[], from: string, to: string): boolean {
  const seen = new Set<string>([from]);
  const todo = [from];
  while (todo.length > 0) {
    const v = todo.pop() as string;
    if (v === to) return true;
    for (const c of cs) {
      if (c.dependent === v && !seen.has(c.primary)) {
        seen.add(c.primary);
        todo.push(c.primary);
      }
    }
  }
  return false;
}
