/**
 * `configure show`: CIB XML objects printed in crm syntax, with crmsh's layout — a head
 * line, then each further part on its own TAB-indented line, all but the last ending in
 * ` \` — and crmsh's quoting (values outside `[\w.-]+` in double quotes).
 */
import { childElements, getAttr, printXml, type XmlElement } from "../cib/xml.js";

/** Quotes a value as crmsh does: bare when it is only word characters, dots and dashes. */
export function quoteValue(v: string): string {
  if (/^[\p{L}\p{N}_.-]+$/u.test(v)) return v;
  return `"${v.replace(/"/g, '\\"')}"`;
}

function nvText(nv: XmlElement): string {
  const ref = getAttr(nv, "id-ref");
  if (ref !== undefined && getAttr(nv, "name") === undefined) return `@${ref}`;
  const name = getAttr(nv, "name") ?? "";
  const value = getAttr(nv, "value");
  return value === undefined ? name : `${name}=${quoteValue(value)}`;
}

/** A set's part: `params a=1 b=2`, `meta`, `params @ref`. */
function setText(keyword: string, set: XmlElement): string {
  const ref = getAttr(set, "id-ref");
  if (ref !== undefined) return `${keyword} @${ref}`;
  const words = [keyword];
  for (const r of childElements(set, "rule")) words.push(ruleText(r));
  words.push(...childElements(set, "nvpair").map(nvText));
  return words.join(" ");
}

/** Joins an object's lines the way crmsh prints them. */
export function joinParts(head: string, parts: readonly string[]): string {
  if (parts.length === 0) return head;
  return [head, ...parts].join(" \\\n\t");
}

export function scoreText(score: string): string {
  if (score === "INFINITY") return "inf";
  if (score === "+INFINITY") return "+inf";
  if (score === "-INFINITY") return "-inf";
  return score;
}

export function agentText(p: XmlElement): string {
  const cls = getAttr(p, "class") ?? "";
  const provider = getAttr(p, "provider");
  const type = getAttr(p, "type") ?? "";
  const template = getAttr(p, "template");
  if (template !== undefined && getAttr(p, "type") === undefined) return `@${template}`;
  if (cls === "ocf" && provider === "heartbeat") return type;
  return provider !== undefined ? `${cls}:${provider}:${type}` : `${cls}:${type}`;
}

const SET_KEYWORD: Record<string, string> = {
  instance_attributes: "params",
  meta_attributes: "meta",
  utilization: "utilization",
};

/** An op, then its own attribute sets as `op_params` / `op_meta` parts. */
function opParts(op: XmlElement): string[] {
  const words = ["op", getAttr(op, "name") ?? ""];
  for (const [k, v] of op.attrs)
    if (k !== "id" && k !== "name") words.push(`${k}=${quoteValue(v)}`);
  const parts = [words.join(" ")];
  for (const set of childElements(op, "instance_attributes")) parts.push(setText("op_params", set));
  for (const set of childElements(op, "meta_attributes")) parts.push(setText("op_meta", set));
  return parts;
}

/** Parts shared by resources: description, then sets and ops in XML order. */
function resourceParts(el: XmlElement): string[] {
  const parts: string[] = [];
  const description = getAttr(el, "description");
  if (description !== undefined) parts.push(`description=${quoteValue(description)}`);
  for (const c of childElements(el)) {
    const kw = SET_KEYWORD[c.name];
    if (kw !== undefined) parts.push(setText(kw, c));
    else if (c.name === "operations") parts.push(...childElements(c, "op").flatMap(opParts));
  }
  return parts;
}

function primitiveText(p: XmlElement): string {
  return joinParts(`primitive ${getAttr(p, "id")} ${agentText(p)}`, resourceParts(p));
}

const RESOURCE_NAMES = new Set(["primitive", "group", "clone", "master", "bundle"]);

