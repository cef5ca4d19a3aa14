import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
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

  it("freshBundle uses a bundle only while none of its inputs is newer", () => {
    const root = `${mkdtempSync(join(tmpdir(), "pacer-launch-"))}/`;
    try {
      mkdirSync(`${root}dist/bundle`, { recursive: true });
      writeFileSync(`${root}dist/a.js`, "");
      writeFileSync(`${root}dist/bundle/t.js`, "");
      writeFileSync(`${root}dist/bundle/t.inputs.json`, '["dist/a.js"]');
      const old = new Date(Date.now() - 60_000);
      utimesSync(`${root}dist/a.js`, old, old);
      assert.ok(freshBundle("t", {}, root)?.href.endsWith("/dist/bundle/t.js"));
      const later = new Date(Date.now() + 60_000);
      utimesSync(`${root}dist/a.js`, later, later);
      assert.equal(freshBundle("t", {}, root), undefined, "an input changed after bundling");
      writeFileSync(`${root}dist/bundle/t.inputs.json`, '["dist/gone.js"]');
      assert.equal(freshBundle("t", {}, root), undefined, "an input is gone");
      writeFileSync(`${root}dist/bundle/t.inputs.json`, "{not json");
      assert.equal(freshBundle("t", {}, root), undefined, "an unreadable manifest");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("every bin/ executable that starts through launch() names a tool module that exports it", async () => {
    let launched = 0;
    for (const file of readdirSync(join(REPO, "bin"))) {
      const m = /await launch\("([\w-]+)", "(\w+)"\);/.exec(
        readFileSync(join(REPO, "bin", file), "utf8"),
      );
      // A bin/ file in the older form (runTool imported directly) still works, unbundled.
      if (!m) continue;
      launched += 1;
      assert.equal(m[1], file, `bin/${file} launches its own tool`);
      const mod = (await import(`./${file}.js`)) as Record<string, unknown>;
      assert.equal(typeof mod[m[2] ?? ""], "function", `dist/tools/${file}.js exports ${m[2]}`);
    }
    assert.ok(launched >= 16, `${launched} bin/ files start through launch()`);
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
