/**
 * crm_mon's text output (Pacemaker 2.1.5 layout, see ../shared/live-outputs). The node and
 * resource lines come from the scheduler's status rendering (src/scheduler/status-text.ts).
 */
import {
  agentName,
  compareNames,
  renderNodeList,
  renderResources,
} from "../scheduler/status-text.js";
import { ctime, isoUtc, type MonModel, resourcesOn } from "./_crm_mon-model.js";

export interface TextOptions {
  readonly live: boolean;
  readonly nowS: number;
  readonly inactive: boolean;
  readonly byNode: boolean;
  readonly failCounts: boolean;
  /** `crm status` prints "Full List of Resources" always. */
  readonly fullList?: boolean;
}

function summary(m: MonModel, o: TextOptions): string[] {
  const out = ["Cluster Summary:"];
  out.push(`  * Stack: ${m.dc ? "corosync" : "unknown"}`);
  if (m.dc) {
    out.push(
      `  * Current DC: ${m.dc.name} (version ${m.version}) - partition ${
        m.quorate ? "with" : "WITHOUT"
      } quorum`,
    );
  } else {
    out.push("  * Current DC: NONE");
  }
  out.push(`  * Last updated: ${ctime(o.nowS)}`);
  if (m.lastChange) {
    const c = m.lastChange;
    // Pacemaker prints each of "by USER", "via CLIENT", "on NODE" only when the CIB records it.
    const by = c.user !== "" ? ` by ${c.user}` : "";
    const via = c.client !== "" ? ` via ${c.client}` : "";
    const on = c.origin !== "" ? ` on ${c.origin}` : "";
    out.push(`  * Last change:  ${c.time}${by}${via}${on}`);
  }
  out.push(`  * ${m.nodesConfigured} node${m.nodesConfigured === 1 ? "" : "s"} configured`);
  const dis = m.disabled > 0 ? ` (${m.disabled} DISABLED)` : "";
  out.push(`  * ${m.instances} resource instance${m.instances === 1 ? "" : "s"} configured${dis}`);
  return out;
}

/** Drops what is not running: stopped primitives, clone "Stopped" lines, empty groups. */
function activeOnly(lines: readonly string[]): string[] {
  const kept = lines.filter((l) => !/\t Stopped/.test(l) && !/^\s*\* Stopped/.test(l));
  const out: string[] = [];
  kept.forEach((l, i) => {
    const header = /^(\s*)\* (Resource Group|Clone Set): /.exec(l);
    if (header) {
      const next = kept[i + 1];
      const depth = (header[1] ?? "").length;
      if (next === undefined || (/^(\s*)/.exec(next)?.[1] ?? "").length <= depth) return;
    }
    out.push(l);
  });
  return out;
}

function byNode(m: MonModel): string[] {
  const out: string[] = [];
  for (const n of [...m.ws.nodes].sort((a, b) => compareNames(a.uname, b.uname))) {
    const state = n.unclean
      ? "UNCLEAN (offline)"
      : !n.online
        ? "OFFLINE"
        : n.standby
          ? "standby"
          : "online";
    out.push(`  * Node ${n.uname}: ${state}:`);
    out.push("    * Resources:");
    for (const r of resourcesOn(m.ws, n)) out.push(`      * ${r.id}\t(${agentName(r)}):\t Started`);
  }
  return out;
}

function migrationSummary(m: MonModel): string[] {
  // Pacemaker walks the online nodes and prints the header with the first one: none, no header.
  if (![...m.ws.nodes].some((n) => n.online)) return [];
  const out = ["", "Migration Summary:"];
  let node = "";
  for (const f of m.failCounts) {
    if (f.node !== node) {
      out.push(`  * Node: ${f.node}:`);
      node = f.node;
    }
    const last = f.lastFailureS > 0 ? ` last-failure='${ctime(f.lastFailureS)}'` : "";
    out.push(`    * ${f.rsc}: migration-threshold=${f.threshold} fail-count=${f.count}${last}`);
  }
  return out;
}

function failedActions(m: MonModel): string[] {
  if (m.failures.length === 0) return [];
  const out = ["", "Failed Resource Actions:"];
  for (const f of m.failures) {
    const what = f.intervalMs > 0 ? `${f.intervalMs / 1000}s-interval ${f.task}` : f.task;
    const reason = f.reason !== "" ? ` (${f.reason})` : "";
    out.push(
      `  * ${f.rsc} ${what} on ${f.node} returned '${f.rcText}'${reason} at ${ctime(
        f.lastRcChangeS,
      )}`,
    );
  }
  return out;
}

/** The whole screen, ending with a newline. */
export function formatMonText(m: MonModel, o: TextOptions): string {
  const out: string[] = [];
  if (o.live)
    out.push(`Status of pacemakerd: 'Pacemaker is running' (last updated ${isoUtc(o.nowS)})`);
  out.push(...summary(m, o), "");
  out.push("Node List:");
  if (o.byNode) {
    out.push(...byNode(m));
  } else {
    out.push(...renderNodeList(m.ws).map((l) => `  ${l}`));
    out.push("");
    const full = o.inactive || o.fullList === true;
    const all = renderResources(m.ws);
    const lines = full ? all : activeOnly(all);
    out.push(full ? "Full List of Resources:" : "Active Resources:");
    if (lines.length === 0) out.push(full ? "  * No resources" : "  * No active resources");
    else out.push(...lines.map((l) => `  ${l}`));
  }
  if (o.failCounts) out.push(...migrationSummary(m));
  out.push(...failedActions(m));
  return `${out.join("\n")}\n`;
}
