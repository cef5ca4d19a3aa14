import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { captureIo, type Scratch, scratchCib, TWO_NODE_CIB } from "./_test-io.js";
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
    assert.equal(
      again.err,
      "crm_resource: Error performing operation: Requested item already exists\n",
    );
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
    assert.equal(
      update.out,
      "Set 'vip' option: id=vip-instance_attributes-ip name=ip value=10.0.0.1\n",
    );
    assert.equal((await run("-r", "vip", "-g", "ip")).out, "10.0.0.1\n");
    const meta = await run("-r", "web", "--meta", "-p", "target-role", "-v", "Stopped");
    assert.match(meta.out, /id=web-meta_attributes-target-role set=web-meta_attributes/);
    const del = await run("-r", "web", "--meta", "-d", "target-role");
    assert.equal(
      del.out,
      "Deleted 'web' option: id=web-meta_attributes-target-role name=target-role\n",
    );
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
    assert.match(
      io.err(),
      /^crm_resource: Could not connect to the CIB: No such device or address\n/,
    );
  });
});

describe("crmResource constraints and states", () => {
  it("lists locations newest first and colocations around a resource", async () => {
    const s2 = scratchCib(
      TWO_NODE_CIB.replace(
        "<constraints/>",
        '<constraints><rsc_location id="l1" rsc="web" node="node1" score="100"/>' +
          '<rsc_colocation id="col" rsc="web" with-rsc="vip" score="INFINITY"/>' +
          '<rsc_location id="l2" rsc="web" node="node2" score="-INFINITY"/></constraints>',
      ),
    );
    try {
      const io = captureIo(s2.env);
      assert.equal(await crmResource(["-a", "-r", "web"], io), 0);
      assert.equal(
        io.out(),
        "Locations:\n  * Node node2 (score=-INFINITY, id=l2, rsc=web)\n" +
          "  * Node node1 (score=100, id=l1, rsc=web)\n" +
          "Resources web is colocated with:\n  * vip (score=INFINITY, id=col)\n",
      );
      const io2 = captureIo(s2.env);
      await crmResource(["-a", "-r", "vip"], io2);
      assert.match(
        io2.out(),
        /^Resources colocated with vip:\n {2}\* web \(score=INFINITY, id=col\)\n {4}\* Locations:\n/,
      );
    } finally {
      s2.cleanup();
    }
  });

  it("a failed recurring monitor shows the resource as FAILED", async () => {
    const failed = TWO_NODE_CIB.replace(
      '<lrm_rsc_op id="web_last_0"',
      '<lrm_rsc_op id="web_monitor_10000" operation_key="web_monitor_10000" operation="monitor" ' +
        'transition-key="2:1:0:x" call-id="21" rc-code="7" op-status="0" interval="10000"/>' +
        '<lrm_rsc_op id="web_last_0"',
    );
    const s2 = scratchCib(failed);
    try {
      const io = captureIo(s2.env);
      await crmResource(["--list"], io);
      assert.match(io.out(), / {2}\* web\t\(ocf:heartbeat:apache\):\t FAILED\n/);
    } finally {
      s2.cleanup();
    }
  });
});
