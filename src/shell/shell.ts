/**
 * The crm shell's dispatcher: one line of words at a time, against a stack of levels.
 * Used by the one-shot form (`crm configure show`), scripts (`crm -f FILE`, stdin) and the
 * interactive loop (repl.ts). Level modules are loaded lazily from the table.
 */
import type { Session } from "./context.js";
import { helpForCommand, helpForLevel, helpTopLevel } from "./help.js";
import { findLevelEntry, LEVELS } from "./levels/table.js";
import type { Command, Level } from "./levels/types.js";
import { resolveName } from "./resolve.js";

/** Commands of the top level that are not levels. */
const TOP_COMMANDS = ["status"];

/** crmsh's `status` options and the crm_mon flags they stand for. */
const STATUS_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  bynode: ["-n"],
  inactive: ["-r"],
  failcounts: ["-f"],
  verbose: ["-V"],
};

/**
 * `crm status [OPTION...]`: crm_mon's one-shot status, inactive resources included unless
 * options are given, followed by an empty line (crmsh prints crm_mon's captured output).
 * crm_mon's failure: its own stderr lines, then `ERROR: status: crm_mon (rc=N): <stdout>`.
 */
async function clusterStatus(ctx: Session, args: readonly string[]): Promise<boolean> {
  const { crmMon } = await import("../tools/crm_mon.js");
  const flags = args.length === 0 ? ["-r"] : args.flatMap((a) => STATUS_OPTIONS[a] ?? []);
  let stdout = "";
  const io = {
    ...ctx.toolIo(),
    stdout: (t: string) => {
      stdout += t;
    },
  };
  const rc = await crmMon(["-1", ...flags], io);
  if (rc !== 0) {
    ctx.error(null, `status: crm_mon (rc=${rc}): ${stdout}`);
    return false;
  }
  ctx.out(`${stdout}\n`);
  return true;
}

/** Commands every level understands (crmsh's "global" commands). */
const GLOBALS = ["help", "quit", "exit", "bye", "up", "end", "cd", "ls"];

export class Dispatcher {
  /** Levels entered, outermost first; empty = the top level. */
  readonly stack: Level[] = [];
  /** Set by quit/exit/bye: the session ends after the current line. */
  done = false;

  constructor(readonly ctx: Session) {}

  /** The prompt's level part: "" at the top, "configure" inside configure. */
  levelPath(): string {
    return this.stack.map((l) => l.name).join("/");
  }

  /** Runs one line's words. Returns false when the command failed. */
  async run(words: readonly string[]): Promise<boolean> {
    if (words.length === 0) return true;
    const [head, ...rest] = words as [string, ...string[]];
    if (GLOBALS.includes(head)) return this.runGlobal(head, rest);
    const current = this.stack[this.stack.length - 1];
    if (current === undefined) return this.runTop(head, rest);
    return this.runInLevel(current, head, rest);
  }

  private async runTop(head: string, rest: readonly string[]): Promise<boolean> {
    const names = [...LEVELS.map((l) => l.name), ...TOP_COMMANDS];
    const found = resolveName(
      head,
      names.map((n) => ({ name: n, target: n })),
    );
    if (found === undefined) {
      this.ctx.error(null, `${head}: No such command`);
      return false;
    }
    if (found.name !== head) this.ctx.info(`"${head}" is accepted as "${found.name}"`);
    if (found.name === "status") return clusterStatus(this.ctx, rest);
    return this.enterAndRun(found.name, rest);
  }

  /** `LEVEL` alone enters the level; `LEVEL CMD ...` runs CMD in it and leaves it again. */
  private async enterAndRun(name: string, rest: readonly string[]): Promise<boolean> {
    const entry = findLevelEntry(name);
    if (entry === undefined) return false;
    const level = await loadOrReport(this.ctx, entry.name, entry.load);
    if (level === undefined) return false;
    this.stack.push(level);
    if (rest.length === 0) return true;
    const depth = this.stack.length;
    let okRun = await this.run(rest);
    // The command may have navigated (`configure up`); leave what this line entered.
    while (this.stack.length >= depth) {
      const l = this.stack.pop() as Level;
      okRun = (await this.callLeave(l)) && okRun;
    }
    return okRun;
  }

