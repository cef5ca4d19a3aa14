// Pacemaker's recorded crm_simulate results (pcmk-scheduler/cases under sharedDir()) are the oracle:
// every case must match by the README's comparison rule unless it is listed in
// known-failures.txt, a list that may only shrink.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT, sharedDir } from "../testing/shared-dir.js";
import { crmSimulate } from "../tools/crm_simulate.js";
import type { ToolIo } from "../tools/tool-io.js";

const CASES = join(sharedDir(), "pcmk-scheduler", "cases");
const KNOWN = join(REPO_ROOT, "src", "scheduler", "known-failures.txt");

function section(text: string, header: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l === header);
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (/^\S/.test(l)) break;
    const n = l.replace(/\s+/g, " ").trim();
    if (n === "" || n === "* Node List:" || n === "* Full List of Resources:") continue;
    out.push(n);
  }
  return out.sort();
}

async function runCase(xml: string): Promise<string> {
  let out = "";
  const io: ToolIo = {
    env: {},
    cwd: process.cwd(),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      out += t;
    },
    readStdin: async () => "",
    stdinIsTTY: false,
    stdoutIsTTY: false,
  };
  await crmSimulate(["-x", xml, "-S"], io);
  return out;
}

function knownFailures(): Set<string> {
  if (!existsSync(KNOWN)) return new Set();
  return new Set(
    readFileSync(KNOWN, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#")),
  );
}

describe("crm_simulate golden cases", { skip: !existsSync(CASES) }, () => {
  const known = knownFailures();
  for (const tier of ["core", "clone"]) {
    const dir = join(CASES, tier);
    const names = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith(".xml"))
          .map((f) => f.slice(0, -4))
          .sort()
      : [];
    it(`${tier}: every case matches Pacemaker or is a known failure`, async () => {
      const unexpected: string[] = [];
      for (const name of names) {
        const expected = readFileSync(join(dir, `${name}.summary`), "utf8");
        const actual = await runCase(join(dir, `${name}.xml`));
        const same =
          JSON.stringify(section(actual, "Transition Summary:")) ===
            JSON.stringify(section(expected, "Transition Summary:")) &&
          JSON.stringify(section(actual, "Revised Cluster Status:")) ===
            JSON.stringify(section(expected, "Revised Cluster Status:"));
        if (!same && !known.has(`${tier}/${name}`)) unexpected.push(name);
      }
      assert.deepEqual(unexpected, [], `new failures in ${tier} (fix them; the list only shrinks)`);
    });
  }
});
