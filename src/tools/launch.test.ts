import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { freshBundle } from "./launch.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("launch", () => {
  it("freshBundle is off with PACER_NO_BUNDLE=1 or PACER_DEBUG=1", () => {
    assert.equal(freshBundle("crm_mon", { PACER_NO_BUNDLE: "1" }), undefined);
    assert.equal(freshBundle("crm_mon", { PACER_DEBUG: "1" }), undefined);
  });

  it("freshBundle finds no bundle for a tool that has none", () => {
    assert.equal(freshBundle("no-such-tool", {}), undefined);
  });

  it("every bin/ executable launches a tool module that exports it", async () => {
    for (const file of readdirSync(join(REPO, "bin"))) {
      const m = /await launch\("([\w-]+)", "(\w+)"\);/.exec(
        readFileSync(join(REPO, "bin", file), "utf8"),
      );
      assert.ok(m, `bin/${file} starts through launch()`);
      assert.equal(m[1], file, `bin/${file} launches its own tool`);
      const mod = (await import(`./${file}.js`)) as Record<string, unknown>;
      assert.equal(typeof mod[m[2] ?? ""], "function", `dist/tools/${file}.js exports ${m[2]}`);
    }
  });

  it("a tool prints the same through its bundle and through the modules", (t) => {
    if (!existsSync(join(REPO, "dist", "bundle", "crm_mon.js"))) {
      t.skip("no bundle: run `npm run build`");
      return;
    }
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(REPO, "bin", "crm_mon"), "--help"], {
        encoding: "utf8",
        env: { ...process.env, ...env },
      });
    const viaModules = run({ PACER_NO_BUNDLE: "1" });
    const viaBundle = run({});
    assert.equal(viaModules.status, 0);
    assert.equal(viaBundle.status, viaModules.status);
    assert.equal(viaBundle.stdout, viaModules.stdout);
  });
});
