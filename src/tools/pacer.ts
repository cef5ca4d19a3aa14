/**
 * `pacer`: the umbrella command. Subcommands are registered in SUBCOMMANDS; each is a Tool
 * living in its own module, loaded lazily so `pacer --help` stays fast.
 */
import { ExitCode, type Tool, type ToolIo } from "./tool-io.js";

interface Subcommand {
  readonly summary: string;
  readonly load: () => Promise<Tool>;
}

const SUBCOMMANDS: Record<string, Subcommand> = {};

/** Registers a subcommand; called at module scope by src/tools/pacer-commands.ts. */
export function registerSubcommand(name: string, sub: Subcommand): void {
  SUBCOMMANDS[name] = sub;
}

function usage(): string {
  const lines = ["usage: pacer COMMAND [ARGS...]", "", "Commands:"];
  for (const [name, sub] of Object.entries(SUBCOMMANDS).sort()) {
    lines.push(`  ${name.padEnd(10)} ${sub.summary}`);
  }
  lines.push(
    "",
    "Pacemaker-compatible tools live beside pacer in bin/: crm, crm_mon, cibadmin, ...",
  );
  return `${lines.join("\n")}\n`;
}

export async function pacer(argv: readonly string[], io: ToolIo): Promise<number> {
  await import("./pacer-commands.js");
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "-h" || cmd === "--help" || cmd === "help") {
    io.stdout(usage());
    return cmd === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (cmd === "--version") {
    io.stdout("pacer 0.1.0\n");
    return ExitCode.Ok;
  }
  const sub = SUBCOMMANDS[cmd];
  if (!sub) {
    io.stderr(`pacer: unknown command '${cmd}'; run 'pacer --help' for the list\n`);
    return ExitCode.Usage;
  }
  const tool = await sub.load();
  return tool(rest, io);
}
