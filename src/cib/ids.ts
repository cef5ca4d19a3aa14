/**
 * CIB ids: which elements declare an XML ID (and which merely refer to one), uniqueness,
 * references from constraints, and generating new ids the way Pacemaker and crmsh do
 * (`base`, then `base-0`, `base-1`, ... on a clash).
 */
import { childElements, firstChild, getAttr, type XmlElement } from "./xml.js";

/**
 * Elements whose `id` attribute is a reference or free text in Pacemaker's schema, not an
 * XML ID: node ids are cluster node ids, `resource_ref`/`obj_ref`/`role` point elsewhere.
 */
const ID_IS_NOT_AN_ID = new Set([
  "node",
  "resource_ref",
  "obj_ref",
  "role",
  "acl_target",
  "acl_group",
]);

/** Attributes that must name an existing ID, per constraint element. */
export const IDREF_ATTRS: Readonly<Record<string, readonly string[]>> = {
  rsc_location: ["rsc"],
  rsc_colocation: ["rsc", "with-rsc"],
  rsc_order: ["first", "then"],
  rsc_ticket: ["rsc"],
  resource_ref: ["id"],
};

/** Elements that are resources (what constraints may name), besides tags and templates. */
export const RESOURCE_ELEMENTS = new Set(["primitive", "group", "clone", "master", "bundle"]);

export interface IdDeclaration {
  readonly id: string;
  readonly element: XmlElement;
}

function declaresId(el: XmlElement): boolean {
  return !ID_IS_NOT_AN_ID.has(el.name) && getAttr(el, "id") !== undefined;
}

/**
 * Every ID declared under `root`, in document order (duplicates included). The status section
 * is not schema-validated by Pacemaker, so callers pass the `<configuration>` element.
 */
export function declaredIds(root: XmlElement): IdDeclaration[] {
  const out: IdDeclaration[] = [];
  const walk = (el: XmlElement): void => {
    if (declaresId(el)) out.push({ id: getAttr(el, "id") as string, element: el });
    for (const c of childElements(el)) walk(c);
  };
  walk(root);
  return out;
}

/**
 * Declarations that repeat an id seen earlier in document order.
 * @example duplicateIds(config).map((d) => d.id) // ["a"] when two primitives are "a"
 */
export function duplicateIds(root: XmlElement): IdDeclaration[] {
  const seen = new Set<string>();
  const dups: IdDeclaration[] = [];
  for (const d of declaredIds(root)) {
    if (seen.has(d.id)) dups.push(d);
    else seen.add(d.id);
  }
  return dups;
}

export interface DanglingRef {
  readonly element: XmlElement;
  readonly attr: string;
  readonly ref: string;
}

/**
 * References (constraint `rsc`, `with-rsc`, `first`, `then`, `resource_ref`) naming no ID in
 * the configuration, in document order.
 */
export function danglingRefs(config: XmlElement): DanglingRef[] {
  const known = new Set(declaredIds(config).map((d) => d.id));
  const out: DanglingRef[] = [];
  const walk = (el: XmlElement): void => {
    for (const attr of IDREF_ATTRS[el.name] ?? []) {
      const ref = getAttr(el, attr);
      if (ref !== undefined && !known.has(ref)) out.push({ element: el, attr, ref });
    }
    for (const c of childElements(el)) walk(c);
  };
  const constraints = firstChild(config, "constraints");
  if (constraints) walk(constraints);
  return out;
}

/** Ids of resources, templates and tags: what constraints may legitimately name. */
export function constrainableIds(config: XmlElement): Set<string> {
  const out = new Set<string>();
  const walk = (el: XmlElement): void => {
    for (const c of childElements(el)) {
      const id = getAttr(c, "id");
      if (id !== undefined && (RESOURCE_ELEMENTS.has(c.name) || c.name === "template")) out.add(id);
      if (RESOURCE_ELEMENTS.has(c.name)) walk(c);
    }
  };
  const resources = firstChild(config, "resources");
  if (resources) walk(resources);
  const tags = firstChild(config, "tags");
  for (const t of tags ? childElements(tags, "tag") : []) {
    const id = getAttr(t, "id");
    if (id !== undefined) out.add(id);
  }
  return out;
}

/**
 * Turns arbitrary text into a valid id as Pacemaker does for generated ids: characters
 * outside letters, digits, `-`, `_` and `.` become `.` (`#feature-set` → `.feature-set`).
 */
export function sanitizeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_.-]/g, ".");
}

/**
 * A new id based on `base` that is not in `taken`: `base` itself when free, else `base-0`,
 * `base-1`, ... (the crmsh/Pacemaker rule).
 * @example uniqueId("d1-monitor-10s", new Set(["d1-monitor-10s"])) === "d1-monitor-10s-0"
 */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  const clean = sanitizeId(base);
  if (!taken.has(clean)) return clean;
  // Terminates: `taken` is finite, so some suffix up to taken.size is free.
  for (let n = 0; ; n++) {
    const candidate = `${clean}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Every `id` attribute value in the tree (any element, status included): for uniqueId. */
export function allIds(root: XmlElement): Set<string> {
  const out = new Set<string>();
  const walk = (el: XmlElement): void => {
    const id = getAttr(el, "id");
    if (id !== undefined) out.add(id);
    for (const c of childElements(el)) walk(c);
  };
  walk(root);
  return out;
}

/**
 * The first element with this id in the configuration (resources, constraints, sets, ...).
 * @example findById(cib, "d1")?.name === "primitive"
 */
export function findById(root: XmlElement, id: string): XmlElement | undefined {
  if (getAttr(root, "id") === id && declaresId(root)) return root;
  for (const c of childElements(root)) {
    const hit = findById(c, id);
    if (hit !== undefined) return hit;
  }
  return undefined;
}
