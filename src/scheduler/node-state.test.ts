// What node_state attributes mean with fencing enabled, and what a pending node blocks, as
// crm_simulate 2.1.5 shows on core/stonith-4 (eleven node_state combinations) and
// variations of it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { schedule } from "./schedule.js";
import { summaryLines } from "./summary.js";
import { unpack } from "./unpack.js";

function cib(nodeStates: string[], resources: string, dummyOnN1 = false): string {
  const nodes = nodeStates.map((_, i) => `<node id="${i + 1}" uname="n${i + 1}"/>`).join("");
  const history = dummyOnN1
    ? `<lrm id="1"><lrm_resources><lrm_resource id="d1" class="ocf" provider="pacemaker" ` +
      `type="Dummy"><lrm_rsc_op id="d1_last_0" operation_key="d1_start_0" operation="start" ` +
      `transition-key="1:1:0:x" transition-magic="0:0;1:1:0:x" call-id="1" rc-code="0" ` +
      `op-status="0" interval="0" op-digest="f2317cad3d54cec5d7d7aa7d0bf35cf8"/>` +
      `</lrm_resource></lrm_resources></lrm>`
    : "";
  const states = nodeStates
    .map((attrs, i) => {
      const inner = i === 0 ? history : "";
      return `<node_state id="${i + 1}" uname="n${i + 1}" ${attrs}>${inner}</node_state>`;
    })
    .join("");
  return (
    `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.7" ` +
    `have-quorum="1"><configuration><crm_config/><nodes>${nodes}</nodes>` +
    `<resources><primitive id="fencing" class="stonith" type="fence_dummy"/>${resources}` +
    `</resources><constraints/></configuration><status>${states}</status></cib>`
  );
}
function parse(xml: string) {
  const r = parseXml(xml, "test.xml");
  assert.ok(r.ok);
  return r.value;
}
const MEMBER = `in_ccm="true" crmd="online" join="member" expected="member"`;

describe("node_state with fencing enabled", () => {
  const table: [string, string][] = [
    [MEMBER, "online"],
    [`in_ccm="true" crmd="offline" join="down"`, "pending"],
    [`in_ccm="true" crmd="online" join="down"`, "pending"],
    [`in_ccm="false" crmd="online" join="down"`, "pending"],
    [`in_ccm="true" crmd="online" join="down" expected="member"`, "pending"],
    [`in_ccm="false" crmd="offline" join="down" expected="down"`, "offline"],
    [`crmd="offline" join="down"`, "unclean: peer has not been seen by the cluster"],
    [`crmd="online" join="down"`, "unclean: peer has not been seen by the cluster"],
    [
      `in_ccm="true" crmd="online" join="banned"`,
      "unclean: peer failed Pacemaker membership criteria",
    ],
    [
      `in_ccm="true" crmd="offline" join="member" expected="member"`,
      "unclean: peer process is no longer available",
    ],
    [
      `in_ccm="false" crmd="offline" join="member" expected="member"`,
      "unclean: peer is no longer part of the cluster",
    ],
  ];
  for (const [attrs, want] of table) {
    it(`${attrs} is ${want}`, () => {
      const ws = unpack(parse(cib([MEMBER, attrs], "")), { now: 0 });
      const n = ws.nodes[1];
      assert.ok(n);
      const got = n.unclean
        ? `unclean: ${n.fenceReason}`
        : n.online
          ? "online"
          : n.pending
            ? "pending"
            : "offline";
      assert.equal(got, want);
    });
  }
});

describe("pending nodes", () => {
  const summary = (xml: string) =>
    summaryLines(schedule(parse(xml))).map((l) => l.replace(/\s+/g, " "));
  const D1 = `<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>`;
  const PENDING_MEMBER = `in_ccm="true" crmd="online" join="down"`;
  it("a start waits for the probe of a pending member, which cannot run", () => {
    assert.deepEqual(summary(cib([MEMBER, PENDING_MEMBER], D1)), [
      "* Start fencing ( n1 ) blocked",
      "* Start d1 ( n1 ) blocked",
    ]);
  });
  it("a pending node outside the membership is not probed and blocks nothing", () => {
    assert.deepEqual(summary(cib([MEMBER, `in_ccm="false" crmd="online" join="down"`], D1)), [
      "* Start fencing ( n1 )",
      "* Start d1 ( n1 )",
    ]);
  });
  it("a resource already running is left alone", () => {
    assert.deepEqual(summary(cib([MEMBER, PENDING_MEMBER], D1, true)), [
      "* Start fencing ( n1 ) blocked",
    ]);
  });
});
