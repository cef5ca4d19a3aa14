/** Errors a user can cause cross module boundaries as values; exceptions are for bugs only. */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** @example const r: Result<number, string> = ok(1); */
export function ok<T>(value: T): Result<T, never> {
  return { ok: true, value };
}

/** @example return err({ kind: "unknown-id", id }); */
export function err<E>(error: E): Result<never, E> {
  return { ok: false, error };
}
