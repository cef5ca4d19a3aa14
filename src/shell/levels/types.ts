/**
 * The contract between the crm shell framework (src/shell/shell.ts) and its levels
 * (configure, cib, resource, node). A level is a module in this folder exporting one
 * `Level`; src/shell/levels/table.ts registers it with a lazy loader so that `crm` only
 * imports the levels a session uses. See README.md beside this file.
 */
import type { CibBackend } from "../../cib/backend.js";
import type { ToolIo } from "../../tools/tool-io.js";

/** What a handler returns: true = success, false = the command failed (exit status 1). */
export type CommandResult = boolean;

export interface Command {
  /** The canonical name, e.g. "move". */
  readonly name: string;
  /** Other accepted names, silently equivalent (e.g. "exit" for "quit"). */
  readonly aliases?: readonly string[];
  /**
   * Deprecated names: accepted after `WARNING: This command 'OLD' is deprecated, please use
   * 'NAME'` and `INFO: "OLD" is accepted as "NAME"` (crmsh's exact lines).
   */
  readonly deprecated?: readonly string[];
  /** One line for the command list of `help`. */
  readonly summary: string;
  /** Full text for `help NAME` (usage first). */
  readonly help: string;
  /** Runs the command. `args` are the tokens after the command name, already unquoted. */
  handler(ctx: ShellContext, args: readonly string[]): Promise<CommandResult>;
}

export interface Level {
  /** The level's name as typed: "configure", "cib", "resource", "node". */
  readonly name: string;
  /** One line for `help` at the top level. */
  readonly summary: string;
  /** Text printed by `help` inside the level, before the command list. */
  readonly help: string;
  readonly commands: readonly Command[];
  /**
   * Names of crmsh commands of this level that pacer does not implement: they take part in
   * crmsh's abbreviation matching (so `dlt` stays ambiguous between delete and
   * default-timeouts) and are then reported as `No such command`.
   */
  readonly otherNames?: readonly string[];
  /**
   * Levels reachable inside this one (crmsh's `configure` holds `cib`): `cib new x` typed in
   * configure runs the cib level's `new` with the path `configure.cib.new`.
   */
  readonly sublevels?: readonly string[];
  /**
   * Called when the level is left (`up`, `end`, `cd ..`, `quit`, end of input, and after a
   * one-shot command ran in it). The configure level commits pending changes here.
   * Returns false when that failed (the session's exit status becomes 1).
   */
  leave?(ctx: ShellContext): Promise<CommandResult>;
}

/** The level table entry: the module is imported only when the level is used. */
export interface LevelEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Level>;
}

/**
 * Everything a command handler may use. One context lives for a whole `crm` run; levels
 * keep their own per-session state in a WeakMap keyed by the context or in `ctx.state`.
 */
export interface ShellContext {
  readonly io: ToolIo;
  /** Path of the running command for error prefixes, e.g. "resource.move". */
  readonly cmdPath: string;
  /** `-F/--force`: confirmations are answered yes. */
  readonly force: boolean;
  /** True when reading commands from a terminal (prompts, confirmations asked). */
  readonly interactive: boolean;
  /** The local host name, as in the prompt `crm(live/HOST)# `. */
  readonly hostname: string;
  /** Name of the shadow CIB in use, or null for the live CIB (`CIB_file` or cluster). */
  readonly shadow: string | null;
  /** Switches the CIB the session works on (`cib use NAME`, `cib use live`, `-c NAME`). */
  setShadow(name: string | null): void;
  /**
   * The environment tools run with: the process env plus `CIB_shadow=NAME` when a shadow
   * is in use (and without CIB_shadow when the session was switched to live).
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A ToolIo for running a Pacemaker tool in-process with `env` and the shell's output. */
  toolIo(): ToolIo;
  /** Opens the CIB the session currently works on (shadow or live). */
  openCib(): Promise<CibBackend>;
  /** `ERROR: PATH: TEXT` (or `ERROR: TEXT` when cmdPath is null) on stderr. */
  error(cmdPath: string | null, text: string): void;
  /**
   * `ERROR: TEXT` that does not fail the run by itself: crmsh's exit status follows the
   * command's result, and some commands report an error yet succeed (a group created
   * without the missing members it named).
   */
  errorLine(text: string): void;
  /** `WARNING: TEXT` on stderr. */
  warn(text: string): void;
  /** `INFO: TEXT` on stderr. */
  info(text: string): void;
  /** Plain text to stdout; a newline is added when missing. */
  out(text: string): void;
  /** Asks a yes/no question on a terminal; yes when forced or not interactive (as crmsh). */
  confirm(question: string): Promise<boolean>;
  /** Per-session state shared between levels and commands, keyed by the owner's name. */
  readonly state: Map<string, unknown>;
}
