/**
 * A deliberately small scheduler used only by the controller's tests, so they exercise the
 * controller (join, replication, transition execution, fail counts) without depending on
 * src/scheduler. It knows primitives and groups, location constraints with scores, standby,
 * shutdown, target-role, migration-threshold, failure-timeout, have-quorum with
 * no-quorum-policy, and stonith-enabled without devices. It is not the cluster's scheduler.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../../cib/xml.js";
import { clusterProperty, configuration, statusSection } from "../cib-state.js";
import type { GraphAction, GraphResource, TransitionGraph } from "../graph.js";
import { activeResources } from "../history.js";
import { INFINITY, transientAttrs } from "../status.js";

interface Prim {
  readonly res: GraphResource;
  readonly group: string | null;
  readonly meta: Map<string, string>;
  readonly monitorMs: number;
}

function nvs(el: XmlElement, set: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of childElements(el, set)) {
    for (const nv of childElements(s, "nvpair"))
      m.set(getAttr(nv, "name") ?? "", getAttr(nv, "value") ?? "");
  }
  return m;
}

function primitive(p: XmlElement, group: string | null, groupMeta: Map<string, string>): Prim {
  const ops = firstChild(p, "operations");
  const mon = ops
    ? childElements(ops, "op").find((o) => getAttr(o, "name") === "monitor")
    : undefined;
  const interval = mon ? (getAttr(mon, "interval") ?? "0") : "0";
  return {
    res: {
      id: getAttr(p, "id") ?? "",
      class: getAttr(p, "class") ?? "ocf",
      provider: getAttr(p, "provider") ?? "",
      type: getAttr(p, "type") ?? "",
    },
    group,
    meta: new Map([...groupMeta, ...nvs(p, "meta_attributes")]),
    monitorMs: Number.parseInt(interval, 10) * (interval.endsWith("ms") ? 1 : 1000),
  };
}

function primitives(cib: XmlElement): Prim[] {
  const out: Prim[] = [];
  const resources = firstChild(configuration(cib), "resources");
  for (const el of resources ? childElements(resources) : []) {
    if (el.name === "primitive") out.push(primitive(el, null, new Map()));
    if (el.name === "group") {
      const gm = nvs(el, "meta_attributes");
      for (const p of childElements(el, "primitive"))
        out.push(primitive(p, getAttr(el, "id") ?? "", gm));
    }
  }
  return out;
}

function eligibleNodes(cib: XmlElement): string[] {
  const out: string[] = [];
  const nodesEl = firstChild(configuration(cib), "nodes");
  for (const ns of childElements(statusSection(cib), "node_state")) {
    const name = getAttr(ns, "uname") ?? "";
    if (getAttr(ns, "crmd") !== "online") continue;
    const node = nodesEl
      ? childElements(nodesEl, "node").find((n) => getAttr(n, "uname") === name)
      : undefined;
    const perm = node ? nvs(node, "instance_attributes") : new Map<string, string>();
    const attrs = transientAttrs(cib, name);
    if ((attrs.get("standby") ?? perm.get("standby")) === "on") continue;
    if (attrs.has("shutdown")) continue;
    out.push(name);
  }
  return out.sort();
}

function failCount(
  cib: XmlElement,
  node: string,
  rsc: string,
  nowS: number,
  timeoutS: number,
): number {
  let total = 0;
  const attrs = transientAttrs(cib, node);
  for (const [k, v] of attrs) {
    if (!k.startsWith(`fail-count-${rsc}#`)) continue;
    const last = Number(attrs.get(k.replace("fail-count-", "last-failure-")) ?? "0");
    if (timeoutS > 0 && nowS >= last + timeoutS) continue;
    total += v === "INFINITY" ? INFINITY : Number(v);
  }
  return total;
}

function locationScore(cib: XmlElement, rsc: string, node: string): number {
  const cons = firstChild(configuration(cib), "constraints");
  let score = 0;
  for (const c of cons ? childElements(cons, "rsc_location") : []) {
    if (getAttr(c, "rsc") !== rsc || getAttr(c, "node") !== node) continue;
    const s = getAttr(c, "score") ?? "0";
    score += /INFINITY/.test(s) ? (s.startsWith("-") ? -INFINITY : INFINITY) : Number(s);
  }
  return score;
}

/** Where each primitive should run (null: stopped). Groups follow their first member. */
function place(cib: XmlElement, prims: readonly Prim[], nowS: number): Map<string, string | null> {
  const nodes = eligibleNodes(cib);
  const quorate = getAttr(cib, "have-quorum") === "1";
  const nqp = clusterProperty(cib, "no-quorum-policy") ?? "stop";
  const stonith = clusterProperty(cib, "stonith-enabled") !== "false";
  const hasFencing = prims.some((p) => p.res.class === "stonith");
  const out = new Map<string, string | null>();
  const groupNode = new Map<string, string | null>();
  for (const p of prims) {
    if (p.group !== null && groupNode.has(p.group)) {
      const gn = groupNode.get(p.group) ?? null;
      out.set(p.res.id, gn !== null && allowed(p, gn) ? gn : null);
      continue;
    }
    let best: string | null = null;
    let bestScore = -Infinity;
    const current = nodes.filter((n) => activeResources(cib, n).includes(p.res.id));
    const members = p.group === null ? [p] : prims.filter((q) => q.group === p.group);
    for (const n of nodes) {
      if (!members.every((q) => allowed(q, n))) continue;
      let s = members.reduce((acc, q) => acc + locationScore(cib, q.group ?? q.res.id, n), 0);
      if (current.includes(n)) s += 1;
      if (s > bestScore) [best, bestScore] = [n, s];
    }
    if (p.meta.get("target-role") === "Stopped") best = null;
    if (!quorate && nqp === "stop") best = null;
    if (stonith && !hasFencing) best = null;
    out.set(p.res.id, best);
    if (p.group !== null) groupNode.set(p.group, best);
  }
  return out;

  function allowed(p: Prim, n: string): boolean {
    const threshold = Number(p.meta.get("migration-threshold") ?? String(INFINITY));
    const timeoutS = Number.parseInt(p.meta.get("failure-timeout") ?? "0", 10);
    return (
      failCount(cib, n, p.res.id, nowS, timeoutS) < threshold &&
      locationScore(cib, p.group ?? p.res.id, n) > -INFINITY
    );
  }
}

