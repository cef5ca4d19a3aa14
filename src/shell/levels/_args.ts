/**
 * Argument-count checks with crmsh's message, e.g.
 * `ERROR: cib.reset: Expected (name), takes exactly 1 arguments (0 given)`.
 */
import type { ShellContext } from "./types.js";

export interface ArgCount {
  readonly min?: number;
  readonly max?: number;
  /** The usage crmsh shows in parentheses, e.g. "node cmd attr [value]". */
  readonly usage: string;
}

/** True when `args` fits; otherwise prints the error and returns false. */
export function expectArgs(ctx: ShellContext, args: readonly string[], count: ArgCount): boolean {
  const min = count.min ?? 0;
  const max = count.max ?? Number.POSITIVE_INFINITY;
  if (args.length >= min && args.length <= max) return true;
  let takes: string;
  if (min === max) takes = `exactly ${min}`;
  else if (args.length < min) takes = `at least ${min}`;
  else takes = `at most ${max}`;
  ctx.error(
    ctx.cmdPath,
    `Expected (${count.usage}), takes ${takes} arguments (${args.length} given)`,
  );
  return false;
}
