/**
 * What crm_mon shows, computed once from a CIB and the scheduler's unpacked working set, then
 * printed as text, XML or JSON by the formatters beside this file. Pure.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import type { OcfRc } from "../executor/codes.js";
import { ocfRcName } from "../executor/codes.js";
import type { NodeInfo, Resource, WorkingSet } from "../scheduler/model.js";
import { activeNodes } from "../scheduler/primitive.js";
import { compareNames } from "../scheduler/status-text.js";
import { ctimeOfEpoch } from "../shared/ctime.js";

export interface MonFailure {
  readonly rsc: string;
  readonly task: string;
  readonly intervalMs: number;
  readonly node: string;
  readonly rc: number;
  readonly rcText: string;
  readonly reason: string;
  readonly callId: string;
  readonly opStatus: number;
  readonly lastRcChangeS: number;
  readonly execMs: string;
  readonly queueMs: string;
}

export interface MonFailCount {
  readonly node: string;
  readonly rsc: string;
  readonly threshold: number;
  readonly count: string;
  readonly lastFailureS: number;
}

export interface MonModel {
  readonly ws: WorkingSet;
  readonly dc: { readonly name: string; readonly id: string } | null;
  readonly quorate: boolean;
  readonly version: string;
  readonly lastChange: { time: string; user: string; client: string; origin: string } | null;
  readonly nodesConfigured: number;
  readonly instances: number;
  readonly disabled: number;
  readonly failures: readonly MonFailure[];
  readonly failCounts: readonly MonFailCount[];
}

/** Every primitive (clone instances included), depth first. */
export function primitives(rs: readonly Resource[]): Resource[] {
  const out: Resource[] = [];
  const walk = (r: Resource): void => {
    if (r.kind === "primitive") out.push(r);
    for (const c of r.children) walk(c);
  };
  for (const r of rs) walk(r);
  return out;
}

function isDisabled(r: Resource): boolean {
  for (let p: Resource | undefined = r; p; p = p.parent)
    if (p.targetRole === "Stopped") return true;
  return false;
}

function failuresOf(cib: XmlElement): MonFailure[] {
  const out: MonFailure[] = [];
  const status = firstChild(cib, "status");
  for (const ns of status ? childElements(status, "node_state") : []) {
    const node = getAttr(ns, "uname") ?? "";
    const lrm = firstChild(ns, "lrm");
    const list = lrm ? firstChild(lrm, "lrm_resources") : undefined;
    for (const lr of list ? childElements(list, "lrm_resource") : []) {
      for (const op of childElements(lr, "lrm_rsc_op")) {
        if (!(getAttr(op, "id") ?? "").endsWith("_last_failure_0")) continue;
        const rc = Number(getAttr(op, "rc-code") ?? "1");
        const probe = getAttr(op, "operation") === "monitor" && getAttr(op, "interval") === "0";
        // A probe that found the resource running (or promoted) is news, not a failure.
        if (probe && getAttr(op, "op-status") === "0" && [0, 7, 8].includes(rc)) continue;
        out.push({
          rsc: getAttr(lr, "id") ?? "",
          task: getAttr(op, "operation") ?? "",
          intervalMs: Number(getAttr(op, "interval") ?? "0"),
          node,
          rc,
          rcText: ocfRcName(rc as OcfRc) ?? "error",
          reason: getAttr(op, "exit-reason") ?? "",
          callId: getAttr(op, "call-id") ?? "",
          opStatus: Number(getAttr(op, "op-status") ?? "0"),
          lastRcChangeS: Number(getAttr(op, "last-rc-change") ?? "0"),
          execMs: getAttr(op, "exec-time") ?? "0",
          queueMs: getAttr(op, "queue-time") ?? "0",
        });
      }
    }
  }
  return out;
}

