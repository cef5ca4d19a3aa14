/**
 * The `CIB_file` backend: the whole CIB in one XML file, replaced atomically on commit.
 * Versions move as Pacemaker's own file backend moves them (see document.ts bumpedVersion).
 */
import { err, ok, type Result } from "../shared/result.js";
import type { CibBackend, CibError, CibVersion, CommitOptions } from "./backend.js";
import {
  bumpedVersion,
  classifyChange,
  compareVersions,
  formatVersion,
  readVersion,
  writeVersion,
} from "./document.js";
import { parseCibText } from "./load.js";
import { atomicWrite, readText } from "./persist.js";
import { cloneElement, printXml, type XmlElement } from "./xml.js";

export interface FileBackendOptions {
  /** What messages call this CIB; defaults to the path. */
  readonly label?: string;
  readonly kind?: "file" | "shadow";
  /** Mode for a file this backend creates (shadows are 0640 as crm_shadow makes them). */
  readonly mode?: number;
}

/** Reads and parses the CIB at `path`. */
export async function readCibFile(path: string): Promise<Result<XmlElement, CibError>> {
  const text = await readText(path);
  if (!text.ok) return text;
  return parseCibText(text.value, path);
}

/**
 * Computes what `commit` writes: the new tree with versions bumped against `current`.
 * Refuses a document older than the stored one, as Pacemaker does for `cibadmin --replace`
 * ("Update was older than existing configuration").
 */
export function prepareCommit(
  current: XmlElement | undefined,
  next: XmlElement,
  opts: CommitOptions = {},
): Result<XmlElement, CibError> {
  const out = cloneElement(next);
  if ((opts.bump ?? "auto") === "none" || current === undefined) return ok(out);
  const have = readVersion(current);
  const got = readVersion(out);
  if (compareVersions(got, have) < 0) {
    return err({
      kind: "stale-update",
      detail:
        `Update was older than existing configuration (update ${formatVersion(got)}, ` +
        `existing ${formatVersion(have)}); re-read the CIB and apply the change again`,
    });
  }
  writeVersion(out, bumpedVersion(got, classifyChange(current, out)));
  return ok(out);
}

/**
 * A CibBackend over one file.
 * @example const cib = fileBackend(process.env.CIB_file ?? "cib.xml");
 */
export function fileBackend(path: string, opts: FileBackendOptions = {}): CibBackend {
  return {
    kind: opts.kind ?? "file",
    label: opts.label ?? path,
    read: () => readCibFile(path),
    async commit(
      cib: XmlElement,
      commitOpts?: CommitOptions,
    ): Promise<Result<CibVersion, CibError>> {
      const before = await readCibFile(path);
      if (!before.ok && before.error.kind !== "not-found") return before;
      const next = prepareCommit(before.ok ? before.value : undefined, cib, commitOpts);
      if (!next.ok) return next;
      const written = await atomicWrite(path, printXml(next.value), {
        ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
      });
      if (!written.ok) return written;
      return ok(readVersion(next.value));
    },
  };
}
