/**
 * The interactive crm shell: node:readline for line editing and history, crmsh's prompts
 * (`crm(live/HOST)# `, `crm(NAME/HOST)configure# `) and tab completion of command names.
 * Commands and confirmation answers are read from one queue of lines, so type-ahead (or
 * pasted input) is never lost while a command runs.
 */
import { createInterface, type Interface } from "node:readline";
import { LEVELS } from "./levels/table.js";
import { runLine } from "./run.js";
import type { Dispatcher } from "./shell.js";

const GLOBAL_WORDS = ["cd", "help", "ls", "quit", "up"];
/** Lines typed ahead while a command runs; more than this is refused as runaway input. */
const QUEUED_LINES_MAX = 10_000;

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

class LineQueue {
  private readonly lines: string[] = [];
  private waiter: ((line: string | null) => void) | undefined;
  private closed = false;

  constructor(rl: Interface) {
    rl.on("line", (line) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = undefined;
        w(line);
      } else if (this.lines.length < QUEUED_LINES_MAX) {
        this.lines.push(line);
      }
    });
    rl.on("close", () => {
      this.closed = true;
      this.waiter?.(null);
      this.waiter = undefined;
    });
  }

  /** The next line, or null at end of input. */
  next(): Promise<string | null> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
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
  const queue = new LineQueue(rl);
  shell.ctx.ask = async (question) => {
    rl.setPrompt(question);
    rl.prompt();
    return (await queue.next()) ?? "";
  };
  let okRun = true;
  try {
    for (;;) {
      rl.setPrompt(promptFor(shell));
      rl.prompt();
      const line = await queue.next();
      if (line === null) {
        io.stdout("\n");
        break;
      }
      okRun = (await runLine(shell, line)) && okRun;
      if (shell.done) break;
    }
    okRun = (await shell.leaveAll()) && okRun;
  } finally {
    rl.close();
  }
  io.stdout("bye\n");
  return okRun;
}
