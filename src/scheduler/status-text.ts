/**
 * The node list and resource list as crm_simulate/crm_mon 2.1.5 print them. Pure: takes an
 * unpacked working set and returns lines (crm_mon reuses this).
 */

import { cloneTemplate } from "./clone-orphans.js";
import type { NodeInfo, Resource, Role, WorkingSet } from "./model.js";
import { activeNodes } from "./primitive.js";

/** Natural, case-insensitive comparison ("node2" < "node10"), as Pacemaker sorts names. */
export function compareNames(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const pa = a.toLowerCase().match(re) ?? [];
  const pb = b.toLowerCase().match(re) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i] as string;
    const y = pb[i] as string;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}

function nodeState(ws: WorkingSet, n: NodeInfo): string | undefined {
  if (n.unclean) return n.online ? "UNCLEAN (online)" : "UNCLEAN (offline)";
  if (n.pending) return "pending";
  if (!n.online) return undefined;
  if (n.standby) {
    const busy = ws.resources.some((r) => hostsSomething(ws, r, n.uname));
    return busy ? "standby (with active resources)" : "standby";
  }
  if (n.maintenance) return "maintenance";
  return undefined;
}

function hostsSomething(ws: WorkingSet, r: Resource, node: string): boolean {
  if (r.kind === "primitive") return activeNodes(ws, r).includes(node);
  return r.children.some((c) => hostsSomething(ws, c, node));
}

/** @example renderNodeList(ws) // ["* Online: [ node1 node2 ]"] */
export function renderNodeList(ws: WorkingSet): string[] {
  const nodes = [...ws.nodes].sort((a, b) => compareNames(a.uname, b.uname));
  const lines: string[] = [];
  const online: string[] = [];
  const offline: string[] = [];
  for (const n of nodes) {
    const s = nodeState(ws, n);
    if (s !== undefined) lines.push(`* Node ${n.uname}: ${s}`);
    else if (n.online) online.push(n.uname);
    else offline.push(n.uname);
  }
  if (online.length > 0) lines.push(`* Online: [ ${online.join(" ")} ]`);
  if (offline.length > 0) lines.push(`* OFFLINE: [ ${offline.join(" ")} ]`);
  return lines;
}

export function agentName(r: Resource): string {
  return r.provider !== undefined ? `${r.cls}:${r.provider}:${r.type}` : `${r.cls}:${r.type}`;
}

function roleWord(role: Role, promotable: boolean): string {
  if (role === "Promoted") return "Promoted";
  if (role === "Unpromoted" || (role === "Started" && promotable))
    return promotable ? "Unpromoted" : "Started";
  return role === "Stopped" ? "Stopped" : "Started";
}

export function isPromotableChild(r: Resource): boolean {
  for (let p = r.parent; p; p = p.parent)
    if (p.kind === "clone") return p.clone?.promotable === true;
  return false;
}

function disabled(r: Resource): boolean {
  return r.targetRole === "Stopped" || r.meta.get("target-role")?.toLowerCase() === "stopped";
}

/** The state part of a primitive's line ("Started node1", "FAILED node2 (blocked)"...). */
export function primitiveState(ws: WorkingSet, r: Resource): string | undefined {
  const nodes = activeNodes(ws, r);
  const flags: string[] = [];
  if (disabled(r)) flags.push("disabled");
  if (!r.managed) flags.push("unmanaged");
  const hist = nodes.map((n) => r.history.get(n));
  const failed = hist.some((h) => h?.failed);
  if (hist.some((h) => h?.blocked) && failed) flags.push("blocked");
  // Pacemaker marks the resource, not one node: an ignored failure anywhere shows.
  if ([...r.history.values()].some((h) => h.failureIgnored)) flags.push("failure ignored");
  const suffix = flags.length > 0 ? ` (${flags.join(", ")})` : "";
  if (nodes.length === 0) {
    if (r.orphan) return undefined;
    const notInstalled = [...r.history.values()].some((h) => h.notInstalled);
    return `Stopped${suffix}${notInstalled && !suffix ? " (not installed) " : ""}`;
  }
  const prom = isPromotableChild(r);
  const role = hist[0]?.role ?? "Started";
  const word = failed ? (role === "Promoted" ? "FAILED Promoted" : "FAILED") : roleWord(role, prom);
  const orphan = r.orphan ? "ORPHANED " : "";
  if (nodes.length > 1) return `${orphan}${word} [ ${nodes.join(" ")} ]${suffix}`;
  const node = nodes[0] as string;
  // Only a lost node is marked; one still online shows its state in the node list only.
  const n = ws.nodeByName.get(node);
  if (n?.unclean && !n.online) flags.unshift("UNCLEAN");
  const all = flags.length > 0 ? ` (${flags.join(", ")})` : "";
  return `${orphan}${word} ${node}${all}`;
}

