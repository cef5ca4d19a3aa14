/**
 * `load replace|update FILE` (crm syntax, or XML with `load xml`), `save FILE` and `xml`:
 * moving whole configurations in and out of the configure session.
 */
import { readFile, writeFile } from "node:fs/promises";
import {
  childElements,
  cloneElement,
  firstChild,
  getAttr,
  parseXml,
  type XmlElement,
} from "../../cib/xml.js";
import { OBJECT_KEYWORDS } from "../crm-ast.js";
import { describeSyntaxError, parseObject } from "../crm-parser.js";
import type { ShellContext } from "../levels/types.js";
import { logicalLines, tokenize } from "../lexer.js";
import { createObject, detach } from "./create.js";
import { eraseAll } from "./edit-ops.js";
import { type ConfigureState, configuration, findById, markChanged, section } from "./session.js";
import { selectObjects, showText, showXml } from "./show.js";

async function readSource(ctx: ShellContext, path: string): Promise<string | undefined> {
  if (path === "-") return ctx.io.readStdin();
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    ctx.error(
      null,
      `${path}: ${code === "ENOENT" ? "No such file or directory" : (code ?? "cannot read")}`,
    );
    return undefined;
  }
}

/** `load [xml] replace|update|push FILE`. */
export async function loadFile(
  ctx: ShellContext,
  state: ConfigureState,
  args: readonly string[],
): Promise<boolean> {
  const asXml = args[0] === "xml";
  const [method, path] = asXml ? args.slice(1) : args;
  if ((method !== "replace" && method !== "update" && method !== "push") || path === undefined) {
    ctx.error(ctx.cmdPath, "usage: load [xml] {replace|update|push} {<url>|<path>|-}");
    return false;
  }
  const text = await readSource(ctx, path);
  if (text === undefined) return false;
  if (asXml) return loadXml(ctx, state, text, path, method);
  const lines = definitionLines(ctx, text, path);
  if (lines === undefined) return false;
  if (method !== "update") {
    eraseAll(state, false);
    eraseAll(state, true);
  }
  let ok = true;
  for (const words of lines) {
    if (words[0] === "xml") ok = xmlCommand(ctx, state, words.slice(1)) && ok;
    else ok = applyDefinition(ctx, state, words, method === "update") && ok;
  }
  return ok;
}

/** The object definitions of a crm text (comments and blank lines skipped). */
export function definitionLines(
  ctx: ShellContext,
  text: string,
  path: string,
): string[][] | undefined {
  const lines: string[][] = [];
  for (const [n, line] of logicalLines(text)) {
    const t = line.trim();
    if (t === "" || t.startsWith("#")) continue;
    const words = tokenize(t);
    if (!words.ok) {
      ctx.error(null, `${path}:${n}: ${words.error.detail}`);
      return undefined;
    }
    const kw = words.value[0] ?? "";
    if (kw !== "xml" && !(OBJECT_KEYWORDS as readonly string[]).includes(kw)) {
      ctx.error(null, `${path}:${n}: ${kw}: not a configuration object`);
      return undefined;
    }
    lines.push(words.value);
  }
  return lines;
}

/** Applies definitions over existing objects (`load update`, `edit`). */
export function applyDefinitions(
  ctx: ShellContext,
  state: ConfigureState,
  lines: string[][],
): boolean {
  let ok = true;
  for (const words of lines) {
    if (words[0] === "xml") ok = xmlCommand(ctx, state, words.slice(1)) && ok;
    else ok = applyDefinition(ctx, state, words, true) && ok;
  }
  return ok;
}

function applyDefinition(
  ctx: ShellContext,
  state: ConfigureState,
  words: string[],
  update: boolean,
): boolean {
  const parsed = parseObject(words);
  if (!parsed.ok) {
    for (const line of parsed.error.before ?? []) ctx.error(null, line);
    ctx.error(null, describeSyntaxError(parsed.error));
    return false;
  }
  const def = parsed.value;
  if (update && "id" in def) {
    const existing = findById(state.work, def.id);
    if (existing && existing.el.name === "primitive" && def.type === "primitive") {
      const at = existing.parent.children.indexOf(existing.el);
      detach(existing.parent, existing.el);
      const ok = createObject(ctx, state, def);
      const resources = section(state.work, "resources");
      const created = resources.children.pop();
      if (created) existing.parent.children.splice(at, 0, created);
      return ok;
    }
    if (existing && existing.parent.name === "constraints") detach(existing.parent, existing.el);
  }
  return createObject(ctx, state, def);
}

