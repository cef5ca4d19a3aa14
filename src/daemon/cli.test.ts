import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const PACER = resolve(fileURLToPath(import.meta.url), "..", "..", "..", "bin", "pacer");
const dir = mkdtempSync(join(tmpdir(), "pacer-node-cli-"));

function pacerNode(...args: string[]): { code: number | null; err: string } {
  const r = spawnSync(process.execPath, [PACER, "node", ...args], {
    encoding: "utf8",
    timeout: 20000,
  });
  return { code: r.status, err: r.stderr };
}

describe("pacer node (user errors)", () => {
  it("names a missing corosync.conf in one line, exit 66", () => {
    const r = pacerNode("--config", join(dir, "none.conf"), "--state-dir", dir);
    assert.equal(r.code, 66);
    assert.equal(r.err.trim().split("\n").length, 1);
    assert.match(r.err, /cannot read .*none\.conf: ENOENT; pass --config PATH/);
  });

  it("refuses a node name that is not in the nodelist, exit 78", () => {
    const conf = join(dir, "c.conf");
    writeFileSync(
      conf,
      "totem {\n version: 2\n cluster_name: t\n transport: udpu\n}\n" +
        "nodelist {\n node {\n  name: node1\n  nodeid: 1\n  ring0_addr: 127.0.0.1\n }\n}\n",
    );
    const r = pacerNode("--config", conf, "--state-dir", dir, "--name", "nodeX");
    assert.equal(r.code, 78);
    assert.match(r.err, /node 'nodeX' is not in .*c\.conf's nodelist/);
  });

  it("says which authkey is missing, exit 66", () => {
    const conf = join(dir, "c.conf");
    const r = pacerNode(
      "--config",
      conf,
      "--state-dir",
      dir,
      "--name",
      "node1",
      "--authkey",
      join(dir, "nokey"),
    );
    assert.equal(r.code, 66);
    assert.match(r.err, /nokey/);
    assert.equal(r.err.trim().split("\n").length, 1);
  });
});
