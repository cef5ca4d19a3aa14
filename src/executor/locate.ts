/**
 * Where agents live: OCF agents under `$OCF_ROOT/resource.d/<provider>/<type>` (and, for
 * provider `pacer`, the repository's own agents/ so nothing needs installing or root), LSB
 * scripts under /etc/init.d. Names are checked before they become paths.
 */
import { accessSync, constants, existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_OCF_ROOT = "/usr/lib/ocf";
export const DEFAULT_LSB_DIR = "/etc/init.d";
export const PACER_PROVIDER = "pacer";

/** The repository's agents/ directory (dist/executor/locate.js → ../../agents). */
export function pacerAgentsRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "agents");
}

/** pacer's bin/ (crm_attribute, crm_node...), beside agents/; undefined if not there. */
export function pacerToolsDir(): string | undefined {
  const dir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin");
  return existsSync(join(dir, "crm_attribute")) ? dir : undefined;
}

/** A provider or type usable as one path component: no separators, no dot-dot, no NUL. */
export function isSafeAgentName(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.@:+-]*$/.test(name) && !name.includes("..");
}

export type Located =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: string };

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds `ocf:<provider>:<type>`: first `$OCF_ROOT`, then (provider pacer only) pacer's agents/.
 * @example locateOcfAgent("/usr/lib/ocf", "heartbeat", "IPaddr2")
 */
export function locateOcfAgent(
  ocfRoot: string,
  provider: string,
  type: string,
  pacerRoot: string = pacerAgentsRoot(),
): Located {
  if (!isSafeAgentName(provider) || !isSafeAgentName(type)) {
    return { ok: false, reason: `invalid agent name ocf:${provider}:${type}` };
  }
  const roots = provider === PACER_PROVIDER ? [ocfRoot, pacerRoot] : [ocfRoot];
  for (const root of roots) {
    const path = join(root, "resource.d", provider, type);
    if (executable(path)) return { ok: true, path };
    if (existsSync(path)) return { ok: false, reason: `${path} is not executable` };
  }
  const where = roots.map((r) => join(r, "resource.d", provider)).join(" or ");
  return { ok: false, reason: `ocf:${provider}:${type} not found in ${where}` };
}

/** Finds an LSB init script. */
export function locateLsbScript(lsbDir: string, type: string): Located {
  if (!isSafeAgentName(type)) return { ok: false, reason: `invalid agent name lsb:${type}` };
  const path = join(lsbDir, type);
  if (executable(path)) return { ok: true, path };
  if (existsSync(path)) return { ok: false, reason: `${path} is not executable` };
  return { ok: false, reason: `lsb:${type} not found in ${lsbDir}` };
}

/** Lists OCF providers and their agents (for `crm ra list`-style callers). */
export function listOcfAgents(
  ocfRoot: string,
  pacerRoot: string = pacerAgentsRoot(),
): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  for (const root of [ocfRoot, pacerRoot]) {
    const base = join(root, "resource.d");
    for (const provider of safeReaddir(base)) {
      if (root === pacerRoot && provider !== PACER_PROVIDER) continue;
      const set = found.get(provider) ?? new Set<string>();
      for (const type of safeReaddir(join(base, provider))) {
        if (!type.startsWith(".") && executable(join(base, provider, type))) set.add(type);
      }
      found.set(provider, set);
    }
  }
  const out = new Map<string, string[]>();
  for (const [p, s] of [...found].sort(([a], [b]) => a.localeCompare(b))) out.set(p, [...s].sort());
  return out;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
