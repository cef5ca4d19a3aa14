/**
 * Turning text into a CIB tree with errors a user can act on, and rendering any CibError as
 * the one line a tool prints.
 */
import { err, ok, type Result } from "../shared/result.js";
import type { CibError } from "./backend.js";
import { parseXml, type XmlElement } from "./xml.js";

/**
 * Parses CIB XML text; the root must be `<cib>`.
 * @example const r = parseCibText(text, "/tmp/cib.xml");
 */
export function parseCibText(text: string, label: string): Result<XmlElement, CibError> {
  const parsed = parseXml(text, label);
  if (!parsed.ok) return parsed;
  if (parsed.value.name !== "cib") {
    return err({
      kind: "invalid",
      detail: `${label}: root element is <${parsed.value.name}>, expected <cib>`,
    });
  }
  return ok(parsed.value);
}

/**
 * One line for a user: what, where, how to fix.
 * @example describeCibError({ kind: "io", path: "/x", detail: "EACCES" }) === "/x: EACCES"
 */
export function describeCibError(e: CibError): string {
  switch (e.kind) {
    case "xml-syntax":
      return `${e.file}:${e.line}:${e.col}: XML syntax error: ${e.detail}`;
    case "not-found":
      return `${e.what} not found (${e.hint})`;
    case "io":
      return `${e.path}: ${e.detail}`;
    case "invalid":
    case "not-connected":
    case "stale-update":
      return e.detail;
  }
}
