import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { captureIo, scratchCib } from "./_test-io.js";
import { crmFailcount } from "./crm_failcount.js";

// S6a-failed of the live captures: httpd's 10 s monitor failed once on node1.
const capture = readFileSync(
  new URL("../../src/tools/testdata/live-outputs/S6a-failed/cibadmin_-Q.txt", import.meta.url),
  "utf8",
);
const cibText = `${capture.split("\n").slice(1, -2).join("\n")}\n`;
const s = scratchCib(cibText);
after(() => s.cleanup());

async function run(argv: string[]): Promise<{ out: string; err: string; code: number }> {
  const io = captureIo(s.env);
  const code = await crmFailcount(argv, io);
  return { out: io.out(), err: io.err(), code };
}

describe("crmFailcount", () => {
  it("sums the fail counts of every operation of the resource", async () => {
    const r = await run(["-r", "httpd", "-N", "node1", "-G"]);
    assert.deepEqual(r, { out: "scope=status  name=fail-count-httpd value=1\n", err: "", code: 0 });
  });

  it("prints the value alone with -q", async () => {
    assert.equal((await run(["-r", "httpd", "-N", "node1", "-G", "-q"])).out, "1\n");
  });

  it("names one operation with -n and -I (interval in ms)", async () => {
    const r = await run(["-r", "httpd", "-N", "node1", "-G", "-n", "monitor", "-I", "10s"]);
    assert.equal(r.out, "scope=status  name=fail-count-httpd#monitor_10000 value=1\n");
    const other = await run(["-r", "httpd", "-N", "node1", "-G", "-n", "start"]);
    assert.equal(other.out, "scope=status  name=fail-count-httpd#start_0 value=0\n");
  });

  it("reports 0 on a node without failures", async () => {
    const r = await run(["-r", "httpd", "-N", "node2", "-G"]);
    assert.equal(r.out, "scope=status  name=fail-count-httpd value=0\n");
  });

  it("prints an empty value for an unknown node and still exits 0, as Pacemaker does", async () => {
    const r = await run(["-r", "httpd", "-N", "nodeX", "-G"]);
    assert.equal(r.err, "crm_attribute: Could not map name=nodeX to a UUID\n");
    assert.equal(r.out, "scope=status  name=fail-count-httpd value=\n");
    assert.equal(r.code, 0);
  });

  it("refuses a missing command, resource or node with usage (exit 64)", async () => {
    for (const [argv, msg] of [
      [["-r", "httpd", "-N", "node1"], "must specify a command"],
      [["-N", "node1", "-G"], "resource name required"],
      [["-r", "httpd", "-G"], "node name required"],
    ] as const) {
      const r = await run([...argv]);
      assert.equal(r.code, 64);
      assert.ok(r.err.startsWith(`error: ${msg}\n\nUsage: crm_failcount`), r.err);
    }
  });
});
