import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";

// Debian's IPaddr2, unmodified, adding and removing a real address: root only, inside a
// network namespace this test creates (a veth pair), so the host's network is untouched.
const NS = `pacer-exec-${process.pid}`;
const canRun =
  process.getuid?.() === 0 &&
  existsSync("/usr/lib/ocf/resource.d/heartbeat/IPaddr2") &&
  spawnSync("ip", ["netns", "list"]).status === 0;

function ip(...args: string[]): void {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  assert.equal(r.status, 0, `ip ${args.join(" ")}: ${r.stderr}`);
}

// Runs in the namespace: one executor, the IPaddr2 lifecycle, one JSON line per result.
const SCRIPT = `
import { Executor } from ${JSON.stringify(new URL("./executor.js", import.meta.url).href)};
const ex = new Executor({ nodeName: "node1" });
const agent = { class: "ocf", provider: "heartbeat", type: "IPaddr2" };
const params = { ip: "192.168.77.100", cidr_netmask: "24", nic: "v0" };
for (const action of ["monitor", "start", "monitor", "stop", "monitor"]) {
  const r = await ex.exec({ resourceId: "vip", agent, action, params, timeoutMs: 20000 });
  console.log(JSON.stringify({ action, rc: r.rc, status: r.status, reason: r.exitReason }));
}
`;

describe("ocf:heartbeat:IPaddr2 in a network namespace", { skip: !canRun }, () => {
  before(() => {
    ip("netns", "add", NS);
    ip("-n", NS, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
    ip("-n", NS, "link", "set", "v0", "up");
    ip("-n", NS, "link", "set", "v1", "up");
    ip("-n", NS, "addr", "add", "192.168.77.1/24", "dev", "v0");
  });
  after(() => {
    spawnSync("ip", ["netns", "del", NS]);
  });

  it("adds, monitors and removes the address", () => {
    const run = spawnSync(
      "ip",
      ["netns", "exec", NS, process.execPath, "--input-type=module", "-e", SCRIPT],
      { encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const results = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { rc: number });
    assert.deepEqual(
      results.map((r) => r.rc),
      [7, 0, 0, 0, 7],
      run.stdout,
    );
    const shown = spawnSync("ip", ["-n", NS, "addr", "show", "v0"], { encoding: "utf8" });
    assert.doesNotMatch(shown.stdout, /192\.168\.77\.100/, "the address is gone after stop");
  });
});
