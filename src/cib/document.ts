/**
 * CIB document helpers: the empty CIB Pacemaker creates, `-o` section scopes, and the
 * `(admin_epoch, epoch, num_updates)` version triple with the bump rules Pacemaker applies.
 * Pure: no I/O, no clock (the wall-clock time for `cib-last-written` is passed in).
 */

import { ctimeText } from "../shared/ctime.js";
import type { CibVersion } from "./backend.js";
import {
  childElements,
  elem,
  firstChild,
  getAttr,
  printXml,
  setAttr,
  type XmlElement,
} from "./xml.js";

/** The CRM feature set and schema Pacemaker 2.1.5 writes into a new CIB. */
export const CRM_FEATURE_SET = "3.16.1";
export const VALIDATE_WITH = "pacemaker-3.9";

/**
 * A new, empty CIB exactly as `crm_shadow --create-empty` / `cibadmin --empty` write it.
 * @example printXml(emptyCib()) // <cib crm_feature_set="3.16.1" ... epoch="0" ...>
 */
export function emptyCib(version: Partial<CibVersion> = {}): XmlElement {
  return elem(
    "cib",
    {
      crm_feature_set: CRM_FEATURE_SET,
      "validate-with": VALIDATE_WITH,
      epoch: String(version.epoch ?? 0),
      num_updates: String(version.numUpdates ?? 0),
      admin_epoch: String(version.adminEpoch ?? 0),
    },
    [
      elem("configuration", {}, [
        elem("crm_config"),
        elem("nodes"),
        elem("resources"),
        elem("constraints"),
      ]),
      elem("status"),
    ],
  );
}

/**
 * The `-o/--scope` names Pacemaker knows, with the path of element names below `<cib>`.
 * An unknown scope means the whole CIB (as `cibadmin -Q -o bogus` shows).
 */
export const SECTION_PATHS: Readonly<Record<string, readonly string[]>> = {
  cib: [],
  all: [],
  configuration: ["configuration"],
  status: ["status"],
  crm_config: ["configuration", "crm_config"],
  nodes: ["configuration", "nodes"],
  resources: ["configuration", "resources"],
  constraints: ["configuration", "constraints"],
  rsc_defaults: ["configuration", "rsc_defaults"],
  op_defaults: ["configuration", "op_defaults"],
  acls: ["configuration", "acls"],
  "fencing-topology": ["configuration", "fencing-topology"],
  tags: ["configuration", "tags"],
  alerts: ["configuration", "alerts"],
};

/** True when `scope` names a section (unknown names mean the whole CIB). */
export function isKnownScope(scope: string): boolean {
  return Object.hasOwn(SECTION_PATHS, scope);
}

/**
 * The element a `-o` scope selects, or undefined when that section is absent (Pacemaker
 * then fails with "No such device or address").
 * @example findSection(cib, "resources")?.name === "resources"
 */
export function findSection(cib: XmlElement, scope: string | undefined): XmlElement | undefined {
  if (scope === undefined || !isKnownScope(scope)) return cib;
  let at: XmlElement | undefined = cib;
  for (const step of SECTION_PATHS[scope] ?? []) {
    if (at === undefined) return undefined;
    at = firstChild(at, step);
  }
  return at;
}

/**
 * Like findSection but creates missing sections on the way (for `cibadmin -C -o rsc_defaults`
 * on a CIB that has none yet, and for tools writing `op_defaults` the first time).
 */
export function ensureSection(cib: XmlElement, scope: string): XmlElement {
  let at = cib;
  for (const step of SECTION_PATHS[scope] ?? []) {
    let next = firstChild(at, step);
    if (next === undefined) {
      next = elem(step);
      at.children.push(next);
    }
    at = next;
  }
  return at;
}

function intAttr(cib: XmlElement, name: string): number {
  const raw = getAttr(cib, name);
  if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return 0;
  return Number.parseInt(raw, 10);
}

/** Reads the version triple; missing or non-numeric attributes count as 0, as in Pacemaker. */
export function readVersion(cib: XmlElement): CibVersion {
  return {
    adminEpoch: intAttr(cib, "admin_epoch"),
    epoch: intAttr(cib, "epoch"),
    numUpdates: intAttr(cib, "num_updates"),
  };
}