function containerText(el: XmlElement): string {
  const keyword = el.name === "master" ? "ms" : el.name;
  const children = childElements(el).filter((c) => RESOURCE_NAMES.has(c.name));
  const head = [keyword, getAttr(el, "id") ?? "", ...children.map((c) => getAttr(c, "id") ?? "")];
  return joinParts(head.join(" "), resourceParts(el));
}

function exprText(e: XmlElement): string {
  const op = getAttr(e, "operation") ?? "";
  if (e.name === "date_expression") {
    if (op === "gt") return `date gt ${quoteValue(getAttr(e, "start") ?? "")}`;
    if (op === "lt") return `date lt ${quoteValue(getAttr(e, "end") ?? "")}`;
    const words = ["date", "in"];
    for (const k of ["start", "end"]) {
      const v = getAttr(e, k);
      if (v !== undefined) words.push(`${k}=${quoteValue(v)}`);
    }
    return words.join(" ");
  }
  const attr = getAttr(e, "attribute") ?? "";
  if (op === "defined" || op === "not_defined") return `${op} ${attr}`;
  const type = getAttr(e, "type");
  const value = getAttr(e, "value") ?? "";
  return `${attr} ${type !== undefined ? `${type}:` : ""}${op} ${quoteValue(value)}`;
}

export function ruleText(r: XmlElement): string {
  const words = ["rule"];
  const role = getAttr(r, "role");
  if (role !== undefined) words.push(`$role=${role}`);
  const score = getAttr(r, "score");
  const scoreAttr = getAttr(r, "score-attribute");
  if (score !== undefined) words.push(`${scoreText(score)}:`);
  else if (scoreAttr !== undefined) words.push(`${scoreAttr}:`);
  const joiner = ` ${getAttr(r, "boolean-op") ?? "and"} `;
  const exprs = childElements(r).filter((c) => c.name.endsWith("expression") || c.name === "rule");
  words.push(exprs.map((x) => (x.name === "rule" ? ruleText(x) : exprText(x))).join(joiner));
  return words.join(" ");
}

function locationText(el: XmlElement): string {
  const rsc = getAttr(el, "rsc") ?? `~${getAttr(el, "rsc-pattern") ?? ""}`;
  const head = ["location", getAttr(el, "id") ?? "", rsc];
  const role = getAttr(el, "role");
  if (role !== undefined) head.push(`role=${role}`);
  const discovery = getAttr(el, "resource-discovery");
  if (discovery !== undefined) head.push(`resource-discovery=${discovery}`);
  const rules = childElements(el, "rule");
  if (rules.length > 0) return joinParts(head.join(" "), rules.map(ruleText));
  const score = getAttr(el, "score");
  const scoreAttr = getAttr(el, "score-attribute");
  if (score !== undefined) head.push(`${scoreText(score)}:`);
  else if (scoreAttr !== undefined) head.push(`${scoreAttr}:`);
  const node = getAttr(el, "node");
  if (node !== undefined) head.push(node);
  return head.join(" ");
}

function setsText(el: XmlElement, qualifier: string): string[] {
  const words: string[] = [];
  for (const s of childElements(el, "resource_set")) {
    const q = getAttr(s, qualifier);
    const refs = childElements(s, "resource_ref").map(
      (r) => `${getAttr(r, "id")}${q !== undefined ? `:${q}` : ""}`,
    );
    const sequential = getAttr(s, "sequential") === "false";
    const requireAll = getAttr(s, "require-all") === "false";
    const extra: string[] = [];
    for (const [k, v] of s.attrs) {
      if (!["id", "sequential", "require-all", qualifier].includes(k)) extra.push(`${k}=${v}`);
    }
    if (requireAll) words.push("[", ...refs, ...extra, "]");
    else if (sequential) words.push("(", ...refs, ...extra, ")");
    else words.push(...refs, ...extra);
  }
  return words;
}

const COLOCATION_SKIP = new Set([
  "id",
  "score",
  "score-attribute",
  "rsc",
  "rsc-role",
  "with-rsc",
  "with-rsc-role",
]);