/**
 * Builds a graph: probes for unknown resources, stops, starts in group order, monitors.
 * @example const g = miniSchedule(cib, 1700000000);
 */
export function miniSchedule(cib: XmlElement, nowS: number): TransitionGraph {
  const prims = primitives(cib);
  const actions: GraphAction[] = [];
  const add = (a: Omit<GraphAction, "id" | "params" | "meta" | "operationKey">): number => {
    const id = actions.length + 1;
    const key = a.resource ? `${a.resource.id}_${a.operation}_${a.intervalMs}` : a.operation;
    actions.push({ ...a, id, operationKey: key, params: {}, meta: {} });
    return id;
  };
  const online = childElements(statusSection(cib), "node_state")
    .filter((ns) => getAttr(ns, "crmd") === "online")
    .map((ns) => getAttr(ns, "uname") ?? "");
  const probes: number[] = [];
  for (const n of online) {
    const known = knownResources(cib, n);
    for (const p of prims) {
      if (known.has(p.res.id)) continue;
      probes.push(
        add({
          type: "rsc_op",
          operation: "monitor",
          resource: p.res,
          node: n,
          intervalMs: 0,
          timeoutMs: 20000,
          targetRc: 7,
          inputs: [],
        }),
      );
    }
  }
  const where = place(cib, prims, nowS);
  const stops = new Map<string, number>();
  for (const p of [...prims].reverse()) {
    for (const n of online) {
      const failed = failedOn(cib, n, p.res.id);
      if (!activeResources(cib, n).includes(p.res.id)) continue;
      if (where.get(p.res.id) === n && !failed) continue;
      const after = p.group
        ? prims
            .filter((q) => q.group === p.group && prims.indexOf(q) > prims.indexOf(p))
            .map((q) => stops.get(q.res.id) ?? 0)
        : [];
      stops.set(
        p.res.id,
        add({
          type: "rsc_op",
          operation: "stop",
          resource: p.res,
          node: n,
          intervalMs: 0,
          timeoutMs: 20000,
          targetRc: 0,
          inputs: [...probes, ...after.filter((x) => x > 0)],
        }),
      );
    }
  }
  let prevStart = 0;
  let prevGroup: string | null = null;
  for (const p of prims) {
    const target = where.get(p.res.id) ?? null;
    if (p.group !== prevGroup) prevStart = 0;
    prevGroup = p.group;
    if (target === null) continue;
    if (activeResources(cib, target).includes(p.res.id) && !failedOn(cib, target, p.res.id))
      continue;
    const inputs = [...probes, ...stops.values(), ...(prevStart > 0 ? [prevStart] : [])];
    const start = add({
      type: "rsc_op",
      operation: "start",
      resource: p.res,
      node: target,
      intervalMs: 0,
      timeoutMs: 20000,
      targetRc: 0,
      inputs,
    });
    if (p.group !== null) prevStart = start;
    if (p.monitorMs > 0) {
      add({
        type: "rsc_op",
        operation: "monitor",
        resource: p.res,
        node: target,
        intervalMs: p.monitorMs,
        timeoutMs: 20000,
        targetRc: 0,
        inputs: [start],
      });
    }
  }
  return { actions, recheckAtS: nextExpiry(cib, prims, nowS) };
}

