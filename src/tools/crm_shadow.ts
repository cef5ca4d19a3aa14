/**
 * crm_shadow: shadow copies of the CIB (`shadow.NAME` in CIB_shadow_dir) for offline
 * changes. Messages, prompts and exit codes are Pacemaker 2.1.5's. The last command given
 * wins, as in Pacemaker. One deliberate difference: `--commit` against CIB_file writes the
 * file (Pacemaker 2.1.5 reports success and writes nothing).
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { diffCib } from "../cib/diff.js";
import { VALIDATE_WITH } from "../cib/document.js";
import { openCib, withoutShadow } from "../cib/open.js";
import {
  commitShadow,
  createShadow,
  deleteShadow,
  describeShadowError,
  readShadow,
  resetShadow,
  type ShadowError,
  shadowPath,
} from "../cib/shadow.js";
import { has, lastValue, type OptionSpec, type ParsedArgs, parseGlibArgs } from "./_getopt.js";
import { formatPatchset } from "./_patchset-text.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

const TOOL = "crm_shadow";

const COMMANDS = [
  "which",
  "display",
  "edit",
  "diff",
  "file",
  "create",
  "create-empty",
  "commit",
  "delete",
  "reset",
  "switch",
  "help",
  "version",
] as const;
type CommandName = (typeof COMMANDS)[number];

const SPECS: readonly OptionSpec[] = [
  { long: "help", short: "?", value: false },
  { long: "version", short: "$", value: false },
  { long: "verbose", short: "V", value: false },
  { long: "which", short: "w", value: false },
  { long: "display", short: "p", value: false },
  { long: "edit", short: "E", value: false },
  { long: "diff", short: "d", value: false },
  { long: "file", short: "F", value: false },
  { long: "create", short: "c", value: true },
  { long: "create-empty", short: "e", value: true },
  { long: "commit", short: "C", value: true },
  { long: "delete", short: "D", value: true },
  { long: "reset", short: "r", value: true },
  { long: "switch", short: "s", value: true },
  { long: "force", short: "f", value: false },
  { long: "batch", short: "b", value: false },
  { long: "all", short: "a", value: false },
  { long: "validate-with", short: "v", value: true },
];

const DANGEROUS =
  "The supplied command is considered dangerous.  To prevent accidental destruction of the " +
  "cluster, the --force flag is required in order to proceed.\n";
const NO_ACTIVE = "No active shadow configuration defined\n";

function lastCommand(args: ParsedArgs): { cmd: CommandName; name: string } | undefined {
  let found: { cmd: CommandName; name: string } | undefined;
  for (const o of args.options) {
    const c = COMMANDS.find((k) => k === o.long);
    if (c !== undefined) found = { cmd: c, name: o.value ?? "" };
  }
  return found;
}

function shadowFailure(io: ToolIo, e: ShadowError): number {
  io.stderr(`${describeShadowError(e)}\n`);
  switch (e.kind) {
    case "no-such-shadow":
    case "not-found":
      return ExitCode.NoSuch;
    case "not-connected":
      return ExitCode.Disconnect;
    case "bad-shadow-name":
      return ExitCode.Usage;
    default:
      return ExitCode.Error;
  }
}

interface Request {
  readonly io: ToolIo;
  readonly args: ParsedArgs;
  readonly name: string;
  readonly force: boolean;
}

/**
 * `crm_shadow ARGS`.
 * @example await crmShadow(["--batch", "--create", "test"], io)
 */
export async function crmShadow(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = parseGlibArgs(argv, SPECS, { style: "getopt" });
  if (!parsed.ok) {
    io.stderr(`${TOOL}: ${parsed.error}\n${USAGE}`);
    return ExitCode.Usage;
  }
  const args = parsed.value;
  const chosen = lastCommand(args);
  if (chosen === undefined) {
    io.stderr(USAGE);
    return ExitCode.Usage;
  }
  const req: Request = { io, args, name: chosen.name, force: has(args, "force") };
  switch (chosen.cmd) {
    case "help":
      io.stdout(USAGE);
      return ExitCode.Ok;
    case "version":
      io.stdout("Pacemaker 2.1.5 (pacer)\n");
      return ExitCode.Ok;
    case "which":
    case "display":
    case "edit":
    case "diff":
    case "file":
      return query(chosen.cmd, req);
    case "create":
    case "create-empty":
      return create(req, chosen.cmd === "create-empty");
    case "reset":
      return reset(req);
    case "delete":
      return remove(req);
    case "commit":
      return commit(req);
    case "switch":
      return switchTo(req);
  }
}

