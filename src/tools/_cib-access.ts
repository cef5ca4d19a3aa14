/**
 * How crm_resource / crm_attribute reach the CIB: through the CibBackend `openCib` picks from
 * the environment, with Pacemaker's words when that fails ("Could not connect to the CIB:
 * ..."). Everything these tools change goes back through the same backend's commit.
 */
import type { CibBackend, CibError } from "../cib/backend.js";
import { describeCibError } from "../cib/load.js";
import { openCib } from "../cib/open.js";
import type { XmlElement } from "../cib/xml.js";
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

/** Writes a changed CIB back; prints the failure as one line and returns its exit code. */
export async function commitToolCib(tool: string, io: ToolIo, opened: OpenedCib): Promise<number> {
  const r = await opened.backend.commit(opened.cib, { bump: "auto" });
  if (r.ok) return ExitCode.Ok;
  const f = connectFailure(r.error);
  io.stderr(`${tool}: Error performing operation: ${describeCibError(r.error)}\n`);
  return f.exitCode === ExitCode.NoSuch ? ExitCode.Error : f.exitCode;
}