/** @example renderResources(ws) // ["* rsc1\t(ocf:pacemaker:Dummy):\t Started node1"] */
export function renderResources(ws: WorkingSet): string[] {
  const out: string[] = [];
  for (const r of ws.resources) renderResource(ws, r, "", out);
  return out;
}

function renderResource(ws: WorkingSet, r: Resource, pad: string, out: string[]): void {
  if (r.kind === "primitive") {
    const s = primitiveState(ws, r);
    if (s !== undefined) out.push(`${pad}* ${r.id}\t(${agentName(r)}):\t ${s}`);
    return;
  }
  if (r.kind === "group") {
    const flags = disabled(r) ? " (disabled)" : !r.managed ? " (unmanaged)" : "";
    out.push(`${pad}* Resource Group: ${r.id}${flags}:`);
    for (const c of r.children) renderResource(ws, c, `${pad}  `, out);
    return;
  }
  renderClone(ws, r, pad, out);
}

function renderClone(ws: WorkingSet, c: Resource, pad: string, out: string[]): void {
  const s = c.clone;
  // Pacemaker 2.1.5 does not count an instance blocked by a failure on a lost node as
  // running for its clone: a clone active only through such instances is not listed.
  if (!s?.unique && onlyStranded(ws, c)) return;
  const first = cloneTemplate(c) ?? c.children[0];
  const childId = first ? first.baseId : c.id;
  const tags: string[] = [];
  if (s?.promotable) tags.push("promotable");
  if (s?.unique) tags.push("unique");
  if (disabled(c)) tags.push("disabled");
  if (!c.managed) tags.push("unmanaged");
  out.push(
    `${pad}* Clone Set: ${c.id} [${childId}]${tags.length > 0 ? ` (${tags.join(", ")})` : ""}:`,
  );
  const inner = `${pad}  `;
  if (s?.unique) {
    for (const inst of c.children) renderResource(ws, inst, inner, out);
    return;
  }
  renderAnonymous(ws, c, inner, out);
}

function instanceState(
  ws: WorkingSet,
  inst: Resource,
): { node?: string; role: Role; plain: boolean } {
  const prims = inst.kind === "group" ? inst.children : [inst];
  const nodes = new Set<string>();
  let role: Role = "Stopped";
  let plain = true;
  for (const p of prims) {
    const ns = activeNodes(ws, p);
    for (const n of ns) nodes.add(n);
    if (ns.length > 1) plain = false;
    const h = ns[0] ? p.history.get(ns[0]) : undefined;
    if (h?.failed || h?.failureIgnored || !p.managed) plain = false;
    if (h && h.role !== "Stopped")
      role = h.role === "Promoted" ? "Promoted" : role === "Promoted" ? role : "Started";
    if (ws.nodeByName.get(ns[0] ?? "")?.unclean) plain = false;
  }
  if (inst.kind === "group" && nodes.size > 0) {
    const active = prims.filter((p) => activeNodes(ws, p).length > 0).length;
    if (active !== prims.length) plain = false;
  }
  if (nodes.size > 1) plain = false;
  const node = [...nodes][0];
  return node === undefined ? { role: "Stopped", plain } : { node, role, plain };
}

/** An instance frozen by a failure on a node that is not online. */
function stranded(ws: WorkingSet, inst: Resource): boolean {
  const prims = inst.kind === "group" ? inst.children : [inst];
  return prims.some((p) =>
    [...p.history.values()].some(
      (h) =>
        h.failed &&
        h.blocked &&
        h.role !== "Stopped" &&
        ws.nodeByName.get(h.node)?.online === false,
    ),
  );
}

