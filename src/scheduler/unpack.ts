/**
 * Turns a CIB into the scheduler's working set: cluster options, nodes with their state,
 * the resource tree (clone instances expanded), constraints and the status history.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { setCloneTemplate } from "./clone-orphans.js";
import { unpackConstraints } from "./constraints.js";
import { unpackHistory } from "./history.js";
import type {
  CloneSettings,
  ClusterOptions,
  NodeInfo,
  OnFail,
  OpDef,
  Resource,
  ResourceKind,
  Role,
  WorkingSet,
} from "./model.js";
import {
  buildIdIndex,
  type IdIndex,
  isTrue,
  parseDurationMs,
  readAttributeSets,
} from "./nvpairs.js";
import { INFINITY, parseScore } from "./scores.js";

export interface UnpackOptions {
  /** "Now" in seconds since the epoch (execution-date of the CIB when present). */
  readonly now: number;
}

/** @example const ws = unpack(cibRoot, { now: 1700000000 }); */
export function unpack(cib: XmlElement, opts: UnpackOptions): WorkingSet {
  const idx = buildIdIndex(cib);
  const config = firstChild(cib, "configuration");
  const status = firstChild(cib, "status");
  const props = new Map<string, string>();
  const crmConfig = config ? firstChild(config, "crm_config") : undefined;
  if (crmConfig) readAttributeSets(crmConfig, "cluster_property_set", idx, props);
  const options = readOptions(props, cib);
  const nodes = unpackNodes(config, status, idx, options, getAttr(cib, "dc-uuid"));
  const nodeByName = new Map(nodes.map((n) => [n.uname, n]));
  const rscDefaults = new Map<string, string>();
  const rd = config ? firstChild(config, "rsc_defaults") : undefined;
  if (rd) readAttributeSets(rd, "meta_attributes", idx, rscDefaults);
  if (props.has("default-resource-stickiness") && !rscDefaults.has("resource-stickiness")) {
    rscDefaults.set("resource-stickiness", props.get("default-resource-stickiness") ?? "0");
  }
  if (props.has("is-managed-default") && !rscDefaults.has("is-managed")) {
    rscDefaults.set("is-managed", props.get("is-managed-default") ?? "true");
  }
  const resources: Resource[] = [];
  const byId = new Map<string, Resource>();
  const rscEl = config ? firstChild(config, "resources") : undefined;
  const ctx: BuildContext = { idx, defaults: rscDefaults, options, byId, nodeCount: nodes.length };
  for (const el of rscEl ? childElements(rscEl) : []) {
    const r = buildResource(el, undefined, ctx, undefined);
    if (r) resources.push(r);
  }
  const ws: WorkingSet = {
    cib,
    now: opts.now,
    options,
    nodes,
    nodeByName,
    resources,
    byId,
    locations: [],
    colocations: [],
    orders: [],
    warnings: [],
    dcUuid: getAttr(cib, "dc-uuid"),
    frozen: false,
  };
  if (config) unpackConstraints(ws, config, idx);
  // Known before the status is read: whether a lost node can be fenced decides how its
  // history counts.
  const hasFencing = [...byId.values()].some(
    (r) => r.kind === "primitive" && r.cls === "stonith" && !r.orphan,
  );
  ws.frozen = options.stonithEnabled && !hasFencing;
  if (status) unpackHistory(ws, status, ctx);
  return ws;
}

export interface BuildContext {
  readonly idx: IdIndex;
  readonly defaults: Map<string, string>;
  readonly options: ClusterOptions;
  readonly byId: Map<string, Resource>;
  readonly nodeCount: number;
}

function readOptions(p: Map<string, string>, cib: XmlElement): ClusterOptions {
  const nqp = (p.get("no-quorum-policy") ?? "stop").toLowerCase();
  const hq = getAttr(cib, "have-quorum");
  return {
    stonithEnabled: p.has("stonith-enabled") ? isTrue(p.get("stonith-enabled")) : true,
    symmetricCluster: p.has("symmetric-cluster") ? isTrue(p.get("symmetric-cluster")) : true,
    noQuorumPolicy: (["stop", "ignore", "freeze", "demote", "suicide"].includes(nqp)
      ? nqp
      : "stop") as ClusterOptions["noQuorumPolicy"],
    startFailureIsFatal: p.has("start-failure-is-fatal")
      ? isTrue(p.get("start-failure-is-fatal"))
      : true,
    stopAllResources: isTrue(p.get("stop-all-resources")),
    stopOrphanResources: p.has("stop-orphan-resources")
      ? isTrue(p.get("stop-orphan-resources"))
      : true,
    stonithAction:
      (p.get("stonith-action") ?? "reboot") === "poweroff"
        ? "off"
        : (p.get("stonith-action") ?? "reboot"),
    startupFencing: p.has("startup-fencing") ? isTrue(p.get("startup-fencing")) : true,
    haveQuorum: hq === undefined ? false : isTrue(hq),
    maintenanceMode: isTrue(p.get("maintenance-mode")),
  };
}