function colocationText(el: XmlElement): string {
  const score = getAttr(el, "score");
  const words = ["colocation", getAttr(el, "id") ?? ""];
  words.push(`${score !== undefined ? scoreText(score) : (getAttr(el, "score-attribute") ?? "")}:`);
  const rsc = getAttr(el, "rsc");
  if (rsc !== undefined) {
    const role = getAttr(el, "rsc-role");
    const withRsc = getAttr(el, "with-rsc") ?? "";
    const withRole = getAttr(el, "with-rsc-role");
    words.push(role !== undefined ? `${rsc}:${role}` : rsc);
    words.push(withRole !== undefined ? `${withRsc}:${withRole}` : withRsc);
  } else {
    words.push(...setsText(el, "role"));
  }
  for (const [k, v] of el.attrs) if (!COLOCATION_SKIP.has(k)) words.push(`${k}=${quoteValue(v)}`);
  return words.join(" ");
}

const ORDER_SKIP = new Set(["id", "kind", "score", "first", "first-action", "then", "then-action"]);

function orderText(el: XmlElement): string {
  const words = ["order", getAttr(el, "id") ?? ""];
  const kind = getAttr(el, "kind");
  const score = getAttr(el, "score");
  if (kind !== undefined) words.push(`${kind}:`);
  else if (score !== undefined) words.push(`${scoreText(score)}:`);
  const first = getAttr(el, "first");
  if (first !== undefined) {
    const fa = getAttr(el, "first-action");
    const then = getAttr(el, "then") ?? "";
    const ta = getAttr(el, "then-action");
    words.push(
      fa !== undefined ? `${first}:${fa}` : first,
      ta !== undefined ? `${then}:${ta}` : then,
    );
  } else {
    words.push(...setsText(el, "action"));
  }
  for (const [k, v] of el.attrs) if (!ORDER_SKIP.has(k)) words.push(`${k}=${quoteValue(v)}`);
  return words.join(" ");
}

function nodeText(el: XmlElement): string {
  const id = getAttr(el, "id") ?? "";
  const uname = getAttr(el, "uname") ?? id;
  const type = getAttr(el, "type");
  const name =
    type !== undefined && type !== "normal" && type !== "member" ? `${uname}:${type}` : uname;
  const head = id === uname ? `node ${name}` : `node ${id}: ${name}`;
  const parts: string[] = [];
  const description = getAttr(el, "description");
  if (description !== undefined) parts.push(`description=${quoteValue(description)}`);
  for (const c of childElements(el)) {
    if (c.name === "instance_attributes") parts.push(setText("attributes", c));
    else if (c.name === "utilization") parts.push(setText("utilization", c));
  }
  return joinParts(head, parts);
}

function propertySetText(keyword: string, set: XmlElement): string {
  const head = `${keyword} ${getAttr(set, "id") ?? ""}:`;
  const parts: string[] = childElements(set, "rule").map(ruleText);
  parts.push(...childElements(set, "nvpair").map(nvText));
  return joinParts(head, parts);
}

/** An object crm syntax cannot express, as crmsh prints it: `xml <...> \` line by line. */
export function xmlText(el: XmlElement): string {
  return `xml ${printXml(el).trimEnd().split("\n").join(" \\\n")}`;
}

function refCount(el: XmlElement): number {
  const simple = ["rsc", "with-rsc", "first", "then"].filter(
    (k) => getAttr(el, k) !== undefined,
  ).length;
  const inSets = childElements(el, "resource_set").reduce(
    (n, s) => n + childElements(s, "resource_ref").length,
    0,
  );
  return simple + inSets;
}

/** crm text of one configuration element that `objectsOf` returned. */
export function objectText(obj: CibObject): string {
  const el = obj.el;
  if ((obj.kind === "colocation" || obj.kind === "order") && refCount(el) < 2) return xmlText(el);
  switch (obj.kind) {
    case "xml":
      return xmlText(el);
    case "node":
      return nodeText(el);
    case "primitive":
      return primitiveText(el);
    case "group":
    case "clone":
    case "ms":
      return containerText(el);
    case "location":
      return locationText(el);
    case "colocation":
      return colocationText(el);
    case "order":
      return orderText(el);
    case "property":
    case "rsc_defaults":
    case "op_defaults":
      return propertySetText(obj.kind, el);
  }
}

