import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { captureIo } from "./_test-io.js";
import { crmVerify } from "./crm_verify.js";
import type { ToolIo } from "./tool-io.js";

const DATA = join(dirname(fileURLToPath(import.meta.url)), "../../src/cib/testdata/verify");
const sample = (name: string): string => join(DATA, `${name}.xml`);

async function run(argv: string[], env: Record<string, string> = {}, stdin = "") {
  const base = captureIo({ PACER_API_SOCKET: "/nonexistent/api.sock", ...env });
  const io: ToolIo & { out(): string; err(): string } = { ...base, readStdin: async () => stdin };
  const code = await crmVerify(argv, io);
  return { code, out: base.out(), err: base.err() };
}

describe("crm_verify", () => {
  it("-L -V on an empty configuration prints the three no-STONITH errors and exits 78", async () => {
    const r = await run(["-L", "-V"], { CIB_file: sample("empty") });
    assert.equal(r.code, 78);
    assert.equal(
      r.err,
      "(unpack_resources) \terror: Resource start-up disabled since no STONITH resources have been defined\n" +
        "(unpack_resources) \terror: Either configure some or disable STONITH with the stonith-enabled option\n" +
        "(unpack_resources) \terror: NOTE: Clusters with shared data need STONITH to ensure data integrity\n" +
        "crm_verify: Errors found during check: config not valid\n",
    );
    assert.equal(r.out, "");
  });
  it("shows the Blind faith warning only from -VV, and exits 0", async () => {
    assert.deepEqual(await run(["-x", sample("se_false"), "-V"]), { code: 0, out: "", err: "" });
    const r = await run(["-x", sample("se_false"), "-VV"]);
    assert.deepEqual(r, {
      code: 0,
      out: "",
      err: "(unpack_config) \twarning: Blind faith: not fencing unseen nodes\n",
    });
  });
  it("-p reads stdin and prints schema lines as crmsh expects them", async () => {
    const r = await run(["-VV", "-p"], {}, readFileSync(sample("loc_nonode"), "utf8"));
    assert.equal(r.code, 78);
    assert.match(
      r.err,
      /^Entity: line 12: element rsc_location: Relax-NG validity error : Expecting an element rule, got nothing\n/,
    );
  });
  it("-q prints nothing and keeps the exit code", async () => {
    assert.deepEqual(await run(["-x", sample("empty"), "-q", "-V"]), {
      code: 78,
      out: "",
      err: "",
    });
  });
  it("reports a missing source, an unreadable file, a non-CIB and bad XML in one line", async () => {
    assert.deepEqual(await run([]), {
      code: 1,
      out: "",
      err: "crm_verify: No configuration source specified.  Use --help for usage information.\n",
    });
    assert.equal(
      (await run(["-x", "/nonexistent.xml"])).err,
      "crm_verify: Couldn't parse input file: /nonexistent.xml\n",
    );
    assert.equal((await run(["-X", "<foo/>"])).code, 76);
    const bad = await run(["-X", "<cib><configuration></cib>"]);
    assert.equal(bad.code, 78);
    assert.match(bad.err, /^crm_verify: input string:1:\d+: XML syntax error: .+\n$/);
  });
  it("-L without a cluster says the CIB query failed (66)", async () => {
    assert.deepEqual(await run(["-L"]), {
      code: 66,
      out: "",
      err: "crm_verify: CIB query failed: Input file not available\n",
    });
  });
  it("-S saves the checked XML", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "pacer-verify-")), "saved.xml");
    assert.equal((await run(["-x", sample("se_false"), "-S", out])).code, 0);
    assert.match(readFileSync(out, "utf8"), /^<cib /);
  });
});

const hasCrmVerify = spawnSync("crm_verify", ["--version"]).status === 0;
const CASES: [string, string[]][] = [
  ["empty", ["-V"]],
  ["empty", []],
  ["se_false", ["-VV"]],
  ["colo_missing", ["-V"]],
  ["loc_nonode", ["-VV"]],
  ["combo", ["-V"]],
  ["se_maybe", ["-VV"]],
  ["loc_to_cons", ["-VV"]],
  ["stonith_res", ["-VV"]],
  ["empty", ["--output-as=xml"]],
  ["colo_missing", ["--output-as=xml", "-V"]],
];

describe("crm_verify against the installed Pacemaker crm_verify", {
  skip: !hasCrmVerify && "crm_verify not installed",
}, () => {
  for (const [name, flags] of CASES) {
    for (const mode of ["-x", "-L", "-p"]) {
      it(`${mode} ${name} ${flags.join(" ")}`, async () => {
        const dir = mkdtempSync(join(tmpdir(), "pacer-verify-"));
        const file = join(dir, `${name}.xml`);
        const text = readFileSync(sample(name), "utf8");
        writeFileSync(file, text);
        const argv = mode === "-x" ? ["-x", file, ...flags] : [mode, ...flags];
        const env = { CIB_file: file };
        const real = spawnSync("crm_verify", argv, {
          env: { ...process.env, ...env },
          input: text,
          encoding: "utf8",
        });
        const ours = await run(argv, env, text);
        assert.deepEqual(ours, { code: real.status, out: real.stdout, err: real.stderr });
      });
    }
  }
});
