/**
 * Simulated execution of a transition (crm_simulate -S): every required, runnable action
 * "succeeds" in a topological order of the graph, and its result is written into a copy of
 * the CIB's status section as the controller would record it.
 */
import {
  childElements,
  cloneElement,
  elem,
  firstChild,
  getAttr,
  setAttr,
  type XmlElement,
} from "../cib/xml.js";
import { type Action, COLOCATED, type Edge } from "./actions.js";
import { operationDigest } from "./digest.js";
import type { Resource } from "./model.js";
import { FEATURE_SET } from "./graph.js";
import type { Transition } from "./schedule.js";

/** Actions that will be executed (required and runnable), in a valid execution order. */
export function executionOrder(t: Transition): Action[] {
  const included = t.actions.actions.filter((a) => !a.optional && a.runnable);
  const inSet = new Set(included);
  const indeg = new Map<Action, number>();
  for (const a of included) indeg.set(a, 0);
  for (const e of t.actions.edges) {
    if (isOrdering(e) && inSet.has(e.first) && inSet.has(e.then))
      indeg.set(e.then, (indeg.get(e.then) ?? 0) + 1);
  }
  const out: Action[] = [];
  let wave = included.filter((a) => indeg.get(a) === 0);
  while (wave.length > 0) {
    const next: Action[] = [];
    for (const a of wave) {
      out.push(a);
      for (const e of t.actions.outEdges.get(a) ?? []) {
        if (!isOrdering(e) || !inSet.has(e.then)) continue;
        const d = (indeg.get(e.then) ?? 0) - 1;
        indeg.set(e.then, d);
        if (d === 0) next.push(e.then);
      }
    }
    wave = next.sort((x, y) => x.uid - y.uid);
  }
  // Actions on a cycle of orderings (mandatory orders A then B, B then A) never become
  // ready, nor does anything after them: like crm_simulate, they are not executed.
  return out;
}

/**
 * Actions of the transition that executionOrder could not run (an ordering cycle): the
 * transition is invalid, as crm_simulate reports it.
 */
export function unexecuted(t: Transition, executed: readonly Action[]): Action[] {
  const done = new Set(executed);
  return t.actions.actions.filter((a) => !a.optional && a.runnable && !done.has(a));
}

/** A mandatory colocation's edge keeps a dependent from starting, it orders nothing. */
function isOrdering(e: Edge): boolean {
  return e.flags !== COLOCATED;
}

export function actionLine(a: Action): string {
  if (a.fence) return `* Fencing ${a.fence.node} (${a.fence.action})`;
  if (a.pseudo) return `* Pseudo action:   ${a.rscId}_${a.task}_${a.intervalMs}`;
  const what =
    a.task === "monitor" && a.intervalMs > 0 ? `monitor=${a.intervalMs}` : (a.operation ?? a.task);
  // An anonymous clone instance whose history there has no instance number is named as
  // that history is (crm_simulate does); otherwise by its instance id.
  const known = a.rsc && a.node !== undefined ? a.rsc.history.get(a.node)?.lrmId : undefined;
  const id = known !== undefined && known === a.rsc?.baseId ? known : a.rscId;
  return `* Resource action: ${id.padEnd(15)} ${what} on ${a.node ?? ""}`;
}

/** The newest CIB schema Pacemaker 2.1.5 knows. */
const LATEST_SCHEMA = "pacemaker-3.9";

interface ExecState {
  /** The last call id used, per lrm_resource. */
  readonly callIds: Map<XmlElement, number>;
  /** Status updates made (each bumps num_updates, as the CIB does). */
  updates: number;
  readonly statusEl: XmlElement;
  /** lrm_resource elements by id, per lrm_resources element (first of an id wins, as find). */
  readonly lrmIndex: Map<XmlElement, Map<string, XmlElement>>;
}

/** Returns a copy of `cib` with the results of `executed` recorded in its status. */
export function applyTransition(cib: XmlElement, t: Transition, executed: Action[]): XmlElement {
  const out = cloneElement(cib);
  let statusEl = firstChild(out, "status");
  if (!statusEl) {
    statusEl = elem("status");
    out.children.push(statusEl);
  }
  const st: ExecState = { callIds: new Map(), updates: 0, statusEl, lrmIndex: new Map() };
  for (const a of executed) {
    if (a.fence) fenceNode(t, st, a.fence.node);
    // Notifications leave no history (the controller records none either).
    else if (!a.pseudo && a.rsc && a.node !== undefined && a.operation !== "notify")
      recordOp(t, st, a);
  }
  // A CIB written for a 1.x/2.x schema is upgraded to the newest one on loading.
  if (/^pacemaker-[12]\./.test(getAttr(out, "validate-with") ?? "")) {
    setAttr(out, "validate-with", LATEST_SCHEMA);
  }
  if (st.updates > 0) {
    const before = Number(getAttr(out, "num_updates") ?? "0") || 0;
    setAttr(out, "num_updates", String(before + st.updates));
  }
  return out;
}

function maxCallId(status: XmlElement): number {
  let max = 0;
  const stack = [status];
  while (stack.length > 0) {
    const el = stack.pop() as XmlElement;
    if (el.name === "lrm_rsc_op") max = Math.max(max, Number(getAttr(el, "call-id") ?? "0") || 0);
    for (const c of el.children) if (c.type === "element") stack.push(c);
  }
  return max;
}

