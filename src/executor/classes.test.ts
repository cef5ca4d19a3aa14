import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Scratch, scratch } from "./_testing.js";
import { fenceStdin, systemdUnitName } from "./classes.js";
import { ExecStatus, OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import type { OpRequest } from "./types.js";

// An init script following LSB: status 3 when stopped, 0 when running.
const INIT_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          pacertest
# Short-Description: pacer test service
### END INIT INFO
F="$(dirname "$0")/../pacertest.running"
case "$1" in
  start) touch "$F" ;;
  stop) rm -f "$F" ;;
  status) [ -f "$F" ] || exit 3 ;;
  force-reload) [ -f "$F" ] || exit 7 ;;
  *) exit 3 ;;
esac
exit 0
`;

describe("Executor (LSB, systemd, stonith classes)", () => {
  let s: Scratch;
  let lsbDir: string;
  before(() => {
    s = scratch();
    lsbDir = join(s.dir, "init.d");
    mkdirSync(lsbDir);
    writeFileSync(join(lsbDir, "pacertest"), INIT_SCRIPT);
    chmodSync(join(lsbDir, "pacertest"), 0o755);
  });
  after(() => s.cleanup());

  it("runs an LSB init script and maps status codes", async () => {
    const ex = new Executor({ lsbDir });
    const op = (action: OpRequest["action"]): OpRequest => ({
      resourceId: "svc",
      agent: { class: "lsb", type: "pacertest" },
      action,
    });
    const rcs: number[] = [];
    for (const a of ["monitor", "start", "monitor", "reload", "stop", "monitor"] as const) {
      rcs.push((await ex.exec(op(a))).rc);
    }
    assert.deepEqual(rcs, [7, 0, 0, 0, 0, 7]);
    const promote = await ex.exec(op("promote"));
    assert.equal(promote.status, ExecStatus.NotSupported);
    const md = await ex.exec(op("meta-data"));
    assert.match(md.stdout, /<shortdesc lang="en">pacer test service<\/shortdesc>/);
  });

  it("resolves service: to an LSB script when one exists", async () => {
    const ex = new Executor({ lsbDir, systemdRunning: false });
    const r = await ex.exec({
      resourceId: "svc2",
      agent: { class: "service", type: "pacertest" },
      action: "monitor",
    });
    assert.equal(r.rc, OcfRc.NotRunning);
    assert.equal(r.status, ExecStatus.Done);
  });

  it("explains that systemd resources need systemd", async () => {
    const ex = new Executor({ systemdRunning: false });
    const r = await ex.exec({
      resourceId: "u",
      agent: { class: "systemd", type: "apache2" },
      action: "start",
    });
    assert.equal(r.rc, OcfRc.NotInstalled);
    assert.equal(r.status, ExecStatus.NotInstalled);
    assert.match(r.exitReason, /systemd is not running/);
    assert.equal(systemdUnitName("apache2"), "apache2.service");
    assert.equal(systemdUnitName("x.socket"), "x.socket");
  });

  it("writes fence agent input as key=value lines without pcmk_ parameters", () => {
    assert.equal(
      fenceStdin("monitor", { ip: "10.0.0.1", pcmk_host_list: "n1", "bad\nkey": "x" }),
      "action=monitor\nip=10.0.0.1\n",
    );
  });

  it("starts, monitors and stops a stonith device through its fence agent", {
    skip: !existsSync("/usr/sbin/fence_dummy"),
  }, async () => {
    const ex = new Executor();
    const op = (action: OpRequest["action"]): OpRequest => ({
      resourceId: "fence1",
      agent: { class: "stonith", type: "fence_dummy" },
      action,
      params: { type: "file", pcmk_host_list: "node1" },
    });
    const rcs: number[] = [];
    for (const a of ["monitor", "start", "monitor", "stop", "monitor"] as const) {
      rcs.push((await ex.exec(op(a))).rc);
    }
    assert.deepEqual(rcs, [7, 0, 0, 0, 7]);
    const md = await ex.exec(op("meta-data"));
    assert.match(md.stdout, /<resource-agent name="fence_dummy"/);
    const missing = await ex.exec({
      ...op("start"),
      agent: { class: "stonith", type: "fence_nope" },
    });
    assert.equal(missing.status, ExecStatus.NotInstalled);
  });
});
