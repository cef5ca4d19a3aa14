/**
 * A fast parser for the XML that CIBs are made of: elements, attributes, comments, plain
 * text and an XML declaration. It builds the same tree as the saxes path in xml.ts, several
 * times faster (a large status section is megabytes of attributes). Anything outside that
 * subset, and anything malformed, makes it give up (return undefined): the caller then
 * parses with saxes, which gives the exact result or the exact error message. So this
 * parser never has to report an error, only to never accept what saxes would not.
 */
import type { XmlElement, XmlNode } from "./xml.js";

// XML 1.0 characters are #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | supplementary
// pairs. Surrogates and U+FFFE/U+FFFF are left to saxes (rare, and pairs are valid).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const SUSPECT_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const XML_DECL =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.0\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/;
const NEEDS_DECODE = /[&<\t\n\r]/;
const NAMED_ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
/** Bounds the element nesting, as every loop here is bounded by the text length. */
const DEPTH_MAX = 10_000;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

/** Decodes entity and character references; undefined when saxes should judge the text. */
function decodeRefs(s: string): string | undefined {
  let out = "";
  let from = 0;
  for (let amp = s.indexOf("&"); amp !== -1; amp = s.indexOf("&", from)) {
    const semi = s.indexOf(";", amp);
    if (semi === -1 || semi - amp > 12) return undefined;
    const ref = s.slice(amp + 1, semi);
    let ch: string | undefined;
    if (ref.charCodeAt(0) === 0x23) {
      const hex = ref.charCodeAt(1) === 0x78;
      const digits = ref.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) return undefined;
      const code = Number.parseInt(digits, hex ? 16 : 10);
      const allowed =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) return undefined;
      ch = String.fromCodePoint(code);
    } else {
      ch = Object.hasOwn(NAMED_ENTITY, ref) ? NAMED_ENTITY[ref] : undefined;
    }
    if (ch === undefined) return undefined;
    out += s.slice(from, amp) + ch;
    from = semi + 1;
  }
  return out + s.slice(from);
}

/** An attribute value as saxes gives it: literal tab/newline become spaces, refs decoded. */
function attrValue(raw: string): string | undefined {
  if (!NEEDS_DECODE.test(raw)) return raw;
  if (raw.includes("<") || raw.includes("\r")) return undefined;
  return decodeRefs(raw.replace(/[\t\n]/g, " "));
}

/** Character data between tags; undefined when saxes should judge it. */
function textValue(raw: string): string | undefined {
  if (raw.includes("\r") || raw.includes("]]>")) return undefined;
  return raw.includes("&") ? decodeRefs(raw) : raw;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Parses `text`, or returns undefined when it is not in the subset this parser accepts.
 * `lazy`: elements with attributes are LazyElements (see there).
 */
export function parseXmlFast(text: string, lazy = false): XmlElement | undefined {
  if (SUSPECT_CHAR.test(text)) return undefined;
  specialAt = -1;
  const names = new Names();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const decl = text.startsWith("<?xml") ? XML_DECL.exec(text) : null;
  if (text.startsWith("<?xml")) {
    if (!decl) return undefined;
    i = decl[0].length;
  }
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf("<", i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i && !isBlank(text, i, textEnd)) {
      const parent = stack[stack.length - 1];
      const t = parent ? textValue(text.slice(i, textEnd)) : undefined;
      if (t === undefined || !parent) return undefined;
      // As the saxes path: text that is only whitespace once decoded is dropped.
      if (t.trim() !== "") parent.children.push({ type: "text", text: t });
    }
    if (lt === -1) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f) {
      // End tag: </name ws? >
      let p = lt + 2;
      while (p < n && isNameChar(text.charCodeAt(p))) p++;
      const top = stack.pop();
      if (!top || text.slice(lt + 2, p) !== top.name) return undefined;
      while (p < n && isWs(text.charCodeAt(p))) p++;
      if (text.charCodeAt(p) !== 0x3e) return undefined;
      i = p + 1;
      continue;
    }
    if (c === 0x21) {
      if (!text.startsWith("<!--", lt)) return undefined; // CDATA, DOCTYPE: saxes
      const end = text.indexOf("-->", lt + 4);
      if (end === -1) return undefined;
      const body = text.slice(lt + 4, end);
      if (body.includes("--") || body.endsWith("-") || body.includes("\r")) return undefined;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push({ type: "comment", text: body });
      i = end + 3;
      continue;
    }
    if (!isNameStart(c)) return undefined; // processing instructions and the like
    if (root && stack.length === 0) return undefined; // a second root
    const r = startTag(text, lt, names, lazy);
    if (!r) return undefined;
    const parent = stack[stack.length - 1];
    if (parent) (parent.children as XmlNode[]).push(r.el);
    else root = r.el;
    if (!r.selfClosing) {
      if (stack.length >= DEPTH_MAX) return undefined;
      stack.push(r.el);
    }
    i = r.end;
  }
  if (stack.length > 0 || !root) return undefined;
  return root;
}