function knownResources(cib: XmlElement, node: string): Set<string> {
  const out = new Set<string>();
  for (const ns of childElements(statusSection(cib), "node_state")) {
    if (getAttr(ns, "uname") !== node) continue;
    for (const lrm of childElements(ns, "lrm")) {
      for (const list of childElements(lrm, "lrm_resources")) {
        for (const r of childElements(list, "lrm_resource")) out.add(getAttr(r, "id") ?? "");
      }
    }
  }
  return out;
}

function nextExpiry(cib: XmlElement, prims: readonly Prim[], nowS: number): number | null {
  let best: number | null = null;
  for (const p of prims) {
    const t = Number.parseInt(p.meta.get("failure-timeout") ?? "0", 10);
    if (!(t > 0)) continue;
    for (const ns of childElements(statusSection(cib), "node_state")) {
      for (const [k, v] of transientAttrs(cib, getAttr(ns, "uname") ?? "")) {
        if (!k.startsWith(`last-failure-${p.res.id}#`)) continue;
        const at = Number(v) + t;
        if (at > nowS && (best === null || at < best)) best = at;
      }
    }
  }
  return best;
}

/** A recurring monitor reported a failure after the last start: the resource needs recovery. */
function failedOn(cib: XmlElement, node: string, rsc: string): boolean {
  for (const ns of childElements(statusSection(cib), "node_state")) {
    if (getAttr(ns, "uname") !== node) continue;
    for (const lrm of childElements(ns, "lrm")) {
      for (const list of childElements(lrm, "lrm_resources")) {
        for (const r of childElements(list, "lrm_resource")) {
          if (getAttr(r, "id") !== rsc) continue;
          const ops = childElements(r, "lrm_rsc_op");
          const last = ops.find((o) => getAttr(o, "id") === `${rsc}_last_0`);
          const lastCall = Number(last ? getAttr(last, "call-id") : "0");
          if (
            ops.some(
              (o) =>
                getAttr(o, "interval") !== "0" &&
                getAttr(o, "rc-code") !== "0" &&
                Number(getAttr(o, "call-id")) > lastCall,
            )
          )
            return true;
        }
      }
    }
  }
  return false;
}
