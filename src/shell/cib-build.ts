/**
 * Builds CIB XML from crm objects with the ids crmsh generates (`RSC-instance_attributes`,
 * `SET-NAME`, `RSC-OP-INTERVAL`, `LOC-rule-expression-0`, ...) and crmsh's attribute order,
 * which `configure show xml` prints as is.
 */
import { elem, getAttr, walkElements, type XmlElement } from "../cib/xml.js";
import type {
  AttrSet,
  ColocationDef,
  ContainerDef,
  LocationDef,
  NvList,
  OrderDef,
  PrimitiveDef,
  ResourceSetDef,
  RuleDef,
} from "./crm-ast.js";

/** Hands out ids that are unique in the configuration: BASE, else BASE-0, BASE-1, ... */
export class IdAllocator {
  readonly used = new Set<string>();

  constructor(root?: XmlElement) {
    if (root) this.addTree(root);
  }

  addTree(root: XmlElement): void {
    for (const el of walkElements(root)) {
      const id = getAttr(el, "id");
      if (id !== undefined && el.name !== "resource_ref") this.used.add(id);
    }
  }

  make(base: string): string {
    let id = base;
    for (let n = 0; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}

const SET_ELEMENT: Record<AttrSet["kind"], string> = {
  params: "instance_attributes",
  meta: "meta_attributes",
  utilization: "utilization",
};

/** `<instance_attributes id=OWNER-instance_attributes>` with nvpairs `SETID-NAME`. */
export function buildAttrSet(owner: string, set: AttrSet, ids: IdAllocator): XmlElement {
  const name = SET_ELEMENT[set.kind];
  if (set.idRef !== undefined) return elem(name, { "id-ref": set.idRef });
  const id = set.id ?? ids.make(`${owner}-${name}`);
  if (set.id !== undefined) ids.used.add(set.id);
  return elem(name, { id }, buildNvpairs(id, set.nv, ids));
}

export function buildNvpairs(setId: string, nv: NvList, ids: IdAllocator): XmlElement[] {
  return nv.map(([k, v]) => nvpairElement(setId, k, v, ids));
}

export function nvpairElement(
  setId: string,
  name: string,
  value: string | null,
  ids: IdAllocator,
): XmlElement {
  // `@ID` refers to an nvpair defined elsewhere.
  if (name.startsWith("@") && value === null) return elem("nvpair", { "id-ref": name.slice(1) });
  const attrs: Record<string, string> = { name };
  if (value !== null) attrs.value = value;
  attrs.id = ids.make(`${setId}-${name}`);
  return elem("nvpair", attrs);
}

export function buildPrimitive(def: PrimitiveDef, ids: IdAllocator): XmlElement {
  const attrs: Record<string, string> = { id: def.id, class: def.agent.cls };
  if (def.agent.provider !== undefined) attrs.provider = def.agent.provider;
  attrs.type = def.agent.type;
  if (def.description !== undefined) attrs.description = def.description;
  const el = elem("primitive", attrs);
  let ops: XmlElement | undefined;
  for (const part of def.parts) {
    if (part.kind !== "op") {
      ops = undefined;
      el.children.push(buildAttrSet(def.id, part, ids));
      continue;
    }
    if (ops === undefined) {
      ops = elem("operations");
      el.children.push(ops);
    }
    const op = buildOp(def.id, part.name, [...part.nv, ...part.params], ids);
    if (part.meta.length > 0) {
      const setId = ids.make(`${getAttr(op, "id")}-meta_attributes`);
      op.children.push(elem("meta_attributes", { id: setId }, buildNvpairs(setId, part.meta, ids)));
    }
    ops.children.push(op);
  }
  return el;
}

/** Op attributes Pacemaker's schema knows; others become the op's instance attributes. */
const OP_ATTRIBUTES = new Set([
  "id",
  "name",
  "interval",
  "description",
  "start-delay",
  "interval-origin",
  "timeout",
  "enabled",
  "record-pending",
  "role",
  "requires",
  "on-fail",
]);

export function buildOp(rsc: string, name: string, nv: NvList, ids: IdAllocator): XmlElement {
  const attrs: [string, string][] = [["name", name]];
  const extra: NvList = [];
  for (const [k, v] of nv) {
    if (OP_ATTRIBUTES.has(k)) attrs.push([k, v ?? ""]);
    else extra.push([k, v]);
  }
  let interval = attrs.find(([k]) => k === "interval")?.[1];
  if (interval === undefined) {
    interval = "0";
    attrs.push(["interval", "0"]);
  }
  const explicitId = attrs.find(([k]) => k === "id");
  const id = explicitId ? explicitId[1] : ids.make(`${rsc}-${name}-${interval}`);
  const el: XmlElement = {
    type: "element",
    name: "op",
    attrs: attrs.filter(([k]) => k !== "id"),
    children: [],
  };
  el.attrs.push(["id", id]);
  if (extra.length > 0) {
    const setId = ids.make(`${id}-instance_attributes`);
    el.children.push(elem("instance_attributes", { id: setId }, buildNvpairs(setId, extra, ids)));
  }
  return el;
}

/** group/clone/master element without its children resources (the caller moves them in). */
export function buildContainer(def: ContainerDef, ids: IdAllocator): XmlElement {
  const name = def.type === "ms" ? "master" : def.type;
  const attrs: Record<string, string> = { id: def.id };
  if (def.description !== undefined) attrs.description = def.description;
  const el = elem(name, attrs);
  for (const part of def.parts) el.children.push(buildAttrSet(def.id, part, ids));
  return el;
}

export function buildLocation(def: LocationDef, ids: IdAllocator): XmlElement {
  const attrs: Record<string, string> = { id: def.id };
  attrs[def.rscPattern ? "rsc-pattern" : "rsc"] = def.rsc;
  if (def.role !== undefined) attrs.role = def.role;
  if (def.resourceDiscovery !== undefined) attrs["resource-discovery"] = def.resourceDiscovery;
  if (def.score !== undefined) attrs.score = def.score;
  if (def.scoreAttribute !== undefined) attrs["score-attribute"] = def.scoreAttribute;
  if (def.node !== undefined) attrs.node = def.node;
  const el = elem("rsc_location", attrs);
  for (const rule of def.rules) el.children.push(buildRule(def.id, rule, ids));
  return el;
}

export function buildRule(owner: string, rule: RuleDef, ids: IdAllocator): XmlElement {
  const attrs: Record<string, string> = {};
  if (rule.role !== undefined) attrs.role = rule.role;
  if (rule.score !== undefined) attrs.score = rule.score;
  if (rule.scoreAttribute !== undefined) attrs["score-attribute"] = rule.scoreAttribute;
  if (rule.booleanOp === "or") attrs["boolean-op"] = "or";
  const id = rule.id ?? ids.make(`${owner}-rule`);
  attrs.id = id;
  const el = elem("rule", attrs);
  for (const e of rule.exprs) {
    if ("date" in e) {
      const d: Record<string, string> = { operation: e.operation };
      if (e.start !== undefined) d.start = e.start;
      if (e.end !== undefined) d.end = e.end;
      d.id = ids.make(`${id}-expression`);
      el.children.push(elem("date_expression", d));
      continue;
    }
    const x: Record<string, string> = { operation: e.operation, attribute: e.attribute };
    if (e.value !== undefined) x.value = e.value;
    if (e.valueType !== undefined) x.type = e.valueType;
    x.id = ids.make(`${id}-expression`);
    el.children.push(elem("expression", x));
  }
  return el;
}

function buildSets(
  owner: string,
  sets: readonly ResourceSetDef[],
  qualifierAttr: string,
  ids: IdAllocator,
): XmlElement[] {
  return sets.map((s, n) => {
    const attrs: Record<string, string> = {};
    if (s.bracket !== "none") attrs.sequential = "false";
    if (s.bracket === "square") attrs["require-all"] = "false";
    for (const [k, v] of s.attrs) if (v !== null) attrs[k] = v;
    const q = s.refs.find((r) => r.qualifier !== undefined)?.qualifier;
    if (q !== undefined) attrs[qualifierAttr] = q;
    const ordered: Record<string, string> = {};
    if (attrs["require-all"] !== undefined) ordered["require-all"] = attrs["require-all"];
    for (const [k, v] of Object.entries(attrs)) if (k !== "require-all") ordered[k] = v;
    ordered.id = ids.make(`${owner}-${n}`);
    return elem(
      "resource_set",
      ordered,
      s.refs.map((r) => elem("resource_ref", { id: r.id })),
    );
  });
}

function isSimplePair(sets: readonly ResourceSetDef[]): boolean {
  return sets.length === 1 && sets[0]?.bracket === "none" && sets[0].refs.length === 2;
}

export function buildColocation(def: ColocationDef, ids: IdAllocator): XmlElement {
  const attrs: Record<string, string> = { id: def.id };
  if (def.score !== undefined) attrs.score = def.score;
  if (def.scoreAttribute !== undefined) attrs["score-attribute"] = def.scoreAttribute;
  const first = def.sets[0];
  if (first && isSimplePair(def.sets)) {
    const [a, b] = first.refs as [ResourceSetDef["refs"][number], ResourceSetDef["refs"][number]];
    attrs.rsc = a.id;
    if (a.qualifier !== undefined) attrs["rsc-role"] = a.qualifier;
    attrs["with-rsc"] = b.id;
    if (b.qualifier !== undefined) attrs["with-rsc-role"] = b.qualifier;
    for (const [k, v] of def.options) if (v !== null) attrs[k] = v;
    return elem("rsc_colocation", attrs);
  }
  for (const [k, v] of def.options) if (v !== null) attrs[k] = v;
  return elem("rsc_colocation", attrs, buildSets(def.id, def.sets, "role", ids));
}

export function buildOrder(def: OrderDef, ids: IdAllocator): XmlElement {
  const attrs: Record<string, string> = { id: def.id };
  if (def.kind !== undefined) attrs.kind = def.kind;
  if (def.score !== undefined) attrs.score = def.score;
  for (const [k, v] of def.options) if (v !== null) attrs[k] = v;
  const first = def.sets[0];
  if (first && isSimplePair(def.sets)) {
    const [a, b] = first.refs as [ResourceSetDef["refs"][number], ResourceSetDef["refs"][number]];
    attrs.first = a.id;
    if (a.qualifier !== undefined) attrs["first-action"] = a.qualifier;
    // biome-ignore lint/suspicious/noThenProperty: the CIB attribute is named "then".
    attrs.then = b.id;
    if (b.qualifier !== undefined) attrs["then-action"] = b.qualifier;
    return elem("rsc_order", attrs);
  }
  return elem("rsc_order", attrs, buildSets(def.id, def.sets, "action", ids));
}
