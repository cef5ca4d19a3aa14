// `crm_simulate -s` lines of a group, as crm_simulate 2.1.5 prints them (checked on a live
// cluster's captures in src/tools/testdata/live-outputs and on this input).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { scoreLines } from "./score-report.js";

const DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";
const started = (rsc: string, call: number) =>
  `<lrm_resource id="${rsc}" class="ocf" provider="pacemaker" type="Dummy">` +
  `<lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" ` +
  `transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="${call}" rc-code="0" ` +
  `op-status="0" interval="0" op-digest="${DIGEST}"/></lrm_resource>`;
const dummy = (id: string) =>
  `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy"/>`;

const CIB =
  `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.7" ` +
  `have-quorum="1"><configuration><crm_config><cluster_property_set id="o">` +
  `<nvpair id="o-1" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>` +
  `<nodes><node id="1" uname="n1"/><node id="2" uname="n2"/><node id="3" uname="n3">` +
  `<instance_attributes id="n3-a"><nvpair id="n3-s" name="standby" value="on"/>` +
  `</instance_attributes></node></nodes><resources>` +
  `<group id="g">${dummy("a")}${dummy("b")}${dummy("c")}</group></resources>` +
  `<rsc_defaults><meta_attributes id="d"><nvpair id="d-s" name="resource-stickiness" ` +
  `value="10"/></meta_attributes></rsc_defaults><constraints>` +
  `<rsc_location id="l-g" rsc="g" node="n2" score="5"/>` +
  `<rsc_location id="l-c" rsc="c" node="n3" score="7"/></constraints></configuration>` +
  `<status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member" ` +
  `expected="member"><lrm id="1"><lrm_resources>${started("a", 1)}${started("b", 2)}` +
  `</lrm_resources></lrm></node_state>` +
  ["2", "3"]
    .map(
      (i) =>
        `<node_state id="${i}" uname="n${i}" in_ccm="true" crmd="online" join="member" ` +
        `expected="member"/>`,
    )
    .join("") +
  `</status></cib>`;

describe("score report of a group", () => {
  it("prints the group's and each member's own scores before the members' placement", () => {
    const r = parseXml(CIB, "test.xml");
    assert.ok(r.ok);
    const lines = scoreLines(schedule(r.value));
    const group = lines.filter((l) => l.startsWith("pcmk__group_assign:"));
    assert.deepEqual(group, [
      "pcmk__group_assign: g allocation score on n1: 0",
      "pcmk__group_assign: g allocation score on n2: 5",
      "pcmk__group_assign: g allocation score on n3: 0",
      "pcmk__group_assign: a allocation score on n1: 10",
      "pcmk__group_assign: a allocation score on n2: 5",
      "pcmk__group_assign: a allocation score on n3: 0",
      "pcmk__group_assign: b allocation score on n1: 10",
      "pcmk__group_assign: b allocation score on n2: 0",
      "pcmk__group_assign: b allocation score on n3: 0",
      "pcmk__group_assign: c allocation score on n1: 0",
      "pcmk__group_assign: c allocation score on n2: 0",
      "pcmk__group_assign: c allocation score on n3: 7",
    ]);
    assert.equal(lines.indexOf(group[0] as string), 0);
    assert.ok(lines[group.length]?.startsWith("pcmk__primitive_assign: a "));
  });
  it("prints in placement order: a dependent group begins before the group it is with", () => {
    const xml = CIB.replace(
      `<group id="g">`,
      `<group id="h">${dummy("x")}${dummy("y")}</group><group id="g">`,
    ).replace(
      `<rsc_location id="l-g"`,
      `<rsc_colocation id="h-with-g" rsc="h" with-rsc="g" score="INFINITY"/><rsc_location id="l-g"`,
    );
    const r = parseXml(xml, "test.xml");
    assert.ok(r.ok);
    const heads = scoreLines(schedule(r.value)).map((l) => l.split(" allocation")[0]);
    assert.deepEqual(
      [...new Set(heads)],
      [
        "pcmk__group_assign: h",
        "pcmk__group_assign: x",
        "pcmk__group_assign: y",
        "pcmk__group_assign: g",
        "pcmk__group_assign: a",
        "pcmk__group_assign: b",
        "pcmk__group_assign: c",
        "pcmk__primitive_assign: a",
        "pcmk__primitive_assign: b",
        "pcmk__primitive_assign: c",
        "pcmk__primitive_assign: x",
        "pcmk__primitive_assign: y",
      ],
    );
  });
});
