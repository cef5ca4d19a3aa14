/**
 * Runs one agent as a child process in its own process group, with a timeout that takes the
 * whole group down (SIGTERM, then SIGKILL after a grace period), and bounded output capture.
 * The only place in the executor that spawns.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { OCF_EXIT_REASON_PREFIX } from "./environment.js";
import { executorLimits } from "./limits.js";

export interface ChildSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Written to the child's stdin, then closed (fence agents read key=value lines). */
  readonly stdin?: string;
  readonly cwd?: string;
  /** stdout bytes kept; default `executorLimits.outputBytesMax`. */
  readonly stdoutBytesMax?: number;
}

export type ChildOutcome =
  | { readonly kind: "exited"; readonly code: number }
  | { readonly kind: "signaled"; readonly signal: string }
  | { readonly kind: "timeout" }
  /** The file could not be executed: ENOENT, EACCES, ... */
  | { readonly kind: "spawn-error"; readonly errno: string; readonly detail: string };

export interface ChildResult {
  readonly outcome: ChildOutcome;
  readonly stdout: string;
  readonly stderr: string;
  /** The last `ocf-exit-reason:` message on stderr, or "". */
  readonly exitReason: string;
  readonly execMs: number;
  /** The process group id (= pid) the agent ran in; undefined if it never started. */
  readonly pgid: number | undefined;
}

/** Keeps the first `max` bytes of a stream and counts the rest. */
class BoundedCapture {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  dropped = 0;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    const room = this.max - this.kept;
    if (room <= 0) {
      this.dropped += chunk.length;
      return;
    }
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.chunks.push(part);
    this.kept += part.length;
    this.dropped += chunk.length - part.length;
  }
  text(): string {
    const s = Buffer.concat(this.chunks).toString("utf8");
    return this.dropped > 0 ? `${s}\n[pacer: ${this.dropped} more bytes dropped]\n` : s;
  }
}

/**
 * Scans stderr line by line for exit reasons, whatever the capture kept: the reason is often
 * printed last, after a long log.
 */
class ExitReasonScanner {
  private partial = "";
  reason = "";
  push(chunk: Buffer): void {
    const text = this.partial + chunk.toString("utf8");
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    if (this.partial.length > executorLimits.lineBytesMax) this.partial = "";
    for (const line of lines) this.scan(line);
  }
  finish(): void {
    this.scan(this.partial);
    this.partial = "";
  }
  private scan(line: string): void {
    const at = line.indexOf(OCF_EXIT_REASON_PREFIX);
    if (at < 0) return;
    const msg = line.slice(at + OCF_EXIT_REASON_PREFIX.length).trim();
    this.reason = msg.slice(0, executorLimits.exitReasonCharsMax);
  }
}

/** Sends a signal to a whole process group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: every member has exited.
  }
}

/**
 * Node's spawn forks on the calling thread: a few milliseconds each, more on a loaded host.
 * Heartbeats share this thread, so spawns take turns, one per event-loop iteration: timers
 * and sockets get their turn between two forks instead of after a burst of them.
 */
let spawnGate: Promise<void> = Promise.resolve();
function spawnTurn(): Promise<void> {
  const turn = spawnGate.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  spawnGate = turn;
  return turn;
}

/**
 * Runs the child to completion or timeout. Never rejects: every failure is a ChildOutcome.
 * @example const r = await runChild({ file: "/bin/true", args: [], env: {}, timeoutMs: 1000 });
 */
export async function runChild(spec: ChildSpec): Promise<ChildResult> {
  await spawnTurn();
  try {
    return await startChild(spec);
  } catch (e) {
    // spawn throws synchronously on arguments it cannot pass (a NUL byte in a parameter).
    const detail = e instanceof Error ? e.message : String(e);
    const outcome: ChildOutcome = { kind: "spawn-error", errno: "EINVAL", detail };
    return { outcome, stdout: "", stderr: "", exitReason: "", execMs: 0, pgid: undefined };
  }
}

function startChild(spec: ChildSpec): Promise<ChildResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const out = new BoundedCapture(spec.stdoutBytesMax ?? executorLimits.outputBytesMax);
    const errOut = new BoundedCapture(executorLimits.outputBytesMax);
    const reasons = new ExitReasonScanner();
    // detached: the child leads a new process group, so a timeout can kill its descendants too.
    const child = spawn(spec.file, [...spec.args], {
      detached: true,
      env: spec.env,
      cwd: spec.cwd ?? "/",
      stdio: [spec.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const pgid = child.pid;
    let timedOut = false;
    let done = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      if (pgid === undefined) return;
      timedOut = true;
      signalGroup(pgid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(pgid, "SIGKILL"), executorLimits.killGraceMs);
    }, spec.timeoutMs);
    child.stdout?.on("data", (c: Buffer) => out.push(c));
    child.stderr?.on("data", (c: Buffer) => {
      errOut.push(c);
      reasons.push(c);
    });
    if (spec.stdin !== undefined && child.stdin) {
      child.stdin.on("error", () => {}); // EPIPE: the agent did not read its input.
      child.stdin.end(spec.stdin);
    }
    const finish = (outcome: ChildOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      // After a timeout, stragglers that ignored SIGTERM die now rather than after the grace.
      if (timedOut && pgid !== undefined) signalGroup(pgid, "SIGKILL");
      reasons.finish();
      resolve({
        outcome: timedOut ? { kind: "timeout" } : outcome,
        stdout: out.text(),
        stderr: errOut.text(),
        exitReason: reasons.reason,
        execMs: Math.round(performance.now() - t0),
        pgid,
      });
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      finish({ kind: "spawn-error", errno: e.code ?? "EUNKNOWN", detail: e.message });
    });
    child.on("exit", (code, signal) => {
      const outcome: ChildOutcome =
        code !== null ? { kind: "exited", code } : { kind: "signaled", signal: signal ?? "?" };
      // Background children (a daemon the agent started) may hold the pipes open: read what is
      // already there, then stop waiting for them.
      const drain = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(outcome);
      }, executorLimits.pipeDrainMs);
      child.on("close", () => {
        clearTimeout(drain);
        finish(outcome);
      });
    });
  });
}