function unpackNodes(
  config: XmlElement | undefined,
  status: XmlElement | undefined,
  idx: IdIndex,
  options: ClusterOptions,
  dcUuid: string | undefined,
): NodeInfo[] {
  const nodesEl = config ? firstChild(config, "nodes") : undefined;
  const states = new Map<string, XmlElement>();
  for (const ns of status ? childElements(status, "node_state") : []) {
    const id = getAttr(ns, "id");
    if (id !== undefined) states.set(id, ns);
  }
  const out: NodeInfo[] = [];
  for (const el of nodesEl ? childElements(nodesEl, "node") : []) {
    const type = getAttr(el, "type") ?? "member";
    if (type === "remote" || type === "ping") continue;
    const id = getAttr(el, "id") ?? "";
    const uname = getAttr(el, "uname") ?? id;
    const attrs = new Map<string, string>();
    const ns = states.get(id);
    const transient = ns ? firstChild(ns, "transient_attributes") : undefined;
    if (transient) readAttributeSets(transient, "instance_attributes", idx, attrs);
    readAttributeSets(el, "instance_attributes", idx, attrs);
    attrs.set("#uname", uname);
    attrs.set("#id", id);
    attrs.set("#kind", "cluster");
    attrs.set("#is_dc", id === dcUuid ? "true" : "false");
    const node: NodeInfo = {
      id,
      uname,
      online: false,
      standby: isTrue(attrs.get("standby")),
      unclean: false,
      shutdown: false,
      pending: false,
      maintenance: isTrue(attrs.get("maintenance")),
      fenceReason: undefined,
      unseen: ns === undefined,
      attrs,
      allocatedCount: 0,
    };
    determineNodeState(node, ns, options);
    out.push(node);
  }
  return out;
}

function determineNodeState(
  node: NodeInfo,
  ns: XmlElement | undefined,
  options: ClusterOptions,
): void {
  if (ns === undefined) {
    // A node never seen: with fencing and startup-fencing it must be fenced before use.
    if (options.stonithEnabled && options.startupFencing) {
      node.unclean = true;
      node.fenceReason = "node is unclean";
    }
    return;
  }
  const inCcm = truthyState(getAttr(ns, "in_ccm"));
  node.inCcm = inCcm;
  const crmdOnline = crmdIsOnline(getAttr(ns, "crmd"));
  const join = getAttr(ns, "join") ?? "down";
  const expected = getAttr(ns, "expected");
  const shutdownAttr = node.attrs.get("shutdown");
  node.shutdown = shutdownAttr !== undefined && shutdownAttr !== "0";
  if (node.attrs.has("terminate") && isTrue(node.attrs.get("terminate"))) {
    node.unclean = true;
    node.fenceReason = "termination was requested";
    return;
  }
  if (node.shutdown) {
    // A node shutting down is online while its controller runs (with fencing, whatever
    // the membership says); it is never pending, and never unclean for that reason.
    node.online = crmdOnline && (options.stonithEnabled || (inCcm && join === "member"));
    return;
  }
  if (!options.stonithEnabled) {
    node.online = inCcm && crmdOnline && join === "member";
    node.pending = inCcm && crmdOnline && join === "pending";
    // In the membership, expected up, but its controller is gone: shown as unclean even
    // though nothing can fence it.
    if (inCcm && !crmdOnline && expected === "member" && join === "member") node.unclean = true;
    return;
  }
  fencingNodeState(node, ns, inCcm, crmdOnline, join, expected);
}

/**
 * With fencing enabled, what the node_state attributes say about a node (crm_simulate 2.1.5
 * on core/stonith-4, whose eleven nodes cover the combinations): a node the membership has
 * never reported, or that failed the join, is fenced; a node not expected up is pending
 * while any layer reports it, else down; a node expected up is fenced when it left the
 * membership or its controller is gone, and pending until it has joined.
 */
