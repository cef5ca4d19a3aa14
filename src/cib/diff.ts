/**
 * XML diff/patch in Pacemaker's v2 patchset format:
 *
 *   <diff format="2">
 *     <version><source admin_epoch= epoch= num_updates=/><target .../></version>
 *     <change operation="delete" path="/cib/configuration/resources/primitive[@id='x']"/>
 *     <change operation="modify" path="/cib">
 *       <change-list><change-attr name="epoch" operation="set" value="2"/>...</change-list>
 *       <change-result><cib ...all new attributes.../></change-result>
 *     </change>
 *     <change operation="create" path="/cib/configuration/resources" position="0">...</change>
 *     <change operation="move" path="/cib/configuration/nodes/node[@id='2']" position="0"/>
 *   </diff>
 *
 * Changes apply one after another in document order; `position` is the index among all of the
 * parent's children the node has right after that change. `diffCib` emits deletes first
 * (reverse document order), then walks the new tree top-down, so that applying in order turns
 * the old tree into exactly the new one (attribute order, comments and text included).
 * Paths are Pacemaker's (`name[@id='x']`, plain `name` when unique); only trees Pacemaker
 * cannot address (siblings sharing name and id, comments, text) get positional steps (`[N]`,
 * `comment()[N]`). See docs/decisions/0001-cib-xml-and-versions.md.
 */
import { assert } from "../shared/assert.js";
import { err, ok, type Result } from "../shared/result.js";
import type { CibVersion } from "./backend.js";
import { compareVersions, formatVersion, readVersion, writeVersion } from "./document.js";
import {
  childElements,
  cloneElement,
  elem,
  firstChild,
  getAttr,
  type XmlElement,
  type XmlNode,
} from "./xml.js";
import { selectNodes, xpathLiteral } from "./xpath.js";

type Op = "create" | "modify" | "delete" | "move";

function cloneNode(n: XmlNode): XmlNode {
  return n.type === "element" ? cloneElement(n) : { type: n.type, text: n.text };
}

/** Identity of a child for matching old to new: name + id for elements, text otherwise. */
function keyOf(n: XmlNode): string {
  if (n.type === "element") return `e\0${n.name}\0${getAttr(n, "id") ?? "\0none"}`;
  return `${n.type}\0${n.text}`;
}

/** Pairs old and new children: the k-th old node with a key matches the k-th new one. */
function matchChildren(a: readonly XmlNode[], b: readonly XmlNode[]): Map<XmlNode, XmlNode> {
  const pending = new Map<string, XmlNode[]>();
  for (const n of a) {
    const k = keyOf(n);
    const list = pending.get(k);
    if (list) list.push(n);
    else pending.set(k, [n]);
  }
  const bToA = new Map<XmlNode, XmlNode>();
  for (const n of b) {
    const old = pending.get(keyOf(n))?.shift();
    if (old !== undefined) bToA.set(n, old);
  }
  return bToA;
}

/** The path step naming `node` among `siblings` (the parent's children at that moment). */
function stepFor(node: XmlNode, siblings: readonly XmlNode[]): string {
  if (node.type !== "element") {
    const kind = node.type === "comment" ? "comment()" : "text()";
    const same = siblings.filter((s) => s.type === node.type);
    return `${kind}[${same.indexOf(node) + 1}]`;
  }
  const sameName = siblings.filter((s) => s.type === "element" && s.name === node.name);
  const id = getAttr(node, "id");
  const lit = id === undefined ? undefined : xpathLiteral(id);
  if (id !== undefined && lit !== undefined) {
    const sameId = sameName.filter((s) => s.type === "element" && getAttr(s, "id") === id);
    const base = `${node.name}[@id=${lit}]`;
    return sameId.length === 1 ? base : `${base}[${sameId.indexOf(node) + 1}]`;
  }
  return sameName.length === 1 && id === undefined
    ? node.name
    : `${node.name}[${sameName.indexOf(node) + 1}]`;
}

