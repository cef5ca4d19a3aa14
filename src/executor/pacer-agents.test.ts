import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { lastEnvBlock, type Scratch, scratch } from "./_testing.js";
import { OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import type { AgentSpec, OpRequest } from "./types.js";

const DUMMY: AgentSpec = { class: "ocf", provider: "pacer", type: "Dummy" };
const STATEFUL: AgentSpec = { class: "ocf", provider: "pacer", type: "Stateful" };

describe("ocf:pacer:Dummy actions", () => {
  let s: Scratch;
  const nodes = new Map<string, Executor>();
  before(() => {
    s = scratch();
    // Two nodes on one host, each with its own run directory (as `pacer node` gives them).
    for (const name of ["node1", "node2"]) {
      const run = join(s.dir, name);
      mkdirSync(run);
      nodes.set(name, new Executor({ nodeName: name, haVars: { HA_VARRUN: run } }));
    }
  });
  after(() => s.cleanup());

  function on(node: string): Executor {
    const ex = nodes.get(node);
    assert.ok(ex);
    return ex;
  }
  const op = (action: OpRequest["action"], extra: Partial<OpRequest> = {}): OpRequest => ({
    resourceId: "mig",
    agent: DUMMY,
    action,
    ...extra,
  });

  it("keeps its state per node under HA_VARRUN and migrates between nodes", async () => {
    assert.equal((await on("node1").exec(op("start"))).rc, OcfRc.Ok);
    assert.ok(existsSync(join(s.dir, "node1", "Dummy-mig.state")));
    assert.equal((await on("node2").exec(op("monitor"))).rc, OcfRc.NotRunning);
    const to = await on("node1").exec(op("migrate_to", { meta: { migrate_target: "node2" } }));
    assert.equal(to.rc, OcfRc.Ok);
    assert.match(to.stderr, /migrating mig to node2/);
    const from = await on("node2").exec(op("migrate_from", { meta: { migrate_source: "node1" } }));
    assert.equal(from.rc, OcfRc.Ok);
    assert.equal((await on("node1").exec(op("monitor"))).rc, OcfRc.NotRunning);
    assert.equal((await on("node2").exec(op("monitor"))).rc, OcfRc.Ok);
    assert.equal((await on("node2").exec(op("reload", { params: { fake: "new" } }))).rc, OcfRc.Ok);
    assert.equal((await on("node2").exec(op("stop"))).rc, OcfRc.Ok);
  });

  it("shares one state file between anonymous clone instances, not unique ones", async () => {
    const run = join(s.dir, "node1");
    await on("node1").exec({ ...op("start"), resourceId: "cl:0" });
    assert.ok(existsSync(join(run, "Dummy-cl.state")));
    const unique = { meta: { "globally-unique": "true" } };
    await on("node1").exec({ ...op("start", unique), resourceId: "cl:1" });
    assert.ok(existsSync(join(run, "Dummy-cl:1.state")));
  });

  it("fails start on the fail_start_on node while running anyway", async () => {
    const params = { fail_start_on: "node1" };
    const r = await on("node1").exec(op("start", { resourceId: "fs", params }));
    assert.equal(r.rc, OcfRc.Error);
    assert.equal(r.exitReason, "start set to fail on node1");
    assert.equal(
      (await on("node1").exec(op("monitor", { resourceId: "fs", params }))).rc,
      OcfRc.Ok,
    );
    assert.equal((await on("node2").exec(op("start", { resourceId: "fs", params }))).rc, OcfRc.Ok);
  });

  it("validates its parameters and refuses unknown actions", async () => {
    const bad = await on("node1").exec(op("validate-all", { params: { op_sleep: "soon" } }));
    assert.equal(bad.rc, OcfRc.NotConfigured);
    const badStart = await on("node1").exec(
      op("start", { resourceId: "v", params: { op_sleep: "x" } }),
    );
    assert.equal(badStart.rc, OcfRc.NotConfigured);
    const noDir = { state: join(s.dir, "missing", "d.state") };
    assert.equal(
      (await on("node1").exec(op("validate-all", { params: noDir }))).rc,
      OcfRc.InvalidParam,
    );
    assert.equal((await on("node1").exec(op("promote"))).rc, OcfRc.Unimplemented);
  });

  it("fails every monitor at OCF_CHECK_LEVEL 30, as Pacemaker's Dummy does", async () => {
    await on("node1").exec(op("start", { resourceId: "lvl" }));
    const r = await on("node1").exec(op("monitor", { resourceId: "lvl", checkLevel: 30 }));
    assert.equal(r.rc, OcfRc.Error);
    assert.equal((await on("node1").exec(op("monitor", { resourceId: "lvl" }))).rc, OcfRc.Ok);
  });
});

describe("ocf:pacer:Stateful actions", () => {
  let s: Scratch;
  let ex: Executor;
  before(() => {
    s = scratch();
    ex = new Executor({ nodeName: "node1", toolsDir: null, baseEnv: { PATH: "/usr/bin:/bin" } });
  });
  after(() => s.cleanup());

  const op = (action: OpRequest["action"], extra: Partial<OpRequest> = {}): OpRequest => ({
    resourceId: "ms:0",
    agent: STATEFUL,
    action,
    params: { state: join(s.dir, "ms.state"), envfile: join(s.dir, "ms.env") },
    ...extra,
  });

  it("refuses to promote or demote a stopped instance", async () => {
    const p = await ex.exec(op("promote"));
    assert.equal(p.rc, OcfRc.Error);
    assert.match(p.exitReason, /not running/);
    assert.equal((await ex.exec(op("demote"))).rc, OcfRc.NotRunning);
  });

  it("hands notify metas to the agent", async () => {
    const meta = { notify_type: "pre", notify_operation: "promote", notify_promote_uname: "node2" };
    const r = await ex.exec(op("notify", { meta }));
    assert.equal(r.rc, OcfRc.Ok);
    assert.match(r.stderr, /notify: pre-promote/);
    const env = lastEnvBlock(readFileSync(join(s.dir, "ms.env"), "utf8"));
    assert.equal(env.get("OCF_RESKEY_CRM_meta_notify_promote_uname"), "node2");
  });

  it("reports a failed promoted instance through the injected rc", async () => {
    await ex.exec(op("start"));
    await ex.exec(op("promote"));
    const stateFile = join(s.dir, "ms.state");
    writeFileSync(`${stateFile}.rc`, "9");
    const r = await ex.exec(op("monitor", { intervalMs: 0 }));
    assert.equal(r.rc, OcfRc.FailedPromoted);
    assert.equal((await ex.exec(op("stop"))).rc, OcfRc.Ok);
    assert.equal(existsSync(`${stateFile}.rc`), false, "stop clears the injected failure");
  });
});
