/**
 * crm_simulate: run the scheduler on a CIB (a file, stdin or the live cluster), print the
 * cluster status, the transition summary, the simulated execution and the revised status,
 * as Pacemaker 2.1.5's crm_simulate does. `--explain RSC` says why RSC is placed as it is.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { openCib } from "../cib/open.js";
import { checkSchema, formatVerifyMessage, type VerifySource } from "../cib/verify.js";
import { parseXml, printXml, type XmlElement } from "../cib/xml.js";
import { cycleWarning, mandatoryColocationCycles } from "../scheduler/colocation-cycles.js";
import { actionLine, applyTransition, executionOrder, unexecuted } from "../scheduler/execute.js";
import { explainResource } from "../scheduler/explain.js";
import { graphDot, graphXml } from "../scheduler/graph.js";
import { type Injection, injectChanges } from "../scheduler/inject.js";
import type { WorkingSet } from "../scheduler/model.js";
import { schedule, type Transition } from "../scheduler/schedule.js";
import { scoreLines } from "../scheduler/score-report.js";
import { renderNodeList, renderResources } from "../scheduler/status-text.js";
import { summaryLines } from "../scheduler/summary.js";
import { unpack } from "../scheduler/unpack.js";
import { monModel, primitives } from "./_crm_mon-model.js";
import { type OptionSpec, parseGlibArgs } from "./_getopt.js";
import { ExitCode, type ToolIo, UserError } from "./tool-io.js";

const SPECS: readonly OptionSpec[] = [
  { long: "xml-file", short: "x", value: true },
  { long: "xml-pipe", short: "p", value: false },
  { long: "live-check", short: "L", value: false },
  { long: "run", short: "R", value: false },
  { long: "simulate", short: "S", value: false },
  { long: "show-scores", short: "s", value: false },
  { long: "show-utilization", short: "U", value: false },
  { long: "quiet", short: "Q", value: false },
  { long: "save-graph", short: "G", value: true },
  { long: "save-output", short: "O", value: true },
  { long: "save-dotfile", short: "D", value: true },
  { long: "set-datetime", short: "t", value: true },
  { long: "node-up", short: "u", value: true },
  { long: "node-down", short: "d", value: true },
  { long: "node-fail", short: "f", value: true },
  { long: "op-inject", short: "i", value: true },
  { long: "explain", value: true },
  { long: "verbose", short: "V", value: false },
  { long: "help", short: "h", value: false },
];

interface Flags {
  xmlFile?: string;
  pipe: boolean;
  live: boolean;
  run: boolean;
  simulate: boolean;
  scores: boolean;
  quiet: boolean;
  graph?: string;
  output?: string;
  dot?: string;
  datetime?: string;
  explain?: string;
  injections: Injection[];
  /** Number of -V flags: warnings show at 2, as in Pacemaker's tools. */
  verbosity: number;
}

const HELP = `Usage:
  crm_simulate [OPTION?]

Tool for simulating the cluster's response to events

Options:
  -x, --xml-file=FILE      Retrieve XML from the named file
  -p, --xml-pipe           Retrieve XML from stdin
  -L, --live-check         Connect to CIB manager and use the current CIB contents as input
  -R, --run                Process the supplied input and show what actions the cluster will take in response
  -S, --simulate           Simulate transition's execution and display resulting cluster status
  -s, --show-scores        Show allocation scores
  -Q, --quiet              Display only essential output
  -G, --save-graph=FILE    Save the transition graph (XML format) to the named file
  -O, --save-output=FILE   Save the input after simulated changes to the named file
  -D, --save-dotfile=FILE  Save the transition graph (DOT format) to the named file
  -t, --set-datetime=TIME  Set date/time (ISO 8601 format)
  -u, --node-up=NODE       Simulate bringing a node online
  -d, --node-down=NODE     Simulate taking a node offline
  -f, --node-fail=NODE     Simulate a node failing
  -i, --op-inject=OP       Inject an operation: \${resource}_\${task}_\${interval_in_ms}@\${node_name}=\${rc}
      --explain=RSC        Explain in plain words why RSC is placed where it is (pacer extension)
`;

