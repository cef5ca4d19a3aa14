import assert from "node:assert/strict";
import { chmodSync, lstatSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pacerAgents } from "../tools/pacer-agents.js";
import type { ToolIo } from "../tools/tool-io.js";
import { type Scratch, scratch } from "./_testing.js";
import { OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import { installAgents } from "./install.js";

function io(env: Record<string, string> = {}): ToolIo & { out: string[]; err: string[] } {
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

describe("installAgents", () => {
  let s: Scratch;
  before(() => {
    s = scratch();
  });
  after(() => s.cleanup());

  for (const mode of ["symlink", "copy"] as const) {
    it(`installs runnable agents into an OCF root (${mode})`, async () => {
      const root = join(s.dir, mode);
      const r = installAgents({ root, mode });
      assert.ok(r.ok);
      assert.ok(r.value.includes(join(root, "resource.d", "pacer", "Dummy")));
      assert.ok(r.value.includes(join(root, "lib", "pacer", "ocf-pacer.sh")));
      assert.equal(
        lstatSync(join(root, "resource.d", "pacer", "Stateful")).isSymbolicLink(),
        mode === "symlink",
      );
      // Installing again replaces what is there.
      assert.ok(installAgents({ root, mode }).ok);
      // Found through OCF_ROOT alone, the repository copy out of the way.
      const ex = new Executor({ ocfRoot: root, pacerAgentsRoot: join(s.dir, "none") });
      const op = {
        resourceId: `i-${mode}`,
        agent: { class: "ocf" as const, provider: "pacer", type: "Dummy" },
        params: { state: join(s.dir, `${mode}.state`) },
      };
      assert.equal((await ex.exec({ ...op, action: "start" })).rc, OcfRc.Ok);
      assert.equal((await ex.exec({ ...op, action: "monitor" })).rc, OcfRc.Ok);
      assert.equal((await ex.exec({ ...op, action: "stop" })).rc, OcfRc.Ok);
    });
  }
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

  it("rejects an unknown subcommand with a usage exit code", async () => {
    const t = io();
    assert.equal(await pacerAgents(["frobnicate"], t), 64);
    assert.match(t.err.join(""), /unknown subcommand 'frobnicate'/);
  });
});
