import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { formatVerifyReport, verifyCib, verifyPipedCib } from "./verify.js";
import { parseXml, printXml, type XmlElement } from "./xml.js";

// Recorded outputs print operation times in the recording machine's zone (UTC).
process.env.TZ = "UTC";

// Tests run from dist/cib; the CIBs and recorded outputs live in src/cib/testdata/verify.
const DATA = join(dirname(fileURLToPath(import.meta.url)), "../../src/cib/testdata/verify");

/** Structural errors where pacer prints a clearer line than libxml2's cascade. */
const CLEAR_TEXT = new Set([
  "no_type",
  "no_class",
  "no_id",
  "prim_noprov",
  "nv_noname",
  "op_nointerval",
  "group_empty",
  "clone_missing",
]);

function load(name: string): { cib: XmlElement; lines: WeakMap<XmlElement, number>; text: string } {
  const text = readFileSync(join(DATA, `${name}.xml`), "utf8");
  const lines = new WeakMap<XmlElement, number>();
  const r = parseXml(text, name, { lines });
  assert.ok(r.ok);
  if (!r.ok) throw new Error("unreachable");
  return { cib: r.value, lines, text };
}

/**
 * libxml2 reports dangling IDREFs from a hash table: their order changes from run to run, so
 * runs of IDREF lines are compared sorted.
 */
function normalize(out: string): string {
  const lines = out.split("\n");
  const result: string[] = [];
  let run: string[] = [];
  for (const l of [...lines, ""]) {
    if (l.includes("validity error : IDREF")) {
      run.push(l);
      continue;
    }
    result.push(...run.sort());
    run = [];
    result.push(l);
  }
  return result.slice(0, -1).join("\n");
}

/** What `crm_verify -VV -p < FILE` prints, then `rc=N`, as pacer computes it. */
function pacerPipeVV(name: string): string {
  const { cib, lines } = load(name);
  const report = verifyCib(cib, { lines });
  const out = formatVerifyReport(report, { verbosity: 2, source: { kind: "pipe" } });
  return [...out, `rc=${report.errorCount > 0 ? 78 : 0}`].join("\n");
}

const names = readdirSync(DATA)
  .filter((f) => f.endsWith(".xml"))
  .map((f) => f.slice(0, -4))
  .sort();

describe("verifyCib against crm_verify -VV -p (recorded from Pacemaker 2.1.5)", () => {
  for (const name of names) {
    const expected = readFileSync(join(DATA, "expected", `${name}.pipe-vv.txt`), "utf8").trimEnd();
    if (CLEAR_TEXT.has(name)) {
      it(`${name}: fails the schema stage with a line naming the element`, () => {
        const got = pacerPipeVV(name);
        assert.match(got, /^Entity: line \d+: element \w+: Relax-NG validity error : /);
        assert.match(got, /\(main\) \terror: CIB did not pass schema validation/);
        assert.equal(got.split("\n").at(-1), expected.split("\n").at(-1));
      });
    } else {
      it(`${name}: prints the same lines and exit code`, () => {
        assert.equal(normalize(pacerPipeVV(name)), normalize(expected));
      });
    }
  }
});

describe("verifyCib messages", () => {
  it("returns structured messages the crm shell relays", () => {
    const { cib } = load("se_false");
    assert.deepEqual(verifyCib(cib).messages, [
      { level: "warning", func: "unpack_config", text: "Blind faith: not fencing unseen nodes" },
    ]);
  });
  it("hides errors below -V and warnings below -VV, and says -V may help", () => {
    const { cib } = load("empty");
    assert.deepEqual(
      formatVerifyReport(verifyCib(cib), { verbosity: 0, source: { kind: "pipe" } }),
      ["crm_verify: Errors found during check: config not valid", "-V may provide more details"],
    );
  });
  it("prefixes schema lines with file:line for -x", () => {
    const { cib, lines } = load("loc_missing");
    const out = formatVerifyReport(verifyCib(cib, { lines }), {
      verbosity: 1,
      source: { kind: "file", path: "loc_missing.xml" },
    });
    assert.equal(
      out[0],
      'loc_missing.xml:9: element rsc_location: validity error : IDREF attribute rsc references an unknown ID "nosuch"',
    );
  });
});

const hasCrmVerify = spawnSync("crm_verify", ["--version"]).status === 0;

describe("verifyCib against the installed crm_verify", {
  skip: !hasCrmVerify && "crm_verify not installed",
}, () => {
  it("agrees on every sample with -VV -p (exact text outside CLEAR_TEXT)", () => {
    for (const name of names) {
      const { text } = load(name);
      const real = spawnSync("crm_verify", ["-VV", "-p"], { input: text, encoding: "utf8" });
      const realOut = `${real.stderr}rc=${real.status}`.trimEnd();
      const ours = pacerPipeVV(name);
      if (CLEAR_TEXT.has(name)) assert.equal(ours.split("\n").at(-1), `rc=${real.status}`, name);
      else assert.equal(normalize(ours), normalize(realOut), name);
    }
  });
});

describe("verifyPipedCib", () => {
  it("numbers lines as crm_verify does for the CIB crmsh pipes (declaration first)", () => {
    const { cib } = load("bad_score");
    const out = formatVerifyReport(verifyPipedCib(cib), { verbosity: 2, source: { kind: "pipe" } });
    const printed = printXml(cib, { declaration: true }).split("\n");
    const line = printed.findIndex((l) => l.includes("<rsc_location")) + 1;
    assert.equal(
      out[0],
      `Entity: line ${line}: element rsc_location: Relax-NG validity error : Expecting an element rule, got nothing`,
    );
  });
});
