import assert from "node:assert/strict";
import { lstatSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Scratch, scratch } from "./_testing.js";
import { OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import { installAgents } from "./install.js";

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
