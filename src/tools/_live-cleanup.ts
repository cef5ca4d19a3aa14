/**
 * `crm_resource --cleanup` against the live cluster: the DC forgets the resource's history
 * and fail counts (the scheduler then re-probes it). Output as Pacemaker 2.1 prints it:
 * one `Cleaned up RSC on NODE` per primitive and node, then the controller's reply.
 */
import { apiRequest } from "../cib/live-backend.js";
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { primitivesOf, type Resource } from "./_resources.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

/** The primitive and, inside a group, the members ordered after it (they restart with it). */
function cleaned(rsc: Resource): Resource[] {
  const group = rsc.parent?.kind === "group" ? rsc.parent : undefined;
  if (rsc.kind !== "primitive" || !group) return primitivesOf(rsc);
  return group.children.slice(group.children.indexOf(rsc)).flatMap(primitivesOf);
}

function statusNodes(cib: XmlElement): string[] {
  const status = firstChild(cib, "status");
  return status ? childElements(status, "node_state").map((n) => getAttr(n, "uname") ?? "") : [];
}

/** @example await liveCleanup(io, cib, rsc, undefined) */
export async function liveCleanup(
  io: ToolIo,
  cib: XmlElement,
  rsc: Resource,
  node: string | undefined,
): Promise<number> {
  const prims = cleaned(rsc);
  const nodes = node !== undefined ? [node] : statusNodes(cib);
  for (const p of prims) for (const n of nodes) io.stdout(`Cleaned up ${p.id} on ${n}\n`);
  io.stdout("Waiting for 1 reply from the controller\n");
  for (const p of prims) {
    const r = await apiRequest(io.env, { op: "cleanup", resource: p.id, node: node ?? null });
    if (!r.ok) {
      io.stdout("\n");
      io.stderr(`crm_resource: Error performing operation: ${r.error.detail}\n`);
      return r.error.kind === "not-connected" ? ExitCode.Disconnect : r.error.code;
    }
  }
  io.stdout("... got reply (done)\n");
  return ExitCode.Ok;
}
