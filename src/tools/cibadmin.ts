/**
 * cibadmin: query and edit the CIB, with Pacemaker 2.1.5's flags, output and exit codes.
 * Works on the CIB `openCib` picks (CIB_shadow, CIB_file, or the live cluster).
 */
import type { CibBackend, CibError } from "../cib/backend.js";
import { applyPatchset } from "../cib/diff.js";
import { emptyCib, findSection } from "../cib/document.js";
import {
  bumpEpoch,
  createObject,
  deleteByXPath,
  deleteObject,
  type EditError,
  eraseCib,
  modifyObject,
  nodePath,
  replaceObject,
  withoutChildren,
} from "../cib/edit.js";
import { describeCibError } from "../cib/load.js";
import { openCib } from "../cib/open.js";
import { onDiskDigest } from "../cib/persist.js";
import { checkSchema, formatVerifyMessage } from "../cib/verify.js";
import { elem, parseXml, printXml, type XmlElement } from "../cib/xml.js";
import { selectElements } from "../cib/xpath.js";
import {
  count,
  has,
  lastValue,
  type OptionSpec,
  type ParsedArgs,
  parseGlibArgs,
} from "./_getopt.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

const SPECS: readonly OptionSpec[] = [
  { long: "help", short: "?", value: false },
  { long: "version", short: "$", value: false },
  { long: "verbose", short: "V", value: false },
  { long: "query", short: "Q", value: false },
  { long: "erase", short: "E", value: false },
  { long: "bump", short: "B", value: false },
  { long: "create", short: "C", value: false },
  { long: "modify", short: "M", value: false },
  { long: "patch", short: "P", value: false },
  { long: "replace", short: "R", value: false },
  { long: "delete", short: "D", value: false },
  { long: "delete-all", short: "d", value: false },
  { long: "empty", short: "a", value: false },
  { long: "md5-sum", short: "5", value: false },
  { long: "force", short: "f", value: false },
  { long: "timeout", short: "t", value: true },
  { long: "sync-call", short: "s", value: false },
  { long: "local", short: "l", value: false },
  { long: "allow-create", short: "c", value: false },
  { long: "no-children", short: "n", value: false },
  { long: "xml-text", short: "X", value: true },
  { long: "xml-file", short: "x", value: true },
  { long: "xml-pipe", short: "p", value: false },
  { long: "scope", short: "o", value: true },
  { long: "xpath", short: "A", value: true },
  { long: "node-path", short: "e", value: false },
];

const COMMANDS = new Set([
  "query",
  "erase",
  "bump",
  "create",
  "modify",
  "patch",
  "replace",
  "delete",
  "delete-all",
  "empty",
  "md5-sum",
]);

const USAGE = `cibadmin - query and edit the Pacemaker configuration (pacer)
Usage: cibadmin <command> [options]
Options:
 -?, --help\t\tThis text
 -$, --version\t\tVersion information
 -V, --verbose\t\tIncrease debug output

Commands:
 -Q, --query\t\tQuery the contents of the CIB
 -E, --erase\t\tErase the contents of the whole CIB (needs --force)
 -B, --bump\t\tIncrease the CIB's epoch value by 1
 -C, --create\t\tCreate an object in the CIB (will fail if object already exists)
 -M, --modify\t\tFind object somewhere in CIB's XML tree and update it (fails if object does not exist unless -c is also specified)
 -P, --patch\t\tSupply an update in the form of an XML diff (see crm_diff(8))
 -R, --replace\t\tRecursively replace an object in the CIB
 -D, --delete\t\tDelete first object matching supplied criteria (for example, <op id="rsc1_op1" name="monitor"/>)
 -d, --delete-all\tWhen used with --xpath, remove all matching objects in the configuration instead of just the first one
 -a, --empty\t\tOutput an empty CIB
 -5, --md5-sum\t\tCalculate the on-disk CIB digest

Additional options:
 -f, --force
 -t, --timeout=value\tTime (in seconds) to wait before declaring the operation failed
 -s, --sync-call\tWait for call to complete before returning
 -l, --local\t\tCommand takes effect locally (should be used only for queries)
 -c, --allow-create\t(Advanced) Allow target of --modify/-M to be created if it does not exist
 -n, --no-children\t(Advanced) When querying an object, do not include its children in the result

Data:
 -X, --xml-text=value\tRetrieve XML from the supplied string
 -x, --xml-file=value\tRetrieve XML from the named file
 -p, --xml-pipe\t\tRetrieve XML from stdin

 -o, --scope=value\tLimit scope of operation to specific section of CIB
\tValid values: configuration, nodes, resources, constraints, crm_config, rsc_defaults, op_defaults, acls, fencing-topology, tags, alerts
 -A, --xpath=value\tA valid XPath to use instead of --scope/-o
 -e, --node-path\tWhen performing XPath queries, return path of any matches found

Examples:
\t# cibadmin --query --scope crm_config
\t# cibadmin --query --xpath "//nvpair[@name='target-role']"
\t# cibadmin --delete --xml-text '<primitive id="old"/>'
\t# cibadmin --replace --scope resources --xml-text '<resources/>'
`;

