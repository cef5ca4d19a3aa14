/**
 * Command-line parsing with GLib's conventions, which every Pacemaker tool uses: `--name
 * value`, `--name=value`, `-n value`, `-nvalue`, bundled short flags (`-sUL`), `--` ends the
 * options, and options may follow plain arguments. Options are returned in the order typed
 * because several tools let the last command given win.
 */
import { err, ok, type Result } from "../shared/result.js";

export interface OptionSpec {
  /** The long name without dashes (`locate`). */
  readonly long: string;
  /** One character (`W`), if the option has a short form. */
  readonly short?: string;
  /** Whether the option takes a value. */
  readonly value: boolean;
}

export interface ParsedOption {
  readonly long: string;
  readonly value: string | undefined;
}

export interface ParsedArgs {
  readonly options: readonly ParsedOption[];
  readonly rest: readonly string[];
}

function byShort(specs: readonly OptionSpec[], c: string): OptionSpec | undefined {
  return specs.find((s) => s.short === c);
}

/**
 * Parses `argv` against `specs`; an unknown option or a missing value is an error message in
 * GLib's words (the caller prints `TOOL: MESSAGE` and exits with the usage code).
 * @example parseGlibArgs(["-r", "vip", "--locate"], specs)
 */
export function parseGlibArgs(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  opts: { readonly style?: "glib" | "getopt" } = {},
): Result<ParsedArgs, string> {
  const getopt = opts.style === "getopt";
  const options: ParsedOption[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const spec = specs.find((s) => s.long === name);
      if (spec === undefined) {
        const shown = eq > 0 ? a.slice(0, eq) : a;
        return err(getopt ? `unrecognized option '${shown}'` : `Unknown option ${shown}`);
      }
      if (!spec.value) {
        options.push({ long: spec.long, value: undefined });
        continue;
      }
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) {
        return err(
          getopt ? `option '--${name}' requires an argument` : `Missing argument for --${name}`,
        );
      }
      options.push({ long: spec.long, value });
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const spec = byShort(specs, c);
        if (spec === undefined)
          return err(getopt ? `invalid option -- '${c}'` : `Unknown option -${c}`);
        if (!spec.value) {
          options.push({ long: spec.long, value: undefined });
          continue;
        }
        const inline = a.slice(j + 1);
        const value = inline !== "" ? inline : argv[++i];
        if (value === undefined) {
          return err(
            getopt ? `option requires an argument -- '${c}'` : `Missing argument for -${c}`,
          );
        }
        options.push({ long: spec.long, value });
        break;
      }
      continue;
    }
    rest.push(a);
  }
  return ok({ options, rest });
}

/** The last value given for `long`, or undefined. */
export function lastValue(args: ParsedArgs, long: string): string | undefined {
  let v: string | undefined;
  for (const o of args.options) if (o.long === long) v = o.value;
  return v;
}

/** Whether `long` was given at all. */
export function has(args: ParsedArgs, long: string): boolean {
  return args.options.some((o) => o.long === long);
}

/** How many times `long` was given (for `-V -V`). */
export function count(args: ParsedArgs, long: string): number {
  return args.options.filter((o) => o.long === long).length;
}
