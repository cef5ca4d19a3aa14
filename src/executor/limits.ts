/**
 * Upper bounds for the executor (STYLE: a limit on everything). Each is asserted or enforced
 * where it is used; exceeding one is an operating error reported as an op result, never a crash.
 */
export const executorLimits = {
  /** Agents running at once across all resources (Pacemaker's node-action-limit is 2 × cores). */
  opsInFlightMax: 16,
  /** Operations waiting behind the running one on a single resource. */
  opsQueuedPerResourceMax: 64,
  /** Bytes of stdout and of stderr kept per operation; the rest is counted and dropped. */
  outputBytesMax: 64 * 1024,
  /** stdout kept of a `meta-data` call, which is the answer itself (the largest of Debian's
   * agents print about 13 KiB). */
  metadataBytesMax: 1024 * 1024,
  /** A partial stderr line longer than this is not scanned for an exit reason. */
  lineBytesMax: 4096,
  /** Characters kept of an `ocf-exit-reason:` message. */
  exitReasonCharsMax: 256,
  /** Between SIGTERM and SIGKILL to the agent's process group after a timeout. */
  killGraceMs: 1000,
  /**
   * After the agent exits, how long to wait for background children to release its pipes.
   * What the agent wrote before exiting is already in the pipe and read within a loop turn;
   * the wait only matters when a child lives on (IPaddr2's send_arp runs ~1 s in the
   * background), and then it is added to every such start: keep it short.
   */
  pipeDrainMs: 20,
  /** Timeout used when a request does not give one (Pacemaker's default op timeout, 20 s). */
  defaultTimeoutMs: 20_000,
  /** Longest timeout accepted for one operation (a day); larger requests are clamped. */
  timeoutMsMax: 24 * 3600 * 1000,
  /** Agents whose parsed meta-data is kept (least recently added dropped first). */
  metadataCacheMax: 512,
  /** Recurring operations held at once. */
  recurringMax: 10_000,
  /** Smallest recurring interval accepted; tests use sub-second monitors, clusters use seconds. */
  intervalMsMin: 100,
} as const;
