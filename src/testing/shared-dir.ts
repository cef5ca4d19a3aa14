/**
 * Where the shared reference material lives: `../shared` beside the repository (the
 * workplace's live copy) when present, else the vendored copy in testdata/shared (fresh
 * clones and CI). Golden tests resolve every reference path through this.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (dist/testing/shared-dir.js → ../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** @example join(sharedDir(), "crmsh", "compare.sh") */
export function sharedDir(): string {
  const beside = resolve(REPO_ROOT, "..", "shared");
  if (existsSync(join(beside, "crmsh", "compare.sh"))) return beside;
  return join(REPO_ROOT, "testdata", "shared");
}