const DANGEROUS =
  "The supplied command is considered dangerous.  To prevent accidental destruction of the cluster, the --force flag is required in order to proceed.";

/** A finished run: what to print and the exit code. */
interface Outcome {
  readonly code: number;
  readonly stdout?: string;
  readonly stderr?: readonly string[];
}

const fail = (code: number, ...stderr: string[]): Outcome => ({ code, stderr });

function command(args: ParsedArgs): string | undefined {
  let cmd: string | undefined;
  for (const o of args.options) if (COMMANDS.has(o.long)) cmd = o.long;
  return cmd;
}

/** The -X/-x/-p input: absent, parsed, or a ready failure outcome. */
async function readInput(
  args: ParsedArgs,
  io: ToolIo,
): Promise<{ readonly xml?: XmlElement; readonly failure?: Outcome }> {
  const text = lastValue(args, "xml-text");
  const file = lastValue(args, "xml-file");
  let source: string;
  let raw: string;
  if (text !== undefined) {
    source = "input string";
    raw = text;
  } else if (file !== undefined) {
    source = file;
    try {
      raw = (await import("node:fs")).readFileSync(file, "utf8");
    } catch {
      return { failure: fail(ExitCode.Config, `Couldn't parse input from ${file}.`) };
    }
  } else if (has(args, "xml-pipe")) {
    source = "STDIN";
    raw = await io.readStdin();
  } else {
    return {};
  }
  const parsed = parseXml(raw, source);
  if (!parsed.ok) {
    const e = parsed.error;
    const detail = `${e.file}:${e.line}:${e.col}: ${e.detail}`;
    return {
      failure: fail(
        ExitCode.Config,
        `Couldn't parse input from ${source}.`,
        ...(count(args, "verbose") > 0 ? [detail] : []),
      ),
    };
  }
  return { xml: parsed.value };
}

function connectFailure(e: CibError): Outcome {
  const init = "Init failed, could not perform requested operations";
  if (e.kind === "not-connected")
    return fail(ExitCode.Disconnect, `Could not connect to the CIB: ${e.detail}`, init);
  if (e.kind === "not-found")
    return fail(ExitCode.NoSuch, "Could not connect to the CIB: No such device or address", init);
  return fail(ExitCode.NoSuch, `Could not connect to the CIB: ${describeCibError(e)}`, init);
}

function editFailure(e: EditError, obj?: XmlElement): Outcome {
  switch (e.kind) {
    case "no-such-object":
    case "bad-xpath":
      return fail(ExitCode.NoSuch, "Call failed: No such device or address");
    case "invalid-argument":
      return fail(ExitCode.Software, "Call failed: Invalid argument");
    case "exists": {
      const failed = elem("failed", {}, [
        elem(
          "failed_update",
          { id: e.id, object_type: e.element, operation: "cib_create", reason: "File exists" },
          obj ? [obj] : [],
        ),
      ]);
      return {
        code: ExitCode.Exists,
        stdout: printXml(failed),
        stderr: ["Call failed: File exists"],
      };
    }
  }
}

/** Validates and writes `next`; maps refusals to Pacemaker's messages. */
async function commit(
  backend: CibBackend,
  next: XmlElement,
  bump: "auto" | "none",
): Promise<Outcome> {
  const schema = checkSchema(next);
  if (schema.length > 0) {
    const lines = schema.map((m) => formatVerifyMessage(m, { kind: "text" }));
    return fail(
      ExitCode.Config,
      ...lines,
      "Call failed: Update does not conform to the configured schema",
    );
  }
  const r = await backend.commit(next, { bump });
  if (r.ok) return { code: ExitCode.Ok };
  if (r.error.kind === "stale-update") {
    return fail(ExitCode.Old, "Call failed: Update was older than existing configuration");
  }
  if (r.error.kind === "not-connected") return connectFailure(r.error);
  return fail(ExitCode.IoErr, `Call failed: ${describeCibError(r.error)}`);
}

function query(cib: XmlElement, args: ParsedArgs): Outcome {
  const noChildren = has(args, "no-children");
  const shape = (el: XmlElement): XmlElement => (noChildren ? withoutChildren(el) : el);
  const xpath = lastValue(args, "xpath");
  if (xpath !== undefined) {
    const found = selectElements(cib, xpath);
    if (!found.ok || found.value.length === 0)
      return fail(ExitCode.NoSuch, "Call failed: No such device or address");
    if (has(args, "node-path")) {
      const paths = found.value.map((el) => nodePath(cib, el) ?? el.name);
      return { code: ExitCode.Ok, stdout: `${paths.join("\n")}\n` };
    }
    const [only] = found.value;
    if (found.value.length === 1 && only)
      return { code: ExitCode.Ok, stdout: printXml(shape(only)) };
    return { code: ExitCode.Ok, stdout: printXml(elem("xpath-query", {}, found.value.map(shape))) };
  }
  const section = findSection(cib, lastValue(args, "scope"));
  if (section === undefined) return fail(ExitCode.NoSuch, "Call failed: No such device or address");
  return { code: ExitCode.Ok, stdout: printXml(shape(section)) };
}

