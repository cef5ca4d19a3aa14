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

/** Parses `text`, or returns undefined when it is not in the subset this parser accepts. */
export function parseXmlFast(text: string): XmlElement | undefined {
  if (SUSPECT_CHAR.test(text)) return undefined;
  // Attribute and element names repeat: one string per distinct name.
  const names = new Map<string, string>();
  const intern = (s: string): string => {
    const known = names.get(s);
    if (known !== undefined) return known;
    names.set(s, s);
    return s;
  };
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
    const r = startTag(text, lt, intern);
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

/** `<name (ws attr="v")* ws? /?>` starting at `lt`. */
function startTag(
  text: string,
  lt: number,
  intern: (s: string) => string,
): { el: XmlElement; end: number; selfClosing: boolean } | undefined {
  const n = text.length;
  let p = lt + 1;
  while (p < n && isNameChar(text.charCodeAt(p))) p++;
  const el: XmlElement = {
    type: "element",
    name: intern(text.slice(lt + 1, p)),
    attrs: [],
    children: [],
  };
  for (;;) {
    const wsFrom = p;
    while (p < n && isWs(text.charCodeAt(p))) p++;
    const c = text.charCodeAt(p);
    if (c === 0x3e) return { el, end: p + 1, selfClosing: false };
    if (c === 0x2f) {
      if (text.charCodeAt(p + 1) !== 0x3e) return undefined;
      return { el, end: p + 2, selfClosing: true };
    }
    if (p === wsFrom || !isNameStart(c)) return undefined;
    const nameFrom = p;
    while (p < n && isNameChar(text.charCodeAt(p))) p++;
    const name = intern(text.slice(nameFrom, p));
    while (p < n && isWs(text.charCodeAt(p))) p++;
    if (text.charCodeAt(p) !== 0x3d) return undefined;
    p++;
    while (p < n && isWs(text.charCodeAt(p))) p++;
    const q = text.charCodeAt(p);
    if (q !== 0x22 && q !== 0x27) return undefined;
    const close = text.indexOf(q === 0x22 ? '"' : "'", p + 1);
    if (close === -1) return undefined;
    const value = attrValue(text.slice(p + 1, close));
    if (value === undefined) return undefined;
    for (const a of el.attrs) if (a[0] === name) return undefined; // duplicate: saxes says so
    el.attrs.push([name, value]);
    p = close + 1;
  }
}
