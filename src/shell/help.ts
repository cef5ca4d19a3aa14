/**
 * Help texts of the crm shell, in crmsh's layout: a description, then `Commands:` with one
 * TAB-indented, padded line per command.
 */
import { LEVELS } from "./levels/table.js";
import type { Command, Level } from "./levels/types.js";

const GLOBAL_HELP: readonly [string, string][] = [
  ["cd", "Navigate the level structure"],
  ["help", "Show help (help topics for list of topics)"],
  ["ls", "List levels and commands"],
  ["quit", "Exit the interactive shell"],
  ["up", "Go back to previous level"],
];

function commandLines(rows: readonly [string, string][]): string[] {
  return [...rows]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([n, s]) => `\t${n.padEnd(16)} ${s}`);
}

export function helpTopLevel(): string {
  const lines = ["Help overview for crm", "", "Available commands:", ""];
  lines.push(...commandLines(GLOBAL_HELP.filter(([n]) => n !== "up")));
  lines.push("");
  for (const l of LEVELS) lines.push(`\t${`${l.name}/`.padEnd(16)} ${l.summary}`);
  return `${lines.join("\n")}\n`;
}

export function helpForLevel(level: Level): string {
  const rows = level.commands.map((c): [string, string] => [c.name, c.summary]);
  const lines = [level.summary, "", level.help.trimEnd(), "", "Commands:"];
  lines.push(...commandLines([...rows, ...GLOBAL_HELP]));
  return `${lines.join("\n")}\n`;
}

export function helpForCommand(_level: Level, cmd: Command): string {
  const aliases = cmd.aliases?.length ? `\n\nAliases: ${cmd.aliases.join(", ")}` : "";
  return `${cmd.summary}\n\n${cmd.help.trimEnd()}${aliases}\n`;
}
