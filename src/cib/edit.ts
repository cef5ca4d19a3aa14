/**
 * The CIB operations `cibadmin` exposes (and the daemon will apply for remote clients):
 * create, modify (merge), replace, delete, erase, bump — on a tree, in memory, with the
 * errors Pacemaker reports. Pure: callers read the CIB from a backend and commit the result.
 */
import { err, ok, type Result } from "../shared/result.js";
import {
  emptyCib,
  ensureSection,
  findSection,
  isKnownScope,
  readVersion,
  writeVersion,
} from "./document.js";
import {
  childElements,
  cloneElement,
  elem,
  getAttr,
  setAttr,
  type XmlElement,
  type XmlNode,
} from "./xml.js";
import { selectNodes, xpathLiteral } from "./xpath.js";

/** Failures with the meaning (and exit code) Pacemaker gives them. */
export type EditError =
  | { readonly kind: "no-such-object"; readonly detail: string } // ENXIO, exit 105
  | { readonly kind: "exists"; readonly id: string; readonly element: string } // EEXIST, 108
  | { readonly kind: "invalid-argument"; readonly detail: string } // EINVAL, 70
  | { readonly kind: "bad-xpath"; readonly detail: string }; // 105 in Pacemaker 2.1.5

const noSuch = (detail: string): Result<never, EditError> =>
  err({ kind: "no-such-object", detail });

function sameIdentity(a: XmlElement, b: XmlElement): boolean {
  return a.name === b.name && getAttr(a, "id") === getAttr(b, "id");
}

/** First element (pre-order, `root` included) with `probe`'s name and id. */
function findLike(root: XmlElement, probe: XmlElement): XmlElement | undefined {
  if (sameIdentity(root, probe)) return root;
  for (const c of childElements(root)) {
    const hit = findLike(c, probe);
    if (hit) return hit;
  }
  return undefined;
}

function parentIn(root: XmlElement, target: XmlNode): XmlElement | undefined {
  for (const c of root.children) {
    if (c === target) return root;
    if (c.type === "element") {
      const p = parentIn(c, target);
      if (p) return p;
    }
  }
  return undefined;
}

/**
 * `cibadmin --create -o SCOPE`: adds `obj` as a child of the section. An element with the same
 * name and id already in the section is refused ("File exists").
 * @example createObject(cib, "resources", primitive)
 */
export function createObject(
  cib: XmlElement,
  scope: string | undefined,
  obj: XmlElement,
): Result<XmlElement, EditError> {
  if (scope === undefined || !isKnownScope(scope))
    return noSuch(`no section named '${scope ?? ""}'`);
  const out = cloneElement(cib);
  const section = ensureSection(out, scope);
  if (getAttr(obj, "id") !== undefined && findLike(section, obj) !== undefined) {
    return err({ kind: "exists", id: getAttr(obj, "id") ?? "", element: obj.name });
  }
  section.children.push(cloneElement(obj));
  return ok(out);
}

/** `attr="attr++"` and `attr="attr+=N"`: Pacemaker's in-place increments on update. */
function expandValue(name: string, value: string, current: string | undefined): string {
  const m = /^(.+?)(\+\+|\+=(-?\d+))$/.exec(value);
  if (!m || m[1] !== name) return value;
  const base = current !== undefined && /^-?\d+$/.test(current) ? Number(current) : 0;
  return String(base + (m[2] === "++" ? 1 : Number(m[3])));
}

function mergeInto(target: XmlElement, update: XmlElement): void {
  for (const [k, v] of update.attrs) setAttr(target, k, expandValue(k, v, getAttr(target, k)));
  for (const c of childElements(update)) {
    const match = childElements(target).find((t) => sameIdentity(t, c));
    if (match) mergeInto(match, c);
    else target.children.push(cloneElement(c));
  }
}

export interface ModifyOptions {
  /** `-c/--allow-create`: create the object in the scope when it does not exist. */
  readonly allowCreate?: boolean;
}

/**
 * `cibadmin --modify`: finds the element with the update's name and id (in the scope, else
 * anywhere) and merges attributes and children into it, recursively.
 */
export function modifyObject(
  cib: XmlElement,
  scope: string | undefined,
  update: XmlElement,
  opts: ModifyOptions = {},
): Result<XmlElement, EditError> {
  const out = cloneElement(cib);
  const within = findSection(out, scope);
  if (within === undefined) return noSuch(`section '${scope ?? ""}' is absent`);
  const target = findLike(within, update);
  if (target === undefined) {
    if (opts.allowCreate === true && scope !== undefined) return createObject(cib, scope, update);
    return noSuch(`no ${update.name} with id '${getAttr(update, "id") ?? ""}'`);
  }
  mergeInto(target, update);
  return ok(out);
}

