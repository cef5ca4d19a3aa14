/**
 * crmsh runs crm_verify on every CIB it commits and relays its findings as
 * `WARNING: (FUNCTION) \twarning: TEXT` / `ERROR: (FUNCTION) \terror: TEXT`, then
 * `ERROR: crm_verify: Errors found during check: config not valid` when there were errors.
 * The checks themselves are src/cib/verify.ts (verifyCib).
 */
import type { XmlElement } from "../../cib/xml.js";
import type { ShellContext } from "../levels/types.js";

/** Relays crm_verify's findings for `cib`; returns false when it found errors. */
export async function relayVerify(ctx: ShellContext, cib: XmlElement): Promise<boolean> {
  const lines = await verifyLines(cib);
  let errors = false;
  for (const l of lines) {
    if (l.severity === "error") {
      errors = true;
      ctx.error(null, l.text);
    } else {
      ctx.warn(l.text);
    }
  }
  return !errors;
}

export interface VerifyLine {
  readonly severity: "error" | "warning";
  /** The text after `ERROR: ` / `WARNING: `. */
  readonly text: string;
}

/** libxml2's schema line for a piped CIB, as crmsh's relay matches it (one digit kept). */
const SCHEMA_LINE = /^Entity: line \d*(\d): element (\w+): Relax-NG validity error : (.+)$/;

/**
 * crm_verify's findings in crmsh's relayed form (`crm_verify -VV -p` on the CIB crmsh pipes).
 * crmsh rewrites a schema line `Entity: line 17: element X: Relax-NG validity error : TEXT`
 * as `X (7): TEXT` (its pattern captures only the line number's last digit) and indents
 * every schema line after crm_verify's first line by 7 spaces.
 */
export async function verifyLines(cib: XmlElement): Promise<VerifyLine[]> {
  const { formatVerifyReport, verifyPipedCib } = await import("../../cib/verify.js");
  const report = verifyPipedCib(cib);
  let schemaLines = 0;
  return formatVerifyReport(report, { verbosity: 2, source: { kind: "pipe" } }).map((raw) => {
    const m = SCHEMA_LINE.exec(raw);
    const indent = m !== null && schemaLines++ > 0 ? " ".repeat(7) : "";
    const text = m === null ? raw : `${indent}${m[2]} (${m[1]}): ${m[3]}`;
    return { severity: /^\([^)]*\) \twarning:/.test(raw) ? "warning" : "error", text };
  });
}

/**
 * Without resources crmsh does not run crm_verify, but Pacemaker still refuses a CIB that
 * breaks the schema when it is written. Checks only that stage; reports its findings.
 */
export async function schemaCheck(ctx: ShellContext, cib: XmlElement): Promise<boolean> {
  const { formatVerifyMessage, verifyCib } = await import("../../cib/verify.js");
  const report = verifyCib(cib);
  if (report.schemaValid) return true;
  for (const m of report.messages) {
    if (m.schema !== undefined) ctx.error(null, formatVerifyMessage(m, { kind: "pipe" }));
  }
  ctx.error(null, "Call failed: Update does not conform to the configured schema");
  return false;
}
