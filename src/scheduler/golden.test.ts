// Pacemaker's recorded crm_simulate results (pcmk-scheduler/cases under sharedDir()) are the oracle:
// every case must match by the README's comparison rule unless it is listed in
// known-failures.txt, a list that may only shrink.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CASES, caseNames, knownFailures, section, simulate, TIERS } from "./_golden.js";

describe("crm_simulate golden cases", { skip: !existsSync(CASES) }, () => {
  const known = knownFailures("known-failures.txt");
  for (const tier of TIERS) {
    const dir = join(CASES, tier);
    const names = caseNames(tier);
    it(`${tier}: every case matches Pacemaker or is a known failure`, async () => {
      const unexpected: string[] = [];
      for (const name of names) {
        const expected = readFileSync(join(dir, `${name}.summary`), "utf8");
        const actual = await simulate(join(dir, `${name}.xml`));
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