function fencingNodeState(
  node: NodeInfo,
  ns: XmlElement,
  inCcm: boolean,
  crmdOnline: boolean,
  join: string,
  expected: string | undefined,
): void {
  const fence = (reason: string) => {
    node.unclean = true;
    node.fenceReason = reason;
  };
  if (getAttr(ns, "in_ccm") === undefined) return fence("peer has not been seen by the cluster");
  if (join === "banned") return fence("peer failed Pacemaker membership criteria");
  if (expected === undefined || expected === "down") {
    node.pending = inCcm || crmdOnline;
    return;
  }
  if (!inCcm) return fence("peer is no longer part of the cluster");
  if (!crmdOnline) return fence("peer process is no longer available");
  if (join === "member") node.online = true;
  else if (join === "pending" || join === "down") node.pending = true;
  else fence("peer was in an unknown state");
}

function truthyState(v: string | undefined): boolean {
  if (v === undefined) return false;
  if (/^\d+$/.test(v)) return Number(v) > 0;
  return isTrue(v);
}

function crmdIsOnline(v: string | undefined): boolean {
  if (v === undefined) return false;
  if (/^\d+$/.test(v)) return Number(v) > 0;
  return v === "online";
}

function metaFor(
  el: XmlElement,
  parent: Resource | undefined,
  ctx: BuildContext,
): Map<string, string> {
  const meta = new Map<string, string>();
  readAttributeSets(el, "meta_attributes", ctx.idx, meta);
  if (parent) for (const [k, v] of parent.meta) if (!meta.has(k)) meta.set(k, v);
  return meta;
}

const KIND: Record<string, ResourceKind | undefined> = {
  primitive: "primitive",
  group: "group",
  clone: "clone",
  master: "clone",
};

function buildResource(
  el: XmlElement,
  parent: Resource | undefined,
  ctx: BuildContext,
  instance: number | undefined,
): Resource | undefined {
  const kind = KIND[el.name];
  if (kind === undefined) return undefined;
  const baseId = getAttr(el, "id") ?? "";
  const meta = metaFor(el, parent, ctx);
  if (el.name === "master" && !meta.has("promotable")) meta.set("promotable", "true");
  const id = instance === undefined ? baseId : `${baseId}:${instance}`;
  const params = new Map<string, string>();
  readAttributeSets(el, "instance_attributes", ctx.idx, params);
  const r: Resource = {
    id,
    kind,
    parent,
    children: [],
    xml: el,
    meta,
    params,
    cls: getAttr(el, "class") ?? "",
    provider: getAttr(el, "provider"),
    type: getAttr(el, "type") ?? "",
    ops: kind === "primitive" ? readOps(el, ctx) : [],
    orphan: false,
    baseId,
    instance,
    priority: 0,
    stickiness: 0,
    targetRole: "Started",
    managed: true,
    migrationThreshold: INFINITY,
    requires: "fencing",
    history: new Map(),
    clone: kind === "clone" ? cloneSettings(meta, ctx, el) : undefined,
  };
  applyMeta(r, ctx);
  ctx.byId.set(id, r);
  if (kind === "group") {
    for (const c of childElements(el, "primitive")) {
      const child = buildResource(c, r, ctx, instance);
      if (child) r.children.push(child);
    }
  } else if (kind === "clone" && r.clone) {
    const childEl = childElements(el).find((c) => c.name === "primitive" || c.name === "group");
    if (childEl) {
      for (let i = 0; i < r.clone.cloneMax; i++) {
        const child = buildResource(childEl, r, ctx, i);
        if (child) r.children.push(child);
      }
      if (r.clone.cloneMax === 0) {
        // No instance to run, but copies found active still need a shape to be stopped.
        const template = buildResource(childEl, r, ctx, 0);
        if (template) {
          for (const p of [template, ...template.children]) ctx.byId.delete(p.id);
          setCloneTemplate(r, template);
        }
      }
    }
  }
  return r;
}

/** LSB (and systemd) services cannot be told apart per instance: always anonymous. */
function lsbChild(el: XmlElement): boolean {
  for (const c of childElements(el)) {
    if (c.name === "primitive" && ["lsb", "systemd", "service"].includes(getAttr(c, "class") ?? ""))
      return true;
    if (c.name === "group" && lsbChild(c)) return true;
  }
  return false;
}