function parseFlags(argv: readonly string[]): Flags | "help" {
  const parsed = parseGlibArgs(argv, SPECS);
  if (!parsed.ok) throw new UserError(parsed.error, ExitCode.Usage);
  const f: Flags = {
    pipe: false,
    live: false,
    run: false,
    simulate: false,
    scores: false,
    quiet: false,
    injections: [],
    verbosity: 0,
  };
  for (const o of parsed.value.options) {
    const v = o.value ?? "";
    switch (o.long) {
      case "help":
        return "help";
      case "xml-file":
        f.xmlFile = v;
        break;
      case "xml-pipe":
        f.pipe = true;
        break;
      case "live-check":
        f.live = true;
        break;
      case "run":
        f.run = true;
        break;
      case "simulate":
        f.simulate = true;
        f.run = true;
        break;
      case "show-scores":
        f.scores = true;
        break;
      case "quiet":
        f.quiet = true;
        break;
      case "save-graph":
        f.graph = v;
        f.run = true;
        break;
      case "save-output":
        f.output = v;
        break;
      case "save-dotfile":
        f.dot = v;
        f.run = true;
        break;
      case "set-datetime":
        f.datetime = v;
        break;
      case "node-up":
        f.injections.push({ kind: "node-up", node: v });
        break;
      case "node-down":
        f.injections.push({ kind: "node-down", node: v });
        break;
      case "node-fail":
        f.injections.push({ kind: "node-fail", node: v });
        break;
      case "op-inject":
        f.injections.push({ kind: "op", spec: v });
        break;
      case "explain":
        f.explain = v;
        break;
      case "verbose":
        f.verbosity++;
        break;
      default:
        break;
    }
  }
  return f;
}

interface LoadedCib {
  readonly cib: XmlElement;
  readonly source: VerifySource;
  /** The text read (file and pipe input), parsed again for line numbers of schema errors. */
  readonly text?: string;
}

async function loadCib(f: Flags, io: ToolIo): Promise<LoadedCib> {
  if (f.xmlFile !== undefined) {
    const path = resolve(io.cwd, f.xmlFile);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch {
      throw new UserError(
        `Could not read input file ${f.xmlFile}; check the path`,
        ExitCode.NoInput,
      );
    }
    return { cib: parseOrFail(text, f.xmlFile), source: { kind: "file", path: f.xmlFile }, text };
  }
  if (f.pipe) {
    const text = await io.readStdin();
    return { cib: parseOrFail(text, "<stdin>"), source: { kind: "pipe" }, text };
  }
  // The live CIB: the same seam every tool uses (CIB_file/CIB_shadow/daemon socket).
  const backend = await openCib(io.env);
  const r = await backend.read();
  // Pacemaker 2.1.5 reports an unreachable cluster as a missing input (exit 66).
  if (!r.ok && r.error.kind === "not-connected") {
    throw new UserError("CIB query failed: Input file not available", ExitCode.NoInput);
  }
  if (!r.ok) {
    const detail = "detail" in r.error ? r.error.detail : r.error.kind;
    throw new UserError(`Could not connect to the CIB: ${detail}`, ExitCode.Disconnect);
  }
  return { cib: r.value, source: { kind: "live" } };
}

/** Mandatory colocation cycles, named (pacer's warning; Pacemaker only logs at info). */
function cycleWarnings(ws: WorkingSet): string[] {
  return mandatoryColocationCycles(ws).map(
    (c) => `(colocation_cycle) \twarning: ${cycleWarning(c)}`,
  );
}

/**
 * Like Pacemaker's crm_simulate, refuse a CIB that does not pass schema validation: the
 * same findings crm_verify prints (element, id, what is wrong), on stderr, exit 78.
 */
function schemaErrors(loaded: LoadedCib): string[] {
  let findings = checkSchema(loaded.cib);
  // Line numbers cost a slower parse: only for a CIB that is refused.
  if (findings.length > 0 && loaded.text !== undefined) {
    const lines = new WeakMap<XmlElement, number>();
    const again = parseXml(loaded.text, "cib", { lines });
    if (again.ok) findings = checkSchema(again.value, { lines });
  }
  return findings.map((m) => formatVerifyMessage(m, loaded.source));
}

