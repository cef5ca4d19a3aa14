/**
 * Parser of crm object definitions (`primitive`, `group`, `location`, ...): words in,
 * a CrmObject out, or a syntax error rendered as crmsh does:
 * `syntax in location: Expected identifier parsing 'location l1 d1 100:'`.
 */

import { err, ok, type Result } from "../shared/result.js";
import type {
  AgentSpec,
  AttrSet,
  ColocationDef,
  ContainerDef,
  CrmObject,
  ExprDef,
  LocationDef,
  NodeDef,
  NvList,
  OrderDef,
  PrimitiveDef,
  PrimitivePart,
  PropertySetDef,
  ResourceSetDef,
  RuleDef,
  SetRef,
} from "./crm-ast.js";

export interface SyntaxError {
  readonly kind: "syntax";
  /** The object keyword (`location`). */
  readonly what: string;
  readonly message: string;
  readonly near?: string;
  readonly line: string;
  /** Lines crmsh prints before the syntax error (e.g. `bad resource type specification`). */
  readonly before?: readonly string[];
}

/** The one line crmsh prints after `ERROR: `. */
export function describeSyntaxError(e: SyntaxError): string {
  const near = e.near !== undefined ? ` near <${e.near}>` : "";
  return `syntax in ${e.what}: ${e.message}${near} parsing '${e.line}'`;
}

class Fail extends Error {
  constructor(
    readonly msg: string,
    readonly near?: string,
    readonly before?: readonly string[],
  ) {
    super(msg);
  }
}

const SCORE_RE = /^([-+]?(inf|infinity)|[-+]?\d+)$/i;
const BINARY_OPS = ["lt", "gt", "lte", "gte", "eq", "ne"];
const VALUE_TYPES = ["string", "integer", "number", "version"];

/** Normalizes a typed score: inf/+inf/INFINITY -> INFINITY, -inf -> -INFINITY. */
export function normalizeScore(s: string): string {
  const low = s.toLowerCase();
  if (low === "inf" || low === "infinity") return "INFINITY";
  if (low === "+inf" || low === "+infinity") return "+INFINITY";
  if (low === "-inf" || low === "-infinity") return "-INFINITY";
  return s;
}

/** A word `X:` is a score (or score attribute) introducer. */
function scoreWord(w: string | undefined): { score?: string; scoreAttribute?: string } | null {
  if (w === undefined || !w.endsWith(":") || w.length < 2) return null;
  const s = w.slice(0, -1);
  if (SCORE_RE.test(s)) return { score: normalizeScore(s) };
  return { scoreAttribute: s };
}

export function splitNv(w: string): [string, string | null] {
  const i = w.indexOf("=");
  return i < 0 ? [w, null] : [w.slice(0, i), w.slice(i + 1)];
}

class Cursor {
  i = 0;
  constructor(readonly words: readonly string[]) {}
  peek(k = 0): string | undefined {
    return this.words[this.i + k];
  }
  next(): string | undefined {
    return this.words[this.i++];
  }
  done(): boolean {
    return this.i >= this.words.length;
  }
}

/**
 * Parses one object definition.
 * @example parseObject(["location", "l1", "d1", "100:", "node1"])
 */
export function parseObject(words: readonly string[]): Result<CrmObject, SyntaxError> {
  const what = words[0] ?? "";
  const line = words.join(" ");
  try {
    return ok(dispatch(what, new Cursor(words.slice(1))));
  } catch (e) {
    if (!(e instanceof Fail)) throw e;
    const base = { kind: "syntax" as const, what, message: e.msg, line };
    const withNear = e.near !== undefined ? { ...base, near: e.near } : base;
    return err(e.before ? { ...withNear, before: e.before } : withNear);
  }
}

function minArgs(c: Cursor, n: number, what: string): void {
  if (c.words.length < n) throw new Fail(`Expected at least ${n} arguments`, what);
}

function dispatch(what: string, c: Cursor): CrmObject {
  switch (what) {
    case "primitive":
      minArgs(c, 2, what);
      return parsePrimitive(c);
    case "group":
    case "clone":
    case "ms":
    case "master":
      minArgs(c, 2, what);
      return parseContainer(what === "master" ? "ms" : what, c);
    case "location":
      minArgs(c, 2, what);
      return parseLocation(c);
    case "colocation":
    case "collocation":
      minArgs(c, 2, what);
      return parseColocation(c);
    case "order":
      minArgs(c, 2, what);
      return parseOrder(c);
    case "property":
    case "rsc_defaults":
    case "op_defaults":
      minArgs(c, 1, what);
      return parsePropertySet(what, c);
    case "node":
      minArgs(c, 1, what);
      return parseNode(c);
    default:
      throw new Fail("Unknown command", what);
  }
}

