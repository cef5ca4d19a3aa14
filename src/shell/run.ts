/**
 * `crm` as a whole: option parsing, then one of the three ways of running commands —
 * one-shot (`crm configure show`), script (`crm -f FILE`, `crm -f -`, piped stdin,
 * `crm configure <<EOF`) or the interactive shell (stdin is a terminal).
 */
import { hostname } from "node:os";
import type { ToolIo } from "../tools/tool-io.js";
import { Session } from "./context.js";
import { logicalLines, tokenize } from "./lexer.js";
import { Dispatcher } from "./shell.js";

const VERSION = "crm 4.4.0";

const USAGE = `usage: crm [-h|--help] [OPTIONS] [SUBCOMMAND ARGS...]
or crm help SUBCOMMAND

For a list of available subcommands, use crm help.

Use crm without arguments for an interactive session.
Call a subcommand directly for a "single-shot" use.
Call crm with a level name as argument to start an interactive
session from that level.

options:
  -h, --help            show this help message and exit
  --version             show program's version number and exit
  -f FILE, --file FILE  Load commands from the given file. If a dash (-) is
                        used in place of a file name, crm will read commands
                        from the shell standard input (stdin).
  -c CIB, --cib CIB     Start the session using the given shadow CIB file.
                        Equivalent to \`cib use <CIB>\`.
  -D OUTPUT_TYPE, --display OUTPUT_TYPE
                        Choose one of the output options: plain, color-always,
                        color, or uppercase.
  -F, --force           Make crm proceed with applying changes where it would
                        normally ask the user to confirm before proceeding.
`;

interface CrmOptions {
  file?: string;
  cib?: string;
  force: boolean;
  help: boolean;
  version: boolean;
  rest: string[];
}

type Parsed = { ok: true; opts: CrmOptions } | { ok: false; message: string };

/** Options end at the first word that is not an option (the subcommand). */
function parseOptions(argv: readonly string[]): Parsed {
  const opts: CrmOptions = { force: false, help: false, version: false, rest: [] };
  const withValue = new Map([
    ["-f", "file"],
    ["--file", "file"],
    ["-c", "cib"],
    ["--cib", "cib"],
    ["-D", "display"],
    ["--display", "display"],
    ["-H", "history"],
    ["--history", "history"],
    ["-X", "profile"],
    ["--profile", "profile"],
    ["-o", "opt"],
    ["--opt", "opt"],
  ]);
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith("-") || a === "-") break;
    const eq = a.indexOf("=");
    const flag = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const key = withValue.get(flag);
    if (key !== undefined) {
      const value = flag !== a ? a.slice(eq + 1) : argv[++i];
      if (value === undefined)
        return { ok: false, message: `argument ${flag}: expected one argument` };
      if (key === "file") opts.file = value;
      if (key === "cib") opts.cib = value;
      continue;
    }
    if (a === "-F" || a === "--force") opts.force = true;
    else if (a === "-h" || a === "--help") opts.help = true;
    else if (a === "--version") opts.version = true;
    else if (
      /^-[wdRnq]+$/.test(a) ||
      ["--wait", "--debug", "--regression-tests", "--no", "--quiet"].includes(a)
    )
      continue;
    else return { ok: false, message: `unrecognized arguments: ${a}` };
  }
  opts.rest = argv.slice(i) as string[];
  return { ok: true, opts };
}

/**
 * Runs crm with its command-line words; returns the exit status (0, or 1 on any error).
 * @example await crm(["configure", "show"], processIo())
 */
export async function crm(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = parseOptions(argv);
  if (!parsed.ok) {
    io.stderr(`${USAGE.split("\n")[0]}\ncrm: error: ${parsed.message}\n`);
    return 2;
  }
  const { opts } = parsed;
  if (opts.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (opts.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const fromStdin = opts.file === "-" || (opts.file === undefined && opts.rest.length <= 1);
  const interactive = opts.file === undefined && opts.rest.length <= 1 && io.stdinIsTTY;
  const ctx = new Session({ io, force: opts.force, interactive, hostname: shortHost() });
  const shell = new Dispatcher(ctx);
  if (opts.cib !== undefined && !(await useShadow(shell, opts.cib))) return 1;
  let okRun = true;
  if (opts.rest.length > 0) {
    // crmsh joins its arguments into one line and parses that line again: quoting given to
    // the outer shell is lost, except that words with blanks are quoted again.
    okRun = await runLine(shell, opts.rest.map(requote).join(" "));
    if (opts.rest.length > 1 || shell.stack.length === 0) {
      okRun = (await shell.leaveAll()) && okRun;
      return okRun && !ctx.failed ? 0 : 1;
    }
  }
  if (interactive) {
    const { repl } = await import("./repl.js");
    okRun = (await repl(shell)) && okRun;
  } else {
    const text = fromStdin ? await io.readStdin() : await readScript(ctx, opts.file as string);
    if (text === undefined) return 1;
    okRun = (await runScript(shell, text)) && okRun;
  }
  okRun = (await shell.leaveAll()) && okRun;
  return okRun && !ctx.failed ? 0 : 1;
}

function requote(word: string): string {
  return /\s/.test(word) ? `"${word.replace(/["\\]/g, "\\$&")}"` : word;
}

function shortHost(): string {
  return hostname().split(".")[0] ?? "localhost";
}

async function readScript(ctx: Session, path: string): Promise<string | undefined> {
  const { readFile } = await import("node:fs/promises");
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    ctx.error(null, `${path}: ${code === "ENOENT" ? "No such file or directory" : code}`);
    return undefined;
  }
}

/** `-c NAME`: the same as `cib use NAME` first. */
async function useShadow(shell: Dispatcher, name: string): Promise<boolean> {
  return shell.run(["cib", "use", name]);
}

/** Runs a script's logical lines; stops at quit; returns false when any line failed. */
export async function runScript(shell: Dispatcher, text: string): Promise<boolean> {
  let okRun = true;
  for (const [, line] of logicalLines(text)) {
    if (shell.done) break;
    okRun = (await runLine(shell, line)) && okRun;
  }
  return okRun;
}

/** Runs one typed line: comments and blank lines are skipped. */
export async function runLine(shell: Dispatcher, line: string): Promise<boolean> {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("#")) return true;
  const words = tokenize(trimmed);
  if (!words.ok) {
    // crmsh names the previous command here ("None" before the first one).
    const last = shell.ctx.lastCmdPath;
    shell.ctx.error(last === "" ? "None" : last, "No closing quotation");
    return false;
  }
  return shell.run(words.value);
}