async function patch(backend: CibBackend, cib: XmlElement, diff: XmlElement): Promise<Outcome> {
  const r = applyPatchset(cib, diff);
  if (r.ok) return commit(backend, r.value, "none");
  if (r.error.kind === "patch-version" && !r.error.older) {
    return fail(ExitCode.Old, "Call failed: Update was older than existing configuration");
  }
  if (r.error.kind === "patch-format")
    return fail(ExitCode.Software, "Call failed: Invalid argument");
  return fail(
    ExitCode.Error,
    "Call failed: Application of update diff failed, requesting full refresh",
  );
}

/** Commands that change the CIB, given the current tree and the parsed input. */
async function change(
  cmd: string,
  args: ParsedArgs,
  backend: CibBackend,
  cib: XmlElement,
  input: XmlElement | undefined,
): Promise<Outcome> {
  const scope = lastValue(args, "scope");
  const xpath = lastValue(args, "xpath");
  if (cmd === "erase") return commit(backend, eraseCib(cib), "auto");
  if (cmd === "bump") return commit(backend, bumpEpoch(cib), "none");
  if ((cmd === "delete" || cmd === "delete-all") && xpath !== undefined) {
    const r = deleteByXPath(cib, xpath, cmd === "delete-all");
    if (!r.ok) return editFailure(r.error);
    return r.value.deleted === 0 ? { code: ExitCode.Ok } : commit(backend, r.value.cib, "auto");
  }
  if (input === undefined) return fail(ExitCode.Software, "Call failed: Invalid argument");
  switch (cmd) {
    case "patch":
      return patch(backend, cib, input);
    case "create": {
      const r = createObject(cib, scope, input);
      return r.ok ? commit(backend, r.value, "auto") : editFailure(r.error, input);
    }
    case "modify": {
      const r = modifyObject(cib, scope, input, { allowCreate: has(args, "allow-create") });
      return r.ok ? commit(backend, r.value, "auto") : editFailure(r.error, input);
    }
    case "replace": {
      const r = replaceObject(cib, scope, input);
      return r.ok ? commit(backend, r.value, "auto") : editFailure(r.error, input);
    }
    default: {
      const r = deleteObject(cib, scope, input);
      if (!r.ok) return editFailure(r.error);
      return r.value.deleted === 0 ? { code: ExitCode.Ok } : commit(backend, r.value.cib, "auto");
    }
  }
}

async function run(argv: readonly string[], io: ToolIo): Promise<Outcome> {
  const parsed = parseGlibArgs(argv, SPECS, { style: "getopt" });
  if (!parsed.ok) return fail(ExitCode.Usage, `cibadmin: ${parsed.error}`, USAGE.trimEnd());
  const args = parsed.value;
  if (has(args, "help")) return { code: ExitCode.Ok, stdout: USAGE };
  if (has(args, "version")) return { code: ExitCode.Ok, stdout: "Pacemaker 2.1.5 (pacer 0.1.0)\n" };
  const cmd = command(args);
  if (cmd === undefined) return fail(ExitCode.Usage, USAGE.trimEnd());
  if (cmd === "empty") return { code: ExitCode.Ok, stdout: printXml(emptyCib({ epoch: 1 })) };
  if ((cmd === "erase" || cmd === "delete-all") && !has(args, "force"))
    return fail(ExitCode.Unsafe, DANGEROUS);
  // Pacemaker reads -X/-x/-p only for commands that take an object (a query ignores them).
  const input =
    cmd === "query" || cmd === "erase" || cmd === "bump" ? {} : await readInput(args, io);
  if (input.failure) return input.failure;
  if (cmd === "md5-sum") {
    if (input.xml === undefined)
      return fail(ExitCode.Usage, "Please supply XML to process with -X, -x or -p");
    return { code: ExitCode.Ok, stdout: `${onDiskDigest(input.xml)}\n`, stderr: ["Digest: "] };
  }
  const backend = await openCib(io.env);
  const current = await backend.read();
  if (!current.ok) return connectFailure(current.error);
  if (cmd === "query") return query(current.value, args);
  return change(cmd, args, backend, current.value, input.xml);
}

/**
 * The cibadmin tool.
 * @example await cibadmin(["-Q", "-o", "resources"], io) // prints <resources>...</resources>
 */
export async function cibadmin(argv: readonly string[], io: ToolIo): Promise<number> {
  const out = await run(argv, io);
  if (out.stdout !== undefined) io.stdout(out.stdout);
  for (const line of out.stderr ?? []) io.stderr(line === "Digest: " ? line : `${line}\n`);
  return out.code;
}