/** stepFor for every child at once, in one pass (parents with thousands of children). */
function stepsFor(siblings: readonly XmlNode[]): Map<XmlNode, string> {
  const total = new Map<string, number>();
  const keyCount = (k: string): void => {
    total.set(k, (total.get(k) ?? 0) + 1);
  };
  for (const n of siblings) {
    if (n.type !== "element") continue;
    keyCount(`n\0${n.name}`);
    const id = getAttr(n, "id");
    if (id !== undefined) keyCount(`i\0${n.name}\0${id}`);
  }
  const seen = new Map<string, number>();
  const ordinal = (k: string): number => {
    const v = (seen.get(k) ?? 0) + 1;
    seen.set(k, v);
    return v;
  };
  const out = new Map<XmlNode, string>();
  for (const n of siblings) {
    if (n.type !== "element") {
      out.set(n, `${n.type === "comment" ? "comment()" : "text()"}[${ordinal(`t\0${n.type}`)}]`);
      continue;
    }
    const nameOrdinal = ordinal(`n\0${n.name}`);
    const id = getAttr(n, "id");
    const lit = id === undefined ? undefined : xpathLiteral(id);
    if (id !== undefined && lit !== undefined) {
      const k = `i\0${n.name}\0${id}`;
      const idOrdinal = ordinal(k);
      const base = `${n.name}[@id=${lit}]`;
      out.set(n, total.get(k) === 1 ? base : `${base}[${idOrdinal}]`);
    } else {
      const unique = total.get(`n\0${n.name}`) === 1 && id === undefined;
      out.set(n, unique ? n.name : `${n.name}[${nameOrdinal}]`);
    }
  }
  return out;
}

function change(op: Op, path: string, extra: Record<string, string> = {}): XmlElement {
  return elem("change", { operation: op, path, ...extra });
}

function modifyChange(path: LazyPath, a: XmlElement, b: XmlElement): XmlElement | undefined {
  const same =
    a.attrs.length === b.attrs.length &&
    a.attrs.every(([k, v], i) => b.attrs[i]?.[0] === k && b.attrs[i]?.[1] === v);
  if (same) return undefined;
  const list = elem("change-list");
  const before = new Map(a.attrs);
  for (const [k, v] of b.attrs) {
    if (before.get(k) !== v)
      list.children.push(elem("change-attr", { name: k, operation: "set", value: v }));
  }
  const after = new Set(b.attrs.map(([k]) => k));
  for (const [k] of a.attrs) {
    if (!after.has(k)) list.children.push(elem("change-attr", { name: k, operation: "unset" }));
  }
  const result = elem("change-result", {}, [
    { type: "element", name: b.name, attrs: b.attrs.map(([k, v]) => [k, v]), children: [] },
  ]);
  const c = change("modify", path());
  c.children.push(list, result);
  return c;
}

/** A path computed only when a change below needs it (most subtrees are unchanged). */
type LazyPath = () => string;

function lazy(f: () => string): LazyPath {
  let v: string | undefined;
  return () => {
    v ??= f();
    return v;
  };
}

/** Child matches per old element, shared by both passes of one diff. */
type MatchMemo = Map<XmlElement, Map<XmlNode, XmlNode>>;

function matchesOf(a: XmlElement, b: XmlElement, memo: MatchMemo): Map<XmlNode, XmlNode> {
  let m = memo.get(a);
  if (m === undefined) {
    m = matchChildren(a.children, b.children);
    memo.set(a, m);
  }
  return m;
}

/** Deletes of old nodes without a match, collected in reverse document order. */
function collectDeletes(
  a: XmlElement,
  b: XmlElement,
  path: LazyPath,
  out: XmlElement[],
  memo: MatchMemo,
): void {
  const bToA = matchesOf(a, b, memo);
  const matchedOld = new Map<XmlNode, XmlNode>();
  for (const [nb, na] of bToA) matchedOld.set(na, nb);
  let steps: Map<XmlNode, string> | undefined;
  const stepOf = (n: XmlNode): string => {
    steps ??= stepsFor(a.children);
    return steps.get(n) ?? "";
  };
  for (let i = a.children.length - 1; i >= 0; i--) {
    const na = a.children[i] as XmlNode;
    const nb = matchedOld.get(na);
    if (nb === undefined) {
      out.push(change("delete", `${path()}/${stepOf(na)}`));
    } else if (na.type === "element" && nb.type === "element") {
      collectDeletes(
        na,
        nb,
        lazy(() => `${path()}/${stepOf(na)}`),
        out,
        memo,
      );
    }
  }
}

