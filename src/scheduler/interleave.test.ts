import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule, type Transition } from "./schedule.js";
import { summaryLines } from "./summary.js";

function op(rsc: string, node: number): string {
  return `<lrm_resource id="${rsc}" class="ocf" provider="pacemaker" type="Dummy">
    <lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" call-id="2"
      rc-code="0" op-status="0" interval="0" transition-key="1:1:0:x" on_node="n${node}"
      op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>
  </lrm_resource>`;
}

/**
 * Three nodes; clone A banned from n1; clone B (interleaved) ordered after A with
 * `orderAttrs`. `running` lists what runs where already, e.g. { 1: ["B"], 2: ["A"] }.
 */
function cib(orderAttrs: string, running: Record<number, string[]> = {}): string {
  const state = (n: number) => {
    const rscs = running[n] ?? [];
    const lrm = `<lrm id="${n}"><lrm_resources>${rscs.map((r) => op(r, n)).join("")}</lrm_resources></lrm>`;
    return `<node_state id="${n}" uname="n${n}" in_ccm="true" crmd="online" join="member" expected="member">${lrm}</node_state>`;
  };
  return `<cib epoch="1" num_updates="1" admin_epoch="0" have-quorum="1" validate-with="pacemaker-3.0">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o-s" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3"/></nodes>
    <resources>
      <clone id="A-clone"><primitive id="A" class="ocf" provider="pacemaker" type="Dummy"/></clone>
      <clone id="B-clone">
        <meta_attributes id="B-m"><nvpair id="B-i" name="interleave" value="true"/></meta_attributes>
        <primitive id="B" class="ocf" provider="pacemaker" type="Dummy"/>
      </clone>
    </resources>
    <constraints>
      <rsc_location id="ban" rsc="A-clone" node="n1" score="-INFINITY"/>
      <rsc_order id="o1" first="A-clone" then="B-clone" ${orderAttrs}/>
    </constraints>
  </configuration>
  <status>${state(1)}${state(2)}${state(3)}</status>
</cib>`;
}

function run(text: string): Transition {
  const parsed = parseXml(text, "test.xml");
  assert.ok(parsed.ok);
  return schedule(parsed.value);
}

function bLines(t: Transition): string[] {
  return summaryLines(t)
    .filter((l) => /\bB:\d/.test(l))
    .map((l) => l.replace(/\s+/g, " "));
}

describe("interleaved clone ordering", () => {
  it("an instance with no partner instance on its node does not start", () => {
    const t = run(cib(""));
    const lines = bLines(t);
    assert.equal(lines.length, 2);
    assert.ok(
      lines.every((l) => !l.includes("n1")),
      lines.join("\n"),
    );
    assert.equal(t.inhibited.size, 1);
  });
  it("an active instance with no partner stops; a reason comes only from an ordering", () => {
    // It still waits for an instance elsewhere (the first node that has one): a starting
    // one names the reason, a running one none (both as crm_simulate 2.1.5 prints them).
    const t1 = run(cib("", { 1: ["B"] }));
    assert.ok(
      bLines(t1).includes("* Stop B:0 ( n1 ) due to required A:0 start"),
      bLines(t1).join("\n"),
    );
    const t2 = run(cib("", { 1: ["B"], 2: ["A", "B"], 3: ["A", "B"] }));
    assert.deepEqual(bLines(t2), ["* Stop B:0 ( n1 )"]);
  });
  it("each instance waits for the partner on its own node, not for the whole clone", () => {
    const t = run(cib(""));
    for (const s of t.actions.ofRsc("B:0", "start").concat(t.actions.ofRsc("B:1", "start"))) {
      if (!s.runnable) continue;
      const firsts = (t.actions.inEdges.get(s) ?? []).map((e) => e.first);
      const partner = firsts.find((f) => f.rscId.startsWith("A:") && f.task === "start");
      assert.ok(partner, `${s.rscId} has no partner start`);
      assert.equal(partner.node, s.node);
    }
  });
  it("optional and asymmetrical orders pair instances but inhibit none", () => {
    for (const attrs of ['kind="Optional"', 'symmetrical="false"']) {
      const t = run(cib(attrs));
      assert.equal(t.inhibited.size, 0, attrs);
      assert.equal(bLines(t).length, 3, attrs);
    }
  });
});