async function query(
  cmd: "which" | "display" | "edit" | "diff" | "file",
  req: Request,
): Promise<number> {
  const { io } = req;
  const active = io.env.CIB_shadow;
  if (active === undefined || active === "") {
    io.stderr(NO_ACTIVE);
    return ExitCode.NoSuch;
  }
  if (cmd === "which") {
    io.stdout(`${active}\n`);
    return ExitCode.Ok;
  }
  if (cmd === "file") {
    io.stdout(`${shadowPath(active, io.env)}\n`);
    return ExitCode.Ok;
  }
  if (cmd === "display") {
    try {
      io.stdout(await fs.readFile(shadowPath(active, io.env), "utf8"));
      return ExitCode.Ok;
    } catch {
      return shadowFailure(io, { kind: "no-such-shadow", name: active, path: "" });
    }
  }
  if (cmd === "edit") return edit(req, active);
  return diff(req, active);
}

/** Runs $EDITOR on the shadow file (a terminal is needed to use it). */
async function edit(req: Request, active: string): Promise<number> {
  const path = shadowPath(active, req.io.env);
  const shadow = await readShadow(active, { env: req.io.env });
  if (!shadow.ok) return shadowFailure(req.io, shadow.error);
  const editor = req.io.env.EDITOR;
  if (editor === undefined || editor === "") {
    req.io.stderr("No value for EDITOR defined\n");
    return ExitCode.NotConfigured;
  }
  const child = spawn(editor, [path], { stdio: "inherit", env: { ...req.io.env } });
  return new Promise((resolve) => {
    child.on("error", (e) => {
      req.io.stderr(`Could not invoke $EDITOR (${editor} ${path}): ${e.message}\n`);
      resolve(ExitCode.Error);
    });
    child.on("exit", (code) => resolve(code === 0 ? ExitCode.Ok : ExitCode.Error));
  });
}

async function diff(req: Request, active: string): Promise<number> {
  const shadow = await readShadow(active, { env: req.io.env });
  if (!shadow.ok) return shadowFailure(req.io, shadow.error);
  const live = await (await openCib(withoutShadow(req.io.env))).read();
  if (!live.ok) return shadowFailure(req.io, live.error);
  const text = formatPatchset(diffCib(live.value, shadow.value));
  req.io.stdout(text);
  return text === "" ? ExitCode.Ok : ExitCode.Error;
}

function setupLines(name: string): string {
  return (
    "Setting up shadow instance\n" +
    "A new shadow instance was created.  To begin using it paste the following into your shell:\n" +
    `  CIB_shadow=${name} ; export CIB_shadow\n`
  );
}

async function create(req: Request, empty: boolean): Promise<number> {
  const { io, name } = req;
  const validateWith = lastValue(req.args, "validate-with");
  const r = await createShadow(name, {
    env: io.env,
    empty,
    force: req.force,
    ...(validateWith !== undefined ? { validateWith } : {}),
  });
  if (!r.ok) {
    if (r.error.kind === "shadow-exists") {
      io.stderr(
        `A shadow instance '${name}' already exists.\n` +
          "  To prevent accidental destruction of the cluster, the --force flag is required in " +
          "order to proceed.\n",
      );
      return ExitCode.CantCreate;
    }
    return shadowFailure(io, r.error);
  }
  if (empty) io.stdout(`Created new ${validateWith ?? VALIDATE_WITH} configuration\n`);
  io.stdout(setupLines(name));
  return enterShell(req);
}

async function reset(req: Request): Promise<number> {
  const r = await resetShadow(req.name, { env: req.io.env });
  if (!r.ok) return shadowFailure(req.io, r.error);
  req.io.stdout(setupLines(req.name));
  return enterShell(req);
}

const UNSET_NOTE =
  "Please remember to unset the CIB_shadow variable by pasting the following into your shell:\n" +
  "  unset CIB_shadow\n";