/**
 * Creates and moves for `b`'s children, simulating the parent's child list as the changes
 * apply, then recursion into matched elements (whose paths are final by then).
 */
function collectPlacements(
  a: XmlElement,
  b: XmlElement,
  path: LazyPath,
  out: XmlElement[],
  memo: MatchMemo,
): void {
  const mod = modifyChange(path, a, b);
  if (mod) out.push(mod);
  const bToA = matchesOf(a, b, memo);
  const kept = new Set(bToA.values());
  const current: XmlNode[] = a.children.filter((n) => kept.has(n));
  b.children.forEach((nb, i) => {
    const na = bToA.get(nb);
    if (na === undefined) {
      const c = change("create", path(), { position: String(i) });
      c.children.push(cloneNode(nb));
      out.push(c);
      current.splice(i, 0, nb);
      return;
    }
    if (current[i] === na) return; // the common case: already in place
    const at = current.indexOf(na);
    out.push(change("move", `${path()}/${stepFor(na, current)}`, { position: String(i) }));
    current.splice(at, 1);
    current.splice(i, 0, na);
  });
  let steps: Map<XmlNode, string> | undefined;
  for (const nb of b.children) {
    const na = bToA.get(nb);
    if (na?.type === "element" && nb.type === "element") {
      const childPath = lazy(() => {
        steps ??= stepsFor(current);
        return `${path()}/${steps.get(na) ?? ""}`;
      });
      collectPlacements(na, nb, childPath, out, memo);
    }
  }
}

function versionEl(name: string, v: CibVersion): XmlElement {
  return elem(name, {
    admin_epoch: String(v.adminEpoch),
    epoch: String(v.epoch),
    num_updates: String(v.numUpdates),
  });
}

/**
 * The v2 patchset turning `a` into `b` (both `<cib>` roots, or any same-named roots).
 * @example applyPatchset(a, diffCib(a, b)) // ok(tree equal to b)
 */
export function diffCib(a: XmlElement, b: XmlElement): XmlElement {
  const diff = elem("diff", { format: "2" }, [
    elem("version", {}, [versionEl("source", readVersion(a)), versionEl("target", readVersion(b))]),
  ]);
  const changes: XmlElement[] = [];
  // A root cannot be replaced by a patch; callers diff two CIBs.
  assert(a.name === b.name, `diffCib: roots differ (<${a.name}> vs <${b.name}>)`);
  const rootPath = `/${a.name}`;
  const memo: MatchMemo = new Map();
  collectDeletes(a, b, () => rootPath, changes, memo);
  collectPlacements(a, b, () => rootPath, changes, memo);
  diff.children.push(...changes);
  return diff;
}

export type PatchError =
  | { readonly kind: "patch-format"; readonly detail: string }
  | { readonly kind: "patch-version"; readonly detail: string; readonly older: boolean }
  | { readonly kind: "patch-apply"; readonly detail: string };

export interface ApplyOptions {
  /**
   * Require the document's version to equal the patch's source version (as the CIB does
   * for replicated updates). Default true.
   */
  readonly checkVersion?: boolean;
}

function readVersionEl(el: XmlElement | undefined): CibVersion | undefined {
  if (el === undefined) return undefined;
  return readVersion(el);
}

/**
 * Applies a v2 patchset to a copy of `doc`.
 * @example const r = applyPatchset(cib, patch); if (r.ok) cib = r.value;
 */