function parseAgent(spec: string): AgentSpec {
  const parts = spec.split(":");
  const bad = () =>
    new Fail("Unknown resource type", spec, [`bad resource type specification ${spec}`]);
  if (parts.some((p) => p === "")) throw bad();
  if (parts.length === 1) return { cls: "ocf", provider: "heartbeat", type: spec };
  if (parts.length === 2) {
    const [cls, type] = parts as [string, string];
    return cls === "ocf" ? { cls, provider: "heartbeat", type } : { cls, type };
  }
  if (parts.length === 3) {
    const [cls, provider, type] = parts as [string, string, string];
    return { cls, provider, type };
  }
  throw bad();
}

const SET_KEYWORDS: Record<string, AttrSet["kind"]> = {
  params: "params",
  meta: "meta",
  utilization: "utilization",
};

/** Reads name=value words until a keyword; `$id=X` names the set, `@X` refers to one. */
function parseNvWords(
  c: Cursor,
  stop: (w: string) => boolean,
): {
  nv: NvList;
  id?: string;
} {
  const nv: NvList = [];
  let id: string | undefined;
  while (!c.done() && !stop(c.peek() as string)) {
    const w = c.peek() as string;
    if (w.startsWith("=")) throw new Fail(`Unknown arguments: ${c.words.slice(c.i).join(" ")}`, w);
    c.next();
    if (w.startsWith("$id=")) id = w.slice(4);
    else if (w.startsWith("@") && !w.includes("=")) nv.push([w, null]);
    else nv.push(splitNv(w));
  }
  const out: { nv: NvList; id?: string } = { nv };
  if (id !== undefined) out.id = id;
  return out;
}

function attrSet(kind: AttrSet["kind"], r: ReturnType<typeof parseNvWords>): AttrSet {
  return {
    kind,
    nv: r.nv,
    ...(r.id !== undefined ? { id: r.id } : {}),
  };
}

const PRIMITIVE_KEYWORDS = new Set([
  "params",
  "meta",
  "utilization",
  "op",
  "operations",
  "op_params",
  "op_meta",
]);

function parsePrimitive(c: Cursor): PrimitiveDef {
  const id = c.next() as string;
  const agent = parseAgent(c.next() as string);
  const parts: PrimitivePart[] = [];
  let description: string | undefined;
  const stop = (w: string) => PRIMITIVE_KEYWORDS.has(w);
  while (!c.done()) {
    const w = c.peek() as string;
    if (w.startsWith("description=") && parts.length === 0) {
      description = (c.next() as string).slice("description=".length);
    } else if (w === "op") {
      c.next();
      const name = c.next();
      if (name === undefined || name.includes("=")) throw new Fail("Expected identifier", name);
      const r = parseNvWords(c, stop);
      for (const [k, v] of r.nv) if (v === null) throw new Fail(`Missing value for ${k}`, k);
      parts.push({ kind: "op", name, nv: r.nv, params: [], meta: [] });
    } else if (w === "op_params" || w === "op_meta") {
      c.next();
      const last = parts[parts.length - 1];
      if (last?.kind !== "op") throw new Fail(`${w} must follow an op`, w);
      (w === "op_params" ? last.params : last.meta).push(...parseNvWords(c, stop).nv);
    } else if (w === "operations") {
      c.next();
      parseNvWords(c, stop);
    } else {
      const kw = SET_KEYWORDS[w];
      if (kw !== undefined) c.next();
      parts.push(attrSet(kw ?? "params", parseNvWords(c, stop)));
    }
  }
  return {
    type: "primitive",
    id,
    agent,
    ...(description !== undefined ? { description } : {}),
    parts,
  };
}

function parseContainer(type: "group" | "clone" | "ms", c: Cursor): ContainerDef {
  const id = c.next() as string;
  const children: string[] = [];
  const isKw = (w: string) => w in SET_KEYWORDS || w.includes("=");
  while (!c.done() && !isKw(c.peek() as string)) children.push(c.next() as string);
  const parts: AttrSet[] = [];
  let description: string | undefined;
  const stop = (w: string) => w in SET_KEYWORDS;
  while (!c.done()) {
    const w = c.peek() as string;
    if (w.startsWith("description=") && parts.length === 0) {
      description = (c.next() as string).slice("description=".length);
      continue;
    }
    const kw = SET_KEYWORDS[w];
    if (kw !== undefined) c.next();
    parts.push(attrSet(kw ?? "meta", parseNvWords(c, stop)));
  }
  return { type, id, children, ...(description !== undefined ? { description } : {}), parts };
}

const LOCATION_EXPECTED = "expected <score>: <node> or <rule> [<rule> ...]";

