/**
 * The `Full List of Resources:` block crm_resource --list prints (crm_mon's resource list
 * without node names): one line per primitive, groups and clones as nested headers.
 */
import type { XmlElement } from "../cib/xml.js";
import {
  activeNodes,
  agentName,
  configuredNodes,
  isDisabled,
  isUnmanaged,
  ownMeta,
  placements,
  type Resource,
} from "./_resources.js";

function flagText(flags: readonly string[]): string {
  return flags.length === 0 ? "" : ` (${flags.join(", ")})`;
}

function primitiveFlags(r: Resource): string[] {
  const flags: string[] = [];
  if (isDisabled(r)) flags.push("disabled");
  if (isUnmanaged(r)) flags.push("unmanaged");
  return flags;
}

function primitiveLine(cib: XmlElement, r: Resource, pad: string): string {
  const where = placements(cib, r.id);
  let state = "Started";
  if (where.length === 0) state = "Stopped";
  else if (where.some((p) => p.failed)) state = "FAILED";
  else if (where.some((p) => p.promoted)) state = "Promoted";
  return `${pad}* ${r.id}\t(${agentName(r)}):\t ${state}${flagText(primitiveFlags(r))}`;
}

function headerFlags(r: Resource): string[] {
  const flags: string[] = [];
  if (r.kind === "master" || /^(true|yes|on|1)$/i.test(ownMeta(r, "promotable") ?? "")) {
    flags.push("promotable");
  }
  if (isUnmanaged(r)) flags.push("unmanaged");
  if (isDisabled(r)) flags.push("disabled");
  return flags;
}

function cloneLines(cib: XmlElement, r: Resource, pad: string): string[] {
  const child = r.children[0];
  const head = `${pad}* Clone Set: ${r.id} [${child?.id ?? ""}]${flagText(headerFlags(r))}:`;
  if (child === undefined) return [head];
  const where = activeNodes(cib, child);
  const lines = [head];
  const promoted = where.filter((p) => p.promoted).map((p) => p.node);
  const started = where.filter((p) => !p.promoted).map((p) => p.node);
  const promotable = headerFlags(r).includes("promotable");
  if (promoted.length > 0) lines.push(`${pad}  * Promoted: [ ${promoted.join(" ")} ]`);
  if (started.length > 0) {
    lines.push(`${pad}  * ${promotable ? "Unpromoted" : "Started"}: [ ${started.join(" ")} ]`);
  }
  const running = new Set(where.map((p) => p.node));
  const stopped = configuredNodes(cib)
    .map((n) => n.uname)
    .filter((n) => !running.has(n));
  if (stopped.length > 0) {
    const label = isDisabled(child) ? "Stopped (disabled)" : "Stopped";
    lines.push(`${pad}  * ${label}: [ ${stopped.join(" ")} ]`);
  }
  return lines;
}

function resourceLines(cib: XmlElement, r: Resource, pad: string): string[] {
  switch (r.kind) {
    case "primitive":
      return [primitiveLine(cib, r, pad)];
    case "group":
      return [
        `${pad}* Resource Group: ${r.id}${flagText(headerFlags(r))}:`,
        ...r.children.flatMap((c) => resourceLines(cib, c, `${pad}  `)),
      ];
    case "clone":
    case "master":
      return cloneLines(cib, r, pad);
    case "bundle":
      return [`${pad}* Container bundle: ${r.id}${flagText(headerFlags(r))}:`];
  }
}

/** The whole block, ending with a newline. */
export function formatResourceList(cib: XmlElement, tree: readonly Resource[]): string {
  const lines = ["Full List of Resources:"];
  if (tree.length === 0) lines.push("  * No resources");
  for (const r of tree) lines.push(...resourceLines(cib, r, "  "));
  return `${lines.join("\n")}\n`;
}
