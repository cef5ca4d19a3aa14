/**
 * Small CIB helpers the controller needs: versions, digests, the empty CIB, and the
 * sections it writes (node entries, cluster options). Pure functions over the XML tree.
 */
import { createHash } from "node:crypto";
import type { CibVersion } from "../cib/backend.js";
import {
  childElements,
  elem,
  firstChild,
  getAttr,
  parseXml,
  printXml,
  setAttr,
  type XmlElement,
} from "../cib/xml.js";

export { CRM_FEATURE_SET as FEATURE_SET, VALIDATE_WITH as SCHEMA } from "../cib/document.js";
export const DC_VERSION = "2.1.5-pacer-0.1.0";

/** The CIB a node starts with when it has none on disk: Pacemaker's empty CIB. */
// One definition of the version rules for the whole code base: the CIB library's.
export {
  compareVersions,
  emptyCib,
  readVersion as cibVersion,
  writeVersion as setCibVersion,
} from "../cib/document.js";

export function versionText(v: CibVersion): string {
  return `${v.adminEpoch}.${v.epoch}.${v.numUpdates}`;
}

/** MD5 over the canonical one-line print of the whole CIB; equal trees give equal digests. */
export function cibDigest(cib: XmlElement): string {
  return createHash("md5")
    .update(printXml(cib, { indent: "" }))
    .digest("hex");
}

export function parseCibText(text: string): XmlElement {
  const r = parseXml(text, "<cluster>");
  if (!r.ok) throw new Error(`peer sent unparsable CIB: ${r.error.detail}`);
  return r.value;
}

/** Finds or creates a child element in order (used to keep the CIB's section layout). */
export function ensureChild(
  parent: XmlElement,
  name: string,
  attrs: Record<string, string> = {},
): XmlElement {
  const found = childElements(parent, name).find((c) =>
    Object.entries(attrs).every(([k, v]) => getAttr(c, k) === v),
  );
  if (found) return found;
  const made = elem(name, attrs);
  parent.children.push(made);
  return made;
}

export function configuration(cib: XmlElement): XmlElement {
  return ensureChild(cib, "configuration");
}

export function statusSection(cib: XmlElement): XmlElement {
  return ensureChild(cib, "status");
}

/** Reads a cluster property (crm_config nvpair) as the scheduler would. */
export function clusterProperty(cib: XmlElement, name: string): string | undefined {
  const crmConfig = firstChild(configuration(cib), "crm_config");
  if (!crmConfig) return undefined;
  for (const set of childElements(crmConfig, "cluster_property_set")) {
    for (const nv of childElements(set, "nvpair")) {
      if (getAttr(nv, "name") === name) return getAttr(nv, "value");
    }
  }
  return undefined;
}

/** Sets a cluster property in cib-bootstrap-options; returns whether anything changed. */
export function setClusterProperty(cib: XmlElement, name: string, value: string): boolean {
  const crmConfig = ensureChild(configuration(cib), "crm_config");
  const set = ensureChild(crmConfig, "cluster_property_set", { id: "cib-bootstrap-options" });
  const existing = childElements(set, "nvpair").find((nv) => getAttr(nv, "name") === name);
  if (existing) {
    if (getAttr(existing, "value") === value) return false;
    setAttr(existing, "value", value);
    return true;
  }
  set.children.push(elem("nvpair", { id: `cib-bootstrap-options-${name}`, name, value }));
  return true;
}

/** Adds `<node id uname/>` for members the configuration does not list yet. */
export function ensureNodeEntries(
  cib: XmlElement,
  members: readonly { id: number; name: string }[],
): boolean {
  const nodes = ensureChild(configuration(cib), "nodes");
  let changed = false;
  for (const m of members) {
    const have = childElements(nodes, "node").some((n) => getAttr(n, "uname") === m.name);
    if (!have) {
      nodes.children.push(elem("node", { id: String(m.id), uname: m.name }));
      changed = true;
    }
  }
  return changed;
}
