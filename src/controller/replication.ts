/**
 * How the DC ships a CIB change to the other members: a Pacemaker v2 patchset
 * (`<diff format="2">`, src/cib/diff.ts) from the old CIB to the new one, with its source
 * and target versions. Every member applies it only onto the exact source version and then
 * checks the digest; a member whose version or digest differs asks the DC for a full copy
 * (`cib-sync-request`).
 */
import { applyPatchset, diffCib, isEmptyPatchset } from "../cib/diff.js";
import { printXml, type XmlElement } from "../cib/xml.js";
import { err, ok, type Result } from "../shared/result.js";
import { parseCibText } from "./cib-state.js";
import type { CibPatch } from "./types.js";

/** The patchset that turns `before` into `after` (both whole CIBs), printed. */
export function makePatch(before: XmlElement, after: XmlElement): CibPatch {
  return printXml(diffCib(before, after), { indent: "" });
}

/** Applies a patchset to a copy of `cib`; an error means "ask for a full copy". */
export function applyPatch(cib: XmlElement, patch: CibPatch): Result<XmlElement, string> {
  let parsed: XmlElement;
  try {
    parsed = parseCibText(patch);
  } catch (e) {
    return err((e as Error).message);
  }
  const r = applyPatchset(cib, parsed);
  return r.ok ? ok(r.value) : err(r.error.detail);
}

/** True when the patch changes nothing at all (no reason to bump or broadcast). */
export function isEmptyPatch(patch: CibPatch): boolean {
  return isEmptyPatchset(parseCibText(patch));
}