describe("ordering before a clone", () => {
  it("a primitive that starts first restarts every running instance of the clone", () => {
    // A-clone is not interleaved here: nothing pairs, each instance waits for P itself.
    const text = cib("", { 2: ["A"], 3: ["A"] })
      .replace('<rsc_order id="o1" first="A-clone" then="B-clone" />', "")
      .replace("<constraints>", `<constraints><rsc_order id="o2" first="P" then="A-clone"/>`)
      .replace(
        "<resources>",
        `<resources><primitive id="P" class="ocf" provider="pacemaker" type="Dummy"/>`,
      );
    const lines = summaryLines(run(text)).map((l) => l.replace(/\s+/g, " "));
    assert.ok(lines.includes("* Restart A:0 ( n2 ) due to required P start"), lines.join("\n"));
    assert.ok(lines.includes("* Restart A:1 ( n3 ) due to required P start"), lines.join("\n"));
  });
  it("an instance of the first clone that starts restarts every instance of a clone after it", () => {
    // Not interleaved: B waits for all of A, so A starting on n3 restarts B on n2 as well.
    const text = cib("", { 2: ["A", "B"], 3: ["B"] }).replace(
      'name="interleave" value="true"',
      'name="interleave" value="false"',
    );
    const lines = summaryLines(run(text)).map((l) => l.replace(/\s+/g, " "));
    assert.ok(
      lines.includes("* Restart B:0 ( n2 ) due to required A-clone running"),
      lines.join("\n"),
    );
    assert.ok(lines.includes("* Restart B:1 ( n3 ) due to required A-clone running"));
  });
  it("clone-min gates the clone after it even under an optional order", () => {
    // A can run on two nodes only (banned from n1) but needs three: B cannot start, and
    // interleave does not apply to a clone-min order.
    const text = cib('kind="Optional"').replace(
      '<clone id="A-clone">',
      '<clone id="A-clone"><meta_attributes id="A-m"><nvpair id="A-min" name="clone-min" value="3"/></meta_attributes>',
    );
    const lines = bLines(run(text));
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /due to unrunnable clone-one-or-more:o1 \(blocked\)$/);
  });
  it("an inhibited instance still pairs where it runs, so only inactive ones spread", () => {
    // Z (disabled) -> A -> B, all interleaved, no ban. As crm_simulate 2.1.5: with nothing
    // running, nothing starts at all; with A and B running, B stops for A's unrunnable start.
    const chain = (running: Record<number, string[]>) =>
      cib("", running)
        .replace(
          '<rsc_location id="ban" rsc="A-clone" node="n1" score="-INFINITY"/>',
          '<rsc_order id="o0" first="Z-clone" then="A-clone"/>',
        )
        .replace(
          '<clone id="A-clone">',
          `<clone id="Z-clone"><meta_attributes id="Z-m"><nvpair id="Z-tr" name="target-role" value="Stopped"/></meta_attributes>
             <primitive id="Z" class="ocf" provider="pacemaker" type="Dummy"/></clone>
           <clone id="A-clone"><meta_attributes id="A-m"><nvpair id="A-i" name="interleave" value="true"/></meta_attributes>`,
        );
    const norm = (t: Transition) => summaryLines(t).map((l) => l.replace(/\s+/g, " "));
    assert.deepEqual(norm(run(chain({}))), []);
    assert.deepEqual(norm(run(chain({ 2: ["A", "B"], 3: ["A", "B"] }))), [
      "* Stop A:0 ( n2 )",
      "* Stop A:1 ( n3 )",
      "* Stop B:0 ( n2 ) due to unrunnable A:0 start",
      "* Stop B:1 ( n3 ) due to unrunnable A:1 start",
    ]);
  });
});
