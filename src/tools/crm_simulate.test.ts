// crm_simulate on bad input: a CIB that fails schema validation is refused with the findings
// crm_verify prints (Pacemaker's crm_simulate does the same: the Relax-NG errors on stderr,
// exit 78); mandatory colocation cycles are placed and named at -VV.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { captureIo, scratchCib } from "./_test-io.js";
import { crmSimulate } from "./crm_simulate.js";
import { crmVerify } from "./crm_verify.js";
import { ExitCode, UserError } from "./tool-io.js";

function cib(resources: string, constraints: string): string {
  const state = (i: number) =>
    `<node_state id="${i}" uname="n${i}" in_ccm="true" crmd="online" join="member" ` +
    `expected="member"/>`;
  return (
    `<cib epoch="1" num_updates="0" admin_epoch="0" validate-with="pacemaker-3.7" ` +
    `have-quorum="1"><configuration><crm_config><cluster_property_set id="o">` +
    `<nvpair id="o-1" name="stonith-enabled" value="false"/></cluster_property_set>` +
    `</crm_config><nodes><node id="1" uname="n1"/><node id="2" uname="n2"/></nodes>` +
    `<resources>${resources}</resources><constraints>${constraints}</constraints>` +
    `</configuration><status>${state(1)}${state(2)}</status></cib>`
  );
}
const dummy = (id: string) =>
  `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy"/>`;
const scratches: { cleanup(): void }[] = [];
after(() => {
  for (const s of scratches) s.cleanup();
});

async function run(text: string, ...flags: string[]) {
  const s = scratchCib(text);
  scratches.push(s);
  const io = captureIo(s.env);
  const code = await crmSimulate(["-x", s.cibPath, "-S", ...flags], io);
  const verify = captureIo(s.env);
  await crmVerify(["-x", s.cibPath], verify);
  return { code, out: io.out(), err: io.err(), verifyErr: verify.err() };
}

describe("crm_simulate on bad input", () => {
  it("refuses a CIB with a duplicate id, with crm_verify's findings", async () => {
    const r = await run(cib(dummy("A") + dummy("B"), `<rsc_order id="A" first="A" then="B"/>`));
    assert.equal(r.code, ExitCode.Config);
    assert.equal(r.out, "");
    assert.match(r.err, /element rsc_order: Relax-NG validity error : ID A redefined/);
    const schemaLines = r.verifyErr.split("\n").filter((l) => l.includes("validity error"));
    assert.deepEqual(r.err.trimEnd().split("\n"), schemaLines);
  });
  it("refuses a constraint without its resource, naming the element", async () => {
    const r = await run(cib(dummy("A"), `<rsc_colocation id="c" with-rsc="A" score="10"/>`));
    assert.equal(r.code, ExitCode.Config);
    assert.match(r.err, /element rsc_colocation: Relax-NG validity error/);
  });
  it("refuses text that is not XML in one line, with where", async () => {
    const s = scratchCib("<cib><configuration>");
    scratches.push(s);
    await assert.rejects(crmSimulate(["-x", s.cibPath, "-S"], captureIo(s.env)), (e) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.exitCode, ExitCode.DataErr);
      assert.match(e.message, /cib\.xml:1:\d+: .*configuration/);
      return true;
    });
  });
  it("places a mandatory colocation cycle and names its constraints at -VV", async () => {
    const cycle =
      `<rsc_colocation id="a-with-b" rsc="A" with-rsc="B" score="INFINITY"/>` +
      `<rsc_colocation id="b-with-a" rsc="B" with-rsc="A" score="INFINITY"/>` +
      `<rsc_location id="la" rsc="A" node="n2" score="50"/>`;
    const quiet = await run(cib(dummy("A") + dummy("B"), cycle));
    assert.equal(quiet.code, ExitCode.Ok);
    assert.equal(quiet.err, "");
    const out = quiet.out.replace(/ +/g, " ");
    assert.match(out, /\* Start A \( n2 \)\n \* Start B \( n2 \)\n/);
    const loud = await run(cib(dummy("A") + dummy("B"), cycle), "-VV");
    assert.match(loud.err, /warning: Mandatory colocations a-with-b, b-with-a form a cycle/);
  });
  it("reports a cycle of mandatory orders as an invalid transition, as crm_simulate does", async () => {
    const loop = `<rsc_order id="ab" first="A" then="B"/><rsc_order id="ba" first="B" then="A"/>`;
    const r = await run(cib(dummy("A") + dummy("B"), loop));
    assert.equal(r.code, ExitCode.Error);
    assert.equal(r.err, "Transition failed: terminated\nAn invalid transition was produced\n");
    const executing = r.out.slice(r.out.indexOf("Executing"), r.out.indexOf("Revised"));
    assert.doesNotMatch(executing, / start on /);
    assert.match(r.out.slice(r.out.indexOf("Revised")), /A\t\(ocf:pacemaker:Dummy\):\t Stopped/);
  });
});

describe("crm_simulate -Q (as Pacemaker 2.1.5 prints it)", () => {
  const two = cib(dummy("A"), "");
  const quiet = async (...flags: string[]) => {
    const s = scratchCib(two);
    scratches.push(s);
    const io = captureIo(s.env);
    const code = await crmSimulate(["-x", s.cibPath, "-Q", ...flags], io);
    return { code, out: io.out() };
  };
  const scores =
    "pcmk__primitive_assign: A allocation score on n1: 0\n" +
    "pcmk__primitive_assign: A allocation score on n2: 0\n";
  it("prints nothing with -R or -S", async () => {
    for (const f of [[], ["-R"], ["-S"], ["-R", "-u", "n1"]]) {
      assert.deepEqual(await quiet(...f), { code: ExitCode.Ok, out: "" }, f.join(" "));
    }
  });
  it("prints only the scores with -s, a blank line after them with -S", async () => {
    assert.equal((await quiet("-s")).out, scores);
    assert.equal((await quiet("-R", "-s")).out, scores);
    assert.equal((await quiet("-S", "-s")).out, `${scores}\n`);
  });
  it("prints a blank line for the modifications with -S or -s", async () => {
    assert.equal((await quiet("-S", "-u", "n1")).out, "\n");
    assert.equal((await quiet("-s", "-u", "n1")).out, `\n${scores}`);
    assert.equal((await quiet("-S", "-s", "-u", "n1")).out, `\n${scores}\n`);
  });
});
