/**
 * `crm_resource --constraints` (-a) and `--stack` (-A): the location constraints on a
 * resource and the colocations around it, as Pacemaker 2.1 prints them. Pacemaker keeps
 * each resource's constraints newest first, so lists run in reverse document order.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";

function constraints(cib: XmlElement, tag: string): XmlElement[] {
  const section = firstChild(firstChild(cib, "configuration") ?? cib, "constraints");
  return section === undefined ? [] : childElements(section, tag).reverse();
}

function locationLines(cib: XmlElement, rsc: string, pad: string): string[] {
  const out: string[] = [];
  for (const c of constraints(cib, "rsc_location")) {
    if (getAttr(c, "rsc") !== rsc) continue;
    const node = getAttr(c, "node");
    const score = getAttr(c, "score");
    if (node === undefined || score === undefined) continue;
    const id = getAttr(c, "id") ?? "";
    out.push(`${pad}* Node ${node} (score=${score}, id=${id}, rsc=${rsc})`);
  }
  return out;
}

/** A block header: plain at the top, a bullet when nested under a resource. */
function header(pad: string, text: string): string {
  return pad === "" ? text : `${pad}* ${text}`;
}

function locationsBlock(cib: XmlElement, rsc: string, pad: string): string[] {
  const lines = locationLines(cib, rsc, `${pad}  `);
  return lines.length === 0 ? [] : [header(pad, "Locations:"), ...lines];
}

interface Walk {
  readonly cib: XmlElement;
  readonly recursive: boolean;
  readonly seen: Set<string>;
}

/** Resources colocated with `rsc` (they follow it), each with its own locations. */
function colocatedWith(w: Walk, rsc: string, pad: string): string[] {
  const out: string[] = [];
  for (const c of constraints(w.cib, "rsc_colocation")) {
    if (getAttr(c, "with-rsc") !== rsc) continue;
    const other = getAttr(c, "rsc") ?? "";
    out.push(
      `${pad}  * ${other} (score=${getAttr(c, "score") ?? ""}, id=${getAttr(c, "id") ?? ""})`,
    );
    out.push(...neighbour(w, other, `${pad}    `, "with"));
  }
  return out.length === 0 ? [] : [header(pad, `Resources colocated with ${rsc}:`), ...out];
}

/** Resources `rsc` is colocated with (it follows them). */
function colocatedTo(w: Walk, rsc: string, pad: string): string[] {
  const out: string[] = [];
  for (const c of constraints(w.cib, "rsc_colocation")) {
    if (getAttr(c, "rsc") !== rsc) continue;
    const other = getAttr(c, "with-rsc") ?? "";
    out.push(
      `${pad}  * ${other} (score=${getAttr(c, "score") ?? ""}, id=${getAttr(c, "id") ?? ""})`,
    );
    out.push(...neighbour(w, other, `${pad}    `, "to"));
  }
  return out.length === 0 ? [] : [header(pad, `Resources ${rsc} is colocated with:`), ...out];
}

function neighbour(w: Walk, rsc: string, pad: string, dir: "with" | "to"): string[] {
  const lines = locationsBlock(w.cib, rsc, pad);
  if (!w.recursive || w.seen.has(rsc)) return lines;
  w.seen.add(rsc);
  const deeper = dir === "with" ? colocatedWith(w, rsc, pad) : colocatedTo(w, rsc, pad);
  return [...lines, ...deeper];
}

/**
 * The lines for `rsc` (each ending in a newline), or "" when nothing constrains it.
 * @example constraintsText(cib, "web", { recursive: false })
 */
export function constraintsText(
  cib: XmlElement,
  rsc: string,
  opts: { readonly recursive: boolean },
): string {
  const w: Walk = { cib, recursive: opts.recursive, seen: new Set([rsc]) };
  const lines = [
    ...locationsBlock(cib, rsc, ""),
    ...colocatedWith(w, rsc, ""),
    ...colocatedTo(w, rsc, ""),
  ];
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