/**
 * Element and attribute names repeat: one string per distinct name. Elements of one name
 * mostly list the same attributes in the same order, so the names are first guessed from the
 * previous element of that name (a compare instead of a slice and a lookup), and elements
 * with the same names share one frozen list of them.
 */
class Names {
  private readonly known = new Map<string, string>();
  private readonly shapes = new Map<string, readonly string[]>();

  intern(s: string): string {
    const k = this.known.get(s);
    if (k !== undefined) return k;
    this.known.set(s, s);
    return s;
  }

  /** The attribute names last seen on elements named `element`. */
  shape(element: string): readonly string[] {
    return this.shapes.get(element) ?? NO_NAMES;
  }

  /** `names` as a shared list: the shape itself when equal, else the new shape. */
  share(element: string, shape: readonly string[], names: readonly string[]): readonly string[] {
    if (names.length === shape.length && names.every((x, k) => x === shape[k])) return shape;
    const next = Object.freeze([...names]);
    this.shapes.set(element, next);
    return next;
  }
}
const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * An element whose attributes stay in the source text until something reads them: a status
 * section is mostly such elements (lrm_resource, lrm_rsc_op), and most of their attributes
 * are never read. Reading `attrs` builds the list once (as the eager parser would have); `attrValues`
 * reads a few without building it. Only from `parseXml(..., { lazy: true })`: a structured
 * clone (postMessage) copies own fields only, so these must not cross a worker boundary.
 */
export class LazyElement implements XmlElement {
  readonly type = "element" as const;
  name: string;
  #attrs: [string, string][] | undefined;
  #children: XmlNode[] | undefined;
  readonly #src: string;
  /** Source position right after the element name. */
  readonly #from: number;
  /** Attribute names in order (unique: duplicates were left to saxes). */
  readonly #names: readonly string[];
  /** No value holds a reference or a tab/newline: values are plain slices of the source. */
  readonly #plain: boolean;

  constructor(name: string, src: string, from: number, names: readonly string[], plain: boolean) {
    this.name = name;
    this.#src = src;
    this.#from = from;
    this.#names = names;
    this.#plain = plain;
  }

