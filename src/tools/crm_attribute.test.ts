import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { captureIo, type Scratch, scratchCib, TWO_NODE_CIB } from "./_test-io.js";
import { crmAttribute } from "./crm_attribute.js";

let s: Scratch;
beforeEach(() => {
  s = scratchCib(TWO_NODE_CIB);
});
afterEach(() => s.cleanup());

async function run(...argv: string[]) {
  const io = captureIo(s.env);
  const code = await crmAttribute(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("crmAttribute", () => {
  it("cluster options live in cib-bootstrap-options", async () => {
    assert.equal((await run("-n", "no-quorum-policy", "-v", "ignore")).code, 0);
    assert.match(s.readCib(), /<nvpair id="cib-bootstrap-options-no-quorum-policy"/);
    assert.equal(
      (await run("-n", "no-quorum-policy", "-G")).out,
      "scope=crm_config  name=no-quorum-policy value=ignore\n",
    );
    assert.equal((await run("-n", "no-quorum-policy", "-G", "-q")).out, "ignore\n");
    assert.equal(
      (await run("-n", "no-quorum-policy", "-D")).out,
      "Deleted crm_config option: id=cib-bootstrap-options-no-quorum-policy name=no-quorum-policy\n",
    );
  });

  it("a missing attribute is 'No such device or address', exit 105", async () => {
    const r = await run("-n", "nosuch", "-G");
    assert.equal(r.code, 105);
    assert.equal(r.err, "crm_attribute: Error performing operation: No such device or address\n");
  });

  it("node attributes use nodes-ID; utilization nodes-ID-utilization", async () => {
    await run("-N", "node1", "-n", "rack", "-v", "r1");
    await run("-N", "node1", "-n", "cpu", "-v", "4", "-z");
    const cib = s.readCib();
    assert.match(
      cib,
      /<instance_attributes id="nodes-1">\s*<nvpair id="nodes-1-rack" name="rack" value="r1"\/>/,
    );
    assert.match(
      cib,
      /<utilization id="nodes-1-utilization">\s*<nvpair id="nodes-1-utilization-cpu"/,
    );
    assert.equal(
      (await run("-N", "node1", "-n", "rack", "-G")).out,
      "scope=nodes  name=rack value=r1\n",
    );
  });

  it("reboot lifetime writes transient attributes in the status section", async () => {
    await run("-N", "node2", "-n", "standby", "-v", "on", "-l", "reboot");
    assert.match(
      s.readCib(),
      /<transient_attributes id="2">\s*<instance_attributes id="status-2">/,
    );
    assert.equal(
      (await run("-N", "node2", "-n", "standby", "-l", "reboot", "-G")).out,
      "scope=status  name=standby value=on\n",
    );
    assert.equal(
      (await run("-N", "node2", "-n", "standby", "-l", "reboot", "-D")).out,
      "Deleted status attribute: id=status-2-standby name=standby\n",
    );
  });

  it("--promotion names the attribute master-RSC, RSC from OCF_RESOURCE_INSTANCE by default", async () => {
    await run("-N", "node2", "--promotion=st", "-l", "reboot", "-v", "5");
    assert.equal(
      (await run("-N", "node2", "-n", "master-st", "-l", "reboot", "-G", "-q")).out,
      "5\n",
    );
    const io = captureIo({ ...s.env, OCF_RESOURCE_INSTANCE: "st" });
    assert.equal(await crmAttribute(["-N", "node2", "-p", "-l", "reboot", "-G", "-q"], io), 0);
    assert.equal(io.out(), "5\n");
    const bare = await run("--promotion", "-G");
    assert.equal(bare.code, 64);
  });

  it("an unknown node cannot be mapped to a UUID", async () => {
    const r = await run("-N", "nosuch", "-n", "a", "-v", "1");
    assert.equal(r.code, 105);
    assert.equal(r.err, "crm_attribute: Could not map name=nosuch to a UUID\n");
  });

  it("rsc_defaults go to the rsc_defaults-options set", async () => {
    await run("-t", "rsc_defaults", "-N", "node1", "-n", "resource-stickiness", "-v", "100");
    assert.match(s.readCib(), /<rsc_defaults>\s*<meta_attributes id="rsc_defaults-options">/);
  });
});
