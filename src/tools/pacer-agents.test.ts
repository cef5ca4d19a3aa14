import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Scratch, scratch } from "../executor/_testing.js";
import { parseAgentSpec } from "../executor/agent-spec.js";
import { pacerAgents } from "./pacer-agents.js";
import type { ToolIo } from "./tool-io.js";

function io(
  env: Record<string, string | undefined> = {},
): ToolIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env,
    cwd: "/",
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => "",
    stdinIsTTY: false,
    stdoutIsTTY: false,
  };
}

describe("parseAgentSpec", () => {
  it("reads crm's agent names", () => {
    assert.deepEqual(parseAgentSpec("ocf:heartbeat:IPaddr2"), {
      class: "ocf",
      provider: "heartbeat",
      type: "IPaddr2",
    });
    assert.deepEqual(parseAgentSpec("lsb:apache2"), { class: "lsb", type: "apache2" });
    assert.deepEqual(parseAgentSpec("stonith:fence_xvm"), { class: "stonith", type: "fence_xvm" });
    assert.equal(parseAgentSpec("ocf:Dummy"), undefined);
    assert.equal(parseAgentSpec("upstart:x"), undefined);
    assert.equal(parseAgentSpec("lsb:"), undefined);
  });
});

describe("pacer agents", () => {
  let s: Scratch;
  before(() => {
    s = scratch();
  });
  after(() => s.cleanup());

  it("install --root prints the installed paths; list shows them", async () => {
    const root = join(s.dir, "ocf2");
    const t = io();
    assert.equal(await pacerAgents(["install", "--root", root], t), 0);
    assert.ok(t.out.join("").includes(join(root, "resource.d", "pacer", "WebServer")));
    const l = io({ OCF_ROOT: root });
    assert.equal(await pacerAgents(["list"], l), 0);
    assert.match(l.out.join(""), /^ocf:pacer:Dummy$/m);
  });

  it("reports an unwritable root in one line", { skip: process.getuid?.() === 0 }, async () => {
    const root = join(s.dir, "ro");
    mkdirSync(root);
    chmodSync(root, 0o500);
    const t = io();
    assert.equal(await pacerAgents(["install", "--root", root], t), 4);
    assert.match(
      t.err.join(""),
      /^pacer agents: cannot install .*: permission denied; run as root or pass --root DIR\n$/,
    );
  });

  it("reports a root that cannot be created in one line", async () => {
    const file = join(s.dir, "plain-file");
    writeFileSync(file, "");
    const t = io();
    assert.equal(await pacerAgents(["install", "--root", join(file, "ocf")], t), 73);
    assert.match(
      t.err.join(""),
      /^pacer agents: cannot install .*plain-file\/ocf\/resource.d\/pacer: .*\n$/,
    );
  });

  it("run executes one action and exits with the agent's OCF code", async () => {
    const state = join(s.dir, "run.state");
    const t = io({ PATH: process.env.PATH });
    assert.equal(await pacerAgents(["run", "ocf:pacer:Dummy", "monitor", `state=${state}`], t), 7);
    assert.equal(
      t.out.join(""),
      "Operation monitor for Dummy (ocf:pacer:Dummy) returned 7 (not running)\n",
    );
    const start = io({ PATH: process.env.PATH });
    const args = ["run", "ocf:pacer:Dummy", "start", `state=${state}`, "--resource", "d9"];
    assert.equal(await pacerAgents(args, start), 0);
    assert.match(
      start.out.join(""),
      /^Operation start for d9 \(ocf:pacer:Dummy\) returned 0 \(ok\)$/m,
    );
    const md = io({ PATH: process.env.PATH });
    assert.equal(await pacerAgents(["run", "ocf:pacer:LoopbackIP", "meta-data"], md), 0);
    assert.match(md.out.join(""), /^<\?xml version="1.0"\?>\n<resource-agent name="LoopbackIP"/);
  });

  it("run reports a timeout with exit code 124", async () => {
    const t = io({ PATH: process.env.PATH });
    const args = [
      "run",
      "ocf:pacer:Dummy",
      "start",
      "op_sleep=5",
      `state=${join(s.dir, "t.state")}`,
      "--timeout",
      "200",
    ];
    assert.equal(await pacerAgents(args, t), 124);
    assert.match(
      t.out.join(""),
      /returned 1 \(error: Process did not exit within specified timeout\) \[Timed Out\]/,
    );
  });

  it("run rejects what is not an agent name", async () => {
    await assert.rejects(
      pacerAgents(["run", "Dummy", "start"], io()),
      /'Dummy' is not an agent name/,
    );
    await assert.rejects(
      pacerAgents(["run", "ocf:pacer:Dummy", "start", "novalue"], io()),
      /'novalue' is not NAME=VALUE/,
    );
  });

  it("rejects an unknown subcommand with a usage exit code", async () => {
    const t = io();
    assert.equal(await pacerAgents(["frobnicate"], t), 64);
    assert.match(t.err.join(""), /unknown subcommand 'frobnicate'/);
  });
});