  get attrs(): [string, string][] {
    if (this.#attrs === undefined) {
      const out: [string, string][] = [];
      let p = this.#from;
      for (const name of this.#names) {
        const open = this.#valueStart(p, name);
        const close = this.#src.indexOf(this.#src[open] as string, open + 1);
        out.push([name, this.#value(open + 1, close)]);
        p = close + 1;
      }
      this.#attrs = out;
    }
    return this.#attrs;
  }

  set attrs(v: [string, string][]) {
    this.#attrs = v;
  }

  get children(): XmlNode[] {
    this.#children ??= [];
    return this.#children;
  }

  set children(v: XmlNode[]) {
    this.#children = v;
  }

  /** One attribute's value, without building `attrs`. */
  attr(name: string): string | undefined {
    if (this.#attrs !== undefined) {
      for (const [k, v] of this.#attrs) if (k === name) return v;
      return undefined;
    }
    const at = this.#names.indexOf(name);
    if (at < 0) return undefined;
    let p = this.#from;
    for (let k = 0; ; k++) {
      const open = this.#valueStart(p, this.#names[k] as string);
      const close = this.#src.indexOf(this.#src[open] as string, open + 1);
      if (k === at) return this.#value(open + 1, close);
      p = close + 1;
    }
  }

  /** Values of the attributes in `wanted` (first occurrence), without building `attrs`. */
  attrValues(wanted: ReadonlySet<string>): Map<string, string> {
    const out = new Map<string, string>();
    if (this.#attrs !== undefined) {
      for (const [k, v] of this.#attrs) if (wanted.has(k) && !out.has(k)) out.set(k, v);
      return out;
    }
    let p = this.#from;
    for (const name of this.#names) {
      const open = this.#valueStart(p, name);
      const close = this.#src.indexOf(this.#src[open] as string, open + 1);
      if (wanted.has(name)) out.set(name, this.#value(open + 1, close));
      p = close + 1;
    }
    return out;
  }

  /** The opening quote of the attribute `name` that starts after position `p` (validated). */
  #valueStart(p: number, name: string): number {
    const src = this.#src;
    let q = p;
    while (isWs(src.charCodeAt(q))) q++;
    q += name.length;
    while (src.charCodeAt(q) !== 0x22 && src.charCodeAt(q) !== 0x27) q++; // ws = ws
    return q;
  }

  #value(from: number, to: number): string {
    const raw = this.#src.slice(from, to);
    return this.#plain ? raw : (attrValue(raw) as string);
  }
}

/** Scratch lists for one start tag (reused: no allocation per element). */
const tagNames: string[] = [];
const valueFrom: number[] = [];
const valueTo: number[] = [];

/** `<name (ws attr="v")* ws? /?>` starting at `lt`. */
function startTag(
  text: string,
  lt: number,
  names: Names,
  lazy: boolean,
): { el: XmlElement; end: number; selfClosing: boolean } | undefined {
  const n = text.length;
  let p = lt + 1;
  while (p < n && isNameChar(text.charCodeAt(p))) p++;
  const elName = names.intern(text.slice(lt + 1, p));
  const attrsFrom = p;
  const shape = names.shape(elName);
  tagNames.length = 0;
  valueFrom.length = 0;
  valueTo.length = 0;
  let allPlain = true;
  let onShape = true;
  for (;;) {
    const wsFrom = p;
    while (p < n && isWs(text.charCodeAt(p))) p++;
    const c = text.charCodeAt(p);
    if (c === 0x3e || c === 0x2f) {
      const selfClosing = c === 0x2f;
      if (selfClosing && text.charCodeAt(p + 1) !== 0x3e) return undefined;
      const end = p + (selfClosing ? 2 : 1);
      const shared = names.share(elName, shape, tagNames);
      if (lazy && shared.length > 0) {
        const el = new LazyElement(elName, text, attrsFrom, shared, allPlain);
        return { el, end, selfClosing };
      }
      return { el: eagerElement(text, elName, shared), end, selfClosing };
    }
    if (p === wsFrom || !isNameStart(c)) return undefined;
    const k = tagNames.length;
    const guess = shape[k];
    let name: string;
    if (
      guess !== undefined &&
      text.startsWith(guess, p) &&
      !isNameChar(text.charCodeAt(p + guess.length))
    ) {
      name = guess;
      p += guess.length;
    } else {
      const nameFrom = p;
      while (p < n && isNameChar(text.charCodeAt(p))) p++;
      name = names.intern(text.slice(nameFrom, p));
      onShape = false;
    }
    while (p < n && isWs(text.charCodeAt(p))) p++;
    if (text.charCodeAt(p) !== 0x3d) return undefined;
    p++;
    while (p < n && isWs(text.charCodeAt(p))) p++;
    const q = text.charCodeAt(p);
    if (q !== 0x22 && q !== 0x27) return undefined;
    const close = text.indexOf(q === 0x22 ? '"' : "'", p + 1);
    if (close === -1) return undefined;
    const kind = valueKind(text, p + 1, close);
    if (kind === "invalid") return undefined;
    if (kind === "decode") allPlain = false;
    // Duplicates are saxes' to report. Names that so far follow the shape (the names of an
    // element that had none twice) cannot repeat: only a departure needs the check.
    if (!onShape) for (const x of tagNames) if (x === name) return undefined;
    tagNames.push(name);
    valueFrom.push(p + 1);
    valueTo.push(close);
    p = close + 1;
  }
}

/**
 * Where the next character at or after a position is one of & < tab newline carriage-return
 * (a value holding one needs the slow check). One regex search serves every value up to it,
 * so the whole document is searched once instead of value by value.
 */
const SPECIAL = /[&<\t\n\r]/g;
/** Reset by parseXmlFast for each document (parsing is synchronous: no interleaving). */
let specialAt = -1;

/**
 * How the fast path reads a value (checked once, at parse): as it stands ("plain"), decoded
 * as saxes would ("decode"), or not at all ("invalid": saxes decides).
 */
function valueKind(text: string, from: number, to: number): "plain" | "decode" | "invalid" {
  if (specialAt < from) {
    SPECIAL.lastIndex = from;
    const m = SPECIAL.exec(text);
    specialAt = m ? m.index : Number.POSITIVE_INFINITY;
  }
  if (specialAt >= to) return "plain";
  return attrValue(text.slice(from, to)) === undefined ? "invalid" : "decode";
}

function eagerElement(text: string, name: string, attrNames: readonly string[]): XmlElement {
  const attrs: [string, string][] = [];
  for (let k = 0; k < attrNames.length; k++) {
    const raw = text.slice(valueFrom[k] as number, valueTo[k] as number);
    attrs.push([attrNames[k] as string, attrValue(raw) as string]);
  }
  return { type: "element", name, attrs, children: [] };
}
