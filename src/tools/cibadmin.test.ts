import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { diffCib } from "../cib/diff.js";
import { parseXml, printXml } from "../cib/xml.js";
import { captureIo, scratchCib, TWO_NODE_CIB } from "./_test-io.js";
import { cibadmin } from "./cibadmin.js";

async function run(argv: string[], cibText = TWO_NODE_CIB) {
  const s = scratchCib(cibText);
  const io = captureIo({ ...s.env, PACER_API_SOCKET: join(s.dir, "no.sock") });
  const code = await cibadmin(argv, io);
  const result = { code, out: io.out(), err: io.err(), cib: s.readCib() };
  s.cleanup();
  return result;
}

describe("cibadmin", () => {
  it("-Q -o prints the section; an absent section is 105", async () => {
    const r = await run(["-Q", "-o", "nodes"]);
    assert.equal(r.code, 0);
    assert.equal(
      r.out,
      '<nodes>\n  <node id="1" uname="node1"/>\n  <node id="2" uname="node2"/>\n</nodes>\n',
    );
    const absent = await run(["-Q", "-o", "rsc_defaults"]);
    assert.deepEqual([absent.code, absent.err], [105, "Call failed: No such device or address\n"]);
  });
  it("-C adds to the scope and bumps epoch; a second create is 108 with <failed>", async () => {
    const prim = '<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>';
    const r = await run(["-C", "-o", "resources", "-X", prim]);
    assert.equal(r.code, 0);
    assert.match(r.cib, /epoch="2" num_updates="0"/);
    assert.match(r.cib, /<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"\/>/);
    const again = await run(["-C", "-o", "resources", "-X", '<primitive id="vip"/>']);
    assert.equal(again.code, 108);
    assert.equal(again.err, "Call failed: File exists\n");
    assert.match(
      again.out,
      /<failed_update id="vip" object_type="primitive" operation="cib_create" reason="File exists">/,
    );
  });
  it("-M merges attributes and children; a status change bumps num_updates", async () => {
    const r = await run(["-M", "-X", '<primitive id="web"><meta_attributes id="m"/></primitive>']);
    assert.equal(r.code, 0);
    assert.match(
      r.cib,
      /<primitive id="web" class="ocf" provider="heartbeat" type="apache">\n {8}<meta_attributes id="m"\/>/,
    );
    const st = await run(["-M", "-X", '<node_state id="1" crmd="offline"/>']);
    assert.match(st.cib, /epoch="1" num_updates="1"/);
    const missing = await run(["-M", "-X", '<primitive id="nope" type="x"/>']);
    assert.equal(missing.code, 105);
  });
  it("-D deletes the first full match, and exits 0 when nothing matches", async () => {
    const r = await run(["-D", "-X", '<primitive id="web"/>']);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.cib, /primitive id="web"/);
    const none = await run(["-D", "-X", '<primitive id="web" type="other"/>']);
    assert.equal(none.code, 0);
    assert.equal(none.cib, TWO_NODE_CIB);
  });
  it("-A queries by xpath, -e prints paths, -d needs --force", async () => {
    const r = await run(["-Q", "-A", "//lrm_rsc_op", "-e"]);
    assert.equal(
      r.out,
      "/cib/status/node_state[@id='1']/lrm[@id='1']/lrm_resources/lrm_resource[@id='vip']/lrm_rsc_op[@id='vip_last_0']\n" +
        "/cib/status/node_state[@id='2']/lrm[@id='2']/lrm_resources/lrm_resource[@id='web']/lrm_rsc_op[@id='web_last_0']\n",
    );
    const many = await run(["-Q", "-A", "//primitive", "-n"]);
    assert.match(many.out, /^<xpath-query>\n {2}<primitive id="vip"/);
    const d = await run(["-d", "-A", "//lrm_rsc_op"]);
    assert.equal(d.code, 107);
    const forced = await run(["-d", "-A", "//lrm_rsc_op", "--force"]);
    assert.doesNotMatch(forced.cib, /lrm_rsc_op/);
  });
  it("-E needs --force; erase raises admin_epoch", async () => {
    assert.equal((await run(["-E"])).code, 107);
    const r = await run(["-E", "--force"]);
    assert.match(r.cib, /epoch="2" num_updates="0" admin_epoch="1"/);
    assert.match(r.cib, /<resources\/>/);
  });
  it("-R of an older whole CIB is refused with 103", async () => {
    const old =
      '<cib epoch="0" num_updates="0" admin_epoch="0"><configuration><crm_config/><nodes/><resources/><constraints/></configuration></cib>';
    const r = await run(["-R", "-X", old]);
    assert.deepEqual(
      [r.code, r.err],
      [103, "Call failed: Update was older than existing configuration\n"],
    );
    assert.equal(r.cib, TWO_NODE_CIB);
  });
  it("refuses an update that fails the structural check, leaving the file alone", async () => {
    const r = await run([
      "-C",
      "-o",
      "constraints",
      "-X",
      '<rsc_location id="l" rsc="nosuch" node="node1" score="1"/>',
    ]);
    assert.equal(r.code, 78);
    assert.match(
      r.err,
      /IDREF attribute rsc references an unknown ID "nosuch"\nCall failed: Update does not conform to the configured schema\n$/,
    );
    assert.equal(r.cib, TWO_NODE_CIB);
  });
  it("reports bad input, bad flags and a missing CIB as Pacemaker does", async () => {
    assert.deepEqual((await run(["-C", "-o", "resources", "-X", "<bad"])).code, 78);
    const usage = await run(["--bogus"]);
    assert.equal(usage.code, 64);
    assert.match(usage.err, /^cibadmin: unrecognized option '--bogus'\n/);
    const io = captureIo({ CIB_file: "/nonexistent/cib.xml" });
    assert.equal(await cibadmin(["-Q"], io), 105);
    assert.equal(
      io.err(),
      "Could not connect to the CIB: No such device or address\nInit failed, could not perform requested operations\n",
    );
    const live = captureIo({ PACER_API_SOCKET: "/nonexistent/api.sock" });
    assert.equal(await cibadmin(["-Q"], live), 102);
    assert.match(
      live.err(),
      /^Could not connect to the CIB: Transport endpoint is not connected\n/,
    );
  });
  it("-P applies a v2 patchset once; a second time it is older (103)", async () => {
    const s = scratchCib(TWO_NODE_CIB);
    const before = parseXml(TWO_NODE_CIB, "a");
    const after = parseXml(
      TWO_NODE_CIB.replace('epoch="1"', 'epoch="2"').replace('type="apache"', 'type="nginx"'),
      "b",
    );
    assert.ok(before.ok && after.ok);
    if (!before.ok || !after.ok) return;
    const patchFile = join(s.dir, "patch.xml");
    writeFileSync(patchFile, printXml(diffCib(before.value, after.value)));
    const io = captureIo(s.env);
    assert.equal(await cibadmin(["-P", "-x", patchFile], io), 0, io.err());
    assert.equal(s.readCib(), printXml(after.value));
    const again = captureIo(s.env);
    assert.equal(await cibadmin(["-P", "-x", patchFile], again), 103);
    assert.equal(again.err(), "Call failed: Update was older than existing configuration\n");
    s.cleanup();
  });
  it("-5 prints Pacemaker's on-disk digest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pacer-md5-"));
    writeFileSync(join(dir, "t.xml"), '<cib a="1"><x b="2"/></cib>');
    const r = await run(["-5", "-x", join(dir, "t.xml")]);
    assert.deepEqual([r.out, r.err], ["5368df942b4b8135f440327428acd37f\n", "Digest: "]);
  });
});