/** Writes the version triple back, keeping attribute order (epoch, num_updates, admin_epoch). */
export function writeVersion(cib: XmlElement, v: CibVersion): void {
  setAttr(cib, "epoch", String(v.epoch));
  setAttr(cib, "num_updates", String(v.numUpdates));
  setAttr(cib, "admin_epoch", String(v.adminEpoch));
}

/**
 * Orders versions as Pacemaker does: admin_epoch first, then epoch, then num_updates.
 * @example compareVersions(a, b) < 0 // a is older
 */
export function compareVersions(a: CibVersion, b: CibVersion): number {
  if (a.adminEpoch !== b.adminEpoch) return a.adminEpoch < b.adminEpoch ? -1 : 1;
  if (a.epoch !== b.epoch) return a.epoch < b.epoch ? -1 : 1;
  if (a.numUpdates !== b.numUpdates) return a.numUpdates < b.numUpdates ? -1 : 1;
  return 0;
}

/** `admin_epoch.epoch.num_updates`, as Pacemaker prints versions. @example "0.5.2" */
export function formatVersion(v: CibVersion): string {
  return `${v.adminEpoch}.${v.epoch}.${v.numUpdates}`;
}

/** What a change touched, deciding which counter moves. */
export type ChangeKind = "none" | "status" | "configuration";

/**
 * Attributes of `<cib>` that are bookkeeping, not content: they never count as a change.
 * The versions are not among them: raising one by hand (`admin_epoch="admin_epoch++"`) is an
 * update, as Pacemaker counts it.
 */
const BOOKKEEPING_ATTRS = new Set([
  "cib-last-written",
  "update-origin",
  "update-client",
  "update-user",
]);

function canonicalChild(cib: XmlElement, name: string): string {
  const el = firstChild(cib, name);
  return el === undefined ? "" : printXml(el, { indent: "" });
}

function rootAttrsKey(cib: XmlElement): string {
  return JSON.stringify(cib.attrs.filter(([k]) => !BOOKKEEPING_ATTRS.has(k)));
}

function otherChildrenKey(cib: XmlElement): string {
  return childElements(cib)
    .filter((c) => c.name !== "configuration" && c.name !== "status")
    .map((c) => printXml(c, { indent: "" }))
    .join("");
}

/**
 * Classifies a change as Pacemaker does: anything under `<configuration>` is a configuration
 * change (epoch moves); anything else (status, attributes of `<cib>` such as have-quorum)
 * only moves num_updates.
 */
export function classifyChange(before: XmlElement, after: XmlElement): ChangeKind {
  if (canonicalChild(before, "configuration") !== canonicalChild(after, "configuration")) {
    return "configuration";
  }
  if (
    canonicalChild(before, "status") !== canonicalChild(after, "status") ||
    rootAttrsKey(before) !== rootAttrsKey(after) ||
    otherChildrenKey(before) !== otherChildrenKey(after)
  ) {
    return "status";
  }
  return "none";
}

/**
 * The version after a change: configuration change → epoch+1 and num_updates=0; other change
 * → num_updates+1; no change → unchanged. `base` is the version the new document carries.
 * @example bumpedVersion({adminEpoch:0,epoch:4,numUpdates:7}, "configuration") // 0.5.0
 */
export function bumpedVersion(base: CibVersion, kind: ChangeKind): CibVersion {
  switch (kind) {
    case "configuration":
      return { adminEpoch: base.adminEpoch, epoch: base.epoch + 1, numUpdates: 0 };
    case "status":
      return { ...base, numUpdates: base.numUpdates + 1 };
    case "none":
      return base;
  }
}

/**
 * `cib-last-written` as Pacemaker formats it (ctime without the newline, local time):
 * `Wed Nov 25 12:33:29 2026`. Single-digit days are space-padded, as ctime does.
 */
export function formatLastWritten(when: Date): string {
  return ctimeText(when);
}

/** Stamps `cib-last-written` (the daemon does this when it writes the CIB to disk). */
export function stampLastWritten(cib: XmlElement, when: Date): void {
  setAttr(cib, "cib-last-written", formatLastWritten(when));
}

/** True when the root is a `<cib>` with a `<configuration>` (the minimum tools need). */
export function looksLikeCib(el: XmlElement): boolean {
  return el.name === "cib" && firstChild(el, "configuration") !== undefined;
}
