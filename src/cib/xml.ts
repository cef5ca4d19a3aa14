/**
 * Lossless XML tree for the CIB. Parsing uses saxes (a strict, well-kept SAX parser);
 * the tree keeps attribute order, comments, text and unknown elements so that a
 * parse/print round trip changes nothing but insignificant whitespace between elements.
 */
import { createRequire } from "node:module";
import type { SaxesParser } from "saxes";
import { err, ok, type Result } from "../shared/result.js";
import { LazyElement, parseXmlFast } from "./xml-fast.js";

export interface XmlElement {
  readonly type: "element";
  name: string;
  /** Attributes in document order. Mutate with setAttr/removeAttr to keep order. */
  attrs: [string, string][];
  children: XmlNode[];
}
export interface XmlText {
  readonly type: "text";
  text: string;
}
export interface XmlComment {
  readonly type: "comment";
  text: string;
}
export type XmlNode = XmlElement | XmlText | XmlComment;

export interface XmlSyntaxError {
  readonly kind: "xml-syntax";
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly detail: string;
}

/** @example const el = elem("nvpair", { id: "a", name: "b", value: "c" }); */
export function elem(
  name: string,
  attrs: Record<string, string> = {},
  children: XmlNode[] = [],
): XmlElement {
  return { type: "element", name, attrs: Object.entries(attrs), children };
}

export function getAttr(el: XmlElement, name: string): string | undefined {
  if (el instanceof LazyElement) return el.attr(name);
  for (const [k, v] of el.attrs) if (k === name) return v;
  return undefined;
}

/** The values of the attributes named in `wanted` (first occurrence of each), in one pass. */
export function attrValues(el: XmlElement, wanted: ReadonlySet<string>): Map<string, string> {
  if (el instanceof LazyElement) return el.attrValues(wanted);
  const out = new Map<string, string>();
  for (const [k, v] of el.attrs) if (wanted.has(k) && !out.has(k)) out.set(k, v);
  return out;
}

export function setAttr(el: XmlElement, name: string, value: string): void {
  for (const a of el.attrs) {
    if (a[0] === name) {
      a[1] = value;
      return;
    }
  }
  el.attrs.push([name, value]);
}

export function removeAttr(el: XmlElement, name: string): void {
  el.attrs = el.attrs.filter(([k]) => k !== name);
}

/** Child elements, optionally only those named `name`. */
export function childElements(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.type === "element" && (name === undefined || c.name === name)) out.push(c);
  }
  return out;
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) if (c.type === "element" && c.name === name) return c;
  return undefined;
}

/** Depth-first walk over elements (pre-order), including `el` itself. */
export function* walkElements(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) if (c.type === "element") yield* walkElements(c);
}

export function cloneElement(el: XmlElement): XmlElement {
  return {
    type: "element",
    name: el.name,
    attrs: el.attrs.map(([k, v]) => [k, v]),
    children: el.children.map((c) =>
      c.type === "element" ? cloneElement(c) : { type: c.type, text: c.text },
    ),
  };
}

/**
 * saxes is loaded on first use: most documents never need it (see xml-fast.ts), and loading
 * it costs a tool ~13 MB of memory and tens of milliseconds at start.
 */
let saxesClass: typeof SaxesParser | undefined;
function loadSaxes(): typeof SaxesParser {
  if (saxesClass === undefined) {
    const mod = createRequire(import.meta.url)("saxes") as { SaxesParser: typeof SaxesParser };
    saxesClass = mod.SaxesParser;
  }
  return saxesClass;
}

/**
 * Parses an XML document into its root element. Whitespace-only text between elements is
 * dropped (the CIB has no mixed content); other text and comments are kept.
 * @example const r = parseXml("<cib/>", "cib.xml"); if (r.ok) r.value.name === "cib";
 */
export interface ParseOptions {
  /**
   * When given, filled with each element's source line (where its start tag ends, as libxml2
   * reports it), so validators can say `file:line` without the tree carrying positions.
   */
  readonly lines?: WeakMap<XmlElement, number>;
  /**
   * Leave the attributes of elements in the text until read (see LazyElement): less
   * time and memory for a large status section. Such a tree must not be posted to a worker.
   */
  readonly lazy?: boolean;
}

