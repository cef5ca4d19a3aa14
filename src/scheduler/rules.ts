/**
 * Rule evaluation for location constraints and attribute sets: `<rule>` with
 * `<expression>` children (attribute/operation/value/type), nested rules and
 * boolean-op and/or. Date expressions are not in the supported tier and never match.
 */
import { childElements, getAttr, type XmlElement } from "../cib/xml.js";

export interface RuleContext {
  /** Node attributes including the built-ins #uname, #id, #kind, #is_dc. */
  readonly nodeAttrs: ReadonlyMap<string, string>;
}

type CompareType = "string" | "integer" | "number" | "version";

/** @example evaluateRule(ruleEl, { nodeAttrs: new Map([["#uname", "node1"]]) }) */
export function evaluateRule(rule: XmlElement, ctx: RuleContext): boolean {
  const op = (getAttr(rule, "boolean-op") ?? "and").toLowerCase();
  const parts = childElements(rule).filter((c) =>
    ["expression", "rule", "date_expression"].includes(c.name),
  );
  if (parts.length === 0) return true;
  const results = parts.map((p) => evaluatePart(p, ctx));
  return op === "or" ? results.some(Boolean) : results.every(Boolean);
}

function evaluatePart(el: XmlElement, ctx: RuleContext): boolean {
  if (el.name === "rule") return evaluateRule(el, ctx);
  if (el.name === "expression") return evaluateExpression(el, ctx);
  return false;
}

export function evaluateExpression(expr: XmlElement, ctx: RuleContext): boolean {
  const attr = getAttr(expr, "attribute") ?? "";
  const operation = (getAttr(expr, "operation") ?? "").toLowerCase();
  const actual = ctx.nodeAttrs.get(attr);
  if (operation === "defined") return actual !== undefined;
  if (operation === "not_defined") return actual === undefined;
  const expected = getAttr(expr, "value");
  if (actual === undefined || expected === undefined) {
    return operation === "ne" && !(actual === undefined && expected === undefined);
  }
  const type = compareTypeFor(getAttr(expr, "type"), operation, actual, expected);
  const cmp = compareValues(type, actual, expected);
  switch (operation) {
    case "eq":
      return cmp === 0;
    case "ne":
      return cmp !== 0;
    case "lt":
      return cmp < 0;
    case "lte":
      return cmp <= 0;
    case "gt":
      return cmp > 0;
    case "gte":
      return cmp >= 0;
    default:
      return false;
  }
}

function compareTypeFor(
  declared: string | undefined,
  operation: string,
  a: string,
  b: string,
): CompareType {
  const t = declared?.toLowerCase();
  if (t === "string" || t === "integer" || t === "number" || t === "version") return t;
  if (t === "int") return "integer";
  if (operation === "eq" || operation === "ne") return "string";
  return a.includes(".") || b.includes(".") ? "number" : "integer";
}

function parseInteger(s: string): number | undefined {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function parseNumber(s: string): number | undefined {
  const m = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(s);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Three-way comparison; a value that does not parse as the type compares as a string. */
export function compareValues(type: CompareType, a: string, b: string): number {
  if (type === "integer" || type === "number") {
    const parse = type === "integer" ? parseInteger : parseNumber;
    const x = parse(a);
    const y = parse(b);
    if (x !== undefined && y !== undefined) return Math.sign(x - y);
    return compareStrings(a, b);
  }
  if (type === "version") return compareVersions(a, b);
  return compareStrings(a, b);
}

function compareStrings(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareVersions(a: string, b: string): number {
  const xs = a.split(".").map((p) => Number.parseInt(p, 10) || 0);
  const ys = b.split(".").map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
    const d = (xs[i] ?? 0) - (ys[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}