// The same commands through the real cibadmin (Pacemaker 2.1.5) when installed: same stdout,
// stderr, exit code and resulting file.
const hasCibadmin = spawnSync("cibadmin", ["--version"]).status === 0;
const SAME_AS_PACEMAKER: string[][] = [
  ["-Q"],
  ["-Q", "-o", "resources"],
  ["-Q", "-o", "op_defaults"],
  ["-Q", "-A", "//primitive"],
  ["-Q", "-A", "//primitive[@id='vip']", "-e"],
  ["-Q", "-A", "//nosuch"],
  [
    "-C",
    "-o",
    "resources",
    "-X",
    '<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>',
  ],
  [
    "-C",
    "-o",
    "resources",
    "-X",
    '<primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2"/>',
  ],
  ["-C", "-X", '<primitive id="d1" class="ocf" provider="pacemaker" type="Dummy"/>'],
  ["-M", "-X", '<primitive id="vip" description="x"/>'],
  ["-M", "-X", '<cib admin_epoch="admin_epoch++"/>'],
  ["-M", "-X", '<nvpair id="vip-instance_attributes-ip" value="10.0.0.1"/>'],
  ["-R", "-o", "constraints", "-X", "<constraints/>"],
  ["-R", "-X", '<primitive id="web" class="ocf" provider="heartbeat" type="apache"/>'],
  ["-D", "-X", '<primitive id="web"/>'],
  ["-D", "-A", "//lrm_rsc_op"],
  ["-d", "-A", "//lrm_rsc_op", "--force"],
  ["-E", "--force"],
  ["-B"],
  ["-a"],
];

describe("cibadmin against the installed Pacemaker cibadmin", {
  skip: !hasCibadmin && "cibadmin not installed",
}, () => {
  for (const argv of SAME_AS_PACEMAKER) {
    it(`cibadmin ${argv.join(" ")}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "pacer-cibadmin-"));
      writeFileSync(join(dir, "real.xml"), TWO_NODE_CIB);
      const real = spawnSync("cibadmin", argv, {
        env: { ...process.env, CIB_file: join(dir, "real.xml") },
        encoding: "utf8",
      });
      const ours = await run(argv);
      assert.deepEqual(
        { code: ours.code, out: ours.out, err: ours.err, cib: ours.cib },
        {
          code: real.status,
          out: real.stdout,
          err: real.stderr,
          cib: readFileSync(join(dir, "real.xml"), "utf8"),
        },
      );
      copyFileSync(join(dir, "real.xml"), join(dir, "done.xml"));
    });
  }
});
