/**
 * Shadow CIB management for crm_shadow and the crm shell's `cib` level: create (from the
 * active CIB or empty), reset, delete, list, commit (copy a shadow to the real CIB), diff.
 * Shadows are files `shadow.NAME` in `shadowDir(env)`, as Pacemaker names them.
 */
import { promises as fs } from "node:fs";
import { err, ok, type Result } from "../shared/result.js";
import type { CibBackend, CibError, CibVersion } from "./backend.js";
import { diffCib, isEmptyPatchset } from "./diff.js";
import { compareVersions, emptyCib, readVersion, writeVersion } from "./document.js";
import { readCibFile } from "./file-backend.js";
import { describeCibError } from "./load.js";
import { type CibEnv, openCib, withoutShadow } from "./open.js";
import { atomicWrite, ioDetail } from "./persist.js";
import { SHADOW_FILE_MODE, shadowBackend, shadowDir, shadowPath } from "./shadow-backend.js";
import { cloneElement, elem, firstChild, printXml, type XmlElement } from "./xml.js";

export { shadowDir, shadowPath } from "./shadow-backend.js";

export type ShadowError =
  | CibError
  | { readonly kind: "shadow-exists"; readonly name: string; readonly path: string }
  | { readonly kind: "no-such-shadow"; readonly name: string; readonly path: string }
  | { readonly kind: "bad-shadow-name"; readonly name: string; readonly detail: string };

export interface ShadowOptions {
  readonly env: CibEnv;
}

/** Names that would escape the shadow directory or hide the file are refused. */
export function checkShadowName(name: string): Result<string, ShadowError> {
  if (name === "" || name.includes("/") || name === "." || name === ".." || name.includes("\0")) {
    return err({
      kind: "bad-shadow-name",
      name,
      detail: `invalid shadow name '${name}': use letters, digits, '-', '_' or '.' (no '/')`,
    });
  }
  return ok(name);
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

export interface CreateShadowOptions extends ShadowOptions {
  /** Start from an empty CIB instead of a copy of the active one (`--create-empty`). */
  readonly empty?: boolean;
  /** Overwrite an existing shadow (`--force`, and `--reset`). */
  readonly force?: boolean;
  /** `validate-with` for an empty shadow (`--validate-with`). */
  readonly validateWith?: string;
}

/**
 * Creates shadow `name`: a copy of the active CIB (CIB_file or live, never another shadow),
 * status included, or an empty CIB. Returns the path written.
 * @example await createShadow("test", { env: io.env, empty: true });
 */
export async function createShadow(
  name: string,
  opts: CreateShadowOptions,
): Promise<Result<string, ShadowError>> {
  const checked = checkShadowName(name);
  if (!checked.ok) return checked;
  const path = shadowPath(name, opts.env);
  if (opts.force !== true && (await exists(path))) {
    return err({ kind: "shadow-exists", name, path });
  }
  let source: XmlElement;
  if (opts.empty === true) {
    source = emptyCib();
    if (opts.validateWith !== undefined) {
      source.attrs = source.attrs.map(([k, v]) =>
        k === "validate-with" ? [k, opts.validateWith ?? v] : [k, v],
      );
    }
  } else {
    const active = await (await openCib(withoutShadow(opts.env))).read();
    if (!active.ok) return active;
    source = active.value;
  }
  try {
    await fs.mkdir(shadowDir(opts.env), { recursive: true });
  } catch (e) {
    return err({ kind: "io", path: shadowDir(opts.env), detail: ioDetail(e) });
  }
  const written = await atomicWrite(path, printXml(source), { mode: SHADOW_FILE_MODE });
  return written.ok ? ok(path) : written;
}

/** Recreates shadow `name` from the active CIB; the shadow must exist (`crm_shadow --reset`). */
export async function resetShadow(
  name: string,
  opts: ShadowOptions,
): Promise<Result<string, ShadowError>> {
  const checked = checkShadowName(name);
  if (!checked.ok) return checked;
  const path = shadowPath(name, opts.env);
  if (!(await exists(path))) return err({ kind: "no-such-shadow", name, path });
  return createShadow(name, { env: opts.env, force: true });
}

/** Deletes shadow `name`. A missing shadow is an error (crmsh's silent success is a bug). */
export async function deleteShadow(
  name: string,
  opts: ShadowOptions,
): Promise<Result<string, ShadowError>> {
  const checked = checkShadowName(name);
  if (!checked.ok) return checked;
  const path = shadowPath(name, opts.env);
  try {
    await fs.unlink(path);
    return ok(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      return err({ kind: "no-such-shadow", name, path });
    }
    return err({ kind: "io", path, detail: ioDetail(e) });
  }
}

/**
 * Names of the shadows in the shadow directory, sorted. A missing directory means none.
 * @example await listShadows({ env }) // ["s1", "s2"]
 */
export async function listShadows(opts: ShadowOptions): Promise<Result<string[], ShadowError>> {
  const dir = shadowDir(opts.env);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return ok([]);
    return err({ kind: "io", path: dir, detail: ioDetail(e) });
  }
  return ok(
    names
      .filter((n) => n.startsWith("shadow.") && n.length > "shadow.".length)
      .map((n) => n.slice("shadow.".length))
      .sort(),
  );
}

