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

/** crm_verify's findings in crmsh's relayed form (`crm_verify -VV` on a piped CIB). */
export async function verifyLines(cib: XmlElement): Promise<VerifyLine[]> {
  const { formatVerifyReport, verifyCib } = await import("../../cib/verify.js");
  const report = verifyCib(cib);
  return formatVerifyReport(report, { verbosity: 2, source: { kind: "pipe" } }).map((text) => ({
    severity: /^\([^)]*\) \twarning:/.test(text) ? "warning" : "error",
    text,
  }));
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
