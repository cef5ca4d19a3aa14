/**
 * The transition graph as Pacemaker writes it (crm_simulate -G): one synapse per action
 * with the actions it waits for as triggers; and the same graph as a dot file (-D).
 */
import {
  childElements,
  elem,
  firstChild,
  getAttr,
  printXml,
  type XmlElement,
} from "../cib/xml.js";
import type { Action } from "./actions.js";
import { historyId } from "./execute.js";
import type { Resource } from "./model.js";
import { buildIdIndex, parseDurationMs, readAttributeSets } from "./nvpairs.js";
import type { Transition } from "./schedule.js";

function actionKey(a: Action): string {
  if (a.fence) return `stonith-${a.fence.node}-${a.fence.action}`;
  return `${a.rscId}_${a.task}_${a.intervalMs}`;
}

/** What Pacemaker 2.1.5 writes as crm_feature_set in graphs and recorded operations. */
export const FEATURE_SET = "3.16.1";

/** Cluster options and defaults the graph repeats, read as written in the CIB. */
interface GraphConfig {
  readonly props: Map<string, string>;
  /** op_defaults timeout (ms), the timeout of an action without one of its own. */
  readonly defaultTimeoutMs: number;
}

function graphConfig(cib: XmlElement | undefined): GraphConfig {
  const props = new Map<string, string>();
  const opDefaults = new Map<string, string>();
  const config = cib ? firstChild(cib, "configuration") : undefined;
  if (cib && config) {
    const idx = buildIdIndex(cib);
    const crm = firstChild(config, "crm_config");
    if (crm) readAttributeSets(crm, "cluster_property_set", idx, props);
    const od = firstChild(config, "op_defaults");
    if (od) readAttributeSets(od, "meta_attributes", idx, opDefaults);
  }
  return { props, defaultTimeoutMs: parseDurationMs(opDefaults.get("timeout")) ?? 20000 };
}

