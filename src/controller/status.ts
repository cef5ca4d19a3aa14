/**
 * Writes the status section the way Pacemaker's controller does: one `node_state` per node
 * (membership flags), its `lrm` history (`lrm_rsc_op` entries named `RSC_last_0`,
 * `RSC_last_failure_0` and `RSC_OP_INTERVAL` for recurring operations) and its
 * `transient_attributes` (fail counts, standby for the reboot lifetime, shutdown...).
 */
import { childElements, elem, getAttr, printXml, setAttr, type XmlElement } from "../cib/xml.js";
import { configuration, ensureChild, FEATURE_SET, statusSection } from "./cib-state.js";
import type { Member, OpResult } from "./types.js";

export const INFINITY = 1000000;

export function findNodeState(cib: XmlElement, nodeName: string): XmlElement | undefined {
  return childElements(statusSection(cib), "node_state").find(
    (n) => getAttr(n, "uname") === nodeName,
  );
}

export function nodeState(cib: XmlElement, member: Member): XmlElement {
  const found = findNodeState(cib, member.name);
  if (found) return found;
  const made = elem("node_state", { id: String(member.id), uname: member.name });
  statusSection(cib).children.push(made);
  return made;
}

/** Marks a node in or out of the membership, as Pacemaker's in_ccm/crmd/join/expected. */
export function setNodeOnline(cib: XmlElement, member: Member, online: boolean): void {
  const ns = nodeState(cib, member);
  setAttr(ns, "in_ccm", online ? "true" : "false");
  setAttr(ns, "crmd", online ? "online" : "offline");
  setAttr(ns, "crm-debug-origin", online ? "do_state_transition" : "peer_update_callback");
  setAttr(ns, "join", online ? "member" : "down");
  setAttr(ns, "expected", online ? "member" : "down");
}

function lrmResources(ns: XmlElement): XmlElement {
  const lrm = ensureChild(ns, "lrm", { id: getAttr(ns, "id") ?? "" });
  return ensureChild(lrm, "lrm_resources");
}

/** Replaces a node's whole executor history (on join, from what its executor reports). */
export function replaceLrm(
  cib: XmlElement,
  member: Member,
  resources: readonly XmlElement[],
): void {
  const ns = nodeState(cib, member);
  const list = lrmResources(ns);
  list.children = [...resources];
}

/** The node's `lrm_resource` elements, printed one after the other (for join-announce). */
export function printLrm(resources: readonly XmlElement[]): string {
  return (
    `<lrm_resources>${resources.map((r) => printXml(r, { indent: "" }).trim()).join("")}` +
    "</lrm_resources>"
  );
}

function opEntry(id: string, r: OpResult, node: string, opKey: string): XmlElement {
  const magic = `${r.opStatus}:${r.rc};${r.transitionKey}`;
  return elem("lrm_rsc_op", {
    id,
    operation_key: opKey,
    operation: r.operation,
    "crm-debug-origin": "do_update_resource",
    crm_feature_set: FEATURE_SET,
    "transition-key": r.transitionKey,
    "transition-magic": magic,
    "exit-reason": r.exitReason,
    on_node: node,
    "call-id": String(r.callId),
    "rc-code": String(r.rc),
    "op-status": String(r.opStatus),
    interval: String(r.intervalMs),
    "last-rc-change": String(r.rcChangeS),
    "exec-time": String(r.execMs),
    "queue-time": String(r.queueMs),
    "op-digest": r.opDigest,
  });
}

function putOp(list: XmlElement, entry: XmlElement): void {
  const id = getAttr(entry, "id");
  const i = list.children.findIndex((c) => c.type === "element" && getAttr(c, "id") === id);
  if (i >= 0) list.children[i] = entry;
  else list.children.push(entry);
}

/**
 * Records one executor result in the node's history. `failed` says whether the controller
 * judged it a failure (rc other than expected); failures also get `RSC_last_failure_0`.
 */
export function recordOp(cib: XmlElement, member: Member, r: OpResult, failed: boolean): void {
  // Notifications are not history: a notify result must not replace the start that shows the
  // instance running (Pacemaker records none).
  if (r.operation === "notify") return;
  const ns = nodeState(cib, member);
  const list = lrmResources(ns);
  let rsc = childElements(list, "lrm_resource").find((e) => getAttr(e, "id") === r.resource);
  if (!rsc) {
    const attrs: Record<string, string> = { id: r.resource, type: r.type, class: r.resourceClass };
    if (r.provider !== "") attrs.provider = r.provider;
    rsc = elem("lrm_resource", attrs);
    list.children.push(rsc);
  }
  const opKey = `${r.resource}_${r.operation}_${r.intervalMs}`;
  const id = r.intervalMs > 0 ? opKey : `${r.resource}_last_0`;
  // Pacemaker does not record cancellations of recurring operations as history.
  if (r.opStatus === 1 && r.intervalMs > 0) return;
  putOp(rsc, opEntry(id, r, member.name, opKey));
  if (failed) putOp(rsc, opEntry(`${r.resource}_last_failure_0`, r, member.name, opKey));
}

function attrSet(ns: XmlElement): XmlElement {
  const id = getAttr(ns, "id") ?? "";
  const ta = ensureChild(ns, "transient_attributes", { id });
  return ensureChild(ta, "instance_attributes", { id: `status-${id}` });
}

