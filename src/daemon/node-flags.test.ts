import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { daemonNodeFlags, missingDaemonFlags } from "./node-flags.js";

/** The repository root seen from dist/daemon/. */
const repo = new URL("../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, repo), "utf8");

describe("pacer node's node flags", () => {
  it("says which flags a process lacks", () => {
    assert.deepEqual(missingDaemonFlags([...daemonNodeFlags]), []);
    assert.deepEqual(missingDaemonFlags([]), [...daemonNodeFlags]);
    assert.deepEqual(
      missingDaemonFlags([daemonNodeFlags[0] ?? "", "--inspect"]),
      daemonNodeFlags.slice(1),
    );
  });

  it("are the flags the systemd unit starts the daemon with", () => {
    const exec = read("packaging/pacer.service")
      .split("\n")
      .find((l) => l.startsWith("ExecStart="));
    assert.ok(exec !== undefined, "pacer.service has an ExecStart line");
    const words = exec.slice("ExecStart=".length).split(/\s+/);
    const pacerAt = words.indexOf("/usr/bin/pacer");
    assert.equal(words[pacerAt + 1], "node", "ExecStart runs `pacer node`");
    assert.deepEqual(missingDaemonFlags(words.slice(0, pacerAt)), []);
  });

  it("are the flags the failover lab's plugin starts the daemon with", () => {
    const m = /^DAEMON_FLAGS="([^"]*)"$/m.exec(read("bench/failover/pacer-plugin.sh"));
    assert.ok(m !== null, "pacer-plugin.sh sets DAEMON_FLAGS");
    assert.deepEqual((m[1] ?? "").split(" "), [...daemonNodeFlags]);
  });

  it("are flags this node accepts, without a warning (a typo would stop the daemon)", () => {
    const r = spawnSync(process.execPath, [...daemonNodeFlags, "-e", "0"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
  });
});
