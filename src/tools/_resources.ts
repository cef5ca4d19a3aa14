/**
 * The resources of a CIB as crm_resource sees them offline: the configured tree (primitives,
 * groups, clones, bundles), their meta attributes as inherited from their parents, and where
 * the status section says each one is active. The state is read from the recorded operation
 * history only (no scheduler run): the last non-recurring operation of each resource on each
 * node decides, as Pacemaker's unpacking does for the plain cases.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";

export type ResourceKind = "primitive" | "group" | "clone" | "master" | "bundle";

export interface Resource {
  readonly id: string;
  readonly kind: ResourceKind;
  readonly el: XmlElement;
  readonly children: readonly Resource[];
  readonly parent: Resource | undefined;
}

const KINDS: readonly string[] = ["primitive", "group", "clone", "master", "bundle"];

function build(el: XmlElement, parent: Resource | undefined): Resource {
  const children: Resource[] = [];
  const self: Resource = {
    id: getAttr(el, "id") ?? "",
    kind: el.name as ResourceKind,
    el,
    children,
    parent,
  };
  for (const c of childElements(el)) if (KINDS.includes(c.name)) children.push(build(c, self));
  return self;
}

/** Top-level resources in configuration order. */
export function resourceTree(cib: XmlElement): Resource[] {
  const section = firstChild(firstChild(cib, "configuration") ?? cib, "resources");
  if (section === undefined) return [];
  return childElements(section)
    .filter((c) => KINDS.includes(c.name))
    .map((c) => build(c, undefined));
}

/** Every resource, depth first (parents before children). */
export function allResources(tree: readonly Resource[]): Resource[] {
  const out: Resource[] = [];
  const visit = (r: Resource): void => {
    out.push(r);
    for (const c of r.children) visit(c);
  };
  for (const r of tree) visit(r);
  return out;
}

/** The resource named `id`; a clone instance name `rsc:N` finds the primitive `rsc`. */
export function findResource(tree: readonly Resource[], id: string): Resource | undefined {
  const all = allResources(tree);
  const exact = all.find((r) => r.id === id);
  if (exact !== undefined) return exact;
  const colon = id.lastIndexOf(":");
  if (colon <= 0 || !/^\d+$/.test(id.slice(colon + 1))) return undefined;
  const base = all.find((r) => r.id === id.slice(0, colon));
  return base !== undefined && insideClone(base) ? base : undefined;
}

export function insideClone(r: Resource): boolean {
  for (let p = r.parent; p !== undefined; p = p.parent) {
    if (p.kind === "clone" || p.kind === "master") return true;
  }
  return false;
}

/** `class:provider:type` (or `class:type`) of a primitive. */
export function agentName(r: Resource): string {
  const cls = getAttr(r.el, "class") ?? "";
  const provider = getAttr(r.el, "provider");
  const type = getAttr(r.el, "type") ?? "";
  return provider !== undefined ? `${cls}:${provider}:${type}` : `${cls}:${type}`;
}

/** A meta attribute set on the resource itself. */
export function ownMeta(r: Resource, name: string): string | undefined {
  for (const set of childElements(r.el, "meta_attributes")) {
    for (const nv of childElements(set, "nvpair")) {
      if (getAttr(nv, "name") === name) return getAttr(nv, "value");
    }
  }
  return undefined;
}

