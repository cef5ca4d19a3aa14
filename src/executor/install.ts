/**
 * Installs pacer's own agents where an OCF_ROOT finds them: `resource.d/pacer/*` and the
 * helpers they source, `lib/pacer/*`, keeping the relative layout the agents rely on. Symlinks
 * by default (an upgrade of pacer upgrades the agents), copies on request. Each file is put in
 * place atomically (written or linked under a temporary name, then renamed).
 */
import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { join } from "node:path";
import { err, ok, type Result } from "../shared/result.js";
import { pacerAgentsRoot } from "./locate.js";

export interface InstallOptions {
  /** The OCF root to install into (e.g. /usr/lib/ocf). */
  readonly root: string;
  readonly mode: "symlink" | "copy";
  /** pacer's agents/ directory. Default: the one beside this build. */
  readonly from?: string;
}

export interface InstallError {
  readonly kind: "install";
  readonly path: string;
  readonly detail: string;
}

/** The directories installed, relative to both agents/ and the OCF root. */
export const INSTALLED_DIRS = [join("resource.d", "pacer"), join("lib", "pacer")] as const;

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EROFS") return "read-only file system";
  return e instanceof Error ? e.message : String(e);
}

function existsAsDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function placeOne(src: string, dest: string, mode: InstallOptions["mode"]): void {
  const tmp = `${dest}.pacer-tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  if (mode === "symlink") symlinkSync(src, tmp);
  else {
    copyFileSync(src, tmp);
    chmodSync(tmp, statSync(src).mode & 0o777);
  }
  // A directory in the way is the user's; a file or link is replaced.
  const inTheWay = existsAsDirectory(dest);
  if (inTheWay) {
    rmSync(tmp, { force: true });
    throw new Error(`${dest} is a directory`);
  }
  renameSync(tmp, dest);
}

/**
 * Installs the agents; returns the installed paths.
 * @example installAgents({ root: "/usr/lib/ocf", mode: "symlink" })
 */
export function installAgents(opts: InstallOptions): Result<string[], InstallError> {
  const from = opts.from ?? pacerAgentsRoot();
  const installed: string[] = [];
  for (const dir of INSTALLED_DIRS) {
    const srcDir = join(from, dir);
    const destDir = join(opts.root, dir);
    let names: string[];
    try {
      names = readdirSync(srcDir).sort();
    } catch (e) {
      return err({ kind: "install", path: srcDir, detail: describe(e) });
    }
    try {
      mkdirSync(destDir, { recursive: true });
    } catch (e) {
      return err({ kind: "install", path: destDir, detail: describe(e) });
    }
    for (const name of names) {
      const dest = join(destDir, name);
      try {
        placeOne(join(srcDir, name), dest, opts.mode);
      } catch (e) {
        return err({ kind: "install", path: dest, detail: describe(e) });
      }
      installed.push(dest);
    }
  }
  return ok(installed);
}