export type ObjectKind =
  | "node"
  | "primitive"
  | "group"
  | "clone"
  | "ms"
  | "location"
  | "colocation"
  | "order"
  | "property"
  | "rsc_defaults"
  | "op_defaults"
  | "xml";

export interface CibObject {
  readonly kind: ObjectKind;
  /** The configuration section holding it (`resources`, `constraints`, ...). */
  readonly section: string;
  /** The name `show`/`delete` take: a node's uname, else the element's id. */
  readonly id: string;
  readonly el: XmlElement;
}

const RESOURCE_KIND: Record<string, ObjectKind> = {
  primitive: "primitive",
  group: "group",
  clone: "clone",
  master: "ms",
};
const CONSTRAINT_KIND: Record<string, ObjectKind> = {
  rsc_location: "location",
  rsc_colocation: "colocation",
  rsc_order: "order",
};

/** Resources at the top of `resources` (unknown kinds print as xml) and inside containers. */
function collectResources(parent: XmlElement, out: CibObject[], top: boolean): void {
  for (const c of childElements(parent)) {
    const kind = RESOURCE_KIND[c.name] ?? (top ? "xml" : undefined);
    if (kind === undefined) continue;
    out.push({ kind, section: "resources", id: getAttr(c, "id") ?? c.name, el: c });
    if (kind !== "primitive" && kind !== "xml") collectResources(c, out, false);
  }
}

function byId(a: CibObject, b: CibObject): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Sections whose objects crm has its own syntax for; the rest print as `xml`. */
const KNOWN_SECTIONS = new Set([
  "crm_config",
  "nodes",
  "resources",
  "constraints",
  "rsc_defaults",
  "op_defaults",
]);

/** Every object of a configuration in the order `configure show` prints them. */
export function objectsOf(configuration: XmlElement): CibObject[] {
  const out: CibObject[] = [];
  const section = (name: string) => childElements(configuration, name)[0];
  const nodes = section("nodes");
  for (const n of nodes ? childElements(nodes, "node") : []) {
    out.push({
      kind: "node",
      section: "nodes",
      id: getAttr(n, "uname") ?? getAttr(n, "id") ?? "",
      el: n,
    });
  }
  const resources: CibObject[] = [];
  const resSection = section("resources");
  if (resSection) collectResources(resSection, resources, true);
  // crmsh's order of kinds: primitives, groups, ms, clones (each by id).
  const rank = (k: ObjectKind) => ["primitive", "group", "ms", "clone", "xml"].indexOf(k);
  resources.sort((a, b) => rank(a.kind) - rank(b.kind) || byId(a, b));
  out.push(...resources);
  const constraints: CibObject[] = [];
  const cons = section("constraints");
  for (const c of cons ? childElements(cons) : []) {
    const kind = CONSTRAINT_KIND[c.name] ?? "xml";
    constraints.push({ kind, section: "constraints", id: getAttr(c, "id") ?? c.name, el: c });
  }
  out.push(...constraints.sort(byId));
  const sets: [string, string, ObjectKind][] = [
    ["crm_config", "cluster_property_set", "property"],
    ["rsc_defaults", "meta_attributes", "rsc_defaults"],
    ["op_defaults", "meta_attributes", "op_defaults"],
  ];
  for (const [sec, child, kind] of sets) {
    const s = section(sec);
    if (!s) continue;
    for (const set of childElements(s, child)) {
      out.push({ kind, section: sec, id: getAttr(set, "id") ?? "", el: set });
    }
  }
  for (const sec of childElements(configuration)) {
    if (KNOWN_SECTIONS.has(sec.name)) continue;
    out.push({
      kind: "xml",
      section: "configuration",
      id: getAttr(sec, "id") ?? sec.name,
      el: sec,
    });
  }
  return out;
}