function cloneSettings(
  meta: Map<string, string>,
  ctx: BuildContext,
  el: XmlElement,
): CloneSettings {
  const num = (k: string, d: number) => {
    const v = meta.get(k);
    return v === undefined ? d : Math.max(0, parseScore(v, d));
  };
  return {
    cloneMax: num("clone-max", ctx.nodeCount),
    cloneNodeMax: num("clone-node-max", 1),
    cloneMin: num("clone-min", 0),
    unique: isTrue(meta.get("globally-unique")) && !lsbChild(el),
    promotable: isTrue(meta.get("promotable")),
    promotedMax: num("promoted-max", num("master-max", 1)),
    promotedNodeMax: num("promoted-node-max", num("master-node-max", 1)),
    notify: isTrue(meta.get("notify")),
    interleave: isTrue(meta.get("interleave")),
    ordered: isTrue(meta.get("ordered")),
  };
}

function applyMeta(r: Resource, ctx: BuildContext): void {
  const get = (k: string) => r.meta.get(k) ?? ctx.defaults.get(k);
  r.priority = parseScore(get("priority"), 0);
  const st = get("resource-stickiness") ?? get("default-resource-stickiness");
  // Clone instances default to a stickiness of 1, so they do not shuffle needlessly.
  r.stickiness = st === undefined && inClone(r) ? 1 : parseScore(st, 0);
  // Role names are matched case-insensitively ("stopped" disables). Meta attributes are
  // inherited, so a clone's child with its own target-role overrides the clone's.
  const tr = normalizeRole(get("target-role") ?? "Started");
  r.targetRole = tr === "Unknown" ? "Started" : tr;
  const managed = get("is-managed");
  r.managed = managed === undefined ? true : isTrue(managed);
  if (ctx.options.maintenanceMode || isTrue(get("maintenance"))) r.managed = false;
  const mt = get("migration-threshold");
  r.migrationThreshold = mt === undefined ? INFINITY : parseScore(mt, INFINITY);
  const req = get("requires")?.toLowerCase();
  if (req === "nothing" || req === "quorum" || req === "fencing" || req === "unfencing") {
    r.requires = req;
  } else if (r.cls === "stonith") {
    r.requires = "quorum";
  } else {
    r.requires = ctx.options.stonithEnabled ? "fencing" : "quorum";
  }
  if (r.cls === "stonith" && r.requires !== "nothing") r.requires = "quorum";
}

function readOps(el: XmlElement, ctx: BuildContext): OpDef[] {
  const opsEl = firstChild(el, "operations");
  const resolved = opsEl
    ? getAttr(opsEl, "id-ref")
      ? ctx.idx.get(getAttr(opsEl, "id-ref") ?? "")
      : opsEl
    : undefined;
  const out: OpDef[] = [];
  for (const op of resolved ? childElements(resolved, "op") : []) {
    const meta = new Map<string, string>();
    readAttributeSets(op, "meta_attributes", ctx.idx, meta);
    const attr = (k: string) => getAttr(op, k) ?? meta.get(k);
    const roleText = attr("role");
    out.push({
      id: getAttr(op, "id") ?? "",
      name: getAttr(op, "name") ?? "",
      intervalMs: parseDurationMs(attr("interval") ?? "0") ?? 0,
      role: roleText === undefined ? undefined : normalizeRole(roleText),
      onFail: parseOnFail(attr("on-fail")),
      enabled: attr("enabled") === undefined ? true : isTrue(attr("enabled")),
      timeoutMs: parseDurationMs(attr("timeout")),
      xml: op,
    });
  }
  return out;
}

export function normalizeRole(v: string): Role {
  const t = v.toLowerCase();
  if (t === "master" || t === "promoted") return "Promoted";
  if (t === "slave" || t === "unpromoted") return "Unpromoted";
  if (t === "stopped") return "Stopped";
  if (t === "started") return "Started";
  return "Unknown";
}

function parseOnFail(v: string | undefined): OnFail | undefined {
  const t = v?.toLowerCase();
  if (t === "ignore" || t === "block" || t === "stop" || t === "restart" || t === "standby")
    return t;
  if (t === "fence" || t === "demote") return t;
  return undefined;
}

function inClone(r: Resource): boolean {
  for (let p = r.parent; p; p = p.parent) if (p.kind === "clone") return true;
  return false;
}
