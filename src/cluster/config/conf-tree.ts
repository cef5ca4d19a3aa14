/**
 * The syntax layer of corosync.conf: nested `name {` ... `}` sections holding `key: value`
 * lines, `#` comment lines, blank lines. It knows no key names; `corosync-conf.ts` gives the
 * tree its meaning. Positions (1-based line and column) ride along so that every later
 * complaint can say file:line:col.
 */
import { err, ok, type Result } from "../../shared/result.js";

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface ConfKey {
  readonly kind: "key";
  readonly name: string;
  readonly value: string;
  readonly at: Position;
  /** Where the value starts (for "bad value" messages). */
  readonly valueAt: Position;
}

export interface ConfSection {
  readonly kind: "section";
  readonly name: string;
  readonly at: Position;
  readonly items: readonly ConfItem[];
}

export type ConfItem = ConfKey | ConfSection;

export interface ConfSyntaxError {
  readonly kind: "syntax";
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly detail: string;
}

/** Sections nest this deep at most (corosync uses 3: totem > interface); a bound on recursion. */
export const sectionDepthMax = 16;
/** A corosync.conf is a few KiB; refuse absurd inputs instead of building huge trees. */
export const confBytesMax = 1024 * 1024;

interface OpenSection {
  readonly name: string;
  readonly at: Position;
  readonly items: ConfItem[];
}

/**
 * Parses corosync.conf text into a tree. The whole file is the implicit root section "".
 * @example
 * const r = parseConfTree("totem {\n\tversion: 2\n}\n", "corosync.conf");
 * if (r.ok) r.value.items[0]; // { kind: "section", name: "totem", ... }
 */
export function parseConfTree(text: string, file: string): Result<ConfSection, ConfSyntaxError> {
  if (text.length > confBytesMax) {
    return err(syntax(file, { line: 1, col: 1 }, `file larger than ${confBytesMax} bytes`));
  }
  const stack: OpenSection[] = [{ name: "", at: { line: 1, col: 1 }, items: [] }];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const r = parseLine(lines[i] ?? "", i + 1, file, stack);
    if (!r.ok) return r;
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1]!;
    return err(
      syntax(file, open.at, `missing closing brace for section "${open.name}" opened here`),
    );
  }
  const root = stack[0]!;
  return ok({ kind: "section", name: "", at: root.at, items: root.items });
}

function parseLine(
  raw: string,
  line: number,
  file: string,
  stack: OpenSection[],
): Result<null, ConfSyntaxError> {
  const start = raw.search(/\S/);
  if (start < 0 || raw[start] === "#") return ok(null);
  const body = raw.slice(start).trimEnd();
  const at = { line, col: start + 1 };
  const top = stack[stack.length - 1]!;
  const colon = body.indexOf(":");
  const brace = body.indexOf("{");
  if (body === "}") return closeSection(stack, file, at);
  if (brace >= 0 && (colon < 0 || brace < colon)) {
    const name = body.slice(0, brace).trim();
    const rest = body.slice(brace + 1).trim();
    if (name === "" || /\s/.test(name)) {
      return err(syntax(file, at, `bad section name "${name}"; write: name {`));
    }
    if (rest !== "") {
      return err(
        syntax(file, { line, col: start + brace + 2 }, "text after '{'; put it on its own line"),
      );
    }
    if (stack.length > sectionDepthMax) {
      return err(syntax(file, at, `sections nested deeper than ${sectionDepthMax}`));
    }
    stack.push({ name, at, items: [] });
    return ok(null);
  }
  if (colon > 0) {
    const name = body.slice(0, colon).trim();
    if (/\s/.test(name)) {
      return err(syntax(file, at, `bad key "${name}"; write: key: value`));
    }
    const afterColon = body.slice(colon + 1);
    const valueOffset = afterColon.search(/\S/);
    const value = valueOffset < 0 ? "" : afterColon.slice(valueOffset);
    const valueCol = start + colon + 2 + Math.max(valueOffset, 0);
    top.items.push({ kind: "key", name, value, at, valueAt: { line, col: valueCol } });
    return ok(null);
  }
  if (body.endsWith("}")) {
    return err(syntax(file, { line, col: start + body.length }, "'}' must be alone on its line"));
  }
  return err(syntax(file, at, `expected "key: value", "name {" or "}", found "${clip(body)}"`));
}

function closeSection(
  stack: OpenSection[],
  file: string,
  at: Position,
): Result<null, ConfSyntaxError> {
  if (stack.length === 1) return err(syntax(file, at, "unexpected closing brace"));
  const done = stack.pop()!;
  const parent = stack[stack.length - 1]!;
  parent.items.push({ kind: "section", name: done.name, at: done.at, items: done.items });
  return ok(null);
}

function syntax(file: string, at: Position, detail: string): ConfSyntaxError {
  return { kind: "syntax", file, line: at.line, col: at.col, detail };
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
