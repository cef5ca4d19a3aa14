// A resource found active on several nodes, one of which is about to be fenced, as
// crm_simulate 2.1.5 handles it (core/multiply-active-stonith and variations of it).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { summaryLines } from "./summary.js";

const DIGEST = "f2317cad3d54cec5d7d7aa7d0bf35cf8";

function started(rsc: string, cls: string, call: number): string {
  const provider = cls === "ocf" ? ` provider="pacemaker"` : "";
  const type = cls === "ocf" ? "Dummy" : "fence_dummy";
  return (
    `<lrm_resource id="${rsc}" class="${cls}"${provider} type="${type}">` +
    `<lrm_rsc_op id="${rsc}_last_0" operation_key="${rsc}_start_0" operation="start" ` +
    `transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="${call}" rc-code="0" ` +
    `op-status="0" interval="0" last-rc-change="1" op-digest="${DIGEST}"/></lrm_resource>`
  );
}
function nodeState(uname: string, online: boolean, lrm: string): string {
  const how = online
    ? `in_ccm="true" crmd="online" join="member"`
    : `in_ccm="false" crmd="offline"`;
  return (
    `<node_state id="${uname}" uname="${uname}" ${how} expected="member">` +
    `<lrm id="${uname}"><lrm_resources>${lrm}</lrm_resources></lrm></node_state>`
  );
}
function summary(xml: string): string[] {
  const r = parseXml(xml, "test.xml");
  assert.ok(r.ok);
  return summaryLines(schedule(r.value)).map((l) => l.replace(/\s+/g, " "));
}

describe("multiply active with a node to fence", () => {
  it("a fencing device's copy on the fenced node is left to the fencing; others move", () => {
    const xml =
      `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.7" ` +
      `have-quorum="1"><configuration><crm_config/>` +
      `<nodes><node id="n1" uname="n1"/><node id="n2" uname="n2"/><node id="n3" uname="n3"/>` +
      `</nodes><resources><primitive id="fencer" class="stonith" type="fence_dummy"/>` +
      `<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/></resources>` +
      `<constraints><rsc_location id="l1" rsc="fencer" node="n1" score="-INFINITY"/>` +
      `</constraints></configuration><status>` +
      nodeState("n1", true, "") +
      nodeState("n2", false, started("fencer", "stonith", 1) + started("d1", "ocf", 2)) +
      nodeState("n3", true, started("fencer", "stonith", 3) + started("d1", "ocf", 4)) +
      `</status></cib>`;
    assert.deepEqual(summary(xml), [
      "* Fence (reboot) n2 'peer is no longer part of the cluster'",
      "* Move d1 ( n2 -> n1 )",
    ]);
  });
});