function parseOrFail(text: string, file: string): XmlElement {
  // Lazy: this tree stays in this thread, and most of a large status is never read.
  const r = parseXml(text, file, { lazy: true });
  if (!r.ok) {
    const detail = r.error.detail.replace(/^\d+:\d+:\s*/, "");
    throw new UserError(`${file}:${r.error.line}:${r.error.col}: ${detail}`, ExitCode.DataErr);
  }
  if (r.value.name !== "cib") {
    throw new UserError(
      `${file}: root element is <${r.value.name}>, expected <cib>`,
      ExitCode.DataErr,
    );
  }
  return r.value;
}

/** "now" in seconds: --set-datetime, else the CIB's execution-date, else the clock. */
function nowFor(f: Flags, cib: XmlElement): { now: number; original: boolean } {
  if (f.datetime !== undefined) {
    const ms = Date.parse(f.datetime);
    if (Number.isNaN(ms))
      throw new UserError(`Invalid date/time '${f.datetime}'; use ISO 8601`, ExitCode.Usage);
    return { now: Math.floor(ms / 1000), original: false };
  }
  const exec = cib.attrs.find(([k]) => k === "execution-date")?.[1];
  if (exec !== undefined && /^\d+$/.test(exec)) return { now: Number(exec), original: true };
  return { now: Math.floor(Date.now() / 1000), original: false };
}

function formatDate(sec: number): string {
  return `${new Date(sec * 1000).toISOString().replace("T", " ").slice(0, 19)}Z`;
}

function statusBlock(cib: XmlElement, now: number): string[] {
  const ws = unpack(cib, { now });
  const out = ["  * Node List:"];
  for (const l of renderNodeList(ws)) out.push(`    ${l}`);
  out.push("", "  * Full List of Resources:");
  const res = renderResources(ws);
  if (res.length === 0) out.push("    * No resources");
  for (const l of res) out.push(`    ${l}`);
  return out;
}

/**
 * The status as crm_simulate 2.1.5 prints it with --show-scores (its quiet text form): node
 * groups without their label (`[ node1 node2 ]`), one line per other node, then every
 * primitive (or clone summary) on its own line, without group or clone headers and bullets.
 */
function quietStatusBlock(cib: XmlElement, now: number): string[] {
  const ws = unpack(cib, { now });
  const m = monModel(cib, ws);
  const blocked = primitives(ws.resources).filter(
    (p) => !p.orphan && [...p.history.values()].some((h) => h.blocked),
  ).length;
  const counts =
    m.disabled > 0 || blocked > 0
      ? [
          `${m.disabled} of ${m.instances} resource instances DISABLED and ${blocked} BLOCKED from further action due to failure`,
          "",
        ]
      : [];
  const unbullet = (l: string): string => l.trim().replace(/^\* /, "");
  const nodes = renderNodeList(ws).map((l) => unbullet(l).replace(/^[A-Za-z]+: (\[ .* \])$/, "$1"));
  const res = renderResources(ws)
    .map(unbullet)
    .filter((l) => !l.endsWith(":"));
  return [...counts, ...nodes, "", ...(res.length === 0 ? ["No resources"] : res)];
}

