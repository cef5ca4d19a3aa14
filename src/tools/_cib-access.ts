/**
 * How crm_resource / crm_attribute reach the CIB: through the CibBackend `openCib` picks from
 * the environment, with Pacemaker's words when that fails ("Could not connect to the CIB:
 * ..."). Everything these tools change goes back through the same backend's commit.
 */
import type { CibBackend, CibError } from "../cib/backend.js";
import { describeCibError } from "../cib/load.js";
import { openCib } from "../cib/open.js";
import { verifyCib } from "../cib/verify.js";
import { firstChild, getAttr, printXml, walkElements, type XmlElement } from "../cib/xml.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

export interface OpenedCib {
  readonly backend: CibBackend;
  readonly cib: XmlElement;
}

export interface ConnectFailure {
  /** Lines for stderr, without the trailing "Error performing operation" line. */
  readonly message: string;
  /** crm_resource's second line names the error class. */
  readonly operationError: string;
  readonly exitCode: number;
}

function connectFailure(e: CibError): ConnectFailure {
  switch (e.kind) {
    case "not-connected":
      return {
        message: `Could not connect to the CIB: ${e.detail}`,
        operationError: "Not connected",
        exitCode: ExitCode.Disconnect,
      };
    case "not-found":
      return {
        message: "Could not connect to the CIB: No such device or address",
        operationError: "No such object",
        exitCode: ExitCode.NoSuch,
      };
    default:
      return {
        message: `Could not connect to the CIB: ${describeCibError(e)}`,
        operationError: "Invalid data given",
        exitCode: ExitCode.DataErr,
      };
  }
}

/**
 * Opens and reads the CIB for a tool; on failure prints `TOOL: Could not connect...` (and,
 * with `operationLine`, crm_resource's `Error performing operation: ...`).
 */
export async function readToolCib(
  tool: string,
  io: ToolIo,
  opts: { readonly operationLine: boolean },
): Promise<{ ok: true; value: OpenedCib } | { ok: false; exitCode: number }> {
  const backend = await openCib(io.env);
  const r = await backend.read();
  if (r.ok) return { ok: true, value: { backend, cib: r.value } };
  const f = connectFailure(r.error);
  io.stderr(`${tool}: ${f.message}\n`);
  if (opts.operationLine) io.stderr(`Error performing operation: ${f.operationError}\n`);
  return { ok: false, exitCode: f.exitCode };
}

/** XML IDs (the schema's `id` attributes) are NCNames: no spaces, colons, leading digits. */
const NCNAME = /^[\p{L}_][\p{L}\p{N}_.\-\u00B7]*$/u;

function allIdsValid(cib: XmlElement): boolean {
  const config = firstChild(cib, "configuration");
  if (config === undefined) return true;
  for (const el of walkElements(config)) {
    // Node ids are plain text (numbers) in Pacemaker's schema.
    if (el.name === "node") continue;
    const id = getAttr(el, "id");
    if (id !== undefined && !NCNAME.test(id)) return false;
  }
  return true;
}

/**
 * Pacemaker refuses an update that breaks the schema: it prints the rejected CIB with line
 * numbers, then `TOOL: Error performing operation: Invalid configuration` (exit 78).
 */
function rejectInvalid(tool: string, io: ToolIo, cib: XmlElement): number | undefined {
  if (getAttr(cib, "validate-with") === "none") return undefined;
  if (verifyCib(cib).schemaValid && allIdsValid(cib)) return undefined;
  const lines = printXml(cib).split("\n");
  io.stderr(lines.map((l, i) => `${String(i + 1).padStart(4)} ${l}`.trimEnd()).join("\n"));
  io.stderr(`\n${tool}: Error performing operation: Invalid configuration\n`);
  return ExitCode.Config;
}

/** Writes a changed CIB back; prints the failure as one line and returns its exit code. */
export async function commitToolCib(tool: string, io: ToolIo, opened: OpenedCib): Promise<number> {
  const invalid = rejectInvalid(tool, io, opened.cib);
  if (invalid !== undefined) return invalid;
  const r = await opened.backend.commit(opened.cib, { bump: "auto" });
  if (r.ok) return ExitCode.Ok;
  const f = connectFailure(r.error);
  io.stderr(`${tool}: Error performing operation: ${describeCibError(r.error)}\n`);
  return f.exitCode === ExitCode.NoSuch ? ExitCode.Error : f.exitCode;
}
