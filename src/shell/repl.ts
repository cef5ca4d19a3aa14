/**
 * The interactive crm shell: node:readline for line editing and history, crmsh's prompts
 * (`crm(live/HOST)# `, `crm(NAME/HOST)configure# `) and tab completion of command names.
 */
import { createInterface } from "node:readline";
import { LEVELS } from "./levels/table.js";
import { runLine } from "./run.js";
import type { Dispatcher } from "./shell.js";

const GLOBAL_WORDS = ["cd", "help", "ls", "quit", "up"];

export function promptFor(shell: Dispatcher): string {
  const cib = shell.ctx.shadow ?? "live";
  return `crm(${cib}/${shell.ctx.hostname})${shell.levelPath()}# `;
}

function completions(shell: Dispatcher, line: string): [string[], string] {
  const words = line.split(/\s+/);
  const last = words[words.length - 1] ?? "";
  if (words.length > 1) return [[], last];
  const level = shell.stack[shell.stack.length - 1];
  const names = level ? level.commands.map((c) => c.name) : LEVELS.map((l) => l.name);
  const all = [...names, ...GLOBAL_WORDS].filter((n) => n.startsWith(last)).sort();
  return [all, last];
}

/** Reads and runs lines until quit or end of input; returns false when any line failed. */
export async function repl(shell: Dispatcher): Promise<boolean> {
  const io = shell.ctx.io;
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 1000,
    completer: (line: string) => completions(shell, line),
  });
  shell.ctx.ask = (q) => new Promise<string>((resolve) => rl.question(q, resolve));
  let okRun = true;
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (;;) {
      rl.setPrompt(promptFor(shell));
      rl.prompt();
      const next = await lines.next();
      if (next.done) {
        io.stdout("\n");
        break;
      }
      okRun = (await runLine(shell, next.value)) && okRun;
      if (shell.done) break;
    }
  } finally {
    rl.close();
  }
  io.stdout("bye\n");
  return okRun;
}