function failCountsOf(ws: WorkingSet): MonFailCount[] {
  const out: MonFailCount[] = [];
  for (const n of [...ws.nodes].sort((a, b) => compareNames(a.uname, b.uname))) {
    const byRsc = new Map<string, { count: number; inf: boolean; last: number }>();
    for (const [k, v] of n.attrs) {
      const m = /^fail-count-(.+?)(#.*)?$/.exec(k);
      if (!m) continue;
      const rsc = m[1] as string;
      const e = byRsc.get(rsc) ?? { count: 0, inf: false, last: 0 };
      if (v === "INFINITY" || v === "+INFINITY") e.inf = true;
      else e.count += Number(v) || 0;
      const last = Number(n.attrs.get(k.replace("fail-count-", "last-failure-")) ?? "0");
      e.last = Math.max(e.last, last);
      byRsc.set(rsc, e);
    }
    for (const [rsc, e] of byRsc) {
      const r = ws.byId.get(rsc);
      out.push({
        node: n.uname,
        rsc,
        threshold: r?.migrationThreshold ?? 1000000,
        count: e.inf ? "INFINITY" : String(e.count),
        lastFailureS: e.last,
      });
    }
  }
  return out;
}

/** @example const m = monModel(cib, unpack(cib, { now })); */
export function monModel(cib: XmlElement, ws: WorkingSet): MonModel {
  const dcId = getAttr(cib, "dc-uuid");
  const dcNode = ws.nodes.find((n) => n.id === dcId);
  const written = getAttr(cib, "cib-last-written");
  const prims = primitives(ws.resources).filter((p) => !p.orphan);
  return {
    ws,
    dc: dcNode ? { name: dcNode.uname, id: dcNode.id } : null,
    quorate: getAttr(cib, "have-quorum") === "1",
    version: ws.options ? dcVersion(cib) : "",
    lastChange:
      written === undefined
        ? null
        : {
            time: written,
            user: getAttr(cib, "update-user") ?? "",
            client: getAttr(cib, "update-client") ?? "",
            origin: getAttr(cib, "update-origin") ?? "",
          },
    nodesConfigured: ws.nodes.length,
    instances: prims.length,
    disabled: prims.filter(isDisabled).length,
    failures: failuresOf(cib),
    failCounts: failCountsOf(ws),
  };
}

function dcVersion(cib: XmlElement): string {
  const conf = firstChild(cib, "configuration");
  const crm = conf ? firstChild(conf, "crm_config") : undefined;
  for (const set of crm ? childElements(crm, "cluster_property_set") : []) {
    for (const nv of childElements(set, "nvpair")) {
      if (getAttr(nv, "name") === "dc-version") return getAttr(nv, "value") ?? "";
    }
  }
  return "";
}

/** The order of a node's `lrm_resource` entries, which crm_mon -n lists resources in. */
function historyOrder(cib: XmlElement, node: string): Map<string, number> {
  const order = new Map<string, number>();
  const status = firstChild(cib, "status");
  const ns = status
    ? childElements(status, "node_state").find((n) => getAttr(n, "uname") === node)
    : undefined;
  const lrm = ns ? firstChild(ns, "lrm") : undefined;
  const list = lrm ? firstChild(lrm, "lrm_resources") : undefined;
  for (const lr of list ? childElements(list, "lrm_resource") : []) {
    order.set(getAttr(lr, "id") ?? "", order.size);
  }
  return order;
}

/** Primitives active on a node, in the node's history order (crm_mon -n). */
export function resourcesOn(ws: WorkingSet, node: NodeInfo): Resource[] {
  const order = historyOrder(ws.cib, node.uname);
  const rank = (r: Resource) => order.get(r.id) ?? Number.MAX_SAFE_INTEGER;
  return primitives(ws.resources)
    .filter((p) => activeNodes(ws, p).includes(node.uname))
    .sort((a, b) => rank(a) - rank(b) || compareNames(a.id, b.id));
}

/** `Wed Nov 25 12:37:55 2026`, as ctime(3) in local time. */
export function ctime(epochS: number): string {
  return ctimeOfEpoch(epochS);
}

/** `2026-11-25 12:34:22Z`. */
export function isoUtc(epochS: number): string {
  return new Date(epochS * 1000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}
