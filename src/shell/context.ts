/**
 * The ShellContext implementation: output helpers with crmsh's `LEVEL: text` lines, the
 * CIB the session works on (live or a shadow), and the environment handed to tools.
 */
import type { CibBackend } from "../cib/backend.js";
import type { ToolIo } from "../tools/tool-io.js";
import type { ShellContext } from "./levels/types.js";

export interface ContextOptions {
  readonly io: ToolIo;
  readonly force: boolean;
  readonly interactive: boolean;
  readonly hostname: string;
  /** Reads one answer line for `confirm` in interactive sessions. */
  readonly ask?: (question: string) => Promise<string>;
}

export class Session implements ShellContext {
  readonly io: ToolIo;
  readonly force: boolean;
  readonly interactive: boolean;
  readonly hostname: string;
  readonly state = new Map<string, unknown>();
  cmdPath = "";
  /** The last command path run; crmsh prefixes a lexing error of the next line with it. */
  lastCmdPath = "";
  /** Set by any error line; the run's exit status is 1 when true. */
  failed = false;
  private shadowName: string | null;
  /** Reads one answer line; the interactive loop installs its readline question here. */
  ask: ((q: string) => Promise<string>) | undefined;

  constructor(opts: ContextOptions) {
    this.io = opts.io;
    this.force = opts.force;
    this.interactive = opts.interactive;
    this.hostname = opts.hostname;
    this.ask = opts.ask;
    const fromEnv = opts.io.env.CIB_shadow;
    this.shadowName = fromEnv !== undefined && fromEnv !== "" ? fromEnv : null;
  }

  get shadow(): string | null {
    return this.shadowName;
  }

  setShadow(name: string | null): void {
    this.shadowName = name;
  }

  get env(): Readonly<Record<string, string | undefined>> {
    const env: Record<string, string | undefined> = { ...this.io.env };
    if (this.shadowName === null) delete env.CIB_shadow;
    else env.CIB_shadow = this.shadowName;
    return env;
  }

  toolIo(): ToolIo {
    const base = this.io;
    return {
      env: this.env,
      cwd: base.cwd,
      stdout: (t) => base.stdout(t),
      stderr: (t) => base.stderr(t),
      readStdin: () => base.readStdin(),
      stdinIsTTY: base.stdinIsTTY,
      stdoutIsTTY: base.stdoutIsTTY,
    };
  }

  async openCib(): Promise<CibBackend> {
    const { openCib } = await import("../cib/open.js");
    return openCib(this.env);
  }

  error(cmdPath: string | null, text: string): void {
    this.failed = true;
    this.io.stderr(cmdPath ? `ERROR: ${cmdPath}: ${text}\n` : `ERROR: ${text}\n`);
  }

  errorLine(text: string): void {
    this.io.stderr(`ERROR: ${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr(`WARNING: ${text}\n`);
  }

  info(text: string): void {
    this.io.stderr(`INFO: ${text}\n`);
  }

  out(text: string): void {
    this.io.stdout(text.endsWith("\n") ? text : `${text}\n`);
  }

  async confirm(question: string): Promise<boolean> {
    // crmsh asks only on a terminal; scripts and one-shot commands proceed.
    if (this.force || !this.interactive || !this.ask) return true;
    const answer = await this.ask(`${question} (y/n)? `);
    return /^y(es)?$/i.test(answer.trim());
  }
}
