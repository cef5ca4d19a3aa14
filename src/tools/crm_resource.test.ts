import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { type Scratch, TWO_NODE_CIB, captureIo, scratchCib } from "./_test-io.js";
import { crmResource } from "./crm_resource.js";

let s: Scratch;
beforeEach(() => {
  s = scratchCib(TWO_NODE_CIB);
});
afterEach(() => s.cleanup());

async function run(...argv: string[]) {
  const io = captureIo(s.env);
  const code = await crmResource(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("crmResource", () => {
  it("lists resources as crm_mon's resource block", async () => {
    const r = await run("--list");
    assert.equal(r.code, 0);
    assert.equal(
      r.out,
      "Full List of Resources:\n  * vip\t(ocf:heartbeat:IPaddr2):\t Started\n" +
        "  * web\t(ocf:heartbeat:apache):\t Started\n",
    );
  });

  it("locates a resource from the status section", async () => {
    assert.equal((await run("-W", "-r", "web")).out, "resource web is running on: node2\n");
    assert.equal((await run("-W", "-r", "web", "-Q")).out, "node2\n");
  });

  it("reports an unknown resource with Pacemaker's two lines and exit 105", async () => {
    const r = await run("--locate", "--resource", "nosuch");
    assert.equal(r.code, 105);
    assert.equal(
      r.err,
      "crm_resource: Resource 'nosuch' not found\nError performing operation: No such object\n",
    );
  });

  it("moves with a cli-prefer constraint and refuses a move to the current node", async () => {
    assert.equal((await run("--move", "-r", "web", "-N", "node1")).code, 0);
    assert.match(
      s.readCib(),
      /<rsc_location id="cli-prefer-web" rsc="web" role="Started" node="node1" score="INFINITY"\/>/,
    );
    const again = await run("-M", "-r", "web", "-N", "node2");
    assert.equal(again.code, 108);
    assert.equal(again.err, "crm_resource: Error performing operation: Requested item already exists\n");
  });

  it("bans from the current node with a warning, and clear removes both kinds", async () => {
    const ban = await run("-B", "-r", "vip");
    assert.equal(ban.code, 0);
    assert.match(ban.out, /^WARNING: Creating rsc_location constraint 'cli-ban-vip-on-node1'/);
    await run("-M", "-r", "vip", "-N", "node2");
    const clear = await run("-U", "-r", "vip");
    assert.equal(
      clear.out,
      "Removing constraint: cli-ban-vip-on-node1\nRemoving constraint: cli-prefer-vip\n",
    );
    assert.doesNotMatch(s.readCib(), /cli-/);
  });

  it("move to a node drops the ban on that node", async () => {
    await run("-B", "-r", "vip", "-N", "node2", "-Q");
    await run("-M", "-r", "vip", "-N", "node2");
    assert.doesNotMatch(s.readCib(), /cli-ban-vip-on-node2/);
  });

  it("a lifetime turns the constraint into a rule with a date expression", async () => {
    const r = await run("-M", "-r", "web", "-N", "node1", "--lifetime", "PT1H");
    assert.match(r.out, /^Migration will take effect until: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\n$/);
    assert.match(s.readCib(), /<date_expression id="cli-prefer-lifetime-end-web" operation="lt"/);
    const bad = await run("-M", "-r", "web", "-N", "node1", "--lifetime", "soon");
    assert.equal(bad.code, 64);
    assert.match(bad.err, /^Invalid duration specified: soon\n/);
  });

  it("sets, reads and deletes attributes with Pacemaker's ids", async () => {
    const set = await run("-r", "vip", "-p", "cidr_netmask", "-v", "24");
    assert.equal(
      set.out,
      "Set 'vip' option: id=vip-instance_attributes-cidr_netmask set=vip-instance_attributes " +
        "name=cidr_netmask value=24\n",
    );
    const update = await run("-r", "vip", "-p", "ip", "-v", "10.0.0.1");
    assert.equal(update.out, "Set 'vip' option: id=vip-instance_attributes-ip name=ip value=10.0.0.1\n");
    assert.equal((await run("-r", "vip", "-g", "ip")).out, "10.0.0.1\n");
    const meta = await run("-r", "web", "--meta", "-p", "target-role", "-v", "Stopped");
    assert.match(meta.out, /id=web-meta_attributes-target-role set=web-meta_attributes/);
    const del = await run("-r", "web", "--meta", "-d", "target-role");
    assert.equal(del.out, "Deleted 'web' option: id=web-meta_attributes-target-role name=target-role\n");
    const missing = await run("-r", "web", "-g", "nosuch");
    assert.equal(missing.code, 0);
    assert.equal(missing.err, "Attribute 'nosuch' not found for 'web'\n");
  });

  it("rejects usage errors with exit 64", async () => {
    assert.equal((await run("-W")).err, "crm_resource: Must supply a resource id with -r\n");
    assert.equal((await run("--bogus")).err, "crm_resource: Unknown option --bogus\n");
    assert.equal((await run("-r", "web", "-p", "x")).code, 64);
  });

  it("cannot reach a missing CIB file", async () => {
    const io = captureIo({ ...s.env, CIB_file: `${s.dir}/missing.xml` });
    assert.equal(await crmResource(["-l"], io), 105);
    assert.match(io.err(), /^crm_resource: Could not connect to the CIB: No such device or address\n/);
  });
});
