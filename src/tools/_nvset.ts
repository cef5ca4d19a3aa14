/**
 * Name/value attribute sets (`instance_attributes`, `meta_attributes`, `utilization`,
 * `cluster_property_set`) as Pacemaker's command-line tools edit them: an existing nvpair of
 * that name is updated in place wherever it is; a new one goes into the set with the default
 * id (created when missing) and gets the id `SETID-NAME`.
 */
import {
  childElements,
  elem,
  getAttr,
  setAttr,
  walkElements,
  type XmlElement,
} from "../cib/xml.js";

export interface FoundNvpair {
  readonly set: XmlElement;
  readonly nvpair: XmlElement;
}

/** The first nvpair named `name` in the `setTag` sets directly under `owner`. */
export function findNvpair(
  owner: XmlElement,
  setTag: string,
  name: string,
): FoundNvpair | undefined {
  for (const set of childElements(owner, setTag)) {
    for (const nv of childElements(set, "nvpair")) {
      if (getAttr(nv, "name") === name) return { set, nvpair: nv };
    }
  }
  return undefined;
}

export type SetOutcome =
  | { readonly kind: "updated"; readonly nvpairId: string }
  | { readonly kind: "created"; readonly nvpairId: string; readonly setId: string };

export interface SetNvpairOptions {
  /** Id of the set to create (or use) when the attribute exists nowhere yet. */
  readonly defaultSetId: string;
  /** Where a newly created set goes among `owner`'s children: before this tag, else last. */
  readonly insertBefore?: readonly string[];
  /** The whole CIB, to keep generated ids unique. */
  readonly root?: XmlElement;
}

/** Every id in use under `root`. */
export function idsIn(root: XmlElement): Set<string> {
  const ids = new Set<string>();
  for (const el of walkElements(root)) {
    const id = getAttr(el, "id");
    if (id !== undefined) ids.add(id);
  }
  return ids;
}

/** `base`, or `base-0`, `base-1`... when `base` is taken. */
export function uniqueId(base: string, used: ReadonlySet<string>): string {
  if (!used.has(base)) return base;
  for (let n = 0; ; n++) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate)) return candidate;
  }
}

function insertChild(owner: XmlElement, child: XmlElement, before: readonly string[]): void {
  const at = owner.children.findIndex((c) => c.type === "element" && before.includes(c.name));
  if (at < 0) owner.children.push(child);
  else owner.children.splice(at, 0, child);
}

/**
 * Sets attribute `name` to `value` in the `setTag` sets of `owner`.
 * @example setNvpair(prim, "meta_attributes", "target-role", "Stopped", { defaultSetId: "d1-meta_attributes" })
 */
export function setNvpair(
  owner: XmlElement,
  setTag: string,
  name: string,
  value: string,
  opts: SetNvpairOptions,
): SetOutcome {
  const found = findNvpair(owner, setTag, name);
  if (found !== undefined) {
    setAttr(found.nvpair, "value", value);
    return { kind: "updated", nvpairId: getAttr(found.nvpair, "id") ?? "" };
  }
  let set = childElements(owner, setTag).find((s) => getAttr(s, "id") === opts.defaultSetId);
  if (set === undefined) {
    set = elem(setTag, { id: opts.defaultSetId });
    insertChild(owner, set, opts.insertBefore ?? []);
  }
  const used = opts.root !== undefined ? idsIn(opts.root) : new Set<string>();
  const nvpairId = uniqueId(`${opts.defaultSetId}-${name}`, used);
  set.children.push(elem("nvpair", { id: nvpairId, name, value }));
  return { kind: "created", nvpairId, setId: opts.defaultSetId };
}

/** Removes attribute `name` from the `setTag` sets of `owner`; the id removed, if any. */
export function deleteNvpair(owner: XmlElement, setTag: string, name: string): string | undefined {
  const found = findNvpair(owner, setTag, name);
  if (found === undefined) return undefined;
  found.set.children = found.set.children.filter((c) => c !== found.nvpair);
  return getAttr(found.nvpair, "id") ?? "";
}
