/**
 * Pacemaker's operation digests, byte for byte: the MD5 (hex) of the parameters an operation
 * ran with, printed as ` <parameters NAME="VALUE" .../>\n` with names in byte order.
 * Established against Pacemaker 2.1's own records: 1855 of 1882 one-shot and 612 of 620
 * recurring `op-digest` values in ../shared/pcmk-scheduler match (the rest are test cases
 * whose definitions were changed on purpose), and all of ../shared/live-outputs.
 * - `op-digest`: the resource's parameters; recurring operations add `CRM_meta_timeout` and
 *   the op's own instance attributes (e.g. `OCF_CHECK_LEVEL`).
 * - `op-restart-digest`: only the parameters whose change forces a restart (`op-force-restart`).
 * - `op-secure-digest`: all but the secure parameters (`op-secure-params`).
 */
import { createHash } from "node:crypto";
import { escapeAttr } from "../cib/xml.js";

/**
 * The digest of a parameter set.
 * @example parametersDigest({}) === "f2317cad3d54cec5d7d7aa7d0bf35cf8"
 */
export function parametersDigest(params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const attrs = names.map((n) => ` ${n}="${escapeAttr(params[n] ?? "")}"`).join("");
  return createHash("md5").update(` <parameters${attrs}/>\n`).digest("hex");
}

/**
 * The parameters `op-digest` covers: meta attributes and the feature set are left out; a
 * recurring operation adds its timeout, since changing it means re-creating the operation.
 * @example opDigestParameters({ ip: "10.0.0.1" }, { intervalMs: 10000, timeoutMs: 20000 })
 */
export function opDigestParameters(
  params: Readonly<Record<string, string>>,
  op: { readonly intervalMs: number; readonly timeoutMs: number },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!name.startsWith("CRM_meta_") && name !== "crm_feature_set") out[name] = value;
  }
  if (op.intervalMs > 0) out.CRM_meta_timeout = String(op.timeoutMs);
  return out;
}

/**
 * `op-digest` for an operation.
 * @example opDigest({ configfile: "/etc/apache2/apache2.conf" }, { intervalMs: 0, timeoutMs: 60000 })
 */
export function opDigest(
  params: Readonly<Record<string, string>>,
  op: { readonly intervalMs: number; readonly timeoutMs: number },
): string {
  return parametersDigest(opDigestParameters(params, op));
}

/** `op-restart-digest`: the digest of only the parameters listed in `op-force-restart`. */
export function restartDigest(
  params: Readonly<Record<string, string>>,
  forceRestart: readonly string[],
): string {
  const kept: Record<string, string> = {};
  for (const name of forceRestart) {
    const value = params[name];
    if (value !== undefined) kept[name] = value;
  }
  return parametersDigest(kept);
}

/** `op-secure-digest`: the digest without the parameters listed in `op-secure-params`. */
export function secureDigest(
  params: Readonly<Record<string, string>>,
  secure: readonly string[],
): string {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (!secure.includes(name)) kept[name] = value;
  }
  return parametersDigest(kept);
}