function nodeStateEl(t: Transition, st: ExecState, uname: string): XmlElement | undefined {
  const node = t.ws.nodeByName.get(uname);
  if (!node) return undefined;
  let ns = childElements(st.statusEl, "node_state").find((n) => getAttr(n, "id") === node.id);
  if (!ns) {
    ns = elem("node_state", { id: node.id, uname });
    st.statusEl.children.push(ns);
    // Creating a node's state is an update of its own.
    st.updates++;
  }
  return ns;
}

function fenceNode(t: Transition, st: ExecState, uname: string): void {
  const ns = nodeStateEl(t, st, uname);
  if (!ns) return;
  setAttr(ns, "in_ccm", "false");
  setAttr(ns, "crmd", "offline");
  setAttr(ns, "join", "down");
  setAttr(ns, "expected", "down");
  setAttr(ns, "crm-debug-origin", "simulate_fencing_action");
  // One update for the state, one per section erased (history, transient attributes).
  st.updates++;
  if (firstChild(ns, "lrm")) st.updates++;
  if (firstChild(ns, "transient_attributes")) st.updates++;
  ns.children = ns.children.filter(
    (c) => c.type !== "element" || (c.name !== "lrm" && c.name !== "transient_attributes"),
  );
}

function lrmResourceEl(st: ExecState, ns: XmlElement, rsc: Resource, id: string): XmlElement {
  let lrm = firstChild(ns, "lrm");
  if (!lrm) {
    lrm = elem("lrm", { id: getAttr(ns, "id") ?? "" });
    ns.children.push(lrm);
  }
  let lrs = firstChild(lrm, "lrm_resources");
  if (!lrs) {
    lrs = elem("lrm_resources");
    lrm.children.push(lrs);
  }
  // An index instead of a scan per action: a cold start probes every resource on every node.
  let byId = st.lrmIndex.get(lrs);
  if (byId === undefined) {
    byId = new Map();
    for (const e of childElements(lrs, "lrm_resource")) {
      const eid = getAttr(e, "id");
      if (eid !== undefined && !byId.has(eid)) byId.set(eid, e);
    }
    st.lrmIndex.set(lrs, byId);
  }
  let lr = byId.get(id);
  if (!lr) {
    const attrs: Record<string, string> = { id, class: rsc.cls };
    if (rsc.provider !== undefined) attrs.provider = rsc.provider;
    attrs.type = rsc.type;
    lr = elem("lrm_resource", attrs);
    lrs.children.push(lr);
    byId.set(id, lr);
  }
  return lr;
}

/** The id a resource's history is recorded under on `node`. */
export function historyId(rsc: Resource, node: string): string {
  const h = rsc.history.get(node);
  if (h) return h.lrmId;
  const clone = rsc.parent?.kind === "clone" ? rsc.parent : rsc.parent?.parent;
  return clone?.kind === "clone" && !clone.clone?.unique ? rsc.baseId : rsc.id;
}

function recordOp(t: Transition, st: ExecState, a: Action): void {
  const rsc = a.rsc as Resource;
  const node = a.node as string;
  const ns = nodeStateEl(t, st, node);
  if (!ns) return;
  const id = historyId(rsc, node);
  const lr = lrmResourceEl(st, ns, rsc, id);
  const role = t.nextRole.get(rsc);
  const probe = a.task === "monitor" && a.intervalMs === 0;
  const rc = probe ? 7 : a.task === "monitor" && role === "Promoted" ? 8 : 0;
  // An anonymous clone instance's results are named after the clone's child; an orphan
  // instance's (beyond clone-max) keep the name of the history they are recorded in.
  const clone = rsc.parent?.kind === "clone" ? rsc.parent : rsc.parent?.parent;
  const anonymous = clone?.kind === "clone" && !clone.clone?.unique;
  const name = anonymous && !rsc.orphan ? rsc.baseId : id;
  const opId = a.intervalMs > 0 ? `${name}_monitor_${a.intervalMs}` : `${name}_last_0`;
  // Call ids count per resource history: one past the highest recorded there.
  const callId = (st.callIds.get(lr) ?? maxCallId(lr)) + 1;
  st.callIds.set(lr, callId);
  st.updates++;
  // crm_simulate's fake transition key: the call id, transition -1, expected rc, a dummy uuid.
  const key = `${callId}:-1:${rc}:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`;
  const op = elem("lrm_rsc_op", {
    id: opId,
    operation_key: `${name}_${a.task}_${a.intervalMs}`,
    operation: a.task,
    "crm-debug-origin": "crm_simulate",
    crm_feature_set: FEATURE_SET,
    "transition-key": key,
    "transition-magic": `0:${rc};${key}`,
    "exit-reason": "",
    "call-id": String(callId),
    "rc-code": String(rc),
    "op-status": "0",
    interval: String(a.intervalMs),
    "last-rc-change": String(t.ws.now),
    "exec-time": "0",
    "queue-time": "0",
    "op-digest": operationDigest(rsc, a.task, a.intervalMs),
  });
  // A result already recorded under that id is updated in place, as the CIB applies it:
  // its attributes keep their places (and those not written keep their values), new ones
  // follow.
  const old = lr.children.find(
    (c): c is XmlElement => c.type === "element" && c.name === "lrm_rsc_op" && getAttr(c, "id") === opId,
  );
  if (old === undefined) lr.children.push(op);
  else for (const [k, v] of op.attrs) setAttr(old, k, v);
}
