/**
 * `crm`: the crm shell (crmsh's command-line interface). The shell lives in src/shell/;
 * this file only hands argv and the process I/O over.
 */
import { crm as runCrm } from "../shell/run.js";
import type { ToolIo } from "./tool-io.js";

export async function crm(argv: readonly string[], io: ToolIo): Promise<number> {
  return runCrm(argv, io);
}