async function remove(req: Request): Promise<number> {
  if (!req.force) {
    req.io.stderr(DANGEROUS);
    return ExitCode.Usage;
  }
  const r = await deleteShadow(req.name, { env: req.io.env });
  // Pacemaker treats deleting a shadow that is not there as done.
  if (!r.ok && r.error.kind !== "no-such-shadow") return shadowFailure(req.io, r.error);
  req.io.stdout(UNSET_NOTE);
  return ExitCode.Ok;
}

async function commit(req: Request): Promise<number> {
  if (!req.force) {
    req.io.stderr(DANGEROUS);
    return ExitCode.Usage;
  }
  const r = await commitShadow(req.name, { env: req.io.env, all: has(req.args, "all") });
  if (!r.ok) return shadowFailure(req.io, r.error);
  req.io.stdout(UNSET_NOTE);
  return ExitCode.Ok;
}

async function switchTo(req: Request): Promise<number> {
  const r = await readShadow(req.name, { env: req.io.env });
  if (!r.ok) return shadowFailure(req.io, r.error);
  req.io.stdout(
    "Setting up shadow instance\n" +
      "To switch to the named shadow instance, paste the following into your shell:\n" +
      `  CIB_shadow=${req.name} ; export CIB_shadow\n`,
  );
  return ExitCode.Ok;
}

/**
 * Without --batch on a terminal, crm_shadow starts a shell with CIB_shadow set; elsewhere
 * (scripts, pipes) there is nobody to type into it, so it returns as with --batch.
 */
async function enterShell(req: Request): Promise<number> {
  if (has(req.args, "batch") || !req.io.stdinIsTTY) return ExitCode.Ok;
  const shell = req.io.env.SHELL ?? "/bin/sh";
  const child = spawn(shell, [], {
    stdio: "inherit",
    env: { ...req.io.env, CIB_shadow: req.name },
  });
  return new Promise((resolve) => {
    child.on("error", () => resolve(ExitCode.Ok));
    child.on("exit", (code) => resolve(code ?? ExitCode.Ok));
  });
}

const USAGE = `crm_shadow - perform Pacemaker configuration changes in a sandbox

This command sets up an environment in which configuration tools (cibadmin,
crm_resource, etc.) work offline instead of against a live cluster, allowing
changes to be previewed and tested for side-effects.

Usage: crm_shadow <query>|<command> [options]
Options:
 -?, --help\t\t\tThis text
 -$, --version\t\t\tVersion information
 -V, --verbose\t\t\tIncrease debug output

Queries:
 -w, --which\t\t\tIndicate the active shadow copy
 -p, --display\t\t\tDisplay the contents of the active shadow copy
 -E, --edit\t\t\tEdit the contents of the active shadow copy with your favorite $EDITOR
 -d, --diff\t\t\tDisplay the changes in the active shadow copy

 -F, --file\t\t\tDisplay the location of the active shadow copy file


Commands:
 -c, --create=value\t\tCreate the named shadow copy of the active cluster configuration
 -e, --create-empty=value\tCreate the named shadow copy with an empty cluster configuration. Optional: --validate-with
 -C, --commit=value\t\tUpload the contents of the named shadow copy to the cluster
 -D, --delete=value\t\tDelete the contents of the named shadow copy
 -r, --reset=value\t\tRecreate named shadow copy from the active cluster configuration
 -s, --switch=value\t\t(Advanced) Switch to the named shadow copy

Additional Options:
 -f, --force\t\t\t(Advanced) Force the action to be performed
 -b, --batch\t\t\t(Advanced) Don't spawn a new shell
 -a, --all\t\t\t(Advanced) Upload entire CIB, including status, with --commit
 -v, --validate-with=value\t(Advanced) Create an older configuration version

Examples:

Create a blank shadow configuration:

\t# crm_shadow --create-empty myShadow

Create a shadow configuration from the running cluster:

\t# crm_shadow --create myShadow

Display the current shadow configuration:

\t# crm_shadow --display

Discard the current shadow configuration (named myShadow):

\t# crm_shadow --delete myShadow --force

Upload current shadow configuration (named myShadow) to running cluster:

\t# crm_shadow --commit myShadow


Report bugs to users@clusterlabs.org
`;
