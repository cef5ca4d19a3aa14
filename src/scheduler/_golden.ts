/**
 * Test support shared by the scheduler's golden tests: Pacemaker's reference cases, the
 * known-failures lists, crm_simulate run in-process, and the section comparison rule of
 * ../shared/pcmk-scheduler/README.md.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, sharedDir } from "../testing/shared-dir.js";
import { crmSimulate } from "../tools/crm_simulate.js";
import type { ToolIo } from "../tools/tool-io.js";

export const CASES = join(sharedDir(), "pcmk-scheduler", "cases");
export const TIERS = ["core", "clone"] as const;

/** Case names (file name without `.xml`) of one tier, sorted; none when the tier is absent. */
export function caseNames(tier: string): string[] {
  const dir = join(CASES, tier);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".xml"))
        .map((f) => f.slice(0, -4))
        .sort()
    : [];
}

/** The entries of a known-failures list under src/scheduler (blank lines and # comments skipped). */
export function knownFailures(file: string): Set<string> {
  const path = join(REPO_ROOT, "src", "scheduler", file);
  if (!existsSync(path)) return new Set();
  return new Set(
    readFileSync(path, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#")),
  );
}

/**
 * The lines of one output section, whitespace-normalized, list headers dropped, sorted: the
 * README's comparison rule.
 */
export function section(text: string, header: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(header);
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

/** `crm_simulate -x XML -S`, stdout and stderr in the order written. */
export async function simulate(xml: string): Promise<string> {
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