/**
 * `cibadmin --replace`: a whole `<cib>` replaces everything (the backend refuses an older one);
 * a section element replaces that section; any other element replaces the element with its
 * name and id (in the scope, else anywhere).
 */
export function replaceObject(
  cib: XmlElement,
  scope: string | undefined,
  obj: XmlElement,
): Result<XmlElement, EditError> {
  if (obj.name === "cib") return ok(cloneElement(obj));
  const out = cloneElement(cib);
  const within = findSection(out, scope);
  if (within === undefined) return noSuch(`section '${scope ?? ""}' is absent`);
  const target = findLike(within, obj);
  if (target === undefined) return noSuch(`no ${obj.name} with id '${getAttr(obj, "id") ?? ""}'`);
  if (target === out) return ok(cloneElement(obj));
  const parent = parentIn(out, target);
  if (parent === undefined) return noSuch(`no parent for ${obj.name}`);
  parent.children[parent.children.indexOf(target)] = cloneElement(obj);
  return ok(out);
}

function attrsMatch(el: XmlElement, probe: XmlElement): boolean {
  return el.name === probe.name && probe.attrs.every(([k, v]) => getAttr(el, k) === v);
}

function findMatching(root: XmlElement, probe: XmlElement): XmlElement | undefined {
  for (const c of childElements(root)) {
    if (attrsMatch(c, probe)) return c;
    const hit = findMatching(c, probe);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * `cibadmin --delete -X`: removes the first element whose name and every given attribute
 * match. Nothing matching is not an error (Pacemaker 2.1.5 exits 0).
 */
export function deleteObject(
  cib: XmlElement,
  scope: string | undefined,
  probe: XmlElement,
): Result<{ readonly cib: XmlElement; readonly deleted: number }, EditError> {
  const out = cloneElement(cib);
  const within = findSection(out, scope);
  if (within === undefined) return noSuch(`section '${scope ?? ""}' is absent`);
  const target = findMatching(within, probe);
  if (target === undefined) return ok({ cib: out, deleted: 0 });
  const parent = parentIn(out, target);
  parent?.children.splice(parent.children.indexOf(target), 1);
  return ok({ cib: out, deleted: 1 });
}

/** `cibadmin --delete --xpath` (first match) and `--delete-all` (every match). */
export function deleteByXPath(
  cib: XmlElement,
  xpath: string,
  all: boolean,
): Result<{ readonly cib: XmlElement; readonly deleted: number }, EditError> {
  const out = cloneElement(cib);
  const found = selectNodes(out, xpath);
  if (!found.ok) return err({ kind: "bad-xpath", detail: found.error.detail });
  const victims = all ? found.value : found.value.slice(0, 1);
  let deleted = 0;
  for (const v of victims) {
    const parent = parentIn(out, v);
    if (parent === undefined) continue; // the root cannot be deleted
    parent.children.splice(parent.children.indexOf(v), 1);
    deleted++;
  }
  return ok({ cib: out, deleted });
}

/** Pacemaker's path of an element, as `cibadmin --node-path` prints it. */
export function nodePath(root: XmlElement, target: XmlElement): string | undefined {
  const id = getAttr(root, "id");
  const lit = id === undefined ? undefined : xpathLiteral(id);
  const self = `/${lit === undefined ? root.name : `${root.name}[@id=${lit}]`}`;
  if (root === target) return self;
  for (const c of childElements(root)) {
    const sub = nodePath(c, target);
    if (sub !== undefined) return `${self}${sub}`;
  }
  return undefined;
}

/** Copy of an element without its children (`--no-children`). */
export function withoutChildren(el: XmlElement): XmlElement {
  return elem(el.name, Object.fromEntries(el.attrs));
}

/**
 * `cibadmin --erase --force`: empty configuration and status; admin_epoch+1 so no older copy
 * can win a join (the epoch then moves as for any configuration change).
 */
export function eraseCib(cib: XmlElement): XmlElement {
  const out = emptyCib();
  out.attrs = cib.attrs.map(([k, v]) => [k, v]);
  const v = readVersion(cib);
  writeVersion(out, { ...v, adminEpoch: v.adminEpoch + 1 });
  return out;
}

/** `cibadmin --bump`: epoch+1, recorded as an update (num_updates+1), as Pacemaker 2.1.5. */
export function bumpEpoch(cib: XmlElement): XmlElement {
  const out = cloneElement(cib);
  const v = readVersion(out);
  writeVersion(out, { ...v, epoch: v.epoch + 1, numUpdates: v.numUpdates + 1 });
  return out;
}