/** Reads shadow `name`, reporting a missing one as `no-such-shadow`. */
export async function readShadow(
  name: string,
  opts: ShadowOptions,
): Promise<Result<XmlElement, ShadowError>> {
  const checked = checkShadowName(name);
  if (!checked.ok) return checked;
  const path = shadowPath(name, opts.env);
  const r = await readCibFile(path);
  if (!r.ok && r.error.kind === "not-found") return err({ kind: "no-such-shadow", name, path });
  return r;
}

export interface CommitShadowOptions extends ShadowOptions {
  /** Upload the whole CIB including status (`crm_shadow --commit --all`). */
  readonly all?: boolean;
}

/**
 * Copies shadow `name` to the active CIB (CIB_file or live). Without `all`, only the
 * `<configuration>` is replaced and the target's status is kept, as `crm_shadow --commit`.
 * The result's epoch is one above the newer of the two copies.
 */
export async function commitShadow(
  name: string,
  opts: CommitShadowOptions,
): Promise<Result<CibVersion, ShadowError>> {
  const shadow = await readShadow(name, opts);
  if (!shadow.ok) return shadow;
  const target = await openCib(withoutShadow(opts.env));
  const current = await target.read();
  if (!current.ok) return current;
  let next: XmlElement;
  if (opts.all === true) {
    next = cloneElement(shadow.value);
  } else {
    next = cloneElement(current.value);
    const config = firstChild(shadow.value, "configuration") ?? elem("configuration");
    const at = next.children.findIndex((c) => c.type === "element" && c.name === "configuration");
    if (at >= 0) next.children[at] = cloneElement(config);
    else next.children.unshift(cloneElement(config));
    // The shadow may be ahead of the target (edited many times): the result must be newer
    // than both, so the change wins wherever either copy has spread.
    const [have, got] = [readVersion(current.value), readVersion(shadow.value)];
    writeVersion(next, compareVersions(got, have) > 0 ? got : have);
  }
  return target.commit(next, { bump: "auto" });
}

export interface ShadowDiff {
  /** The active CIB's version (the diff's source). */
  readonly source: CibVersion;
  /** The shadow's version (the diff's target). */
  readonly target: CibVersion;
  /** A v2 patchset turning the active CIB into the shadow; no `<change>` when equal. */
  readonly patchset: XmlElement;
  readonly changed: boolean;
}

/**
 * The changes in shadow `name` against the active CIB (`crm_shadow --diff`).
 * @example const d = await diffShadow("test", { env }); if (d.ok && d.value.changed) ...
 */
export async function diffShadow(
  name: string,
  opts: ShadowOptions,
): Promise<Result<ShadowDiff, ShadowError>> {
  const shadow = await readShadow(name, opts);
  if (!shadow.ok) return shadow;
  const active = await (await openCib(withoutShadow(opts.env))).read();
  if (!active.ok) return active;
  const patchset = diffCib(active.value, shadow.value);
  return ok({
    source: readVersion(active.value),
    target: readVersion(shadow.value),
    patchset,
    changed: !isEmptyPatchset(patchset),
  });
}

/** A shadow backend for `name` (what `CIB_shadow=name` tools use). */
export function openShadow(name: string, opts: ShadowOptions): CibBackend {
  return shadowBackend(name, opts.env);
}

/** Describes a ShadowError as one line (tools use crm_shadow's own words where it has them). */
export function describeShadowError(e: ShadowError): string {
  switch (e.kind) {
    case "shadow-exists":
      return `A shadow instance '${e.name}' already exists`;
    case "no-such-shadow":
      return `Could not access shadow instance '${e.name}': No such file or directory`;
    case "bad-shadow-name":
      return e.detail;
    default:
      return describeCibError(e);
  }
}