function parseLocation(c: Cursor): LocationDef {
  const id = c.next() as string;
  const rsc = c.next() as string;
  if (!/^[\w.-]+$/u.test(rsc)) throw new Fail("Expected resource", rsc);
  const rscPattern = false;
  let role: string | undefined;
  let resourceDiscovery: string | undefined;
  for (;;) {
    const w = c.peek();
    if (w?.startsWith("role=")) role = (c.next() as string).slice(5);
    else if (w?.startsWith("resource-discovery="))
      resourceDiscovery = (c.next() as string).slice(19);
    else break;
  }
  const base = {
    type: "location" as const,
    id,
    rsc,
    ...(rscPattern ? { rscPattern } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(resourceDiscovery !== undefined ? { resourceDiscovery } : {}),
  };
  const w = c.peek();
  if (w === "rule") {
    const rules: RuleDef[] = [];
    while (c.peek() === "rule") {
      c.next();
      rules.push(parseRule(c));
    }
    if (!c.done()) throw new Fail(LOCATION_EXPECTED, c.peek());
    return { ...base, rules };
  }
  const sc = scoreWord(w);
  if (sc === null) throw new Fail(LOCATION_EXPECTED, w);
  c.next();
  const node = c.next();
  if (node === undefined) throw new Fail("Expected identifier");
  if (!c.done()) throw new Fail(LOCATION_EXPECTED, c.peek());
  return { ...base, ...sc, node, rules: [] };
}

function parseRule(c: Cursor): RuleDef {
  let id: string | undefined;
  let role: string | undefined;
  for (;;) {
    const w = c.peek();
    if (w?.startsWith("$id=")) id = (c.next() as string).slice(4);
    else if (w?.startsWith("$role=")) role = (c.next() as string).slice(6);
    else if (w?.startsWith("role=")) role = (c.next() as string).slice(5);
    else break;
  }
  const sc = scoreWord(c.peek());
  if (sc !== null) c.next();
  const exprs: RuleDef["exprs"][number][] = [];
  let booleanOp: "and" | "or" | undefined;
  for (;;) {
    exprs.push(parseExpression(c));
    const w = c.peek();
    if (w !== "and" && w !== "or") break;
    c.next();
    booleanOp = w;
  }
  return {
    ...(id !== undefined ? { id } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(sc ?? {}),
    ...(booleanOp !== undefined ? { booleanOp } : {}),
    exprs,
  };
}

function parseExpression(c: Cursor): RuleDef["exprs"][number] {
  const first = c.next();
  if (first === undefined || first === "and" || first === "or") {
    throw new Fail("Expected identifier", first);
  }
  if (first === "defined" || first === "not_defined") {
    const attribute = c.next();
    if (attribute === undefined) throw new Fail("Expected identifier");
    return { attribute, operation: first };
  }
  if (first === "date" && ["gt", "lt", "in", "in_range"].includes(c.peek() ?? "")) {
    return parseDateExpr(c);
  }
  const opWord = c.next();
  const m = opWord === undefined ? null : /^(?:(\w+):)?(\w+)$/.exec(opWord);
  const valueType = m?.[1];
  if (
    !m ||
    !BINARY_OPS.includes(m[2] as string) ||
    (valueType && !VALUE_TYPES.includes(valueType))
  ) {
    throw new Fail("Expected ((string|integer|number|version):)?(lt|gt|lte|gte|eq|ne)", opWord);
  }
  const value = c.next();
  if (value === undefined) throw new Fail("Unexpected end of line");
  const e: ExprDef = { attribute: first, operation: m[2] as string, value };
  return valueType ? { ...e, valueType } : e;
}

function parseDateExpr(c: Cursor): RuleDef["exprs"][number] {
  const op = c.next() as string;
  if (op === "gt" || op === "lt") {
    const v = c.next();
    if (v === undefined) throw new Fail("Unexpected end of line");
    return op === "gt"
      ? { date: true, operation: "gt", start: v }
      : { date: true, operation: "lt", end: v };
  }
  let start: string | undefined;
  let end: string | undefined;
  while (c.peek()?.startsWith("start=") || c.peek()?.startsWith("end=")) {
    const [k, v] = splitNv(c.next() as string);
    if (k === "start") start = v ?? "";
    else end = v ?? "";
  }
  return {
    date: true,
    operation: "in_range",
    ...(start !== undefined ? { start } : {}),
    ...(end !== undefined ? { end } : {}),
  };
}

/** Resource references with optional `( )` / `[ ]` sets, then trailing name=value options. */
function parseSets(c: Cursor, expected: string): { sets: ResourceSetDef[]; options: NvList } {
  const sets: ResourceSetDef[] = [];
  let plain: SetRef[] = [];
  const flush = () => {
    if (plain.length > 0) sets.push({ refs: plain, bracket: "none", attrs: [] });
    plain = [];
  };
  while (!c.done()) {
    const w = c.peek() as string;
    if (w === "(" || w === "[") {
      c.next();
      flush();
      sets.push(parseBracketSet(c, w === "(" ? ")" : "]"));
      continue;
    }
    if (w.includes("=")) break;
    c.next();
    plain.push(setRef(w));
  }
  flush();
  const options: NvList = [];
  while (!c.done()) options.push(splitNv(c.next() as string));
  if (sets.length === 0) throw new Fail(expected);
  return { sets, options };
}

function setRef(w: string): SetRef {
  const i = w.indexOf(":");
  return i > 0 ? { id: w.slice(0, i), qualifier: w.slice(i + 1) } : { id: w };
}

function parseBracketSet(c: Cursor, close: string): ResourceSetDef {
  const refs: SetRef[] = [];
  const attrs: NvList = [];
  for (;;) {
    const w = c.next();
    if (w === undefined) throw new Fail(`Expected ${close}`);
    if (w === close) break;
    if (w.includes("=")) attrs.push(splitNv(w));
    else refs.push(setRef(w));
  }
  return { refs, bracket: close === ")" ? "paren" : "square", attrs };
}

function parseColocation(c: Cursor): ColocationDef {
  const id = c.next() as string;
  const sc = scoreWord(c.peek());
  if (sc === null) throw new Fail("Expected <score>:", c.peek());
  c.next();
  const { sets, options } = parseSets(c, "Expected <rsc>[:<role>] <rsc>[:<role>] | resource_sets");
  return { type: "colocation", id, ...sc, sets, options };
}

const ORDER_KINDS = ["Mandatory", "Optional", "Serialize"];

function parseOrder(c: Cursor): OrderDef {
  const id = c.next() as string;
  const w = c.peek();
  let kind: string | undefined;
  let score: string | undefined;
  if (w?.endsWith(":")) {
    c.next();
    const k = w.slice(0, -1);
    const match = ORDER_KINDS.find((x) => x.toLowerCase() === k.toLowerCase());
    if (match) kind = match;
    else if (SCORE_RE.test(k)) {
      // crmsh turns an order score into a kind: 0 is advisory, anything else mandatory.
      kind = normalizeScore(k) === "0" ? "Optional" : "Mandatory";
    } else throw new Fail(`Invalid kind: ${k}`, c.peek());
  }
  const { sets, options } = parseSets(c, "Expected <first>[:<action>] <then>[:<action>]");
  return {
    type: "order",
    id,
    ...(kind !== undefined ? { kind } : {}),
    ...(score !== undefined ? { score } : {}),
    sets,
    options,
  };
}

function parsePropertySet(type: PropertySetDef["type"], c: Cursor): PropertySetDef {
  let setId: string | undefined;
  const first = c.peek() as string;
  if (first.startsWith("$id=")) setId = (c.next() as string).slice(4);
  else if (first.endsWith(":") && !first.includes("=")) setId = (c.next() as string).slice(0, -1);
  const nv: NvList = [];
  while (!c.done()) {
    const w = c.peek() as string;
    const [k, v] = splitNv(w);
    if (v === null || k === "") {
      throw new Fail(`Unknown arguments: ${c.words.slice(c.i).join(" ")}`, w);
    }
    c.next();
    nv.push([k, v]);
  }
  return { type, ...(setId !== undefined ? { setId } : {}), nv };
}

const NODE_SET_KEYWORDS: Record<string, AttrSet["kind"]> = {
  attributes: "params",
  utilization: "utilization",
};

function parseNode(c: Cursor): NodeDef {
  let first = c.next() as string;
  let nodeId: string | undefined;
  if (first.endsWith(":") && c.peek() !== undefined) {
    nodeId = first.slice(0, -1);
    first = c.next() as string;
  }
  let uname = first;
  let nodeType: string | undefined;
  const colon = first.indexOf(":");
  if (colon > 0) {
    uname = first.slice(0, colon);
    nodeType = first.slice(colon + 1);
  }
  const parts: AttrSet[] = [];
  const description: string | undefined = undefined;
  const stop = (w: string) => w in NODE_SET_KEYWORDS || w.startsWith("description=");
  while (!c.done()) {
    const w = c.peek() as string;
    if (w.startsWith("description=")) {
      // crmsh 4.4 accepts a node's description but does not store it.
      c.next();
      continue;
    }
    const kw = NODE_SET_KEYWORDS[w];
    if (kw !== undefined) c.next();
    parts.push(attrSet(kw ?? "params", parseNvWords(c, stop)));
  }
  return {
    type: "node",
    uname,
    ...(nodeId !== undefined ? { nodeId } : {}),
    ...(nodeType !== undefined ? { nodeType } : {}),
    ...(description !== undefined ? { description } : {}),
    parts,
  };
}
