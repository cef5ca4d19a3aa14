/**
 * Test helper: the wall-clock bounds the multi-process tests check (one view within 1.5 s of
 * the last start, a new view within token + consensus after kill -9), asserted only when the
 * host can keep them. More than 4 runnable tasks per core: every process gets a fraction of a
 * core and its timers run seconds late, so wall-clock bounds say nothing about the protocol.
 * Then the bound is printed, not asserted (everything else still is). CI runs on a dedicated
 * host.
 */
import assert from "node:assert/strict";
import { availableParallelism, loadavg } from "node:os";

/** `load1 N.N`, for the figures the tests print. */
export const load = (): string => `load1 ${loadavg()[0]?.toFixed(1)}`;

export const hostOverloaded = (): boolean => (loadavg()[0] ?? 0) > 4 * availableParallelism();

/**
 * Asserts `ms <= boundMs` (with `message`), or on an overloaded host prints, under `tag`,
 * that the bound was not asserted.
 * @example assertTimingBound("cluster-node", formMs, 1500, `one view ${formMs} ms after the last start (≤ 1500)`)
 */
export function assertTimingBound(tag: string, ms: number, boundMs: number, message: string): void {
  if (hostOverloaded()) {
    console.log(
      `${tag}: timing bound not asserted: host overloaded (${load()} on ${availableParallelism()} cores)`,
    );
  } else {
    assert.ok(ms <= boundMs, message);
  }
}
