/**
 * Runs the recorded crmsh cases (../shared/crmsh/compare.sh) against bin/crm and fails when
 * a case outside src/shell/crmsh-known-failures.txt fails. The list may only shrink: a
 * listed case that passes is reported so that its line can be removed.
 * The cases come from ../shared/crmsh, or the vendored copy in testdata/shared.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { sharedDir } from "../testing/shared-dir.js";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const casesRoot = join(sharedDir(), "crmsh");
const TIERS = ["configure", "errors", "resource", "node", "shadow"];

interface TierRun {
  readonly tier: string;
  readonly summary: string;
  readonly failures: string[];
}

function runTier(tier: string): Promise<TierRun> {
  return new Promise((done, fail) => {
    const child = spawn(
      "bash",
      [join(casesRoot, "compare.sh"), "--list-failures", join(casesRoot, "cases", tier)],
      {
        env: { ...process.env, CRM_BIN_DIR: join(repo, "bin") },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8");
    });
    child.on("error", fail);
    child.on("close", () => {
      const lines = out.split("\n");
      done({
        tier,
        summary: lines.find((l) => l.startsWith(`crmsh-${tier}:`)) ?? `crmsh-${tier}: no result`,
        failures: lines.filter((l) => l.startsWith("failed: ")).map((l) => l.slice(8).trim()),
      });
    });
  });
}

function knownFailures(): Set<string> {
  const text = readFileSync(join(repo, "src/shell/crmsh-known-failures.txt"), "utf8");
  return new Set(
    text
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter((l) => l !== ""),
  );
}

describe("crmsh cases", {
  skip: !existsSync(join(casesRoot, "compare.sh")) && "shared cases not present",
}, () => {
  it("fail only where src/shell/crmsh-known-failures.txt says so", {
    timeout: 600_000,
  }, async () => {
    const tiers = TIERS.filter((t) => existsSync(join(casesRoot, "cases", t)));
    const runs = await Promise.all(tiers.map(runTier));
    const known = knownFailures();
    for (const r of runs) console.log(r.summary);
    const failed = runs.flatMap((r) => r.failures);
    const fixed = [...known].filter(
      (k) => tiers.includes(k.split("/")[0] ?? "") && !failed.includes(k),
    );
    if (fixed.length > 0)
      console.log(`known failures that now pass (remove them): ${fixed.join(" ")}`);
    const unexpected = failed.filter((f) => !known.has(f));
    assert.deepEqual(unexpected, [], `new failures: ${unexpected.join(" ")}; see compare.sh -v`);
  });
});
