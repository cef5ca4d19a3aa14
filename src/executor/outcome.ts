/**
 * Turns how a child ended into Pacemaker's pair (rc, op-status) plus an exit reason. Pure.
 */
import { ExecStatus, lsbToOcf, OcfRc, ocfRcFromExit } from "./codes.js";
import type { ChildResult } from "./run-child.js";

export interface Mapped {
  readonly rc: OcfRc;
  readonly status: ExecStatus;
  readonly exitReason: string;
}

/** Pacemaker's exit reason for an agent that outlived its timeout. */
export const TIMEOUT_REASON = "Process did not exit within specified timeout";

/** strsignal(3) wording, which Pacemaker's exit reason for a killed agent uses. */
const SIGNAL_TEXT: Readonly<Record<string, string>> = {
  SIGHUP: "Hangup",
  SIGINT: "Interrupt",
  SIGQUIT: "Quit",
  SIGILL: "Illegal instruction",
  SIGABRT: "Aborted",
  SIGBUS: "Bus error",
  SIGFPE: "Floating point exception",
  SIGKILL: "Killed",
  SIGUSR1: "User defined signal 1",
  SIGSEGV: "Segmentation fault",
  SIGUSR2: "User defined signal 2",
  SIGPIPE: "Broken pipe",
  SIGALRM: "Alarm clock",
  SIGTERM: "Terminated",
};

function signalText(signal: string): string {
  return SIGNAL_TEXT[signal] ?? signal;
}

/** A result the executor decides without running anything. */
export function decided(rc: OcfRc, status: ExecStatus, exitReason: string): Mapped {
  return { rc, status, exitReason };
}

/** The "action not supported by this class" result. */
export function notSupported(what: string): Mapped {
  return decided(OcfRc.Unimplemented, ExecStatus.NotSupported, `${what} is not supported`);
}

/**
 * Maps a finished child. `exitToRc` handles a normal exit (OCF pass-through, LSB tables...);
 * timeouts, signals and spawn failures are the same for every class.
 * @example mapChild(r, ocfRcFromExit)
 */
export function mapChild(result: ChildResult, exitToRc: (code: number) => OcfRc): Mapped {
  const o = result.outcome;
  switch (o.kind) {
    case "exited":
      return decided(exitToRc(o.code), ExecStatus.Done, result.exitReason);
    case "timeout":
      return decided(OcfRc.Error, ExecStatus.Timeout, result.exitReason || TIMEOUT_REASON);
    case "signaled":
      return decided(
        OcfRc.Error,
        ExecStatus.Error,
        result.exitReason || `Resource agent interrupted by ${signalText(o.signal)} signal`,
      );
    case "spawn-error":
      if (o.errno === "ENOENT") {
        return decided(OcfRc.NotInstalled, ExecStatus.NotInstalled, o.detail);
      }
      if (o.errno === "EACCES" || o.errno === "EPERM") {
        return decided(OcfRc.InsufficientPriv, ExecStatus.Error, o.detail);
      }
      return decided(OcfRc.Error, ExecStatus.Error, o.detail);
  }
}

/** OCF agents: codes pass through (out-of-range codes become a generic error). */
export function mapOcf(result: ChildResult): Mapped {
  return mapChild(result, ocfRcFromExit);
}

/** LSB init scripts: `status` has its own table. */
export function mapLsb(result: ChildResult, isStatus: boolean): Mapped {
  return mapChild(result, (code) => lsbToOcf(isStatus ? "status" : "other", code));
}
