import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { captureIo, type Scratch, scratchCib, TWO_NODE_CIB } from "./_test-io.js";
import { crmAttribute } from "./crm_attribute.js";
import { crmShadow } from "./crm_shadow.js";

let s: Scratch;
beforeEach(() => {
  s = scratchCib(TWO_NODE_CIB);
});
afterEach(() => s.cleanup());

async function run(env: Record<string, string | undefined>, ...argv: string[]) {
  const io = captureIo(env);
  const code = await crmShadow(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("crmShadow", () => {
  it("creates shadow.NAME and refuses to overwrite it without --force", async () => {
    const r = await run(s.env, "--batch", "--create", "s1");
    assert.equal(r.code, 0);
    assert.equal(
      r.out,
      "Setting up shadow instance\nA new shadow instance was created.  To begin using it paste " +
        "the following into your shell:\n  CIB_shadow=s1 ; export CIB_shadow\n",
    );
    assert.ok(existsSync(join(s.dir, "shadow", "shadow.s1")));
    const again = await run(s.env, "-b", "-c", "s1");
    assert.equal(again.code, 73);
    assert.match(again.err, /^A shadow instance 's1' already exists\.\n/);
  });

  it("create-empty writes an empty CIB", async () => {
    const r = await run(s.env, "-b", "-e", "blank");
    assert.match(r.out, /^Created new pacemaker-3\.9 configuration\n/);
    const text = readFileSync(join(s.dir, "shadow", "shadow.blank"), "utf8");
    assert.match(text, /<resources\/>/);
  });

  it("queries need an active shadow", async () => {
    const r = await run(s.env, "--which");
    assert.equal(r.code, 105);
    assert.equal(r.err, "No active shadow configuration defined\n");
    assert.equal((await run({ ...s.env, CIB_shadow: "x" }, "-w")).out, "x\n");
  });

  it("delete and commit are dangerous without --force", async () => {
    await run(s.env, "-b", "-c", "s1");
    const r = await run(s.env, "-b", "-D", "s1");
    assert.equal(r.code, 64);
    assert.match(r.err, /^The supplied command is considered dangerous\./);
    assert.equal((await run(s.env, "-b", "-D", "s1", "--force")).code, 0);
  });

  it("diff shows a change made in the shadow; commit writes it to CIB_file", async () => {
    await run(s.env, "-b", "-c", "s1");
    const env = { ...s.env, CIB_shadow: "s1" };
    await crmAttribute(["-n", "foo", "-v", "bar"], captureIo(env));
    const d = await run(env, "--diff");
    assert.equal(d.code, 1);
    assert.match(d.out, /^Diff: --- 0\.1\.0 2\nDiff: \+\+\+ 0\.2\.0 \(null\)\n/);
    assert.match(
      d.out,
      /\+\+ \/cib\/configuration\/crm_config\/cluster_property_set\[@id='cib-bootstrap-options'\]: {2}<nvpair id="cib-bootstrap-options-foo"/,
    );
    assert.equal((await run(s.env, "-b", "-C", "s1", "--force")).code, 0);
    assert.match(s.readCib(), /cib-bootstrap-options-foo/);
  });

  it("missing shadows are reported as Pacemaker does", async () => {
    const r = await run(s.env, "-b", "-r", "nosuch");
    assert.equal(r.code, 105);
    assert.equal(r.err, "Could not access shadow instance 'nosuch': No such file or directory\n");
  });

  it("option errors use getopt's words", async () => {
    const r = await run(s.env, "-c");
    assert.equal(r.code, 64);
    assert.match(r.err, /^crm_shadow: option requires an argument -- 'c'\n/);
  });
});
