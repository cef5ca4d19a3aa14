/**
 * `crm_resource --list-operations`: one line per recorded operation of a primitive, as
 * Pacemaker prints them from the status section's `lrm_rsc_op` entries.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { ctimeOfEpoch } from "../shared/ctime.js";
import { agentName, isDisabled, isUnmanaged, placements, type Resource } from "./_resources.js";

const OP_STATUS: Readonly<Record<string, string>> = {
  "-1": "pending",
  "0": "complete",
  "1": "Cancelled",
  "2": "Timed Out",
  "3": "NOT SUPPORTED",
  "4": "Error",
  "5": "Not installed",
  "6": "Cancelled",
  "7": "Not connected",
  "8": "Invalid",
};

/** ctime(3)'s form in local time, e.g. `Tue Nov 14 22:13:20 2023`. */
export function ctimeText(epochSeconds: number): string {
  return ctimeOfEpoch(epochSeconds);
}

export function stateText(cib: XmlElement, r: Resource): string {
  const where = placements(cib, r.id);
  let state = where.length > 0 ? "Started" : "Stopped";
  if (where.some((p) => p.failed)) state = "FAILED";
  else if (where.some((p) => p.promoted)) state = "Promoted";
  const flags: string[] = [];
  if (isDisabled(r)) flags.push("disabled");
  if (isUnmanaged(r)) flags.push("unmanaged");
  return `${state}${flags.length > 0 ? ` (${flags.join(", ")})` : ""}`;
}

function opLine(head: string, node: string, op: XmlElement): string {
  const get = (n: string): string => getAttr(op, n) ?? "";
  const parts = [`node=${node}`, `call=${get("call-id")}`, `rc=${get("rc-code")}`];
  const changed = getAttr(op, "last-rc-change");
  if (changed !== undefined) parts.push(`last-rc-change='${ctimeText(Number(changed))}'`);
  const exec = getAttr(op, "exec-time");
  if (exec !== undefined) parts.push(`exec=${exec}ms`);
  const status = OP_STATUS[get("op-status")] ?? get("op-status");
  return `${head}: ${getAttr(op, "operation_key") ?? get("id")} (${parts.join(", ")}): ${status}`;
}

/** Lines for primitive `r` (and its clone instances), optionally on one node only. */
export function operationLines(cib: XmlElement, r: Resource, onNode?: string): string[] {
  const head = `${r.id}\t(${agentName(r)}):\t ${stateText(cib, r)}`;
  const out: string[] = [];
  const status = firstChild(cib, "status");
  if (status === undefined) return out;
  for (const ns of childElements(status, "node_state")) {
    const node = getAttr(ns, "uname") ?? getAttr(ns, "id") ?? "";
    if (onNode !== undefined && node !== onNode) continue;
    const lrm = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    if (lrm === undefined) continue;
    for (const lr of childElements(lrm, "lrm_resource")) {
      const rid = getAttr(lr, "id") ?? "";
      if (rid !== r.id && !rid.startsWith(`${r.id}:`)) continue;
      for (const op of childElements(lr, "lrm_rsc_op")) out.push(opLine(head, node, op));
    }
  }
  return out;
}
