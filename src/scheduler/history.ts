/**
 * Reads the status section: each node's lrm_resource entries become a NodeHistory on the
 * matching resource (anonymous clone entries are mapped onto instances), entries for
 * resources no longer configured become orphans.
 */
import { attrValues, childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { addOrphanInstance, cloneTemplate, needsOrphanInstance } from "./clone-orphans.js";
import { recordedParametersChanged } from "./digest.js";
import { canFenceNode } from "./fencing.js";
import type { NodeHistory, OnFail, OpRecord, Resource, Role, WorkingSet } from "./model.js";
import { INFINITY } from "./scores.js";
import type { BuildContext } from "./unpack.js";

export function unpackHistory(ws: WorkingSet, status: XmlElement, ctx: BuildContext): void {
  const byBase = indexPrimitivesByBase(ws.resources);
  for (const ns of childElements(status, "node_state")) {
    const node = ws.nodes.find((n) => n.id === getAttr(ns, "id"));
    if (!node) continue;
    const lrm = firstChild(ns, "lrm");
    const lrmRes = lrm ? firstChild(lrm, "lrm_resources") : undefined;
    if (!lrmRes) continue;
    const entries = childElements(lrmRes, "lrm_resource");
    for (const lr of entries) {
      const id = getAttr(lr, "id") ?? "";
      const ops = readOps(lr);
      // Without fencing, the history of an offline node is stale; with it, what it says
      // still runs there must be fenced first.
      if (!node.online && !ws.options.stonithEnabled) continue;
      const newActive = roleFromOps(ops) !== "Stopped";
      const rsc = resolve(ws, byBase, id, node.uname, newActive) ?? makeOrphan(ws, lr, id, ctx);
      const prev = rsc.history.get(node.uname);
      // Another entry of an anonymous clone mapped here: the active one describes the
      // instance; the ops of two different entries are not interleaved.
      const other = prev !== undefined && prev.lrmId !== id;
      if (other && prev.role !== "Stopped" && !newActive) continue;
      const replace = other && prev.role === "Stopped" && newActive;
      const all = prev && !replace ? mergeOps(prev.ops, ops) : ops;
      // An active entry names the instance on this node over an earlier inactive one.
      const lrmId = prev && !replace ? prev.lrmId : id;
      const h = buildNodeHistory(rsc, node.uname, lrmId, all, ws);
      rsc.history.set(node.uname, h);
      if (!node.online) settleLostNode(ws, rsc, h);
    }
  }
}

function mergeOps(a: OpRecord[], b: OpRecord[]): OpRecord[] {
  const rank = (o: OpRecord) => (o.callId < 0 ? Number.MAX_SAFE_INTEGER : o.callId);
  return [...a, ...b].sort((x, y) => rank(x) - rank(y));
}

function indexPrimitivesByBase(tops: Resource[]): Map<string, Resource[]> {
  const idx = new Map<string, Resource[]>();
  const walk = (r: Resource) => {
    if (r.kind === "primitive") {
      const l = idx.get(r.baseId) ?? [];
      l.push(r);
      idx.set(r.baseId, l);
    }
    for (const c of r.children) walk(c);
  };
  for (const r of tops) walk(r);
  return idx;
}

function cloneOf(r: Resource): Resource | undefined {
  for (let p = r.parent; p; p = p.parent) if (p.kind === "clone") return p;
  return undefined;
}

function instanceRoot(r: Resource): Resource {
  let x = r;
  while (x.parent && x.parent.kind !== "clone") x = x.parent;
  return x;
}

function resolve(
  ws: WorkingSet,
  byBase: Map<string, Resource[]>,
  id: string,
  node: string,
  active = false,
): Resource | undefined {
  const direct = ws.byId.get(id);
  if (direct && direct.kind === "primitive") {
    const c = cloneOf(direct);
    if (!c || c.clone?.unique) return direct;
  }
  const m = /^(.*?)(?::(\d+))?$/.exec(id);
  const base = m?.[1] ?? id;
  const candidates = byBase.get(base);
  if (!candidates || candidates.length === 0) {
    const empty = ws.resources.find(
      (r) => r.kind === "clone" && !r.clone?.unique && cloneTemplate(r)?.id === `${base}:0`,
    );
    return empty ? orphanOfEmptyClone(ws, empty, node, active) : undefined;
  }
  const first = candidates[0] as Resource;
  const clone = cloneOf(first);
  if (!clone) return m?.[2] === undefined ? first : undefined;
  if (clone.clone?.unique) return candidates.find((c) => c.id === id);
  // Anonymous: the instance already active on this node, else the first one active nowhere.
  // A second active copy where only one may run is an orphaned instance of its own.
  const here = clone.children.find((i) => activeOn(i, node));
  if (active && here && needsOrphanInstance(clone, here)) {
    const orphan = addOrphanInstance(clone, here);
    ws.byId.set(orphan.id, orphan);
    return orphan;
  }
  // An inactive copy beside an active one must not merge into it (its stop would win).
  const spare =
    here && !active
      ? clone.children.find((i) => !isActiveSomewhere(i, "") && !hasHistoryOn(i, node))
      : undefined;
  if (spare) return candidates.find((c) => instanceRoot(c) === spare);
  const inst =
    clone.children.find((i) => activeOn(i, node)) ??
    clone.children.find((i) => !isActiveSomewhere(i, "")) ??
    clone.children[clone.children.length - 1];
  return inst ? candidates.find((c) => instanceRoot(c) === inst) : undefined;
}

/**
 * A copy of a clone that may run no instance (clone-max=0): each copy found active on a
 * node becomes an orphaned instance, numbered in the order the status lists them.
 */
function orphanOfEmptyClone(
  ws: WorkingSet,
  clone: Resource,
  node: string,
  active: boolean,
): Resource | undefined {
  const template = cloneTemplate(clone);
  if (!template || template.kind !== "primitive") return undefined;
  const here =
    clone.children.find((i) => activeOn(i, node)) ??
    clone.children.find((i) => hasHistoryOn(i, node) && !isActiveSomewhere(i, node));
  if (here && !(active && activeOn(here, node))) return here;
  const orphan = addOrphanInstance(clone, template);
  ws.byId.set(orphan.id, orphan);
  return orphan;
}

function hasHistoryOn(inst: Resource, node: string): boolean {
  return allPrimitives(inst).some((p) => p.history.has(node));
}

function activeOn(inst: Resource, node: string): boolean {
  return allPrimitives(inst).some((p) => {
    const h = p.history.get(node);
    return h !== undefined && h.role !== "Stopped";
  });
}

function allPrimitives(r: Resource): Resource[] {
  return r.kind === "primitive" ? [r] : r.children.flatMap(allPrimitives);
}

function isActiveSomewhere(inst: Resource, except: string): boolean {
  return allPrimitives(inst).some((p) =>
    [...p.history.values()].some((h) => h.node !== except && h.role !== "Stopped"),
  );
}

function makeOrphan(ws: WorkingSet, lr: XmlElement, id: string, ctx: BuildContext): Resource {
  const existing = ws.byId.get(id);
  if (existing) return existing;
  const r: Resource = {
    id,
    kind: "primitive",
    parent: undefined,
    children: [],
    xml: undefined,
    meta: new Map(),
    params: new Map(),
    cls: getAttr(lr, "class") ?? "",
    provider: getAttr(lr, "provider"),
    type: getAttr(lr, "type") ?? "",
    ops: [],
    orphan: true,
    baseId: id,
    instance: undefined,
    priority: 0,
    stickiness: 0,
    targetRole: "Stopped",
    managed: ctx.options.stopOrphanResources,
    migrationThreshold: INFINITY,
    requires: "quorum",
    history: new Map(),
    clone: undefined,
  };
  ws.byId.set(id, r);
  ws.resources.push(r);
  return r;
}

/** LSB status exit codes: 1-3 mean "not running", 4 is an unknown error. */
function remapRc(cls: string | undefined, task: string, rc: number): number {
  if (cls !== "lsb" || task !== "monitor") return rc;
  if (rc === 1 || rc === 2 || rc === 3) return 7;
  if (rc === 4) return 1;
  return rc;
}

/** The attributes of an lrm_rsc_op that the scheduler reads (one pass over the element). */
const OP_ATTRS = new Set<string>([
  "id",
  "operation",
  "interval",
  "call-id",
  "rc-code",
  "op-status",
  "transition-key",
  "transition-magic",
  "op-digest",
  "op-restart-digest",
  "last-rc-change",
]);

/**
 * The expected exit code in a transition key (`action:transition:EXPECTED:uuid`, or the part
 * after `;` of a transition magic `status:rc;key`), "0" when absent. Found with indexOf: it
 * runs for every recorded operation.
 */
function expectedRcField(key: string): string {
  let part = key;
  const semi = key.indexOf(";");
  if (semi >= 0) {
    const next = key.indexOf(";", semi + 1);
    part = key.slice(semi + 1, next < 0 ? undefined : next);
  }
  const c1 = part.indexOf(":");
  const c2 = c1 < 0 ? -1 : part.indexOf(":", c1 + 1);
  if (c2 < 0) return "0";
  const c3 = part.indexOf(":", c2 + 1);
  return part.slice(c2 + 1, c3 < 0 ? undefined : c3);
}

function readOps(lr: XmlElement): OpRecord[] {
  const out: OpRecord[] = [];
  const cls = getAttr(lr, "class");
  for (const op of childElements(lr, "lrm_rsc_op")) {
    const a = attrValues(op, OP_ATTRS);
    const key = a.get("transition-key") ?? a.get("transition-magic") ?? "";
    const target = Number(expectedRcField(key));
    out.push({
      id: a.get("id") ?? "",
      task: a.get("operation") ?? "",
      intervalMs: Number(a.get("interval") ?? "0") || 0,
      callId: Number(a.get("call-id") ?? "0"),
      rc: remapRc(cls, a.get("operation") ?? "", Number(a.get("rc-code") ?? "0")),
      opStatus: Number(a.get("op-status") ?? "0"),
      targetRc: Number.isFinite(target) ? target : 0,
      digest: a.get("op-digest"),
      restartDigest: a.get("op-restart-digest"),
      lastRcChange: Number(a.get("last-rc-change") ?? "0"),
      xml: op,
    });
  }
  // Pending operations (call-id -1) are the newest.
  const rank = (o: OpRecord) => (o.callId < 0 ? Number.MAX_SAFE_INTEGER : o.callId);
  out.sort((a, b) => rank(a) - rank(b));
  return out;
}

function roleFromOps(ops: OpRecord[]): Role {
  let role: Role = "Stopped";
  for (const op of ops) {
    const next = successRole(op, role);
    if (next !== undefined) role = next;
    else if (isFailure(op) && op.task !== "stop") role = op.rc === 8 ? "Promoted" : "Started";
  }
  return role;
}

/** Execution status "done" (0) and "error" (4) are judged by the exit code alone. */
function statusFailed(op: OpRecord): boolean {
  return op.opStatus !== 0 && op.opStatus !== 4;
}

function isFailure(op: OpRecord): boolean {
  if (op.opStatus === 1 || op.callId < 0 || op.opStatus === -1) return false;
  if (op.intervalMs === 0 && op.task === "monitor") {
    return statusFailed(op) || ![0, 7, 8].includes(op.rc);
  }
  return statusFailed(op) || op.rc !== op.targetRc;
}

/** The role an operation leaves the resource in when it succeeded, if it decides one. */
function successRole(op: OpRecord, current: Role): Role | undefined {
  if (op.opStatus === 1) return undefined;
  if (op.callId < 0 || op.opStatus === -1) {
    if (op.task === "start" || op.task === "stop" || op.task === "migrate_from") return "Started";
    if (op.task === "promote" || op.task === "demote") return "Promoted";
    return undefined;
  }
  if (isFailure(op)) return undefined;
  switch (op.task) {
    case "start":
    case "migrate_from":
      return "Started";
    case "stop":
      return "Stopped";
    case "promote":
      return "Promoted";
    case "demote":
      return "Unpromoted";
    case "monitor":
      if (op.rc === 7) return op.intervalMs === 0 ? "Stopped" : undefined;
      if (op.rc === 8) return "Promoted";
      if (op.rc === 0) return current === "Promoted" && op.intervalMs > 0 ? current : "Started";
      return undefined;
    default:
      return undefined;
  }
}

function configuredOnFail(rsc: Resource, op: OpRecord, ws: WorkingSet): OnFail {
  const def = rsc.ops.find((o) => o.name === op.task && o.intervalMs === op.intervalMs);
  if (def?.onFail) return def.onFail;
  if (op.task === "stop") return ws.options.stonithEnabled ? "fence" : "block";
  if (op.task === "demote") return "restart";
  return "restart";
}

function buildNodeHistory(
  rsc: Resource,
  node: string,
  lrmId: string,
  ops: OpRecord[],
  ws: WorkingSet,
): NodeHistory {
  const h: NodeHistory = {
    node,
    lrmId,
    role: "Stopped",
    failed: false,
    blocked: false,
    failureIgnored: false,
    failCountCleared: ops.some((op) => isFailure(op) && recordedParametersChanged(rsc, op)),
    notInstalled: false,
    probed: ops.length > 0,
    pendingTask: undefined,
    onFail: undefined,
    failedTask: undefined,
    ops,
    lastStart: undefined,
    ban: undefined,
  };
  const n = ws.nodeByName.get(node);
  // A node an earlier entry of the status already condemned (a failure there calls for
  // fencing): later failures on it are not failures of their resources.
  const condemned = n?.unclean === true && n.fenceReason !== undefined && n.online;
  for (const op of ops) applyOp(rsc, h, op, ws);
  if (n?.online && condemned && h.failed) {
    h.failed = false;
    h.blocked = false;
  }
  return h;
}

/**
 * History on a node that is not online (read only with fencing enabled): a resource still
 * active there condemns the node, and fencing will stop it, so its failures there no longer
 * matter. Except a hard error (rc 2-5) where this partition cannot fence: nothing can be
 * done about it, it is blocked (Pacemaker 2.1.5 on probe CIBs).
 */
function settleLostNode(ws: WorkingSet, rsc: Resource, h: NodeHistory): void {
  const node = ws.nodeByName.get(h.node);
  if (!node) return;
  if (!node.unclean && h.role !== "Stopped" && rsc.managed) {
    node.unclean = true;
    node.fenceReason = `${rsc.id} is thought to be active there`;
  }
  if (!node.unclean || !h.failed) return;
  if (h.ban === "node" && !canFenceNode(ws, node)) {
    h.blocked = true;
    return;
  }
  h.failed = false;
  h.blocked = false;
}

function applyOp(rsc: Resource, h: NodeHistory, op: OpRecord, ws: WorkingSet): void {
  if (op.opStatus === 1 || op.task === "notify") return;
  if (op.callId < 0 || op.opStatus === -1) {
    h.pendingTask = op.task;
    const r = successRole(op, h.role);
    if (r) h.role = r;
    return;
  }
  if (op.intervalMs === 0 && op.task === "monitor" && op.rc === 5) {
    h.notInstalled = true;
    h.role = "Stopped";
    return;
  }
  if (!isFailure(op)) {
    const next = successRole(op, h.role);
    if (next === undefined) return;
    if (["start", "stop", "promote", "demote"].includes(op.task) || op.intervalMs === 0) {
      if (h.onFail !== "block" && !(op.intervalMs === 0 && op.task === "monitor")) {
        h.failed = false;
        h.failedTask = undefined;
        h.onFail = undefined;
      } else if (op.intervalMs === 0 && next === "Stopped") {
        h.failed = false;
      }
    }
    if (op.task === "start" || op.task === "promote" || op.task === "demote") h.lastStart ??= op;
    if (op.task === "start") h.lastStart = op;
    if (op.task === "stop") h.lastStart = undefined;
    h.role = next;
    return;
  }
  // "Not installed" is a hard error whatever the configured policy says.
  const hard = op.opStatus === 7;
  const onFail =
    hard && configuredOnFail(rsc, op, ws) === "ignore" ? "restart" : configuredOnFail(rsc, op, ws);
  if (hard && h.ban === undefined) h.ban = "node";
  if (onFail === "ignore") {
    h.failureIgnored = true;
    // An ignored stop failure counts as a stop.
    if (op.task === "stop") h.role = "Stopped";
    else if (op.rc === 8) h.role = "Promoted";
    else if (h.role === "Stopped" && op.task !== "monitor") h.role = "Started";
    return;
  }
  if (onFail === "demote" && op.task === "monitor" && op.intervalMs > 0 && h.role === "Promoted") {
    // on-fail=demote: the instance is only demoted (and not promoted here again), not
    // recovered.
    h.onFail = "demote";
    h.failedTask = op.task;
    return;
  }
  h.failed = true;
  h.failedTask = op.task;
  if (op.rc === 6) h.ban = "all";
  else if ([2, 3, 4, 5].includes(op.rc) && h.ban === undefined) h.ban = "node";
  if (onFail === "fence" && ws.options.stonithEnabled) {
    const node = ws.nodeByName.get(h.node);
    // On a node already offline, what still runs there is what condemns it (below).
    if (node && !node.unclean && node.online) {
      node.unclean = true;
      node.fenceReason = `${rsc.id} failed there`;
    }
  }
  h.onFail = worstOnFail(h.onFail, onFail);
  if (onFail === "block") h.blocked = true;
  if (op.task === "stop") {
    h.role = "Started";
    return;
  }
  if (op.rc === 8) h.role = "Promoted";
  // A failed demote leaves the instance unpromoted (Pacemaker shows it FAILED, not
  // FAILED Promoted, and recovers it from Unpromoted), unless on-fail=block froze it.
  else if (op.task === "demote") h.role = onFail === "block" ? "Promoted" : "Unpromoted";
  else if (op.task === "promote") h.role = "Promoted";
  else if (op.rc === 7 && op.task === "monitor" && op.intervalMs > 0)
    h.role = h.role === "Stopped" ? "Started" : h.role;
  else if (h.role === "Stopped") h.role = "Started";
}

const ONFAIL_RANK: Record<OnFail, number> = {
  ignore: 0,
  restart: 1,
  demote: 2,
  stop: 3,
  standby: 4,
  block: 5,
  fence: 6,
};

function worstOnFail(a: OnFail | undefined, b: OnFail): OnFail {
  if (a === undefined) return b;
  return ONFAIL_RANK[a] >= ONFAIL_RANK[b] ? a : b;
}
