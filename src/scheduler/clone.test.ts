import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { renderResources } from "./status-text.js";

const DUMMY = 'class="ocf" provider="pacemaker" type="Dummy"';

function op(rsc: string, task: string, rc: number, call: number, interval = 0): string {
  return `<lrm_rsc_op id="${rsc}_${task}_${call}" operation_key="${rsc}_${task}_${interval}"
    operation="${task}" transition-key="1:1:0:abc" transition-magic="0:${rc};1:1:0:abc"
    call-id="${call}" rc-code="${rc}" op-status="0" interval="${interval}"
    op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>`;
}

function cib(resources: string, constraints: string, lrm: Record<string, string>): string {
  const nodes = ["n1", "n2", "n3"];
  const states = nodes
    .map(
      (n) => `<node_state id="${n}" uname="${n}" in_ccm="true" crmd="online" join="member"
        expected="member"><lrm id="${n}"><lrm_resources>${lrm[n] ?? ""}</lrm_resources></lrm>
      </node_state>`,
    )
    .join("");
  return `<cib have-quorum="1"><configuration><crm_config><cluster_property_set id="o">
    <nvpair id="o1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes>${nodes.map((n) => `<node id="${n}" uname="${n}"/>`).join("")}</nodes>
    <resources>${resources}</resources><constraints>${constraints}</constraints></configuration>
    <status>${states}</status></cib>`;
}

function run(xml: string) {
  const r = parseXml(xml, "clone.xml");
  assert.ok(r.ok);
  return schedule(r.value);
}

function placed(t: ReturnType<typeof run>, id: string): string | undefined {
  const rsc = t.ws.byId.get(id);
  assert.ok(rsc);
  return t.alloc.assigned.get(rsc);
}

describe("clone placement", () => {
  it("a clone's dependent with an aversion to a node does not keep instances off it", () => {
    // Pacemaker 2.1.5: p's -INFINITY for n2 scaled by 1000/INFINITY must not ban c from n2.
    const t = run(
      cib(
        `<clone id="C"><primitive id="c" ${DUMMY}/></clone><primitive id="p" ${DUMMY}/>`,
        `<rsc_location id="l1" rsc="p" node="n1" score="-500"/>
         <rsc_location id="l2" rsc="p" node="n2" score="-INFINITY"/>
         <rsc_colocation id="co" rsc="p" with-rsc="C" score="1000"/>`,
        {},
      ),
    );
    const nodes = ["c:0", "c:1", "c:2"].map((i) => placed(t, i)).sort();
    assert.deepEqual(nodes, ["n1", "n2", "n3"]);
    assert.equal(placed(t, "p"), "n3");
  });
  it("an instance frozen by on-fail=block does not hold a mandatory dependent", () => {
    const c = `<clone id="C"><primitive id="c" ${DUMMY}><operations>
      <op id="cm" name="monitor" interval="10s" on-fail="block"/></operations></primitive></clone>`;
    const t = run(
      cib(
        `<primitive id="p" ${DUMMY}/>${c}`,
        '<rsc_colocation id="co" rsc="p" with-rsc="C" score="INFINITY"/>',
        {
          n1: `<lrm_resource id="c" ${DUMMY}>${op("c", "start", 0, 2)}${op("c", "monitor", 7, 3, 10000)}</lrm_resource>
             <lrm_resource id="p" ${DUMMY}>${op("p", "start", 0, 4)}</lrm_resource>`,
        },
      ),
    );
    assert.equal(placed(t, "c:0"), "n1");
    assert.notEqual(placed(t, "p"), "n1");
  });
  it("a probe finding an anonymous clone's agent missing bans every instance there", () => {
    const missing = (n: string) =>
      `<lrm_resource id="c" ${DUMMY}>${op("c", "monitor", 5, 2)}</lrm_resource>`.replace(
        "c_monitor_2",
        `c_monitor_${n}`,
      );
    const t = run(
      cib(`<clone id="C"><primitive id="c" ${DUMMY}/></clone>`, "", {
        n1: missing("n1"),
        n2: missing("n2"),
      }),
    );
    const nodes = ["c:0", "c:1", "c:2"].map((i) => placed(t, i));
    assert.deepEqual(
      nodes.filter((n) => n !== undefined),
      ["n3"],
    );
    const text = renderResources(t.ws).join("\n");
    assert.match(text, /Stopped \(not installed\): \[ n1 n2 \]/);
  });
  it("a role asked of a primary that cannot be promoted", () => {
    // Pacemaker 2.1.5: a non-promotable clone satisfies with-rsc-role=Promoted with any
    // instance; a primitive never has the role, so the dependent is left free.
    const colocated = (primary: string) =>
      run(
        cib(
          `<primitive id="p" ${DUMMY}/>${primary}`,
          `<rsc_location id="l" rsc="C" node="n2" score="100"/>
           <rsc_location id="l2" rsc="p" node="n3" score="50"/>
           <rsc_colocation id="co" rsc="p" with-rsc="C" with-rsc-role="Promoted" score="INFINITY"/>`,
          {},
        ),
      );
    const clone = `<clone id="C"><meta_attributes id="m"><nvpair id="m1" name="clone-max"
      value="1"/></meta_attributes><primitive id="c" ${DUMMY}/></clone>`;
    assert.equal(placed(colocated(clone), "p"), "n2");
    assert.equal(placed(colocated(`<primitive id="C" ${DUMMY}/>`), "p"), "n3");
  });
  it("a clone without its own target-role shows its child's as disabled", () => {
    const t = run(
      cib(
        `<clone id="C"><primitive id="c" ${DUMMY}><meta_attributes id="m">
          <nvpair id="m1" name="target-role" value="Stopped"/></meta_attributes></primitive></clone>`,
        "",
        {},
      ),
    );
    assert.match(renderResources(t.ws).join("\n"), /Stopped \(disabled\): \[ n1 n2 n3 \]/);
  });
});
