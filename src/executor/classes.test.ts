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

// A stand-in for systemctl: units listed in $UNITS_DIR/<unit> are active.
const FAKE_SYSTEMCTL = `#!/bin/sh
verb=$1; unit=$2
case "$verb" in
  start) [ "$unit" = broken.service ] && { echo "Job for $unit failed." >&2; exit 1; }
         [ "$unit" = missing.service ] && { echo "Unit $unit not found." >&2; exit 5; }
         touch "$UNITS_DIR/$unit" ;;
  stop) [ "$unit" = missing.service ] && exit 5; rm -f "$UNITS_DIR/$unit" ;;
  is-active) if [ -f "$UNITS_DIR/$unit" ]; then echo active; else echo inactive; exit 3; fi ;;
  *) exit 1 ;;
esac
`;

describe("Executor (systemd class through systemctl)", () => {
  let s: Scratch;
  let ex: Executor;
  before(() => {
    s = scratch();
    const bin = join(s.dir, "systemctl");
    writeFileSync(bin, FAKE_SYSTEMCTL);
    chmodSync(bin, 0o755);
    mkdirSync(join(s.dir, "units"));
    ex = new Executor({
      systemdRunning: true,
      systemctl: bin,
      baseEnv: { PATH: process.env.PATH, UNITS_DIR: join(s.dir, "units") },
    });
  });
  after(() => s.cleanup());

  const op = (type: string, action: OpRequest["action"]): OpRequest => ({
    resourceId: type,
    agent: { class: "systemd", type },
    action,
  });

  it("maps start, is-active and stop onto OCF results", async () => {
    const rcs: number[] = [];
    for (const a of ["monitor", "start", "monitor", "stop", "monitor"] as const) {
      rcs.push((await ex.exec(op("demo", a))).rc);
    }
    assert.deepEqual(rcs, [7, 0, 0, 0, 7]);
    assert.equal((await ex.exec(op("demo", "promote"))).status, ExecStatus.NotSupported);
  });

  it("reports a failed start with systemctl's message, a missing unit as not installed", async () => {
    const broken = await ex.exec(op("broken", "start"));
    assert.equal(broken.rc, OcfRc.Error);
    assert.equal(broken.exitReason, "Job for broken.service failed.");
    const missing = await ex.exec(op("missing", "start"));
    assert.equal(missing.rc, OcfRc.NotInstalled);
    assert.equal((await ex.exec(op("missing", "stop"))).rc, OcfRc.Ok);
  });
});