export function parseXml(
  text: string,
  file: string,
  opts: ParseOptions = {},
): Result<XmlElement, XmlSyntaxError> {
  // The common case (a well-formed CIB) without saxes' per-character work; saxes decides
  // everything else, errors included, and gives element lines when asked for them.
  if (opts.lines === undefined) {
    const fast = parseXmlFast(text, opts.lazy === true);
    if (fast) return ok(fast);
  }
  const parser = new (loadSaxes())({ xmlns: false, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: XmlSyntaxError | undefined;
  parser.on("error", (e) => {
    if (failure) return;
    const m = /^[^:]*:(\d+):(\d+): (.*)$/s.exec(e.message);
    failure = {
      kind: "xml-syntax",
      file,
      line: m ? Number(m[1]) : parser.line,
      col: m ? Number(m[2]) : parser.column,
      detail: m ? (m[3] ?? e.message) : e.message,
    };
  });
  parser.on("opentag", (tag) => {
    const el: XmlElement = { type: "element", name: tag.name, attrs: [], children: [] };
    opts.lines?.set(el, parser.line);
    const attributes = tag.attributes;
    for (const k in attributes) el.attrs.push([k, String(attributes[k])]);
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el);
    else if (!root) root = el;
    stack.push(el);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.on("text", (t) => {
    const parent = stack[stack.length - 1];
    if (parent && t.trim() !== "") parent.children.push({ type: "text", text: t });
  });
  parser.on("cdata", (t) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push({ type: "text", text: t });
  });
  parser.on("comment", (t) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push({ type: "comment", text: t });
  });
  try {
    parser.write(text).close();
  } catch {
    // saxes reports through the error handler first; the throw only stops parsing.
  }
  if (failure) return err(failure);
  if (!root) return err({ kind: "xml-syntax", file, line: 1, col: 1, detail: "no root element" });
  return ok(root);
}

const ESC_ATTR: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};
// Most CIB values need no escaping: test first, so printing a large CIB allocates less.
const NEEDS_ATTR_ESCAPE = /[&<>"\n\r\t]/;
const NEEDS_TEXT_ESCAPE = /[&<>]/;
export function escapeAttr(v: string): string {
  return NEEDS_ATTR_ESCAPE.test(v) ? v.replace(/[&<>"\n\r\t]/g, (c) => ESC_ATTR[c] ?? c) : v;
}
export function escapeText(v: string): string {
  return NEEDS_TEXT_ESCAPE.test(v) ? v.replace(/[&<>]/g, (c) => ESC_ATTR[c] ?? c) : v;
}

export interface PrintOptions {
  /** Indentation unit; "" prints everything on one line. Default two spaces. */
  readonly indent?: string;
  /** Emit `<?xml version="1.0"?>` first. */
  readonly declaration?: boolean;
}

/**
 * Prints an element as Pacemaker does (two-space indent, self-closing empty elements).
 * @example printXml(elem("cib")) === "<cib/>\n"
 */
export function printXml(el: XmlElement, opts: PrintOptions = {}): string {
  const unit = opts.indent ?? "  ";
  const out: string[] = [];
  if (opts.declaration) out.push('<?xml version="1.0"?>');
  printInto(el, "", unit, out);
  return unit === "" ? `${out.join("")}\n` : `${out.join("\n")}\n`;
}

function openTag(el: XmlElement): string {
  let s = `<${el.name}`;
  for (const [k, v] of el.attrs) s += ` ${k}="${escapeAttr(v)}"`;
  return s;
}

function printInto(el: XmlElement, pad: string, unit: string, out: string[]): void {
  const head = openTag(el);
  if (el.children.length === 0) {
    out.push(`${pad}${head}/>`);
    return;
  }
  const onlyText = el.children.every((c) => c.type === "text");
  if (onlyText) {
    const body = el.children.map((c) => escapeText((c as XmlText).text)).join("");
    out.push(`${pad}${head}>${body}</${el.name}>`);
    return;
  }
  out.push(`${pad}${head}>`);
  for (const c of el.children) {
    if (c.type === "element") printInto(c, pad + unit, unit, out);
    else if (c.type === "comment") out.push(`${pad + unit}<!--${c.text}-->`);
    else out.push(`${pad + unit}${escapeText(c.text.trim())}`);
  }
  out.push(`${pad}</${el.name}>`);
}
