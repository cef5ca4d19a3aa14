/** Every queue and retry of the controller has a named bound (STYLE.md: limits on everything). */
export const limits = {
  /** Client requests one node may have waiting for the DC. */
  pendingRequestsMax: 1024,
  /** Executor results the DC buffers while a join is in progress. */
  queuedResultsMax: 4096,
  /** Rounds of "start what is ready" in one step (pseudo actions unlock more). */
  dispatchRoundsMax: 10000,
  /**
   * Added to an action's own timeout before the DC gives up waiting for its result:
   * Pacemaker's cluster-delay default (an action may wait in the executor's queue first).
   */
  actionTimeoutMarginMs: 60_000,
  /**
   * Least time between two commits of executor results by the DC (a burst of results is
   * written once per interval; a lone result at once).
   */
  resultCommitIntervalMs: 250,
  /** Actions running in a transition from which results count as a burst (are batched). */
  resultBurstRunningMin: 8,
  /** Origins (node incarnations) whose last applied request the DC remembers. */
  requestOriginsMax: 1024,
} as const;
