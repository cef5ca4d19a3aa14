/**
 * Shared plumbing for CLI tools: exit codes (Pacemaker's crm_exit_t numbers), an injectable
 * I/O surface (so tools are testable in-process), and `runTool`, which turns an unexpected
 * throw into one line and exit code 70 instead of a stack trace.
 */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  InvalidParam: 2,
  Unimplemented: 3,
  InsufficientPriv: 4,
  NotInstalled: 5,
  NotConfigured: 6,
  NotRunning: 7,
  Usage: 64,
  DataErr: 65,
  NoInput: 66,
  NoUser: 67,
  NoHost: 68,
  Unavailable: 69,
  Software: 70,
  OsErr: 71,
  OsFile: 72,
  CantCreate: 73,
  IoErr: 74,
  TempFail: 75,
  Protocol: 76,
  NoPerm: 77,
  Config: 78,
  Fatal: 100,
  Panic: 101,
  Disconnect: 102,
  Old: 103,
  Digest: 104,
  NoSuch: 105,
  Quorum: 106,
  Unsafe: 107,
  Exists: 108,
  Multiple: 109,
  Expired: 110,
  NotYetInEffect: 111,
  Indeterminate: 112,
  Unsatisfied: 113,
  Timeout: 124,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ToolIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads all of stdin (for `-f -`, heredocs, `cibadmin -p`). */
  readStdin(): Promise<string>;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
}

export type Tool = (argv: readonly string[], io: ToolIo) => Promise<number>;

/** A user error with the exit code it maps to; thrown inside tools, printed as one line. */
export class UserError extends Error {
  override readonly name = "UserError";
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Error,
  ) {
    super(message);
  }
}

export function processIo(): ToolIo {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (t) => {
      process.stdout.write(t);
    },
    stderr: (t) => {
      process.stderr.write(t);
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    stdinIsTTY: process.stdin.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
  };
}

/**
 * Entry point used by every file in bin/.
 * @example await runTool("crm_verify", crmVerify);
 */
export async function runTool(name: string, tool: Tool): Promise<void> {
  const io = processIo();
  let code: number;
  try {
    code = await tool(process.argv.slice(2), io);
  } catch (e) {
    if (e instanceof UserError) {
      io.stderr(`${name}: ${e.message}\n`);
      code = e.exitCode;
    } else if (isFlagError(e)) {
      // node:util parseArgs rejecting a flag is the user's mistake, not a bug.
      io.stderr(`${name}: ${e.message}; run '${name} --help' for usage\n`);
      code = ExitCode.Usage;
    } else {
      const debug = process.env.PACER_DEBUG === "1";
      io.stderr(
        debug && e instanceof Error
          ? `${e.stack ?? e.message}\n`
          : `${name}: internal error: ${e instanceof Error ? e.message : String(e)} (a bug; set PACER_DEBUG=1 for the stack)\n`,
      );
      code = ExitCode.Software;
    }
  }
  // Let pending stdout drain before exiting: process.exit can cut piped output.
  process.exitCode = code;
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}

function isFlagError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
