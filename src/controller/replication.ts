/**
 * How the DC ships a CIB change to the other members: a Pacemaker v2 patchset
 * (`<diff format="2">`, src/cib/diff.ts) from the old CIB to the new one, with its source
 * and target versions. Every member applies it only onto the exact source version and then
 * checks the digest; a member whose version or digest differs asks the DC for a full copy
 * (`cib-sync-request`).
 */
import { applyPatchset, diffCib } from "../cib/diff.js";
import { childElements, getAttr, printXml, type XmlElement } from "../cib/xml.js";
import { err, ok, type Result } from "../shared/result.js";
import { parseCibText } from "./cib-state.js";
import type { CibPatch } from "./types.js";

/** The patchset that turns `before` into `after` (both whole CIBs), printed. */
export function makePatch(before: XmlElement, after: XmlElement): CibPatch {
  return printXml(diffCib(before, after), { indent: "" });
}

/**
 * The patchset of a change that touched only the status section (and the version on the
 * root): the same patch as makePatch gives, computed on the root and its status alone, so
 * that a results commit does not walk a configuration of hundreds of resources.
 */
export function makeStatusPatch(before: XmlElement, after: XmlElement): CibPatch {
  return makePatch(statusView(before), statusView(after));
}

/** A shallow stand-in for a CIB: its root (attributes) with only the status section. */
function statusView(cib: XmlElement): XmlElement {
  return { ...cib, children: childElements(cib, "status") };
}

const VERSION_ATTRS: ReadonlySet<string> = new Set(["admin_epoch", "epoch", "num_updates"]);

/** True when the patch changes nothing but the root's version attributes. */
export function isVersionOnlyPatch(patch: CibPatch): boolean {
  const diff = parseCibText(patch);
  for (const c of childElements(diff, "change")) {
    if (getAttr(c, "operation") !== "modify" || getAttr(c, "path") !== "/cib") return false;
    for (const list of childElements(c, "change-list")) {
      for (const a of childElements(list, "change-attr")) {
        if (!VERSION_ATTRS.has(getAttr(a, "name") ?? "")) return false;
      }
    }
  }
  return true;
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
