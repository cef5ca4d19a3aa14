/**
 * How the DC ships a CIB change to the other members: the root attributes, the
 * configuration section when it changed, and each `node_state` that changed. Every member
 * applies the same patch to the same base version and checks the digest; a member whose base
 * or digest differs asks the DC for a full copy (`cib-sync-request`).
 */
import { type XmlElement, childElements, cloneElement, getAttr, printXml } from "../cib/xml.js";
import { parseCibText, statusSection } from "./cib-state.js";
import type { CibPatch } from "./types.js";

function print(el: XmlElement): string {
  return printXml(el, { indent: "" });
}

function nodeStates(cib: XmlElement): Map<string, XmlElement> {
  const m = new Map<string, XmlElement>();
  for (const ns of childElements(statusSection(cib), "node_state")) {
    m.set(getAttr(ns, "id") ?? "", ns);
  }
  return m;
}

/** The patch that turns `before` into `after` (both whole CIBs). */
export function makePatch(before: XmlElement, after: XmlElement): CibPatch {
  const confB = childElements(before, "configuration")[0];
  const confA = childElements(after, "configuration")[0];
  const confText = confA ? print(confA) : "";
  const configuration = confB && confA && print(confB) === confText ? null : confText;
  const nsB = nodeStates(before);
  const nsA = nodeStates(after);
  const changed: [string, string | null][] = [];
  for (const [id, ns] of nsA) {
    const text = print(ns);
    const old = nsB.get(id);
    if (!old || print(old) !== text) changed.push([id, text]);
  }
  for (const id of nsB.keys()) if (!nsA.has(id)) changed.push([id, null]);
  return { rootAttrs: after.attrs.map(([k, v]) => [k, v] as const), configuration,
    nodeStates: changed };
}

/** Applies a patch to a copy of `cib` and returns the copy. */
export function applyPatch(cib: XmlElement, patch: CibPatch): XmlElement {
  const out = cloneElement(cib);
  out.attrs = patch.rootAttrs.map(([k, v]) => [k, v]);
  if (patch.configuration !== null) {
    const conf = parseCibText(patch.configuration);
    const i = out.children.findIndex((c) => c.type === "element" && c.name === "configuration");
    if (i >= 0) out.children[i] = conf;
    else out.children.unshift(conf);
  }
  const status = statusSection(out);
  for (const [id, text] of patch.nodeStates) {
    const i = status.children.findIndex(
      (c) => c.type === "element" && c.name === "node_state" && getAttr(c, "id") === id,
    );
    if (text === null) {
      if (i >= 0) status.children.splice(i, 1);
      continue;
    }
    const ns = parseCibText(text);
    if (i >= 0) status.children[i] = ns;
    else status.children.push(ns);
  }
  return out;
}

/** True when the patch changes nothing at all (no reason to bump or broadcast). */
export function isEmptyPatch(before: XmlElement, patch: CibPatch): boolean {
  const sameRoot = JSON.stringify(before.attrs) === JSON.stringify(patch.rootAttrs);
  return sameRoot && patch.configuration === null && patch.nodeStates.length === 0;
}