function nvId(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9_.-]/g, ".")}`;
}

function setNv(set: XmlElement, prefix: string, name: string, value: string | null): boolean {
  const i = set.children.findIndex(
    (c) => c.type === "element" && c.name === "nvpair" && getAttr(c, "name") === name,
  );
  const existing = i >= 0 ? set.children[i] : undefined;
  if (value === null) {
    if (i < 0) return false;
    set.children.splice(i, 1);
    return true;
  }
  if (existing && existing.type === "element") {
    if (getAttr(existing, "value") === value) return false;
    setAttr(existing, "value", value);
    return true;
  }
  set.children.push(elem("nvpair", { id: nvId(prefix, name), name, value }));
  return true;
}

/** Sets (or with null deletes) a transient node attribute; returns whether it changed. */
export function setTransientAttr(
  cib: XmlElement,
  member: Member,
  name: string,
  value: string | null,
): boolean {
  const ns = nodeState(cib, member);
  return setNv(attrSet(ns), `status-${getAttr(ns, "id") ?? ""}`, name, value);
}

export function transientAttrs(cib: XmlElement, nodeName: string): Map<string, string> {
  const out = new Map<string, string>();
  const ns = findNodeState(cib, nodeName);
  if (!ns) return out;
  for (const ta of childElements(ns, "transient_attributes")) {
    for (const set of childElements(ta, "instance_attributes")) {
      for (const nv of childElements(set, "nvpair")) {
        out.set(getAttr(nv, "name") ?? "", getAttr(nv, "value") ?? "");
      }
    }
  }
  return out;
}

/** Drops every transient attribute of a node (it left: its attribute writer is gone). */
export function eraseTransientAttrs(cib: XmlElement, nodeName: string): boolean {
  const ns = findNodeState(cib, nodeName);
  if (!ns) return false;
  const before = ns.children.length;
  ns.children = ns.children.filter(
    (c) => c.type !== "element" || c.name !== "transient_attributes",
  );
  return ns.children.length !== before;
}

/** Sets (or deletes) a permanent node attribute in `configuration/nodes`. */
export function setPermanentAttr(
  cib: XmlElement,
  member: Member,
  name: string,
  value: string | null,
): boolean {
  const nodes = ensureChild(configuration(cib), "nodes");
  let node = childElements(nodes, "node").find((n) => getAttr(n, "uname") === member.name);
  if (!node) {
    if (value === null) return false;
    node = elem("node", { id: String(member.id), uname: member.name });
    nodes.children.push(node);
  }
  const nodeId = getAttr(node, "id") ?? String(member.id);
  const set = ensureChild(node, "instance_attributes", { id: `nodes-${nodeId}` });
  const changed = setNv(set, `nodes-${nodeId}`, name, value);
  if (set.children.length === 0) node.children = node.children.filter((c) => c !== set);
  return changed;
}

/** The fail-count attribute name Pacemaker 2.1 uses: `fail-count-RSC#OP_INTERVALMS`. */
export function failCountName(resource: string, operation: string, intervalMs: number): string {
  return `fail-count-${resource}#${operation}_${intervalMs}`;
}

export function lastFailureName(resource: string, operation: string, intervalMs: number): string {
  return `last-failure-${resource}#${operation}_${intervalMs}`;
}

/** Adds `by` to a fail count (INFINITY saturates), and stamps last-failure. */
export function bumpFailCount(cib: XmlElement, member: Member, r: OpResult, by: number): void {
  const name = failCountName(r.resource, r.operation, r.intervalMs);
  const cur = transientAttrs(cib, member.name).get(name);
  const curN = cur === undefined ? 0 : cur === "INFINITY" ? INFINITY : Number(cur) || 0;
  const next = Math.min(INFINITY, curN + by);
  setTransientAttr(cib, member, name, next >= INFINITY ? "INFINITY" : String(next));
  setTransientAttr(
    cib,
    member,
    lastFailureName(r.resource, r.operation, r.intervalMs),
    String(r.rcChangeS),
  );
}

/**
 * `crm resource cleanup`: forgets the history and failures of a resource (or all) on a node
 * (or all), so the scheduler re-probes it. Returns whether anything changed.
 */
export function cleanupResource(
  cib: XmlElement,
  resource: string | null,
  node: string | null,
): boolean {
  let changed = false;
  for (const ns of childElements(statusSection(cib), "node_state")) {
    if (node !== null && getAttr(ns, "uname") !== node) continue;
    for (const lrm of childElements(ns, "lrm")) {
      for (const list of childElements(lrm, "lrm_resources")) {
        const before = list.children.length;
        list.children = list.children.filter(
          (c) => c.type !== "element" || (resource !== null && getAttr(c, "id") !== resource),
        );
        changed ||= list.children.length !== before;
      }
    }
    for (const ta of childElements(ns, "transient_attributes")) {
      for (const set of childElements(ta, "instance_attributes")) {
        const before = set.children.length;
        set.children = set.children.filter((c) => {
          if (c.type !== "element") return true;
          const n = getAttr(c, "name") ?? "";
          const m = /^(fail-count|last-failure)-(.+)#/.exec(n);
          return !m || (resource !== null && m[2] !== resource);
        });
        changed ||= set.children.length !== before;
      }
    }
  }
  return changed;
}
