/**
 * The `CIB_shadow` backend: a file named `shadow.NAME` in `CIB_shadow_dir` (Pacemaker's
 * default: /var/lib/pacemaker/cib for root and hacluster, else ~/.cib).
 */
import { join } from "node:path";
import { err } from "../shared/result.js";
import type { CibBackend } from "./backend.js";
import { fileBackend } from "./file-backend.js";

type Env = Readonly<Record<string, string | undefined>>;

/** The directory where Pacemaker keeps the CIB and, by default, shadow copies. */
export const CIB_DIR_DEFAULT = "/var/lib/pacemaker/cib";

/** Shadow files are readable by the haclient group only, as crm_shadow creates them. */
export const SHADOW_FILE_MODE = 0o640;

function isPrivilegedUser(env: Env, uid: number | undefined): boolean {
  if (uid === 0) return true;
  const user = env.USER ?? env.LOGNAME;
  return user === "hacluster" || (uid === undefined && user === "root");
}

/**
 * Where shadow copies live.
 * @example shadowDir({ CIB_shadow_dir: "/tmp/s" }) === "/tmp/s"
 */
export function shadowDir(env: Env, uid: number | undefined = process.getuid?.()): string {
  const dir = env.CIB_shadow_dir;
  if (dir !== undefined && dir !== "") return dir;
  if (isPrivilegedUser(env, uid)) return CIB_DIR_DEFAULT;
  const home = env.HOME;
  return home !== undefined && home !== "" ? join(home, ".cib") : CIB_DIR_DEFAULT;
}

/** @example shadowPath("test", { CIB_shadow_dir: "/tmp/s" }) === "/tmp/s/shadow.test" */
export function shadowPath(name: string, env: Env): string {
  return join(shadowDir(env), `shadow.${name}`);
}

/** A CibBackend over shadow copy `name`. */
export function shadowBackend(name: string, env: Env): CibBackend {
  const path = shadowPath(name, env);
  const inner = fileBackend(path, {
    kind: "shadow",
    label: `shadow '${name}'`,
    mode: SHADOW_FILE_MODE,
  });
  return {
    ...inner,
    async read() {
      const r = await inner.read();
      if (r.ok || r.error.kind !== "not-found") return r;
      return err({
        kind: "not-found",
        what: `shadow instance '${name}' (${path})`,
        hint: `create it with: crm_shadow --create ${name}`,
      });
    },
  };
}
