import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { crmMon } from "./crm_mon.js";
import type { ToolIo } from "./tool-io.js";

// The recorded outputs are in UTC; crm_mon prints local time as Pacemaker does.
process.env.TZ = "UTC";
const testdata = new URL("../../src/tools/testdata/crm_mon/", import.meta.url);
const STATES = [
  "S1",
  "S2",
  "S2b",
  "S3",
  "S4",
  "S5",
  "S5-node1-view",
  "S5b-healed",
  "S6a-failed",
  "S6b-after-cleanup",
];
const COMMANDS: [string, string[]][] = [
  ["crm_mon_-1", ["-1"]],
  ["crm_mon_-1_-n", ["-1", "-n"]],
  ["crm_mon_-1_-r_-f", ["-1", "-r", "-f"]],
  ["crm_mon_--output-as=xml", ["--output-as=xml"]],
];
const dir = mkdtempSync(join(tmpdir(), "crm-mon-test-"));

function recorded(state: string, cmd: string): { body: string; exit: number } {
  const lines = readFileSync(new URL(`${state}--${cmd}.txt`, testdata), "utf8").split("\n");
  lines.pop();
  const exit = Number(/\[exit (\d+)\]/.exec(lines.pop() ?? "")?.[1]);
  return { body: lines.slice(1).join("\n"), exit };
}

/** Drops what varies between runs (README of live-outputs) and the live-only first line. */
function mask(text: string): string {
  return text
    .split("\n")
    .filter((l) => !/Last updated:|<last_update |Status of pacemakerd|<pacemakerd /.test(l))
    .join("\n")
    .trimEnd();
}

async function run(argv: string[], cibFile: string): Promise<{ out: string; code: number }> {
  const out: string[] = [];
  const io: ToolIo = {
    env: { CIB_file: cibFile, TZ: "UTC" },
    cwd: "/",
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stdout: (t) => out.push(t),
    stderr: () => {},
    readStdin: async () => "",
  };
  const code = await crmMon(argv, io);
  return { out: out.join(""), code };
}

describe("crm_mon", () => {
  for (const state of STATES) {
    const cib = join(dir, `${state}.xml`);
    writeFileSync(cib, recorded(state, "cibadmin_-Q").body);
    for (const [cmd, argv] of COMMANDS) {
      it(`prints what Pacemaker printed for ${cmd.replace(/_/g, " ")} in ${state}`, async () => {
        const want = recorded(state, cmd);
        const got = await run(argv, cib);
        assert.equal(got.code, want.exit);
        assert.equal(mask(got.out), mask(want.body));
      });
    }
  }

  it("pads a one-digit day with a space and omits unrecorded 'by/via/on' parts, as Pacemaker", async () => {
    // A CIB without update-user/-client/-origin and a failure on the 3rd of a month.
    const fixtures = new URL("../../src/tools/testdata/crm_mon-file/", import.meta.url);
    const name = "failed-start-single-digit-day";
    const want = readFileSync(new URL(`${name}.crm_mon-1.txt`, fixtures), "utf8");
    const got = await run(["-1"], new URL(`${name}.xml`, fixtures).pathname);
    assert.equal(got.code, 0);
    assert.equal(mask(got.out), mask(want.slice(want.indexOf("\n") + 1)));
  });

  it("prints the same document as JSON with --output-as=json", async () => {
    const cib = join(dir, "S6a-failed.xml");
    const got = await run(["--output-as=json"], cib);
    assert.equal(got.code, 0);
    const doc = JSON.parse(got.out) as Record<string, unknown>;
    const summary = (doc.summary as Record<string, unknown>[])[0] as Record<string, unknown>;
    const dc = (summary.current_dc as Record<string, string>[])[0];
    assert.equal(dc?.name, "node1");
    const failures = (doc.failures as Record<string, unknown>[])[0] as Record<string, unknown>;
    const failure = (failures.failure as Record<string, string>[])[0];
    assert.equal(failure?.op_key, "httpd_monitor_10000");
    assert.equal(failure?.exitreason, "Failed to access httpd status page.");
  });

  it("reports a cluster it cannot reach as Pacemaker does (exit 102)", async () => {
    const out: string[] = [];
    const errs: string[] = [];
    const io: ToolIo = {
      env: { PACER_API_SOCKET: join(dir, "none.sock") },
      cwd: "/",
      stdinIsTTY: false,
      stdoutIsTTY: false,
      stdout: (t) => out.push(t),
      stderr: (t) => errs.push(t),
      readStdin: async () => "",
    };
    assert.equal(await crmMon(["-1"], io), 102);
    assert.equal(
      errs.join(""),
      "error: Could not connect to launcher: Connection refused\n" +
        "crm_mon: Connection to cluster failed: Connection refused\n",
    );
  });
});
