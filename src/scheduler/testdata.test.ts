// Minimized inputs from random-diff mismatches, with Pacemaker 2.1.5's recorded output
// (testdata/README.md says how each was produced and which rule it pins down).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "../testing/shared-dir.js";
import { section, simulate } from "./_golden.js";

const DIR = join(REPO_ROOT, "src", "scheduler", "testdata");

function rawLines(text: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf("Transition Summary:");
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (/^\S/.test(l)) break;
    if (l.trim() !== "") out.push(l);
  }
  return out;
}

describe("scheduler regression inputs (Pacemaker's recorded output)", () => {
  const names = readdirSync(DIR)
    .filter((f) => f.endsWith(".xml"))
    .map((f) => f.slice(0, -4))
    .sort();
  it("has inputs", () => assert.ok(names.length > 0));
  for (const name of names) {
    it(name, async () => {
      const expected = readFileSync(join(DIR, `${name}.summary`), "utf8");
      const actual = await simulate(join(DIR, `${name}.xml`));
      for (const header of ["Transition Summary:", "Revised Cluster Status:"]) {
        assert.deepEqual(section(actual, header), section(expected, header), header);
      }
      // Beyond the comparison rule: the summary lines are crm_simulate's to the column.
      assert.deepEqual(rawLines(actual), rawLines(expected), "Transition Summary columns");
    });
  }
});
