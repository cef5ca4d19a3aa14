/** Test helpers for the executor: scratch OCF roots and process checks. Not for production. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Scratch {
  readonly dir: string;
  /** An OCF root holding `resource.d/test/<name>` for each agent given. */
  readonly ocfRoot: string;
  cleanup(): void;
}

/**
 * Creates a temporary directory with an OCF root of test agents (provider `test`).
 * @example const s = scratch({ Exit: "#!/bin/sh\nexit $OCF_RESKEY_rc\n" });
 */
export function scratch(agents: Readonly<Record<string, string>> = {}): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "pacer-executor-"));
  const ocfRoot = join(dir, "ocf");
  const provider = join(ocfRoot, "resource.d", "test");
  mkdirSync(provider, { recursive: true });
  for (const [name, body] of Object.entries(agents)) {
    writeFileSync(join(provider, name), body);
    chmodSync(join(provider, name), 0o755);
  }
  return { dir, ocfRoot, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Whether a pid names a live process (a zombie waiting for its reaper counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state letter follows the parenthesised command name.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Polls `cond` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** Parses `env | sort` blocks written by Dummy's envfile: the last block wins. */
export function lastEnvBlock(text: string): Map<string, string> {
  const blocks = text.split(/^### .* ###$/m);
  const last = blocks[blocks.length - 1] ?? "";
  const env = new Map<string, string>();
  for (const line of last.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}