  private async runInLevel(level: Level, head: string, rest: readonly string[]): Promise<boolean> {
    const sub = level.sublevels?.find((n) => n === head);
    if (sub !== undefined) return this.enterAndRun(sub, rest);
    const cmd = this.findCommand(level, head);
    const path = this.levelPath().replace(/\//g, ".");
    if (cmd === undefined) {
      this.ctx.error(null, `${path}.${head}: No such command`);
      return false;
    }
    if (rest.length === 1 && (rest[0] === "--help" || rest[0] === "-h")) {
      this.ctx.out(helpForCommand(level, cmd));
      return true;
    }
    const saved = this.ctx.cmdPath;
    this.ctx.cmdPath = `${path}.${cmd.name}`;
    this.ctx.lastCmdPath = this.ctx.cmdPath;
    try {
      return await cmd.handler(this.ctx, rest);
    } finally {
      this.ctx.cmdPath = saved;
    }
  }

  /** Exact name, alias, deprecated alias (with crmsh's two lines), then crmsh's fuzzy match. */
  private findCommand(level: Level, head: string): Command | undefined {
    const candidates: { name: string; target: string }[] = [];
    for (const c of level.commands) {
      candidates.push({ name: c.name, target: c.name });
      for (const a of c.aliases ?? []) candidates.push({ name: a, target: c.name });
      for (const a of c.deprecated ?? []) candidates.push({ name: a, target: c.name });
    }
    for (const n of level.otherNames ?? []) candidates.push({ name: n, target: n });
    const found = resolveName(head, candidates);
    if (found === undefined) return undefined;
    const cmd = level.commands.find((c) => c.name === found.target);
    if (cmd === undefined) return undefined;
    if (cmd.deprecated?.includes(found.name) && found.name === head) {
      this.ctx.warn(`This command '${head}' is deprecated, please use '${cmd.name}'`);
      this.ctx.info(`"${head}" is accepted as "${cmd.name}"`);
    } else if (found.name !== head) {
      this.ctx.info(`"${head}" is accepted as "${found.target}"`);
    }
    return cmd;
  }

  private async runGlobal(head: string, rest: readonly string[]): Promise<boolean> {
    switch (head) {
      case "exit":
      case "bye":
        this.ctx.warn(`This command '${head}' is deprecated, please use 'quit'`);
        this.ctx.info(`"${head}" is accepted as "quit"`);
        this.done = true;
        return true;
      case "quit":
        this.done = true;
        return true;
      case "end":
        this.ctx.warn(`This command 'end' is deprecated, please use 'up'`);
        this.ctx.info(`"end" is accepted as "up"`);
        return this.up(head);
      case "up":
        return this.up(head);
      case "cd":
        return this.cd(rest[0]);
      case "help":
        return this.help(rest);
      default:
        return this.ls();
    }
  }

  private async up(head: string): Promise<boolean> {
    const level = this.stack.pop();
    if (level === undefined) {
      this.ctx.error(null, `${head}: No such command`);
      return false;
    }
    return level.leave ? this.callLeave(level) : true;
  }

  private async callLeave(level: Level): Promise<boolean> {
    if (!level.leave) return true;
    const saved = this.ctx.cmdPath;
    this.ctx.cmdPath = level.name;
    try {
      return await level.leave(this.ctx);
    } finally {
      this.ctx.cmdPath = saved;
    }
  }

  private async cd(target: string | undefined): Promise<boolean> {
    if (target === undefined || target === "/" || target === "") {
      return this.leaveAll();
    }
    let okRun = true;
    for (const part of target.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") {
        okRun = (await this.up("cd")) && okRun;
        continue;
      }
      if (this.stack.length > 0) {
        this.ctx.error(null, `cd: ${part}: No such level`);
        return false;
      }
      const entry = findLevelEntry(part);
      const level = entry ? await loadOrReport(this.ctx, part, entry.load) : undefined;
      if (level === undefined) {
        this.ctx.error(null, `cd: ${part}: No such level`);
        return false;
      }
      this.stack.push(level);
    }
    return okRun;
  }

  /** Leaves every level, innermost first (end of input, quit). */
  async leaveAll(): Promise<boolean> {
    let okRun = true;
    while (this.stack.length > 0) {
      const level = this.stack.pop() as Level;
      okRun = (await this.callLeave(level)) && okRun;
    }
    return okRun;
  }

  private async help(rest: readonly string[]): Promise<boolean> {
    const level = this.stack[this.stack.length - 1];
    const topic = rest[0];
    if (level === undefined) {
      if (topic === undefined) {
        this.ctx.out(helpTopLevel());
        return true;
      }
      const entry = findLevelEntry(topic);
      if (entry === undefined) {
        this.ctx.error(null, `help: ${topic}: No such command`);
        return false;
      }
      const loaded = await loadOrReport(this.ctx, topic, entry.load);
      if (loaded === undefined) return false;
      const sub =
        rest[1] !== undefined ? loaded.commands.find((c) => c.name === rest[1]) : undefined;
      this.ctx.out(sub ? helpForCommand(loaded, sub) : helpForLevel(loaded));
      return true;
    }
    if (topic === undefined) {
      this.ctx.out(helpForLevel(level));
      return true;
    }
    const cmd = level.commands.find((c) => c.name === topic || c.aliases?.includes(topic));
    if (cmd === undefined) {
      this.ctx.error(null, `help: ${level.name}.${topic}: No such command`);
      return false;
    }
    this.ctx.out(helpForCommand(level, cmd));
    return true;
  }

  private ls(): boolean {
    const level = this.stack[this.stack.length - 1];
    const names = level ? level.commands.map((c) => c.name) : LEVELS.map((l) => l.name);
    const all = [...names, ...GLOBALS.filter((g) => g !== "end" && g !== "bye")].sort();
    this.ctx.out(all.join("\n"));
    return true;
  }
}

async function loadOrReport(
  ctx: Session,
  name: string,
  load: () => Promise<Level>,
): Promise<Level | undefined> {
  try {
    return await load();
  } catch (e) {
    // A level whose module is not built yet is reported like an unknown command.
    if (e instanceof Error && /Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${e.message}`)) {
      ctx.error(null, `${name}: No such command`);
      return undefined;
    }
    throw e;
  }
}
