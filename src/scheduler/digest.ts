/**
 * Operation digests: Pacemaker records an MD5 of an operation's parameters with each
 * result (op-digest); a different digest for the current definition means the resource
 * must restart to pick up the change. The digested text is the parameters element as
 * Pacemaker serializes it: ` <parameters a="1" b="2"/>` plus a newline, attributes sorted
 * by name, meta attributes left out except the timeout of recurring operations.
 */
import { childElements, escapeAttr } from "../cib/xml.js";
import { md5Hex } from "./md5.js";
import type { OpRecord, Resource, WorkingSet } from "./model.js";

const DEFAULT_TIMEOUT_MS = 20000;

function opParams(
  rsc: Resource,
  task: string,
  intervalMs: number,
  base?: Map<string, string>,
): Map<string, string> {
  const params = new Map(base ?? rsc.params);
  const def = rsc.ops.find((o) => o.name === task && o.intervalMs === intervalMs);
  if (def) {
    for (const set of childElements(def.xml, "instance_attributes")) {
      for (const nv of childElements(set, "nvpair")) {
        const name = nv.attrs.find(([k]) => k === "name")?.[1];
        const value = nv.attrs.find(([k]) => k === "value")?.[1];
        if (name !== undefined && value !== undefined) params.set(name, value);
      }
    }
  }
  if (intervalMs > 0) {
    params.set("CRM_meta_timeout", String(def?.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  }
  return params;
}

/** The text Pacemaker hashes for a parameter set. */
export function digestText(params: ReadonlyMap<string, string>): string {
  const names = [...params.keys()].sort();
  const attrs = names.map((n) => ` ${n}="${escapeAttr(params.get(n) ?? "")}"`).join("");
  return ` <parameters${attrs}/>\n`;
}

/** The op-digest recorded for an operation's result. */
export function operationDigest(rsc: Resource, task: string, intervalMs: number): string {
  return md5Hex(digestText(opParams(rsc, task, intervalMs)));
}

function lastDecidingOp(rsc: Resource, node: string): OpRecord | undefined {
  const h = rsc.history.get(node);
  if (!h) return undefined;
  for (let i = h.ops.length - 1; i >= 0; i--) {
    const op = h.ops[i] as OpRecord;
    if (
      op.intervalMs === 0 &&
      (op.task === "start" ||
        op.task === "promote" ||
        op.task === "demote" ||
        op.task === "monitor" ||
        op.task === "migrate_from")
    ) {
      if (op.rc === op.targetRc || (op.task === "monitor" && (op.rc === 0 || op.rc === 8)))
        return op;
    }
  }
  return undefined;
}

export type DefinitionChange = { readonly kind: "restart" | "reload" };

function restricted(
  params: Map<string, string>,
  names: string | undefined,
  keep: boolean,
): Map<string, string> {
  const listed = new Set((names ?? "").split(/\s+/).filter((n) => n !== ""));
  const out = new Map<string, string>();
  for (const [k, v] of params) if (listed.has(k) === keep) out.set(k, v);
  return out;
}

/**
 * Whether a running resource must restart (or reload) on `node` because its definition
 * changed. Like crm_simulate, inputs are treated as sanitized: when the history records a
 * secure digest (passwords left out), that is the one compared.
 */
export function definitionChange(rsc: Resource, node: string): DefinitionChange | undefined {
  const op = lastDecidingOp(rsc, node);
  if (!op || op.digest === undefined) return undefined;
  // Operation-level parameters are added after the resource's are filtered.
  const withOp = (base: Map<string, string>) => opParams(rsc, "start", 0, base);
  const attr = (k: string) => op.xml.attrs.find(([n]) => n === k)?.[1];
  const secureDigest = attr("op-secure-digest");
  let secureBase = restricted(rsc.params, attr("op-secure-params"), false);
  secureBase = new Map([...secureBase].filter(([k]) => !k.startsWith("pcmk_")));
  const all =
    secureDigest !== undefined
      ? md5Hex(digestText(withOp(secureBase))) === secureDigest
      : md5Hex(digestText(withOp(rsc.params))) === op.digest;
  if (all) return undefined;
  const restartDigest = attr("op-restart-digest");
  if (restartDigest !== undefined) {
    const forced = withOp(restricted(rsc.params, attr("op-force-restart"), true));
    if (md5Hex(digestText(forced)) === restartDigest) return { kind: "reload" };
  }
  return { kind: "restart" };
}

/**
 * Whether the parameters an operation result was recorded under differ from the current
 * definition of that operation (compared as definitionChange compares them).
 */
export function recordedParametersChanged(rsc: Resource, op: OpRecord): boolean {
  if (op.digest === undefined || rsc.orphan) return false;
  const attr = (k: string) => op.xml.attrs.find(([n]) => n === k)?.[1];
  const secureDigest = attr("op-secure-digest");
  if (secureDigest !== undefined) {
    let base = restricted(rsc.params, attr("op-secure-params"), false);
    base = new Map([...base].filter(([k]) => !k.startsWith("pcmk_")));
    return md5Hex(digestText(opParams(rsc, op.task, op.intervalMs, base))) !== secureDigest;
  }
  return md5Hex(digestText(opParams(rsc, op.task, op.intervalMs))) !== op.digest;
}

/** The reason a running resource must restart on `node`, or undefined. */
export function definitionChanged(
  _ws: WorkingSet,
  rsc: Resource,
  node: string,
): string | undefined {
  return definitionChange(rsc, node)?.kind === "restart" ? "resource definition change" : undefined;
}