/** `crm_simulate -s` without -S/-R: quiet status, scores, then the bare summary lines. */
function showScores(
  cib: XmlElement,
  now: number,
  t: ReturnType<typeof schedule>,
  dateLine: readonly string[],
): string[] {
  const summary = summaryLines(t).map((l) => l.trim().replace(/^\* /, ""));
  return [...dateLine, ...quietStatusBlock(cib, now), "", ...scoreLines(t), "", ...summary];
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** -G, -D and -O files of a run. Returns whether some required action could never run. */
async function saveFiles(f: Flags, cib: XmlElement, t: Transition, io: ToolIo): Promise<boolean> {
  if (f.graph !== undefined) await writeAtomic(resolve(io.cwd, f.graph), graphXml(t, cib));
  if (f.dot !== undefined) await writeAtomic(resolve(io.cwd, f.dot), graphDot(t));
  if (!f.simulate && f.output === undefined) return false;
  const executed = executionOrder(t);
  if (f.output !== undefined)
    await writeAtomic(resolve(io.cwd, f.output), printXml(applyTransition(cib, t, executed)));
  return f.simulate && unexecuted(t, executed).length > 0;
}

/**
 * -Q as Pacemaker 2.1.5 prints it: no status, summary or execution; only the scores (-s),
 * a blank line where the modifications' list would end (with -S or -s), and one after the
 * scores with -S.
 */
async function quietRun(f: Flags, input: XmlElement, now: number, io: ToolIo): Promise<number> {
  const out: string[] = [];
  let cib = input;
  if (f.injections.length > 0) {
    cib = injectChanges(cib, f.injections).cib;
    if (f.simulate || f.scores) out.push("");
  }
  const t = schedule(cib, { now });
  if (f.verbosity >= 2) for (const w of cycleWarnings(t.ws)) io.stderr(`${w}\n`);
  if (f.scores) {
    out.push(...scoreLines(t));
    if (f.simulate) out.push("");
  }
  const invalid = await saveFiles(f, cib, t, io);
  if (out.length > 0) io.stdout(`${out.join("\n")}\n`);
  if (invalid) {
    io.stderr("Transition failed: terminated\nAn invalid transition was produced\n");
    return ExitCode.Error;
  }
  return ExitCode.Ok;
}

export async function crmSimulate(argv: readonly string[], io: ToolIo): Promise<number> {
  const f = parseFlags(argv);
  if (f === "help") {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  const loaded = await loadCib(f, io);
  const refused = schemaErrors(loaded);
  if (refused.length > 0) {
    io.stderr(`${refused.join("\n")}\n`);
    return ExitCode.Config;
  }
  let cib = loaded.cib;
  const { now, original } = nowFor(f, cib);
  const dateLine = original ? [`Using the original execution date of: ${formatDate(now)}`] : [];
  const onlyScores = f.scores && !f.quiet && !f.run && f.explain === undefined;
  if (onlyScores && f.injections.length === 0 && f.output === undefined) {
    io.stdout(`${showScores(cib, now, schedule(cib, { now }), dateLine).join("\n")}\n`);
    return ExitCode.Ok;
  }
  if (f.quiet && f.explain === undefined) return quietRun(f, cib, now, io);
  const out: string[] = [];
  if (!f.quiet && f.explain === undefined) {
    out.push(...dateLine, "Current cluster status:", ...statusBlock(cib, now), "");
  }
  if (f.injections.length > 0) {
    const r = injectChanges(cib, f.injections);
    cib = r.cib;
    if (!f.quiet)
      out.push("Performing requested modifications", ...r.lines.map((l) => `  * ${l}`), "");
  }
  const t = schedule(cib, { now });
  if (f.verbosity >= 2) for (const w of cycleWarnings(t.ws)) io.stderr(`${w}\n`);
  if (f.scores) out.push(...scoreLines(t), "");
  if (f.explain !== undefined) {
    out.push(...explainResource(t, f.explain));
    io.stdout(`${out.join("\n")}\n`);
    return ExitCode.Ok;
  }
  if (f.run || f.simulate || f.scores) {
    if (!f.quiet || f.run)
      out.push("Transition Summary:", ...summaryLines(t).map((l) => `  ${l}`), "");
  }
  if (f.graph !== undefined) await writeAtomic(resolve(io.cwd, f.graph), graphXml(t, cib));
  if (f.dot !== undefined) await writeAtomic(resolve(io.cwd, f.dot), graphDot(t));
  let revised = cib;
  let invalid = false;
  if (f.simulate || f.output !== undefined) {
    const executed = executionOrder(t);
    revised = applyTransition(cib, t, executed);
    invalid = f.simulate && unexecuted(t, executed).length > 0;
    if (f.simulate) {
      out.push("Executing Cluster Transition:", ...executed.map((a) => `  ${actionLine(a)}`), "");
      if (!f.quiet) out.push(...dateLine, "Revised Cluster Status:", ...statusBlock(revised, now));
    }
  }
  if (f.output !== undefined) await writeAtomic(resolve(io.cwd, f.output), printXml(revised));
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  if (out.length > 0) io.stdout(`${out.join("\n")}\n`);
  // Some actions could never run (a cycle of mandatory orderings): crm_simulate says so on
  // stderr and fails.
  if (invalid) {
    io.stderr("Transition failed: terminated\nAn invalid transition was produced\n");
    return ExitCode.Error;
  }
  return ExitCode.Ok;
}