const XML_SECTIONS = [
  "crm_config",
  "nodes",
  "resources",
  "constraints",
  "rsc_defaults",
  "op_defaults",
];

function loadXml(
  ctx: ShellContext,
  state: ConfigureState,
  text: string,
  path: string,
  method: string,
): boolean {
  const doc = parseXml(text, path);
  if (!doc.ok) {
    ctx.error(null, `${path}:${doc.error.line}:${doc.error.col}: ${doc.error.detail}`);
    return false;
  }
  const conf = doc.value.name === "cib" ? firstChild(doc.value, "configuration") : doc.value;
  if (conf?.name !== "configuration") {
    ctx.error(null, `${path}: no <configuration> element`);
    return false;
  }
  if (method !== "update") {
    eraseAll(state, false);
    eraseAll(state, true);
  }
  for (const name of XML_SECTIONS) {
    const from = firstChild(conf, name);
    if (!from) continue;
    const into = section(state.work, name);
    for (const el of childElements(from)) mergeElement(state, into, cloneElement(el));
  }
  return true;
}

function mergeElement(state: ConfigureState, into: XmlElement, el: XmlElement): void {
  const id = getAttr(el, "id");
  const existing = id !== undefined ? findById(state.work, id) : undefined;
  if (existing) detach(existing.parent, existing.el);
  into.children.push(el);
  markChanged(state, id ?? "");
}

/** `save [xml] [ID...] FILE`. */
export async function saveFile(
  ctx: ShellContext,
  state: ConfigureState,
  args: readonly string[],
): Promise<boolean> {
  const asXml = args[0] === "xml";
  const rest = asXml ? args.slice(1) : args;
  const path = rest[rest.length - 1];
  if (path === undefined) {
    ctx.error(ctx.cmdPath, "usage: save [xml] [<id> ...] <file>");
    return false;
  }
  const objects = selectObjects(ctx, state.work, rest.slice(0, -1));
  if (objects === undefined) return false;
  const text = asXml ? showXml(state.work, objects) : showText(objects);
  if (path === "-") {
    ctx.io.stdout(text);
    return true;
  }
  try {
    await writeFile(path, text);
    return true;
  } catch (e) {
    ctx.error(null, `${path}: ${(e as NodeJS.ErrnoException).code ?? "cannot write"}`);
    return false;
  }
}

const XML_TARGET: Record<string, string> = {
  primitive: "resources",
  group: "resources",
  clone: "resources",
  master: "resources",
  bundle: "resources",
  template: "resources",
  rsc_location: "constraints",
  rsc_colocation: "constraints",
  rsc_order: "constraints",
  rsc_ticket: "constraints",
  node: "nodes",
  cluster_property_set: "crm_config",
};
/** Whole configuration sections crm only handles as XML. */
const XML_SECTIONS_RAW = new Set(["fencing-topology", "acls", "tags", "alerts"]);

/** `xml <primitive id=... />`: adds or replaces one object given as XML. */
export function xmlCommand(
  ctx: ShellContext,
  state: ConfigureState,
  args: readonly string[],
): boolean {
  const doc = parseXml(args.join(" "), "xml");
  if (!doc.ok) {
    ctx.error(null, `xml: ${doc.error.detail}`);
    return false;
  }
  const el = doc.value;
  if (XML_SECTIONS_RAW.has(el.name)) {
    const conf = configuration(state.work);
    conf.children = conf.children.filter((c) => !(c.type === "element" && c.name === el.name));
    conf.children.push(el);
    state.dirty = true;
    return true;
  }
  const target = XML_TARGET[el.name];
  if (target === undefined || getAttr(el, "id") === undefined) {
    ctx.error(null, `xml: <${el.name}> is not a configuration object with an id`);
    return false;
  }
  mergeElement(state, section(state.work, target), el);
  return true;
}
