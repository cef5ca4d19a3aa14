/**
 * crm_verify: check a CIB for errors, with Pacemaker 2.1.5's flags, messages (on stderr) and
 * exit codes (78 = CRM_EX_CONFIG when errors are found). `-q/--quiet` (print nothing, exit
 * code only) is an addition: 2.1.5 rejects it.
 */
import { readFileSync } from "node:fs";
import { openCib } from "../cib/open.js";
import { atomicWrite } from "../cib/persist.js";
import {
  formatVerifyMessage,
  formatVerifyReport,
  type VerifyMessage,
  type VerifyReport,
  type VerifySource,
  verifyCib,
} from "../cib/verify.js";
import { elem, parseXml, printXml, type XmlElement } from "../cib/xml.js";
import { cycleWarning, mandatoryColocationCycles } from "../scheduler/colocation-cycles.js";
import { unpack } from "../scheduler/unpack.js";
import { count, has, lastValue, type OptionSpec, parseGlibArgs } from "./_getopt.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

const SPECS: readonly OptionSpec[] = [
  { long: "help", short: "h", value: false },
  { long: "version", short: "$", value: false },
  { long: "verbose", short: "V", value: false },
  { long: "quiet", short: "q", value: false },
  { long: "live-check", short: "L", value: false },
  { long: "xml-file", short: "x", value: true },
  { long: "xml-pipe", short: "p", value: false },
  { long: "xml-text", short: "X", value: true },
  { long: "save-xml", short: "S", value: true },
  { long: "output-as", value: true },
];

const HELP = `Usage:
  crm_verify [OPTION?]

Check a Pacemaker configuration for errors

Data sources:
  -L, --live-check        Check the configuration used by the running cluster
  -x, --xml-file=FILE     Check the configuration in the named file
  -p, --xml-pipe          Check the configuration piped in via stdin
  -X, --xml-text=XML      Check the configuration in the supplied string

Additional options:
  -S, --save-xml=FILE     Save verified XML to named file (most useful with -L)

Application Options:
  -$, --version           Display software version and exit
  -V, --verbose           Increase debug output (may be specified multiple times)
  -q, --quiet             Print nothing; the exit code tells (pacer addition)
  --output-as=FORMAT      text (default) or xml (a <pacemaker-result> on stdout)

Examples:
  crm_verify --live-check
  crm_verify --xml-file file.xml --verbose
`;

interface Loaded {
  readonly cib: XmlElement;
  readonly lines: WeakMap<XmlElement, number>;
  readonly source: VerifySource;
}

type Load =
  | { readonly ok: true; readonly value: Loaded }
  | { readonly ok: false; readonly code: number; readonly lines: string[] };

function parseSource(text: string, label: string, source: VerifySource): Load {
  const lines = new WeakMap<XmlElement, number>();
  const r = parseXml(text, label, { lines });
  if (!r.ok) {
    const e = r.error;
    return {
      ok: false,
      code: ExitCode.Config,
      lines: [`crm_verify: ${e.file}:${e.line}:${e.col}: XML syntax error: ${e.detail}`],
    };
  }
  if (r.value.name !== "cib") {
    return {
      ok: false,
      code: ExitCode.Protocol,
      lines: [
        "crm_verify: This tool can only check complete configurations (i.e. those starting with <cib>).",
      ],
    };
  }
  return { ok: true, value: { cib: r.value, lines, source } };
}

const QUERY_FAILED = "crm_verify: CIB query failed: Input file not available";

async function loadLive(io: ToolIo, verbosity: number): Promise<Load> {
  const backend = await openCib(io.env);
  const r = await backend.read();
  if (!r.ok) return { ok: false, code: ExitCode.NoInput, lines: [QUERY_FAILED] };
  if (backend.kind !== "live") {
    // Pacemaker's file backend validates on load: an invalid CIB is not even read.
    const report = verifyCib(r.value);
    if (!report.schemaValid) {
      const shown =
        verbosity >= 1
          ? [
              ...report.messages
                .filter((m) => m.schema)
                .map((m) => formatVerifyMessage(m, { kind: "live" })),
              "(load_file_cib) \terror: CIB does not validate against pacemaker-3.9",
            ]
          : [];
      return { ok: false, code: ExitCode.NoInput, lines: [...shown, QUERY_FAILED] };
    }
  }
  return { ok: true, value: { cib: r.value, lines: new WeakMap(), source: { kind: "live" } } };
}