function onlyStranded(ws: WorkingSet, c: Resource): boolean {
  const active = c.children.filter((i) => instanceState(ws, i).node !== undefined);
  return active.length > 0 && active.every((i) => stranded(ws, i));
}

function renderAnonymous(ws: WorkingSet, c: Resource, pad: string, out: string[]): void {
  const prom = c.clone?.promotable === true;
  const promoted: string[] = [];
  const started: string[] = [];
  const activeOn = new Set<string>();
  for (const inst of c.children) {
    const st = instanceState(ws, inst);
    if (st.node !== undefined && !stranded(ws, inst)) activeOn.add(st.node);
    if (!st.plain) {
      renderInstance(ws, inst, pad, out);
      continue;
    }
    if (st.node === undefined) continue;
    if (st.role === "Promoted") promoted.push(st.node);
    else started.push(st.node);
  }
  const sortN = (l: string[]) => l.sort(compareNames);
  if (promoted.length > 0) out.push(`${pad}* Promoted: [ ${sortN(promoted).join(" ")} ]`);
  if (started.length > 0) {
    out.push(`${pad}* ${prom ? "Unpromoted" : "Started"}: [ ${sortN(started).join(" ")} ]`);
  }
  const activeCount = c.children.filter(
    (i) => instanceState(ws, i).node !== undefined && !stranded(ws, i),
  ).length;
  const allowed = cloneAllowedNodes(ws, c);
  const stopped = ws.nodes
    .map((n) => n.uname)
    .filter((n) => !activeOn.has(n) && allowed.has(n))
    .sort(compareNames);
  if (stopped.length > 0 && activeCount < (c.clone?.cloneMax ?? 0)) {
    // Nodes where a probe found the agent missing are listed apart.
    const missing = notInstalledNodes(c);
    const plain = stopped.filter((n) => !missing.has(n));
    const absent = stopped.filter((n) => missing.has(n));
    if (plain.length > 0) {
      const off = disabled(c) || (!c.meta.has("target-role") && isDisabledChild(c));
      out.push(`${pad}* Stopped${off ? " (disabled)" : ""}: [ ${plain.join(" ")} ]`);
    }
    if (absent.length > 0) out.push(`${pad}* Stopped (not installed): [ ${absent.join(" ")} ]`);
  }
}

/** A clone without a target-role of its own shows its instances' configured one. */
function isDisabledChild(c: Resource): boolean {
  const child = cloneTemplate(c);
  return child !== undefined && child.meta.get("target-role")?.toLowerCase() === "stopped";
}

function notInstalledNodes(c: Resource): Set<string> {
  const out = new Set<string>();
  const walk = (r: Resource) => {
    for (const h of r.history.values()) if (h.notInstalled) out.add(h.node);
    for (const x of r.children) walk(x);
  };
  walk(c);
  return out;
}

/** Nodes a clone may run on by configuration (symmetry and location constraints). */
function cloneAllowedNodes(ws: WorkingSet, c: Resource): Set<string> {
  const score = new Map<string, number>();
  if (ws.options.symmetricCluster) for (const n of ws.nodes) score.set(n.uname, 0);
  const ids = new Set([c.id, ...c.children.map((i) => i.id)]);
  for (const loc of ws.locations) {
    if (loc.role !== undefined || !ids.has(loc.rsc)) continue;
    for (const [n, s] of loc.scores) score.set(n, (score.get(n) ?? 0) + s);
  }
  return new Set([...score.keys()]);
}

/** An anonymous instance listed on its own carries the configured name, not "name:N". */
function renderInstance(ws: WorkingSet, inst: Resource, pad: string, out: string[]): void {
  const lines: string[] = [];
  renderResource(ws, inst, pad, lines);
  const prims = inst.kind === "group" ? inst.children : [inst];
  for (const l of lines) {
    let text = l;
    for (const p of prims) text = text.replace(`* ${p.id}\t`, `* ${p.baseId}\t`);
    out.push(text);
  }
}
