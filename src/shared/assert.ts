/** A broken invariant is a bug, not an operating error: throw, never catch and go on. */
export class InvariantError extends Error {
  override readonly name = "InvariantError";
}

/** @example assert(view.members.includes(self), "an installed view contains its installer"); */
export function assert(condition: boolean, why: string): asserts condition {
  if (!condition) throw new InvariantError(why);
}

/** Exhaustiveness check for discriminated unions. */
export function assertNever(x: never): never {
  throw new InvariantError(`unhandled variant ${JSON.stringify(x)}`);
}
