/**
 * The transition graph as Pacemaker writes it (crm_simulate -G): one synapse per action
 * with the actions it waits for as triggers; and the same graph as a dot file (-D).
 */
import { elem, printXml, type XmlElement } from "../cib/xml.js";
import type { Action } from "./actions.js";
import type { Transition } from "./schedule.js";

function actionKey(a: Action): string {
  if (a.fence) return `stonith-${a.fence.node}-${a.fence.action}`;
  return `${a.rscId}_${a.task}_${a.intervalMs}`;
}

function actionElement(t: Transition, a: Action): XmlElement {
  const node = a.node !== undefined ? t.ws.nodeByName.get(a.node) : undefined;
  const attrs: Record<string, string> = {
    id: String(a.uid),
    operation: a.fence ? "stonith" : (a.operation ?? a.task),
    operation_key: actionKey(a),
  };
  if (node && !(a.pseudo && !a.rsc)) {
    attrs.on_node = node.uname;
    attrs.on_node_uuid = node.id;
  }
  const meta: Record<string, string> = {};
  if (node) {
    meta.CRM_meta_on_node = node.uname;
    meta.CRM_meta_on_node_uuid = node.id;
  }
  if (a.intervalMs > 0) meta.CRM_meta_interval = String(a.intervalMs);
  const opDef = a.rsc?.ops.find((o) => o.name === a.task && o.intervalMs === a.intervalMs);
  meta.CRM_meta_timeout = String(opDef?.timeoutMs ?? 20000);
  if (a.fence) meta.CRM_meta_stonith_action = a.fence.action;
  for (const [k, v] of a.meta) if (k.startsWith("CRM_meta_")) meta[k] = v;
  const children: XmlElement[] = [];
  if (a.rsc && !a.pseudo && a.rsc.kind === "primitive") {
    const p: Record<string, string> = { id: a.rsc.id, class: a.rsc.cls, type: a.rsc.type };
    if (a.rsc.provider !== undefined) p.provider = a.rsc.provider;
    children.push(elem("primitive", p));
    for (const [k, v] of a.rsc.params) meta[k] = v;
  }
  meta.crm_feature_set = "3.16.2";
  children.push(elem("attributes", meta));
  const name = a.fence ? "crm_event" : a.pseudo ? "pseudo_event" : "rsc_op";
  return elem(name, attrs, children);
}

function included(t: Transition): Action[] {
  return t.actions.actions.filter((a) => !a.optional && a.runnable);
}

/** @example graphXml(schedule(cib)) // "<transition_graph ...>" */
export function graphXml(t: Transition): string {
  const acts = included(t);
  const inSet = new Set(acts);
  const root = elem("transition_graph", {
    "cluster-delay": "60s",
    "stonith-timeout": "60s",
    "failed-stop-offset": "INFINITY",
    "failed-start-offset": "INFINITY",
    transition_id: "0",
  });
  acts.forEach((a, i) => {
    const triggers = (t.actions.inEdges.get(a) ?? [])
      .filter((e) => inSet.has(e.first))
      .map((e) => elem("trigger", {}, [actionElement(t, e.first)]));
    root.children.push(
      elem("synapse", { id: String(i) }, [
        elem("action_set", {}, [actionElement(t, a)]),
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