/** A meta attribute as the resource inherits it (its own value, else its nearest parent's). */
export function effectiveMeta(r: Resource, name: string): string | undefined {
  for (let p: Resource | undefined = r; p !== undefined; p = p.parent) {
    const v = ownMeta(p, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && /^(true|yes|on|y|1)$/i.test(v);
}

function isFalse(v: string | undefined): boolean {
  return v !== undefined && /^(false|no|off|n|0)$/i.test(v);
}

/** target-role=Stopped on the resource or a parent. */
export function isDisabled(r: Resource): boolean {
  for (let p: Resource | undefined = r; p !== undefined; p = p.parent) {
    if (ownMeta(p, "target-role")?.toLowerCase() === "stopped") return true;
  }
  return false;
}

/** is-managed=false or maintenance=true on the resource or a parent. */
export function isUnmanaged(r: Resource): boolean {
  return isFalse(effectiveMeta(r, "is-managed")) || isTrue(effectiveMeta(r, "maintenance"));
}

export interface Placement {
  readonly node: string;
  /** The primitive (or clone instance) name as recorded in the status section. */
  readonly instance: string;
  readonly promoted: boolean;
  /** An operation returned something other than what the cluster expected. */
  readonly failed: boolean;
}

interface OpRecord {
  readonly operation: string;
  readonly rc: number;
  readonly callId: number;
  readonly interval: number;
  /** The rc the cluster expected (third field of the transition key), when recorded. */
  readonly expectedRc: number | undefined;
  readonly opStatus: number;
}

/** Whether one recorded result is a failure, as Pacemaker judges it. */
function isFailure(op: OpRecord): boolean {
  if (op.opStatus !== 0 && op.opStatus !== -1) return true;
  // A probe that finds the resource running (0, 8) or stopped (7) reports state, even when
  // the cluster expected otherwise (after a clean-up it expects 7 and finds it running).
  if (op.operation === "monitor" && op.interval === 0) return ![0, 7, 8].includes(op.rc);
  if (op.expectedRc !== undefined) return op.rc !== op.expectedRc;
  if (op.operation === "monitor") return ![0, 8].includes(op.rc);
  return op.rc !== 0;
}

function opsOf(lrmResource: XmlElement): OpRecord[] {
  return childElements(lrmResource, "lrm_rsc_op").map((op) => {
    const expected = (getAttr(op, "transition-key") ?? "").split(":")[2];
    return {
      operation: getAttr(op, "operation") ?? "",
      rc: Number(getAttr(op, "rc-code") ?? "-1"),
      callId: Number(getAttr(op, "call-id") ?? "0"),
      interval: Number(getAttr(op, "interval") ?? "0"),
      expectedRc: expected !== undefined && /^\d+$/.test(expected) ? Number(expected) : undefined,
      opStatus: Number(getAttr(op, "op-status") ?? "0"),
    };
  });
}

/** active + promoted, from one resource's history on one node. */
function stateFromOps(ops: readonly OpRecord[]): { active: boolean; promoted: boolean } {
  const last = ops
    .filter((o) => o.interval === 0 && o.callId >= 0)
    .sort((a, b) => a.callId - b.callId)
    .at(-1);
  if (last === undefined) return { active: false, promoted: false };
  switch (last.operation) {
    case "stop":
      return { active: last.rc !== 0, promoted: false };
    case "monitor":
      return { active: last.rc === 0 || last.rc === 8, promoted: last.rc === 8 };
    case "promote":
      return { active: true, promoted: last.rc === 0 };
    default:
      return { active: last.rc !== 7, promoted: false };
  }
}

function nodeStates(cib: XmlElement): XmlElement[] {
  const status = firstChild(cib, "status");
  return status === undefined ? [] : childElements(status, "node_state");
}

/** Where primitive `id` (or its clone instances `id:N`) is active, in status order. */
export function placements(cib: XmlElement, id: string): Placement[] {
  const out: Placement[] = [];
  for (const ns of nodeStates(cib)) {
    const node = getAttr(ns, "uname") ?? getAttr(ns, "id") ?? "";
    // A node out of the membership keeps its (stale) history; its resources count as stopped.
    if (getAttr(ns, "in_ccm") === "false" && getAttr(ns, "crmd") === "offline") continue;
    const lrm = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    if (lrm === undefined) continue;
    for (const lr of childElements(lrm, "lrm_resource")) {
      const rid = getAttr(lr, "id") ?? "";
      if (rid !== id && !rid.startsWith(`${id}:`)) continue;
      const ops = opsOf(lr);
      const st = stateFromOps(ops);
      // Failures older than the last start/stop/probe belong to history, not to the state.
      const lastCall = Math.max(-1, ...ops.filter((o) => o.interval === 0).map((o) => o.callId));
      const failed = ops.some((o) => o.callId >= lastCall && isFailure(o));
      if (st.active || failed) out.push({ node, instance: rid, promoted: st.promoted, failed });
    }
  }
  return out;
}

/** The primitives a resource is made of (itself for a primitive). */
export function primitivesOf(r: Resource): Resource[] {
  if (r.kind === "primitive") return [r];
  return r.children.flatMap(primitivesOf);
}

/** Nodes a resource is active on: its primitives' placements, each node once, in order. */
export function activeNodes(cib: XmlElement, r: Resource): Placement[] {
  const seen = new Set<string>();
  const out: Placement[] = [];
  for (const p of primitivesOf(r)) {
    for (const pl of placements(cib, p.id)) {
      if (seen.has(pl.node)) continue;
      seen.add(pl.node);
      out.push(pl);
    }
  }
  return out;
}

/** Cluster node names from the configuration's nodes section, in order. */
export function configuredNodes(cib: XmlElement): { id: string; uname: string }[] {
  const nodes = firstChild(firstChild(cib, "configuration") ?? cib, "nodes");
  if (nodes === undefined) return [];
  return childElements(nodes, "node").map((n) => {
    const id = getAttr(n, "id") ?? "";
    return { id, uname: getAttr(n, "uname") ?? id };
  });
}

/** Names crm_resource --list-raw prints: primitives, clone instances as `rsc:N`. */
export function rawNames(cib: XmlElement, tree: readonly Resource[]): string[] {
  const nodeCount = Math.max(1, configuredNodes(cib).length);
  const out: string[] = [];
  for (const r of allResources(tree)) {
    if (r.kind !== "primitive") continue;
    if (!insideClone(r)) {
      out.push(r.id);
      continue;
    }
    const clone = cloneAncestor(r);
    const max = Number(
      clone !== undefined ? (ownMeta(clone, "clone-max") ?? nodeCount) : nodeCount,
    );
    for (let i = 0; i < max; i++) out.push(`${r.id}:${i}`);
  }
  return out;
}

export function cloneAncestor(r: Resource): Resource | undefined {
  for (let p = r.parent; p !== undefined; p = p.parent) {
    if (p.kind === "clone" || p.kind === "master") return p;
  }
  return undefined;
}
