import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { captureIo, type Scratch, scratchCib, TWO_NODE_CIB } from "../../tools/_test-io.js";
import { crm } from "../run.js";
import { multicolumn } from "./cib.js";

let s: Scratch;
beforeEach(() => {
  s = scratchCib(TWO_NODE_CIB);
});
afterEach(() => s.cleanup());

async function run(...argv: string[]) {
  const io = captureIo(s.env);
  const code = await crm(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe("cib level", () => {
  it("new, list, delete", async () => {
    assert.equal((await run("cib", "new", "s1")).err, "INFO: cib.new: s1 shadow CIB created\n");
    assert.ok(existsSync(join(s.dir, "shadow", "shadow.s1")));
    await run("cib", "new", "s2");
    assert.equal((await run("cib", "list")).out, "s1        s2        \n");
    assert.equal(
      (await run("cib", "delete", "s1")).err,
      "INFO: cib.delete: s1 shadow CIB deleted\n",
    );
    const missing = await run("cib", "delete", "s1");
    assert.equal(missing.code, 1);
  });

  it("use of a missing shadow fails", async () => {
    const r = await run("cib", "use", "nosuch");
    assert.equal(r.code, 1);
    assert.equal(r.err, "ERROR: cib.use: nosuch: no such shadow CIB\n");
  });

  it("commit copies the shadow's configuration to CIB_file", async () => {
    await run("cib", "new", "s1");
    const io = captureIo({ ...s.env, CIB_shadow: "s1" });
    await crm(["resource", "stop", "web"], io);
    assert.doesNotMatch(s.readCib(), /target-role/);
    const r = await run("cib", "commit", "s1");
    assert.equal(r.err, "INFO: cib.commit: committed 's1' shadow CIB to the cluster\n");
    assert.match(s.readCib(), /web-meta_attributes-target-role/);
  });

  it("multicolumn pads to the widest name, except at the end of a full row", () => {
    assert.deepEqual(multicolumn(["s1", "s2"], 80), ["s1        s2        "]);
    assert.deepEqual(multicolumn(["aaaaaaaaaaaa", "b"], 80), [
      `aaaaaaaaaaaa${" ".repeat(4)}b${" ".repeat(15)}`,
    ]);
    assert.deepEqual(multicolumn(["a", "b", "c"], 20), ["a         b", "c         "]);
  });
});

describe("resource level", () => {
  it("move then clear", async () => {
    const m = await run("resource", "move", "web", "node1");
    assert.equal(m.code, 0);
    assert.equal(
      m.err,
      "INFO: Move constraint created for web to node1\n" +
        "INFO: Use `crm resource clear web` to remove this constraint\n",
    );
    assert.match(s.readCib(), /cli-prefer-web/);
    await run("resource", "clear", "web");
    assert.doesNotMatch(s.readCib(), /cli-prefer-web/);
  });

  it("move without a node is refused", async () => {
    const r = await run("resource", "move", "web");
    assert.equal(r.code, 1);
    assert.equal(
      r.err,
      "ERROR: resource.move: No target node: Move requires either a target node or 'force'\n",
    );
  });

  it("stop sets target-role; an unknown resource changes nothing", async () => {
    assert.equal((await run("resource", "stop", "web")).code, 0);
    assert.match(
      s.readCib(),
      /id="web-meta_attributes-target-role" name="target-role" value="Stopped"/,
    );
    const before = s.readCib();
    const r = await run("resource", "start", "web", "nosuch");
    assert.equal(r.err, "ERROR: Resource not found: nosuch\n");
    assert.equal(s.readCib(), before);
  });

  it("migrate is a deprecated move", async () => {
    const r = await run("resource", "migrate", "vip", "node2");
    assert.match(r.err, /^WARNING: This command 'migrate' is deprecated, please use 'move'\n/);
  });
});

describe("node level", () => {
  it("attribute set/show/delete goes through crm_attribute", async () => {
    await run("node", "attribute", "node1", "set", "rack", "r1");
    assert.equal(
      (await run("node", "attribute", "node1", "show", "rack")).out,
      "scope=nodes  name=rack value=r1\n",
    );
    assert.equal((await run("node", "show", "node1")).out, "node1(1): member\n\track=r1\n");
  });

  it("standby uses crmsh's ids; an unknown node is refused", async () => {
    assert.equal((await run("node", "standby", "node1")).err, "INFO: standby node node1\n");
    assert.match(
      s.readCib(),
      /<nvpair id="num-1-instance_attributes-standby" name="standby" value="on"\/>/,
    );
    const r = await run("node", "standby", "nosuch");
    assert.equal(r.code, 1);
    assert.equal(r.err, 'ERROR: node.standby: Node "nosuch" is not a cluster node\n');
  });

  it("maintenance then ready", async () => {
    await run("node", "maintenance", "node2");
    assert.match(
      s.readCib(),
      /<nvpair id="nodes-2-maintenance" name="maintenance" value="true"\/>/,
    );
    await run("node", "ready", "node2");
    assert.match(s.readCib(), /<nvpair id="nodes-2-maintenance" name="maintenance" value="off"\/>/);
  });
});

describe("resource trace", () => {
  it("adds trace ops for start and stop and removes them again", async () => {
    const t = await run("resource", "trace", "web");
    assert.equal(t.code, 0);
    assert.match(
      t.err,
      /INFO: Trace for web is written to \/var\/lib\/heartbeat\/trace_ra\/apache\n/,
    );
    assert.match(s.readCib(), /<op name="start" interval="0" id="web-start-0">/);
    assert.match(s.readCib(), /id="web-stop-0-instance_attributes-trace_ra"/);
    assert.equal((await run("resource", "untrace", "web")).err, "INFO: Stop tracing web\n");
    assert.doesNotMatch(s.readCib(), /trace_ra|web-start-0/);
  });

  it("refuses an unknown resource", async () => {
    const r = await run("resource", "trace", "nosuch");
    assert.equal(r.code, 1);
    assert.equal(r.err, "ERROR: resource nosuch does not exist\n");
  });
});
