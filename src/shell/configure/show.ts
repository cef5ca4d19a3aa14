/**
 * `configure show [xml] [ID...|type:KIND...]`: crm text or an XML document of the
 * selected objects.
 */
import { childElements, elem, getAttr, printXml, type XmlElement } from "../../cib/xml.js";
import type { ShellContext } from "../levels/types.js";
import { type CibObject, objectsOf, objectText } from "../printer.js";
import { configuration } from "./session.js";

const TYPE_ALIASES: Record<string, string> = { master: "ms", collocation: "colocation" };

/** Selects objects by id and type:KIND; reports unknown ids. Undefined on error. */
export function selectObjects(
  ctx: ShellContext,
  cib: XmlElement,
  args: readonly string[],
): CibObject[] | undefined {
  const all = objectsOf(configuration(cib));
  if (args.length === 0) return all;
  const types = new Set<string>();
  const ids: string[] = [];
  for (const a of args) {
    if (a.startsWith("type:")) {
      const t = a.slice(5);
      types.add(TYPE_ALIASES[t] ?? t);
    } else ids.push(a);
  }
  for (const id of ids) {
    if (!all.some((o) => o.id === id)) {
      ctx.error(null, `object ${id} does not exist`);
      return undefined;
    }
  }
  return all.filter((o) => types.has(o.kind) || ids.includes(o.id));
}

export function showText(objects: readonly CibObject[]): string {
  return objects.map((o) => `${objectText(o)}\n`).join("");
}

const VOLATILE_CIB_ATTRS = new Set([
  "cib-last-written",
  "update-origin",
  "update-client",
  "update-user",
]);

const SECTION_OF: Record<string, string> = {
  node: "nodes",
  property: "crm_config",
  rsc_defaults: "rsc_defaults",
  op_defaults: "op_defaults",
  location: "constraints",
  colocation: "constraints",
  order: "constraints",
};

/** `show xml`: `<?xml version="1.0" ?>`, the `<cib>` with only the selected objects. */
export function showXml(cib: XmlElement, objects: readonly CibObject[]): string {
  const sections = new Map<string, XmlElement>();
  for (const name of ["crm_config", "nodes", "resources", "constraints"]) {
    sections.set(name, elem(name));
  }
  const selected = new Set(objects.map((o) => o.el));
  for (const o of objects) {
    if (isInsideSelected(cib, o.el, selected)) continue;
    const name = o.section === "configuration" ? o.el.name : (SECTION_OF[o.kind] ?? o.section);
    let sec = sections.get(name);
    if (!sec) {
      sec = elem(name);
      sections.set(name, sec);
    }
    if (o.section === "configuration") sections.set(name, o.el);
    else sec.children.push(o.el);
  }
  const root: XmlElement = {
    type: "element",
    name: "cib",
    attrs: cib.attrs.filter(([k]) => !VOLATILE_CIB_ATTRS.has(k)),
    children: [elem("configuration", {}, [...sections.values()])],
  };
  return `<?xml version="1.0" ?>\n${printXml(root)}\n`;
}

/** A primitive inside a selected group is printed with its group, not again. */
function isInsideSelected(cib: XmlElement, el: XmlElement, selected: Set<XmlElement>): boolean {
  const resources = childElements(configuration(cib), "resources")[0];
  if (!resources) return false;
  const walk = (parent: XmlElement, inSelected: boolean): boolean | undefined => {
    for (const c of childElements(parent)) {
      if (c === el) return inSelected;
      const r = walk(c, inSelected || selected.has(c));
      if (r !== undefined) return r;
    }
    return undefined;
  };
  return walk(resources, false) === true && getAttr(el, "id") !== undefined;
}
