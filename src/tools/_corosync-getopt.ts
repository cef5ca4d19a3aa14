/**
 * GNU getopt_long behaviour for the Corosync tools, whose exact error lines users (and
 * scripts) see: `PROG: invalid option -- 'x'`, `PROG: option requires an argument -- 'k'`,
 * `PROG: unrecognized option '--foo'`. Short options bundle (`-lk FILE`, `-kFILE`), long
 * options take `--name=value` or `--name value`, and non-options are collected (GNU permutes
 * them out of the way).
 */

export interface OptionSpec {
  /** One character. */
  readonly short: string;
  readonly long?: string;
  readonly takesValue: boolean;
}

export interface ParsedOption {
  readonly short: string;
  readonly value?: string;
}

export type GetoptResult =
  | {
      readonly ok: true;
      readonly options: readonly ParsedOption[];
      readonly operands: readonly string[];
    }
  | { readonly ok: false; readonly message: string };

/**
 * Parses argv against option specs.
 * @example getopt("corosync-keygen", ["-k", "/tmp/k"], [{ short: "k", takesValue: true }]);
 */
export function getopt(
  prog: string,
  argv: readonly string[],
  specs: readonly OptionSpec[],
): GetoptResult {
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      const r = parseLong(prog, arg, argv[i + 1], specs);
      if (!r.ok) return r;
      options.push(r.option);
      i += r.consumed;
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      const r = parseShortBundle(prog, arg, argv[i + 1], specs);
      if (!r.ok) return r;
      options.push(...r.options);
      i += r.consumed;
      continue;
    }
    operands.push(arg);
  }
  return { ok: true, options, operands };
}

function parseLong(
  prog: string,
  arg: string,
  next: string | undefined,
  specs: readonly OptionSpec[],
): { ok: true; option: ParsedOption; consumed: number } | { ok: false; message: string } {
  const eq = arg.indexOf("=");
  const name = arg.slice(2, eq < 0 ? undefined : eq);
  const matches = specs.filter((s) => s.long?.startsWith(name) === true);
  const spec =
    matches.find((s) => s.long === name) ?? (matches.length === 1 ? matches[0] : undefined);
  if (spec === undefined || name === "") {
    return { ok: false, message: `${prog}: unrecognized option '${arg}'` };
  }
  if (!spec.takesValue) {
    if (eq >= 0)
      return { ok: false, message: `${prog}: option '--${spec.long}' doesn't allow an argument` };
    return { ok: true, option: { short: spec.short }, consumed: 0 };
  }
  if (eq >= 0)
    return { ok: true, option: { short: spec.short, value: arg.slice(eq + 1) }, consumed: 0 };
  if (next === undefined) {
    return { ok: false, message: `${prog}: option '--${spec.long}' requires an argument` };
  }
  return { ok: true, option: { short: spec.short, value: next }, consumed: 1 };
}

function parseShortBundle(
  prog: string,
  arg: string,
  next: string | undefined,
  specs: readonly OptionSpec[],
): { ok: true; options: ParsedOption[]; consumed: number } | { ok: false; message: string } {
  const out: ParsedOption[] = [];
  for (let j = 1; j < arg.length; j++) {
    const ch = arg[j]!;
    const spec = specs.find((s) => s.short === ch);
    if (spec === undefined) return { ok: false, message: `${prog}: invalid option -- '${ch}'` };
    if (!spec.takesValue) {
      out.push({ short: ch });
      continue;
    }
    const rest = arg.slice(j + 1);
    if (rest !== "")
      return { ok: true, options: [...out, { short: ch, value: rest }], consumed: 0 };
    if (next === undefined)
      return { ok: false, message: `${prog}: option requires an argument -- '${ch}'` };
    return { ok: true, options: [...out, { short: ch, value: next }], consumed: 1 };
  }
  return { ok: true, options: out, consumed: 0 };
}
