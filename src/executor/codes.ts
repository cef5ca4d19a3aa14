/**
 * Result codes of an operation, as Pacemaker records them in `lrm_rsc_op`: `rc-code` is the
 * OCF exit code (agents of every class are mapped onto it) and `op-status` is the execution
 * status (did the executor get a result at all). Numbers are Pacemaker's.
 */

/** OCF exit codes (OCF 1.1 § "Exit codes"), plus Pacemaker's degraded codes. */
export const OcfRc = {
  Ok: 0,
  Error: 1,
  InvalidParam: 2,
  Unimplemented: 3,
  InsufficientPriv: 4,
  NotInstalled: 5,
  NotConfigured: 6,
  NotRunning: 7,
  RunningPromoted: 8,
  FailedPromoted: 9,
  Degraded: 190,
  DegradedPromoted: 191,
} as const;
export type OcfRc = (typeof OcfRc)[keyof typeof OcfRc];

const OCF_RC_NAMES: Record<OcfRc, string> = {
  0: "ok",
  1: "error",
  2: "invalid parameter",
  3: "unimplemented feature",
  4: "insufficient privileges",
  5: "not installed",
  6: "not configured",
  7: "not running",
  8: "promoted",
  9: "promoted (failed)",
  // Pacemaker 2.1.5's own wording for these two, as crm_resource prints it.
  190: "OCF_DEGRADED",
  191: "promoted (degraded)",
};

/** Pacemaker's wording for an rc, as crm_mon prints it (`'not running' (7)`). */
export function ocfRcName(rc: OcfRc): string {
  return OCF_RC_NAMES[rc];
}

/**
 * Maps a raw exit status of an OCF agent onto an OCF rc: the defined codes pass through, any
 * other value is a generic error (as Pacemaker does for out-of-range codes).
 * @example ocfRcFromExit(8) === OcfRc.RunningPromoted; ocfRcFromExit(42) === OcfRc.Error
 */
export function ocfRcFromExit(code: number): OcfRc {
  if (Number.isInteger(code) && ((code >= 0 && code <= 9) || code === 190 || code === 191)) {
    return code as OcfRc;
  }
  return OcfRc.Error;
}

/** Execution status (Pacemaker's `enum pcmk_exec_status`, the `op-status` attribute). */
export const ExecStatus = {
  Pending: -1,
  Done: 0,
  Cancelled: 1,
  Timeout: 2,
  NotSupported: 3,
  Error: 4,
  ErrorHard: 5,
  ErrorFatal: 6,
  NotInstalled: 7,
  NotConnected: 8,
  Invalid: 9,
} as const;
export type ExecStatus = (typeof ExecStatus)[keyof typeof ExecStatus];

const EXEC_STATUS_NAMES: Record<ExecStatus, string> = {
  [-1]: "pending",
  0: "complete",
  1: "Cancelled",
  2: "Timed Out",
  3: "NOT SUPPORTED",
  4: "Error",
  5: "Hard error",
  6: "Fatal error",
  7: "Not installed",
  8: "Internal communication failure",
  9: "Cannot execute now",
};

/** Pacemaker's wording for an execution status (`pcmk_exec_status_str`). */
export function execStatusName(status: ExecStatus): string {
  return EXEC_STATUS_NAMES[status];
}

/**
 * LSB init script exit codes → OCF. `status` has its own table (LSB 3.0 § 20.2): 1–3 mean
 * "not running" in various flavours, and LSB's reserved 150/151 mean "not installed" and
 * "insufficient privileges"; every other action uses the OCF numbers 0–7. Checked against
 * Pacemaker 2.1's crm_resource --force-check/--force-start on a stand-in init script.
 * @example lsbToOcf("status", 3) === OcfRc.NotRunning
 */
export function lsbToOcf(action: "status" | "other", code: number): OcfRc {
  if (action === "status") {
    if (code === 0) return OcfRc.Ok;
    if (code >= 1 && code <= 3) return OcfRc.NotRunning;
    if (code === 150) return OcfRc.NotInstalled;
    if (code === 151) return OcfRc.InsufficientPriv;
    return OcfRc.Error;
  }
  if (Number.isInteger(code) && code >= 0 && code <= 7) return code as OcfRc;
  return OcfRc.Error;
}
