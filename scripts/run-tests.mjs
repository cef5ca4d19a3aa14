#!/usr/bin/env node
// Runs every compiled test (dist/**/*.test.js) with node:test. Tests are written in TypeScript
// beside the code and compiled by `tsc` first (npm test does both).
// Env: TEST_FILTER=substring limits the files; slow suites opt in with their own env flags.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}
const filter = process.env.TEST_FILTER ?? "";
const files = walk("dist", []).filter((f) => f.includes(filter)).sort();
if (files.length === 0) {
  console.error("run-tests: no test files found under dist/ (run `npm run build` first)");
  process.exit(1);
}
const args = ["--test", "--test-reporter=spec", `--test-concurrency=${process.env.TEST_JOBS ?? 2}`, ...files];
const r = spawnSync(process.execPath, args, { stdio: "inherit" });
process.exit(r.status ?? 1);
