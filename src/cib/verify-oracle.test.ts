// verifyCib against the installed crm_verify (Pacemaker 2.1.5) on configurations made by
// others: every final configuration of the crmsh cases (what users build with `crm`), and,
// with CIB_SCHED_ORACLE=1, Pacemaker's scheduler regression inputs (slow: 258 CIBs), where
// a floor of identical outputs guards against regressions. Skipped without crm_verify or
// without ../shared (a fresh clone outside the workspace).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { sharedDir } from "../testing/shared-dir.js";
import { formatVerifyReport, verifyCib } from "./verify.js";
import { parseXml, type XmlElement } from "./xml.js";

process.env.TZ = "UTC";
const SHARED = sharedDir();
const CASES = join(SHARED, "crmsh/cases");
const SCHED = join(SHARED, "pcmk-scheduler/cases");
const hasCrmVerify = spawnSync("crm_verify", ["--version"]).status === 0;

function ours(file: string): string {
  const text = readFileSync(file, "utf8");
  const lines = new WeakMap<XmlElement, number>();
  const r = parseXml(text, file, { lines });
  if (!r.ok) return "unparsable";
  const report = verifyCib(r.value, { lines });
  const out = formatVerifyReport(report, { verbosity: 2, source: { kind: "file", path: file } });
  return [...out.map((l) => `${l}\n`), `rc=${report.errorCount > 0 ? 78 : 0}`].join("");
}

function real(file: string): string {
  const r = spawnSync("crm_verify", ["-VV", "-x", file], { encoding: "utf8" });
  return `${r.stderr}rc=${r.status}`;
}

/** IDREF errors come from a libxml2 hash table in varying order: compare them sorted. */
const sortIdrefs = (s: string): string =>
  s.replace(
    /((?:.*validity error : IDREF.*\n)+)/g,
    (block) => `${block.split("\n").sort().join("\n")}\n`,
  );

describe("verifyCib on crmsh-made configurations", {
  skip: (!hasCrmVerify || !existsSync(CASES)) && "needs crm_verify and ../shared/crmsh",
}, () => {
  it("gives crm_verify -VV -x's exact output for every case's final configuration", () => {
    const start = readFileSync(join(CASES, "_start.xml"), "utf8");
    const dir = mkdtempSync(join(tmpdir(), "pacer-oracle-"));
    let checked = 0;
    for (const tier of readdirSync(CASES).filter((t) => !t.includes("."))) {
      for (const f of readdirSync(join(CASES, tier)).filter((n) => n.endsWith(".cib"))) {
        const conf = readFileSync(join(CASES, tier, f), "utf8").trim();
        if (!conf.startsWith("<configuration")) continue;
        const file = join(dir, `${tier}-${f}.xml`);
        writeFileSync(file, start.replace(/<configuration>[\s\S]*<\/configuration>/, conf));
        assert.equal(sortIdrefs(ours(file)), sortIdrefs(real(file)), file);
        checked++;
      }
    }
    assert.ok(checked > 50, `only ${checked} configurations found`);
  });
});

describe("verifyCib on Pacemaker's scheduler regression inputs", {
  skip:
    (process.env.CIB_SCHED_ORACLE !== "1" || !hasCrmVerify || !existsSync(SCHED)) &&
    "set CIB_SCHED_ORACLE=1 (needs crm_verify and ../shared/pcmk-scheduler)",
}, () => {
  it("matches crm_verify -VV -x on at least 155 of them (the count when this was written)", () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d, { withFileTypes: true })) {
        if (n.isDirectory()) walk(join(d, n.name));
        else if (n.name.endsWith(".xml")) files.push(join(d, n.name));
      }
    };
    walk(SCHED);
    const same = files.filter((f) => sortIdrefs(ours(f)) === sortIdrefs(real(f))).length;
    assert.ok(same >= 155, `${same}/${files.length} identical`);
  });
});
