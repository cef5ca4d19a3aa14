/**
 * The Node.js flags `pacer node` is started with: packaging/pacer.service and the failover
 * lab's plugin (bench/failover/pacer-plugin.sh) pass them, node-flags.test.ts checks that they
 * do. They are V8 flags, read when the process starts: the daemon cannot set them itself
 * (setting GC flags at run time crashed V8, measured), hence the launcher's job.
 *
 * Measured in the failover lab (docs/performance.md, "Memory" and "Idle CPU"): a node idles
 * at 55-60 MiB VmRSS with them (62-63 MiB after 20 minutes), 61-77 MiB without.
 * - `--interrupt-budget=1000000` (V8's default: 67584): a function must run ~15x more bytecode
 *   before TurboFan optimises it. At start-up and idle nothing qualifies, so TurboFan's code
 *   pages, its compile zones (malloc'd on helper threads and kept by the allocator) and the
 *   optimised code are not paid for (5-10 MiB); a large transition or a burst of results
 *   still is optimised, after a little more work (`--no-opt` saved the same memory but cost
 *   +50 % daemon CPU for 200 resources and 3x slower large transitions: rejected).
 * - `--no-short-builtin-calls`: V8 would copy its builtins next to each isolate's code (main
 *   thread and scheduler worker, ~1 MiB each); they run from the binary instead.
 * - `--single-threaded-gc`: the young-generation collections of a small heap run on the main
 *   thread instead of waking helper threads for a millisecond of work each.
 */
export const daemonNodeFlags: readonly string[] = [
  "--interrupt-budget=1000000",
  "--no-short-builtin-calls",
  "--single-threaded-gc",
];

/**
 * The daemon flags this process was not started with.
 * @example missingDaemonFlags(process.execArgv) // [] when started as the service does
 */
export function missingDaemonFlags(execArgv: readonly string[]): string[] {
  return daemonNodeFlags.filter((f) => !execArgv.includes(f));
}