async function load(args: ReturnType<typeof parseArgs>, io: ToolIo): Promise<Load> {
  const { values, verbosity } = args;
  if (values.text !== undefined) return parseSource(values.text, "input string", { kind: "text" });
  if (values.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(values.file, "utf8");
    } catch {
      return {
        ok: false,
        code: ExitCode.Error,
        lines: [`crm_verify: Couldn't parse input file: ${values.file}`],
      };
    }
    return parseSource(text, values.file, { kind: "file", path: values.file });
  }
  if (values.pipe) return parseSource(await io.readStdin(), "STDIN", { kind: "pipe" });
  if (values.live) return loadLive(io, verbosity);
  return {
    ok: false,
    code: ExitCode.Error,
    lines: ["crm_verify: No configuration source specified.  Use --help for usage information."],
  };
}

function parseArgs(parsed: Parameters<typeof lastValue>[0]) {
  return {
    values: {
      text: lastValue(parsed, "xml-text"),
      file: lastValue(parsed, "xml-file"),
      pipe: has(parsed, "xml-pipe"),
      live: has(parsed, "live-check"),
      save: lastValue(parsed, "save-xml"),
    },
    verbosity: count(parsed, "verbose"),
    quiet: has(parsed, "quiet"),
  };
}

/**
 * The crm_verify tool.
 * @example await crmVerify(["-x", "cib.xml", "-V"], io) // 78 when errors were found
 */
export async function crmVerify(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = parseGlibArgs(argv, SPECS);
  if (!parsed.ok) {
    io.stderr(`crm_verify: ${parsed.error}\n`);
    return ExitCode.Usage;
  }
  if (has(parsed.value, "help")) {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  if (has(parsed.value, "version")) {
    io.stdout("Pacemaker 2.1.5 (pacer 0.1.0)\n");
    return ExitCode.Ok;
  }
  const outputAs = lastValue(parsed.value, "output-as") ?? "text";
  if (outputAs !== "text" && outputAs !== "xml") {
    io.stderr(`crm_verify: Invalid value '${outputAs}' for --output-as: use text or xml\n`);
    return ExitCode.Usage;
  }
  const code = await check(parseArgs(parsed.value), io);
  if (outputAs === "xml") io.stdout(xmlResult(argv, code));
  return code;
}

/** Pacemaker's exit-code texts (crm_exit_str) for the codes crm_verify returns. */
const EXIT_TEXT: Readonly<Record<number, string>> = {
  [ExitCode.Ok]: "OK",
  [ExitCode.Error]: "Error occurred",
  [ExitCode.Usage]: "Incorrect usage",
  [ExitCode.NoInput]: "Input file not available",
  [ExitCode.CantCreate]: "Can't create output file or directory",
  [ExitCode.Protocol]: "Protocol violated",
  [ExitCode.Config]: "Invalid configuration",
};

/** `--output-as=xml`: the result element on stdout; the findings stay on stderr as in text. */
function xmlResult(argv: readonly string[], code: number): string {
  const request = ["crm_verify", ...argv].join(" ");
  const status = elem("status", {
    code: String(code),
    message: EXIT_TEXT[code] ?? "Error occurred",
  });
  return printXml(elem("pacemaker-result", { "api-version": "2.25", request }, [status]));
}

/**
 * pacer's own warnings from the scheduler's reading of a valid CIB: mandatory colocation
 * cycles, named (Pacemaker accepts them and only logs 'Breaking dependency loop' at info).
 */
function withSchedulerWarnings(cib: XmlElement, report: VerifyReport): VerifyReport {
  if (!report.schemaValid) return report;
  const cycles = mandatoryColocationCycles(unpack(cib, { now: 0 }));
  if (cycles.length === 0) return report;
  const extra: VerifyMessage[] = cycles.map((c) => ({
    level: "warning",
    func: "colocation_cycle",
    text: cycleWarning(c),
  }));
  return {
    ...report,
    messages: [...report.messages, ...extra],
    warningCount: report.warningCount + extra.length,
  };
}

async function check(args: ReturnType<typeof parseArgs>, io: ToolIo): Promise<number> {
  const emit = (lines: readonly string[]): void => {
    if (!args.quiet) for (const l of lines) io.stderr(`${l}\n`);
  };
  const loaded = await load(args, io);
  if (!loaded.ok) {
    emit(loaded.lines);
    return loaded.code;
  }
  const { cib, lines, source } = loaded.value;
  const report = withSchedulerWarnings(cib, verifyCib(cib, { lines }));
  emit(formatVerifyReport(report, { verbosity: args.verbosity, source }));
  if (args.values.save !== undefined) {
    const saved = await atomicWrite(args.values.save, printXml(cib));
    if (!saved.ok) {
      emit([
        `crm_verify: could not save ${args.values.save}: ${saved.error.kind === "io" ? saved.error.detail : ""}`,
      ]);
      return ExitCode.CantCreate;
    }
  }
  return report.errorCount > 0 ? ExitCode.Config : ExitCode.Ok;
}
