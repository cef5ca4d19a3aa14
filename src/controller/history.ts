/**
 * Reading executor history back: is a resource active on a node according to its
 * `lrm_rsc_op` entries. Used for shutdown (a node may leave once nothing runs on it).
 */
import { childElements, getAttr, type XmlElement } from "../cib/xml.js";
import { findNodeState } from "./status.js";

function opActive(op: XmlElement): boolean {
  const operation = getAttr(op, "operation") ?? "";
  const rc = Number(getAttr(op, "rc-code") ?? "0");
  const status = Number(getAttr(op, "op-status") ?? "0");
  if (status !== 0) return operation !== "stop" ? operation === "start" : true;
  if (operation === "stop") return rc !== 0;
  if (operation === "monitor") return rc === 0 || rc === 8;
  return rc === 0 || rc === 8;
}

/** Resources whose last non-recurring operation on `node` left them active. */
export function activeResources(cib: XmlElement, node: string): string[] {
  const ns = findNodeState(cib, node);
  if (!ns) return [];
  const out: string[] = [];
  for (const lrm of childElements(ns, "lrm")) {
    for (const list of childElements(lrm, "lrm_resources")) {
      for (const rsc of childElements(list, "lrm_resource")) {
        const id = getAttr(rsc, "id") ?? "";
        const last = childElements(rsc, "lrm_rsc_op").find(
          (o) => getAttr(o, "id") === `${id}_last_0`,
        );
        if (last && opActive(last)) out.push(id);
      }
    }
  }
  return out;
}
