/**
 * The XPath subset CIB tools use: absolute (`/cib/configuration/resources`) and descendant
 * (`//primitive`) location paths, name tests (`name`, `*`, `comment()`, `text()`, `node()`),
 * and predicates `[@a='v']`, `[@a="v"]`, `[@a]`, `[N]`, joined with `and` / `or`.
 * Pure; a path it cannot parse is an error value, never a throw.
 */
import { err, ok, type Result } from "../shared/result.js";
import type { XmlElement, XmlNode } from "./xml.js";

type Test =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "any-element" }
  | { readonly kind: "comment" }
  | { readonly kind: "text" }
  | { readonly kind: "node" };

type Cond =
  | { readonly kind: "attr-eq"; readonly attr: string; readonly value: string }
  | { readonly kind: "attr-exists"; readonly attr: string }
  | { readonly kind: "and" | "or"; readonly left: Cond; readonly right: Cond };

type Predicate =
  | { readonly kind: "index"; readonly n: number }
  | { readonly kind: "cond"; readonly cond: Cond };

interface Step {
  readonly descendant: boolean;
  readonly test: Test;
  readonly predicates: readonly Predicate[];
}

export interface XPathError {
  readonly kind: "xpath";
  readonly path: string;
  readonly detail: string;
}

/** Limit on path length: XPath from users and patches is short; this bounds parsing work. */
const PATH_CHARS_MAX = 4096;

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  peek(n = 0): string {
    return this.s[this.pos + n] ?? "";
  }
  skipSpace(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }
  eat(lit: string): boolean {
    if (this.s.startsWith(lit, this.pos)) {
      this.pos += lit.length;
      return true;
    }
    return false;
  }
  name(): string {
    const m = /^[A-Za-z_][\w.:-]*/.exec(this.s.slice(this.pos));
    if (!m) return "";
    this.pos += m[0].length;
    return m[0];
  }
}

class ParseFail extends Error {}

function parseTest(c: Cursor): Test {
  if (c.eat("*")) return { kind: "any-element" };
  const n = c.name();
  if (n === "") throw new ParseFail(`expected a name at offset ${c.pos}`);
  if (c.eat("()")) {
    if (n === "comment") return { kind: "comment" };
    if (n === "text") return { kind: "text" };
    if (n === "node") return { kind: "node" };
    throw new ParseFail(`unsupported node test ${n}()`);
  }
  return { kind: "name", name: n };
}

function parseLiteral(c: Cursor): string {
  const q = c.peek();
  if (q !== "'" && q !== '"') throw new ParseFail(`expected a quoted value at offset ${c.pos}`);
  // Pacemaker writes ids containing the quote unescaped (`[@id='x'y']`): take the first
  // quote that is followed by the end of the predicate or an operator.
  let end = c.s.indexOf(q, c.pos + 1);
  while (end >= 0 && !/^\s*(\]|\)|and\b|or\b)/.test(c.s.slice(end + 1))) {
    end = c.s.indexOf(q, end + 1);
  }
  if (end < 0) throw new ParseFail("unterminated string literal");
  const v = c.s.slice(c.pos + 1, end);
  c.pos = end + 1;
  return v;
}

function parseAtom(c: Cursor): Cond {
  c.skipSpace();
  if (c.eat("(")) {
    const inner = parseOr(c);
    c.skipSpace();
    if (!c.eat(")")) throw new ParseFail(`expected ')' at offset ${c.pos}`);
    return inner;
  }
  if (!c.eat("@")) throw new ParseFail(`expected '@attribute' at offset ${c.pos}`);
  const attr = c.name();
  if (attr === "") throw new ParseFail(`expected an attribute name at offset ${c.pos}`);
  c.skipSpace();
  if (c.eat("=")) {
    c.skipSpace();
    return { kind: "attr-eq", attr, value: parseLiteral(c) };
  }
  return { kind: "attr-exists", attr };
}

function parseAnd(c: Cursor): Cond {
  let left = parseAtom(c);
  for (;;) {
    c.skipSpace();
    if (!c.eat("and")) return left;
    left = { kind: "and", left, right: parseAtom(c) };
  }
}

function parseOr(c: Cursor): Cond {
  let left = parseAnd(c);
  for (;;) {
    c.skipSpace();
    if (!c.eat("or")) return left;
    left = { kind: "or", left, right: parseAnd(c) };
  }
}

function parsePredicate(c: Cursor): Predicate {
  c.skipSpace();
  const m = /^\d+/.exec(c.s.slice(c.pos));
  let p: Predicate;
  if (m) {
    c.pos += m[0].length;
    p = { kind: "index", n: Number(m[0]) };
  } else {
    p = { kind: "cond", cond: parseOr(c) };
  }
  c.skipSpace();
  if (!c.eat("]")) throw new ParseFail(`expected ']' at offset ${c.pos}`);
  return p;
}