const sortedAttrs = (m: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function elementName(a: Action): string {
  return a.fence ? "crm_event" : a.pseudo ? "pseudo_event" : "rsc_op";
}

/**
 * An anonymous clone instance is known to its node by the name its history there has (or
 * its configuration id): the graph keys its actions by that name, and by the instance's
 * own as the internal key.
 */
function anonymousName(a: Action): string | undefined {
  const rsc = a.rsc;
  if (rsc === undefined || rsc.instance === undefined || rsc.kind !== "primitive") return undefined;
  const clone = rsc.parent?.kind === "clone" ? rsc.parent : rsc.parent?.parent;
  if (clone?.kind !== "clone" || clone.clone?.unique) return undefined;
  return a.node !== undefined ? historyId(rsc, a.node) : rsc.baseId;
}

function headerAttrs(t: Transition, a: Action): Record<string, string> {
  const node = a.node !== undefined ? t.ws.nodeByName.get(a.node) : undefined;
  const key = actionKey(a);
  const anon = anonymousName(a);
  const attrs: Record<string, string> = {
    id: String(a.uid),
    operation: a.fence ? "stonith" : (a.operation ?? a.task),
    operation_key: anon !== undefined ? `${anon}${key.slice(a.rscId.length)}` : key,
  };
  if (anon !== undefined) attrs.internal_operation_key = key;
  // A pseudo-action runs nowhere (a stop implied by fencing included).
  if (node && !a.pseudo) {
    attrs.on_node = node.uname;
    attrs.on_node_uuid = node.id;
  }
  return attrs;
}

function actionElement(t: Transition, a: Action, cfg: GraphConfig): XmlElement {
  const node = a.node !== undefined ? t.ws.nodeByName.get(a.node) : undefined;
  const meta: Record<string, string> = {};
  if (node && !a.pseudo) {
    meta.CRM_meta_on_node = node.uname;
    meta.CRM_meta_on_node_uuid = node.id;
  }
  if (a.intervalMs > 0) meta.CRM_meta_interval = String(a.intervalMs);
  const opDef = a.rsc?.ops.find((o) => o.name === a.task && o.intervalMs === a.intervalMs);
  // A probe without a definition of its own takes a recurring monitor's timeout.
  const probeTimeout =
    opDef === undefined && a.task === "monitor" && a.intervalMs === 0
      ? a.rsc?.ops.find((o) => o.name === "monitor" && o.timeoutMs !== undefined)?.timeoutMs
      : undefined;
  if (a.fence) meta.CRM_meta_stonith_action = a.fence.action;
  else meta.CRM_meta_timeout = String(opDef?.timeoutMs ?? probeTimeout ?? cfg.defaultTimeoutMs);
  // A probe expects "not running".
  if (a.task === "monitor" && a.intervalMs === 0 && !a.pseudo) meta.CRM_meta_op_target_rc = "7";
  if (opDef) opMeta(opDef.xml, meta);
  cloneMeta(a.rsc, meta);
  for (const [k, v] of a.meta) if (k.startsWith("CRM_meta_")) meta[k] = v;
  const children: XmlElement[] = [];
  if (a.rsc && !a.pseudo && a.rsc.kind === "primitive") {
    const anon = anonymousName(a);
    const p: Record<string, string> =
      anon !== undefined ? { id: anon, "long-id": a.rsc.id } : { id: a.rsc.id };
    p.class = a.rsc.cls;
    if (a.rsc.provider !== undefined) p.provider = a.rsc.provider;
    p.type = a.rsc.type;
    children.push(elem("primitive", p));
    for (const [k, v] of a.rsc.params) meta[k] = v;
    // Parameters given to this operation only.
    for (const set of opDef ? childElements(opDef.xml, "instance_attributes") : []) {
      for (const nv of childElements(set, "nvpair")) {
        const name = getAttr(nv, "name");
        if (name !== undefined) meta[name] = getAttr(nv, "value") ?? "";
      }
    }
  }
  meta.crm_feature_set = FEATURE_SET;
  children.push(elem("attributes", sortedAttrs(meta)));
  return elem(elementName(a), headerAttrs(t, a), children);
}

const ROLE_NAMES: Record<string, string> = { Master: "Promoted", Slave: "Unpromoted" };

/** An operation definition's settings, as CRM_meta_ attributes (durations in ms). */
function opMeta(op: XmlElement, meta: Record<string, string>): void {
  for (const [k, v] of op.attrs) {
    if (k === "id") continue;
    const key = `CRM_meta_${k.replace(/-/g, "_")}`;
    if (k === "interval") {
      const ms = parseDurationMs(v) ?? 0;
      if (ms > 0) meta[key] = String(ms);
    } else if (k === "timeout" || k === "start-delay") {
      const ms = parseDurationMs(v);
      if (ms !== undefined) meta[key] = String(ms);
    } else if (k === "role") meta[key] = ROLE_NAMES[v] ?? v;
    else meta[key] = v;
  }
}

/** The settings of the clone an action's resource belongs to (and its instance number). */
function cloneMeta(rsc: Resource | undefined, meta: Record<string, string>): void {
  let instance: number | undefined;
  let r = rsc;
  while (r !== undefined && r.kind !== "clone") {
    instance ??= r.instance;
    r = r.parent;
  }
  const c = r?.clone;
  if (c === undefined) return;
  if (instance !== undefined) meta.CRM_meta_clone = String(instance);
  meta.CRM_meta_clone_max = String(c.cloneMax);
  meta.CRM_meta_clone_node_max = String(c.cloneNodeMax);
  meta.CRM_meta_globally_unique = String(c.unique);
  meta.CRM_meta_notify = String(c.notify);
  if (c.promotable) {
    meta.CRM_meta_master_max = String(c.promotedMax);
    meta.CRM_meta_master_node_max = String(c.promotedNodeMax);
    meta.CRM_meta_promoted_max = String(c.promotedMax);
    meta.CRM_meta_promoted_node_max = String(c.promotedNodeMax);
  }
}

function included(t: Transition): Action[] {
  return t.actions.actions.filter((a) => !a.optional && a.runnable);
}

/**
 * Synapse order as Pacemaker writes it: resource by resource, by priority then in
 * configuration order (a collective's own actions before its children's), each resource's
 * actions newest first (a primitive creates its probes, stop and start in that order); then
 * the actions of no resource (fencing, shutdown).
 */
function synapseOrder(t: Transition, acts: readonly Action[]): Action[] {
  const byRsc = new Map<Resource | undefined, Action[]>();
  for (const a of acts) {
    const list = byRsc.get(a.rsc);
    if (list) list.push(a);
    else byRsc.set(a.rsc, [a]);
  }
  const out: Action[] = [];
  const visit = (r: Resource): void => {
    const list = byRsc.get(r);
    if (list) {
      out.push(...[...list].sort((x, y) => creationRank(y) - creationRank(x) || y.uid - x.uid));
      byRsc.delete(r);
    }
    for (const c of r.children) visit(c);
  };
  // Highest priority first (stable: configuration order among equals).
  for (const r of [...t.ws.resources].sort((x, y) => y.priority - x.priority)) visit(r);
  // Resources not reached from the top level (none expected), then no-resource actions.
  for (const [r, list] of byRsc) if (r !== undefined) out.push(...list);
  out.push(...(byRsc.get(undefined) ?? []));
  return out;
}

/** A collective's "running" waits for its "start", its "stopped" for its "stop". */
function collectiveInputs(acts: readonly Action[]): Map<Action, Action> {
  const byKey = new Map<string, Action>();
  for (const a of acts) {
    if (a.pseudo && a.rsc && a.rsc.kind !== "primitive" && a.intervalMs === 0 && !a.operation)
      byKey.set(`${a.rsc.id}\0${a.task}`, a);
  }
  const out = new Map<Action, Action>();
  for (const [then, first] of [
    ["running", "start"],
    ["stopped", "stop"],
  ] as const) {
    for (const a of acts) {
      if (!a.pseudo || !a.rsc || a.rsc.kind === "primitive" || a.task !== then) continue;
      const f = byKey.get(`${a.rsc.id}\0${first}`);
      if (f !== undefined) out.set(a, f);
    }
  }
  return out;
}

/** A synapse of a resource with a priority carries it. */
function synapseAttrs(i: number, a: Action): Record<string, string> {
  const priority = a.rsc?.priority ?? 0;
  return priority !== 0 ? { id: String(i), priority: String(priority) } : { id: String(i) };
}

/** Pacemaker creates a primitive's probes, then its stop, then its start, then the rest. */
function creationRank(a: Action): number {
  if (a.pseudo || a.rsc?.kind !== "primitive") return 0;
  if (a.task === "monitor" && a.intervalMs === 0) return 0;
  if (a.task === "stop") return 1;
  if (a.task === "start") return 2;
  return 3;
}

/** @example graphXml(schedule(cib), cib) // "<transition_graph ...>" */
export function graphXml(t: Transition, cib?: XmlElement): string {
  const cfg = graphConfig(cib);
  const acts = synapseOrder(t, included(t));
  const inSet = new Set(acts);
  const root = elem("transition_graph", {
    "cluster-delay": cfg.props.get("cluster-delay") ?? "60s",
    "stonith-timeout": cfg.props.get("stonith-timeout") ?? "60s",
    "failed-stop-offset": "INFINITY",
    "failed-start-offset": t.ws.options.startFailureIsFatal ? "INFINITY" : "1",
    "batch-limit": cfg.props.get("batch-limit") ?? "0",
    transition_id: "0",
  });
  const implied = collectiveInputs(acts);
  acts.forEach((a, i) => {
    const firsts = new Set(
      (t.actions.inEdges.get(a) ?? []).map((e) => e.first).filter((f) => inSet.has(f)),
    );
    const own = implied.get(a);
    if (own !== undefined) firsts.add(own);
    // A collective's start waits for its "stopped", not for its "stop" as well.
    if (a.pseudo && a.task === "start" && a.rsc && a.rsc.kind !== "primitive") {
      for (const f of [...firsts]) {
        if (f.rsc === a.rsc && f.task === "stop" && f.pseudo) firsts.delete(f);
      }
    }
    const triggers = [...firsts]
      .sort((x, y) => x.uid - y.uid)
      .map((f) => elem("trigger", {}, [elem(elementName(f), headerAttrs(t, f))]));
    root.children.push(
      elem("synapse", synapseAttrs(i, a), [
        elem("action_set", {}, [actionElement(t, a, cfg)]),
        elem("inputs", {}, triggers),
      ]),
    );
  });
  return printXml(root);
}

function dotName(a: Action): string {
  const node =
    a.node !== undefined && !(a.pseudo && !a.rsc?.kind.startsWith("p")) ? ` ${a.node}` : "";
  return `${actionKey(a)}${a.pseudo ? "" : node}`;
}

/** @example graphDot(schedule(cib)) // 'digraph "g" {...}' */
export function graphDot(t: Transition): string {
  const lines = ['digraph "g" {'];
  for (const a of t.actions.actions) {
    const color = !a.runnable ? "red" : a.optional ? "blue" : "green";
    const style = a.optional ? "dashed" : "bold";
    const font = a.pseudo ? "orange" : "black";
    lines.push(`"${dotName(a)}" [ style=${style} color="${color}" fontcolor="${font}"]`);
  }
  for (const e of t.actions.edges) {
    const style = e.first.optional || e.then.optional ? "dashed" : "bold";
    lines.push(`"${dotName(e.first)}" -> "${dotName(e.then)}" [ style = ${style}]`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
