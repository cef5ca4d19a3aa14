/**
 * `pacer agents`: pacer's own OCF agents.
 *   pacer agents install [--root DIR] [--copy]   put them where $OCF_ROOT finds them
 *   pacer agents list [--root DIR]               OCF agents by provider (pacer's included)
 * The executor also finds provider `pacer` in pacer's agents/ directory, so installing is
 * only needed for other tools (Pacemaker's, crmsh) that look in $OCF_ROOT.
 */
import { parseArgs } from "node:util";
import { installAgents } from "../executor/install.js";
import { DEFAULT_OCF_ROOT, listOcfAgents } from "../executor/locate.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

const USAGE = `usage: pacer agents install [--root DIR] [--copy]
       pacer agents list [--root DIR]

  install   link (or with --copy, copy) pacer's agents into DIR/resource.d/pacer and their
            helpers into DIR/lib/pacer; DIR defaults to $OCF_ROOT, else ${DEFAULT_OCF_ROOT}
  list      print the OCF agents found, as provider:type
`;

function rootOf(value: string | undefined, io: ToolIo): string {
  const env = io.env.OCF_ROOT;
  return value ?? (env !== undefined && env !== "" ? env : DEFAULT_OCF_ROOT);
}

/** @example await pacerAgents(["install", "--root", "/tmp/ocf"], io) */
export async function pacerAgents(argv: readonly string[], io: ToolIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "-h" || sub === "--help") {
    io.stdout(USAGE);
    return sub === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { root: { type: "string" }, copy: { type: "boolean" } },
  });
  const root = rootOf(values.root, io);
  if (sub === "install") {
    const r = installAgents({ root, mode: values.copy === true ? "copy" : "symlink" });
    if (!r.ok) {
      const hint = r.error.detail === "permission denied" ? "; run as root or pass --root DIR" : "";
      io.stderr(`pacer agents: cannot install ${r.error.path}: ${r.error.detail}${hint}\n`);
      return r.error.detail === "permission denied"
        ? ExitCode.InsufficientPriv
        : ExitCode.CantCreate;
    }
    for (const path of r.value) io.stdout(`${path}\n`);
    return ExitCode.Ok;
  }
  if (sub === "list") {
    for (const [provider, types] of listOcfAgents(root)) {
      for (const type of types) io.stdout(`ocf:${provider}:${type}\n`);
    }
    return ExitCode.Ok;
  }
  io.stderr(`pacer agents: unknown subcommand '${sub}'; use install or list\n`);
  return ExitCode.Usage;
}