function parseSteps(path: string): Step[] {
  const c = new Cursor(path.trim());
  const steps: Step[] = [];
  if (c.peek() !== "/") throw new ParseFail("only absolute paths (/... or //...) are supported");
  while (c.pos < c.s.length) {
    let descendant: boolean;
    if (c.eat("//")) descendant = true;
    else if (c.eat("/")) descendant = false;
    else throw new ParseFail(`expected '/' at offset ${c.pos}`);
    const test = parseTest(c);
    const predicates: Predicate[] = [];
    while (c.eat("[")) predicates.push(parsePredicate(c));
    steps.push({ descendant, test, predicates });
  }
  if (steps.length === 0) throw new ParseFail("empty path");
  return steps;
}

/**
 * Parses an XPath of the supported subset.
 * @example compileXPath("//primitive[@id='d1']").ok === true
 */
export function compileXPath(path: string): Result<readonly Step[], XPathError> {
  if (path.length > PATH_CHARS_MAX) {
    return err({ kind: "xpath", path, detail: `longer than ${PATH_CHARS_MAX} characters` });
  }
  try {
    return ok(parseSteps(path));
  } catch (e) {
    if (e instanceof ParseFail) return err({ kind: "xpath", path, detail: e.message });
    throw e;
  }
}

function attrOf(n: XmlNode, name: string): string | undefined {
  if (n.type !== "element") return undefined;
  for (const [k, v] of n.attrs) if (k === name) return v;
  return undefined;
}

function holds(cond: Cond, n: XmlNode): boolean {
  switch (cond.kind) {
    case "attr-eq":
      return attrOf(n, cond.attr) === cond.value;
    case "attr-exists":
      return attrOf(n, cond.attr) !== undefined;
    case "and":
      return holds(cond.left, n) && holds(cond.right, n);
    case "or":
      return holds(cond.left, n) || holds(cond.right, n);
  }
}

function testMatches(t: Test, n: XmlNode): boolean {
  switch (t.kind) {
    case "name":
      return n.type === "element" && n.name === t.name;
    case "any-element":
      return n.type === "element";
    case "comment":
      return n.type === "comment";
    case "text":
      return n.type === "text";
    case "node":
      return true;
  }
}

function applyPredicates(nodes: XmlNode[], preds: readonly Predicate[]): XmlNode[] {
  let out = nodes;
  for (const p of preds) {
    if (p.kind === "index") {
      const one = out[p.n - 1];
      out = one === undefined ? [] : [one];
    } else {
      out = out.filter((n) => holds(p.cond, n));
    }
  }
  return out;
}

/** Children candidates of one context node for a step (predicates apply per parent). */
function stepFrom(ctx: XmlNode, step: Step): XmlNode[] {
  if (ctx.type !== "element") return [];
  if (!step.descendant) {
    return applyPredicates(
      ctx.children.filter((c) => testMatches(step.test, c)),
      step.predicates,
    );
  }
  const chosen = new Set<XmlNode>();
  const visit = (el: XmlElement): void => {
    const kids = el.children.filter((c) => testMatches(step.test, c));
    for (const n of applyPredicates(kids, step.predicates)) chosen.add(n);
    for (const c of el.children) if (c.type === "element") visit(c);
  };
  visit(ctx);
  // Report in document order (pre-order), as XPath node-sets are.
  const out: XmlNode[] = [];
  const collect = (el: XmlElement): void => {
    for (const c of el.children) {
      if (chosen.has(c)) out.push(c);
      if (c.type === "element") collect(c);
    }
  };
  collect(ctx);
  return out;
}

/**
 * Every node the path selects in document order, without duplicates.
 * @example selectNodes(cib, "//primitive[@id='d1']")
 */
export function selectNodes(root: XmlElement, path: string): Result<XmlNode[], XPathError> {
  const compiled = compileXPath(path);
  if (!compiled.ok) return compiled;
  // The root element is the child of a virtual document node.
  const doc: XmlElement = { type: "element", name: "#document", attrs: [], children: [root] };
  let ctx: XmlNode[] = [doc];
  for (const step of compiled.value) {
    const next: XmlNode[] = [];
    const seen = new Set<XmlNode>();
    for (const c of ctx) {
      for (const n of stepFrom(c, step)) {
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    }
    ctx = next;
  }
  return ok(ctx);
}

/** Elements selected by the path (non-element matches dropped). */
export function selectElements(root: XmlElement, path: string): Result<XmlElement[], XPathError> {
  const r = selectNodes(root, path);
  if (!r.ok) return r;
  return ok(r.value.filter((n): n is XmlElement => n.type === "element"));
}

/** Parent of `target` within `root`, or undefined for the root itself. */
export function parentOf(root: XmlElement, target: XmlNode): XmlElement | undefined {
  for (const c of root.children) {
    if (c === target) return root;
    if (c.type === "element") {
      const p = parentOf(c, target);
      if (p) return p;
    }
  }
  return undefined;
}

/** Quotes a value as an XPath literal; undefined when it holds both quote kinds. */
export function xpathLiteral(v: string): string | undefined {
  if (!v.includes("'")) return `'${v}'`;
  if (!v.includes('"')) return `"${v}"`;
  return undefined;
}
