/**
 * The crm line lexer: splits one command line into words the way crmsh does (POSIX shell
 * quoting without expansion): blanks separate words, "double quotes" group and allow
 * backslash escapes of `"` and `\`, 'single quotes' group literally, a backslash outside
 * quotes escapes the next character. `name="a b"` is the single word `name=a b`.
 */
import { err, ok, type Result } from "../shared/result.js";

export interface LexError {
  readonly kind: "lex";
  /** 1-based column of the opening quote that is never closed. */
  readonly col: number;
  readonly detail: string;
}

/** Words of a line longer than this are refused: a limit against pathological input. */
export const LINE_CHARS_MAX = 1_000_000;

/**
 * Splits a line into words.
 * @example tokenize('primitive p Dummy params a="x y"') // ok(["primitive","p","Dummy","params","a=x y"])
 */
export function tokenize(line: string): Result<string[], LexError> {
  if (line.length > LINE_CHARS_MAX) {
    return err({ kind: "lex", col: 1, detail: `line longer than ${LINE_CHARS_MAX} characters` });
  }
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
      i++;
    } else if (c === '"' || c === "'") {
      const end = closeQuote(line, i);
      if (end < 0) return err({ kind: "lex", col: i + 1, detail: `no closing quotation (${c})` });
      cur += c === "'" ? line.slice(i + 1, end) : unescapeDouble(line.slice(i + 1, end));
      inWord = true;
      i = end + 1;
    } else if (c === "\\" && i + 1 < line.length) {
      cur += line[i + 1];
      inWord = true;
      i += 2;
    } else {
      cur += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(cur);
  return ok(words);
}

function closeQuote(line: string, open: number): number {
  const q = line[open];
  for (let j = open + 1; j < line.length; j++) {
    if (q === '"' && line[j] === "\\") {
      j++;
      continue;
    }
    if (line[j] === q) return j;
  }
  return -1;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\(["\\$`])/g, "$1");
}

/**
 * Joins physical lines into logical lines: a line ending in a backslash continues on the
 * next one (the form `configure show` prints). Returns [1-based first line number, text].
 */
export function logicalLines(text: string): [number, string][] {
  const out: [number, string][] = [];
  const lines = text.split("\n");
  let acc: string | null = null;
  let start = 0;
  for (let n = 0; n < lines.length; n++) {
    const raw = (lines[n] as string).replace(/\r$/, "");
    const cont = /(^|[^\\])\\$/.test(raw) || raw === "\\";
    const body = cont ? raw.slice(0, -1) : raw;
    if (acc === null) {
      acc = body;
      start = n + 1;
    } else {
      acc += ` ${body.replace(/^\s+/, "")}`;
    }
    if (!cont) {
      out.push([start, acc]);
      acc = null;
    }
  }
  if (acc !== null) out.push([start, acc]);
  return out;
}

/** Quotes a word for printing in crm syntax when it would not survive `tokenize` as is. */
export function quoteWord(w: string): string {
  if (w !== "" && /^[^\s"'\\]+$/.test(w)) return w;
  return `"${w.replace(/(["\\])/g, "\\$1")}"`;
}