export function applyPatchset(
  doc: XmlElement,
  patch: XmlElement,
  opts: ApplyOptions = {},
): Result<XmlElement, PatchError> {
  if (patch.name !== "diff" || getAttr(patch, "format") !== "2") {
    return err({ kind: "patch-format", detail: 'not a v2 patchset (expected <diff format="2">)' });
  }
  const version = firstChild(patch, "version");
  const source = readVersionEl(version ? firstChild(version, "source") : undefined);
  const target = readVersionEl(version ? firstChild(version, "target") : undefined);
  if ((opts.checkVersion ?? true) && source !== undefined) {
    const have = readVersion(doc);
    const cmp = compareVersions(have, source);
    if (cmp !== 0) {
      return err({
        kind: "patch-version",
        older: cmp < 0,
        detail:
          cmp < 0
            ? `Current version ${formatVersion(have)} is too low (patch needs ${formatVersion(source)}); resync the CIB`
            : `Current version ${formatVersion(have)} is newer than the patch's source ${formatVersion(source)}; the patch was already applied or is stale`,
      });
    }
  }
  const out = cloneElement(doc);
  for (const c of childElements(patch, "change")) {
    const r = applyChange(out, c);
    if (!r.ok) return r;
  }
  if (target !== undefined && source !== undefined) writeVersion(out, target);
  return ok(out);
}

function locate(root: XmlElement, path: string): Result<XmlNode, PatchError> {
  const found = selectNodes(root, path);
  if (!found.ok) {
    return err({ kind: "patch-format", detail: `bad path ${path}: ${found.error.detail}` });
  }
  const first = found.value[0];
  if (first === undefined) return err({ kind: "patch-apply", detail: `no node at ${path}` });
  return ok(first);
}

function findParent(root: XmlElement, node: XmlNode): XmlElement | undefined {
  for (const c of root.children) {
    if (c === node) return root;
    if (c.type === "element") {
      const p = findParent(c, node);
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

function positionOf(c: XmlElement, max: number): number {
  const raw = getAttr(c, "position");
  if (raw === undefined || !/^\d+$/.test(raw)) return max;
  return Math.min(Number(raw), max);
}

function applyChange(root: XmlElement, c: XmlElement): Result<void, PatchError> {
  const op = getAttr(c, "operation");
  const path = getAttr(c, "path");
  if (path === undefined) return err({ kind: "patch-format", detail: "<change> without path" });
  const target = locate(root, path);
  if (!target.ok) return target;
  const node = target.value;
  switch (op) {
    case "delete":
    case "move": {
      const parent = findParent(root, node);
      if (parent === undefined)
        return err({ kind: "patch-apply", detail: `cannot ${op} the root` });
      parent.children.splice(parent.children.indexOf(node), 1);
      if (op === "move") parent.children.splice(positionOf(c, parent.children.length), 0, node);
      return ok(undefined);
    }
    case "create": {
      if (node.type !== "element")
        return err({ kind: "patch-apply", detail: `${path} is not an element` });
      const created = c.children.find((n) => n.type === "element") ?? c.children[0];
      if (created === undefined)
        return err({ kind: "patch-format", detail: `create at ${path} has no content` });
      node.children.splice(positionOf(c, node.children.length), 0, cloneNode(created));
      return ok(undefined);
    }
    case "modify":
      if (node.type !== "element")
        return err({ kind: "patch-apply", detail: `${path} is not an element` });
      applyModify(node, c);
      return ok(undefined);
    default:
      return err({ kind: "patch-format", detail: `unknown change operation '${op ?? ""}'` });
  }
}

function applyModify(node: XmlElement, c: XmlElement): void {
  const result = firstChild(c, "change-result");
  const resultEl = result ? childElements(result)[0] : undefined;
  if (resultEl !== undefined) {
    // change-result carries every attribute in order: the exact new attribute list.
    node.attrs = resultEl.attrs.map(([k, v]) => [k, v]);
    return;
  }
  const list = firstChild(c, "change-list");
  for (const a of list ? childElements(list, "change-attr") : []) {
    const name = getAttr(a, "name");
    if (name === undefined) continue;
    if (getAttr(a, "operation") === "unset") node.attrs = node.attrs.filter(([k]) => k !== name);
    else {
      const v = getAttr(a, "value") ?? "";
      const at = node.attrs.find(([k]) => k === name);
      if (at) at[1] = v;
      else node.attrs.push([name, v]);
    }
  }
}

/** True when the patchset has no `<change>` (the two trees were equal). */
export function isEmptyPatchset(patch: XmlElement): boolean {
  return childElements(patch, "change").length === 0;
}
