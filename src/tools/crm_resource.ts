/**
 * crm_resource, the offline subset: list and locate resources, move/ban/clear (cli-*
 * location constraints), get/set/delete instance, meta and utilization attributes, a basic
 * --why, and the clean-up dry run Pacemaker does against a CIB file. Output, messages and
 * exit codes are Pacemaker 2.1.5's.
 */

import { childElements, firstChild, getAttr, printXml, type XmlElement } from "../cib/xml.js";
import { commitToolCib, type OpenedCib, readToolCib } from "./_cib-access.js";
import {
  addDuration,
  banId,
  banSpec,
  banWarning,
  clearConstraints,
  formatUntil,
  preferSpec,
  putLocation,
  removeConstraint,
} from "./_cli-constraints.js";
import { constraintsText } from "./_constraints-list.js";
import { has, lastValue, type OptionSpec, type ParsedArgs, parseGlibArgs } from "./_getopt.js";
import { liveCleanup } from "./_live-cleanup.js";
import { deleteNvpair, findNvpair, setNvpair } from "./_nvset.js";
import { operationLines } from "./_operations.js";
import { formatResourceList } from "./_resource-list.js";
import {
  activeNodes,
  agentName,
  allResources,
  configuredNodes,
  findResource,
  insideClone,
  isDisabled,
  isUnmanaged,
  type Placement,
  primitivesOf,
  type Resource,
  rawNames,
  resourceTree,
} from "./_resources.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

const TOOL = "crm_resource";

/** Options that select what crm_resource does; the last one given wins. */
const COMMANDS = [
  "list",
  "list-raw",
  "locate",
  "move",
  "ban",
  "clear",
  "cleanup",
  "refresh",
  "why",
  "set-parameter",
  "get-parameter",
  "delete-parameter",
  "query-xml",
  "query-xml-raw",
  "list-operations",
  "list-all-operations",
  "constraints",
  "stack",
  "help",
  "version",
] as const;
type CommandName = (typeof COMMANDS)[number];

const SPECS: readonly OptionSpec[] = [
  { long: "help", short: "?", value: false },
  { long: "version", short: "$", value: false },
  { long: "verbose", short: "V", value: false },
  { long: "quiet", short: "Q", value: false },
  { long: "list", short: "L", value: false },
  { long: "list-raw", short: "l", value: false },
  { long: "locate", short: "W", value: false },
  { long: "move", short: "M", value: false },
  { long: "ban", short: "B", value: false },
  { long: "clear", short: "U", value: false },
  { long: "cleanup", short: "C", value: false },
  { long: "refresh", short: "R", value: false },
  { long: "why", short: "Y", value: false },
  { long: "set-parameter", short: "p", value: true },
  { long: "get-parameter", short: "g", value: true },
  { long: "delete-parameter", short: "d", value: true },
  { long: "query-xml", short: "q", value: false },
  { long: "query-xml-raw", short: "w", value: false },
  { long: "list-operations", short: "O", value: false },
  { long: "list-all-operations", short: "o", value: false },
  { long: "constraints", short: "a", value: false },
  { long: "stack", short: "A", value: false },
  { long: "resource", short: "r", value: true },
  { long: "node", short: "N", value: true },
  { long: "parameter-value", short: "v", value: true },
  { long: "meta", short: "m", value: false },
  { long: "utilization", short: "z", value: false },
  { long: "set-name", short: "s", value: true },
  { long: "nvpair", short: "i", value: true },
  { long: "lifetime", short: "u", value: true },
  { long: "promoted", value: false },
  { long: "master", value: false },
  { long: "force", short: "f", value: false },
  { long: "timeout", short: "T", value: true },
  { long: "resource-type", short: "t", value: true },
  { long: "output-as", value: true },
];

interface Request {
  readonly args: ParsedArgs;
  readonly io: ToolIo;
  readonly rscId: string | undefined;
  readonly node: string | undefined;
  readonly quiet: boolean;
  readonly force: boolean;
}

function commandOf(args: ParsedArgs): CommandName {
  let cmd: CommandName = "list";
  for (const o of args.options) {
    const c = COMMANDS.find((k) => k === o.long);
    if (c !== undefined) cmd = c;
  }
  return cmd;
}

function usageError(io: ToolIo, text: string): number {
  io.stderr(`${TOOL}: ${text}\n`);
  return ExitCode.Usage;
}

function operationError(io: ToolIo, text: string, code: number, prefixed = true): number {
  io.stderr(`${prefixed ? `${TOOL}: ` : ""}Error performing operation: ${text}\n`);
  return code;
}

function notFound(io: ToolIo, what: "Resource" | "Node", id: string): number {
  io.stderr(`${TOOL}: ${what} '${id}' not found\n`);
  return operationError(io, "No such object", ExitCode.NoSuch, false);
}

/**
 * `crm_resource ARGS`.
 * @example await crmResource(["--locate", "-r", "vip"], io)
 */
export async function crmResource(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = parseGlibArgs(argv, SPECS);
  if (!parsed.ok) return usageError(io, parsed.error);
  const args = parsed.value;
  const cmd = commandOf(args);
  if (cmd === "help") {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  if (cmd === "version") {
    io.stdout("Pacemaker 2.1.5 (pacer)\n");
    return ExitCode.Ok;
  }
  const req: Request = {
    args,
    io,
    rscId: lastValue(args, "resource"),
    node: lastValue(args, "node"),
    quiet: has(args, "quiet"),
    force: has(args, "force"),
  };
  const needsRsc: readonly CommandName[] = [
    "locate",
    "move",
    "ban",
    "clear",
    "set-parameter",
    "get-parameter",
    "delete-parameter",
    "query-xml",
    "query-xml-raw",
    "constraints",
    "stack",
  ];
  if (needsRsc.includes(cmd) && req.rscId === undefined) {
    return usageError(io, "Must supply a resource id with -r");
  }
  if (cmd === "set-parameter" && lastValue(args, "parameter-value") === undefined) {
    return usageError(io, "You need to supply a value with the -v option");
  }
  const opened = await readToolCib(TOOL, io, { operationLine: true });
  if (!opened.ok) return opened.exitCode;
  return dispatch(cmd, req, opened.value);
}

async function dispatch(cmd: CommandName, req: Request, c: OpenedCib): Promise<number> {
  switch (cmd) {
    case "list": {
      const tree = resourceTree(c.cib);
      req.io.stdout(formatResourceList(c.cib, tree));
      // Pacemaker ends an empty list with ENXIO.
      if (tree.length === 0) return operationError(req.io, "No such object", ExitCode.NoSuch);
      return ExitCode.Ok;
    }
    case "list-raw":
      for (const n of rawNames(c.cib, resourceTree(c.cib))) req.io.stdout(`${n}\n`);
      return ExitCode.Ok;
    case "why":
      return why(req, c.cib);
    case "cleanup":
    case "refresh":
      return cleanup(req, c);
    case "list-operations":
    case "list-all-operations":
      return listOperations(req, c.cib);
    default:
      return withResource(cmd, req, c);
  }
}

async function withResource(cmd: CommandName, req: Request, c: OpenedCib): Promise<number> {
  const rscId = req.rscId as string;
  const tree = resourceTree(c.cib);
  const rsc = findResource(tree, rscId);
  // A clone instance number must be one the clone can have (below clone-max).
  const instanceKnown = !/:\d+$/.test(rscId) || rawNames(c.cib, tree).includes(rscId);
  if (rsc === undefined || !instanceKnown) return notFound(req.io, "Resource", rscId);
  switch (cmd) {
    case "locate":
      return locate(req, c.cib, rsc);
    case "move":
      return move(req, c, rsc);
    case "ban":
      return ban(req, c, rsc);
    case "clear":
      return clear(req, c, rsc);
    case "set-parameter":
    case "delete-parameter":
      return changeAttribute(cmd, req, c, rsc);
    case "get-parameter":
      return getAttribute(req, c.cib, rsc);
    case "constraints":
    case "stack":
      req.io.stdout(constraintsText(c.cib, rsc.id, { recursive: cmd === "stack" }));
      return ExitCode.Ok;
    case "query-xml":
    case "query-xml-raw":
      req.io.stdout(`${formatResourceLine(c.cib, rsc)}\nResource XML:\n${printXml(rsc.el)}`);
      return ExitCode.Ok;
    default:
      return ExitCode.Ok;
  }
}

function formatResourceLine(cib: XmlElement, rsc: Resource): string {
  const where = activeNodes(cib, rsc);
  const agent = rsc.kind === "primitive" ? `\t(${agentName(rsc)}):` : ":";
  const state = where.length === 0 ? "Stopped" : `Started ${where.map((p) => p.node).join(" ")}`;
  const flags: string[] = [];
  if (isDisabled(rsc)) flags.push("disabled");
  if (isUnmanaged(rsc)) flags.push("unmanaged");
  return `${rsc.id}${agent}\t ${state}${flags.length > 0 ? ` (${flags.join(", ")})` : ""}`;
}

function locate(req: Request, cib: XmlElement, rsc: Resource): number {
  const where = locations(cib, rsc, req.rscId as string);
  const name = req.rscId as string;
  if (where.length === 0) {
    if (!req.quiet) req.io.stderr(`resource ${name} is NOT running\n`);
    return ExitCode.Ok;
  }
  for (const p of where) {
    const role = p.promoted ? " Promoted" : "";
    req.io.stdout(req.quiet ? `${p.node}\n` : `resource ${name} is running on: ${p.node}${role}\n`);
  }
  return ExitCode.Ok;
}

/** --lifetime: the end date, or a printed error (undefined end when no lifetime given). */
function lifetimeEnd(req: Request): { ok: true; until: string | undefined } | { ok: false } {
  const text = lastValue(req.args, "lifetime");
  if (text === undefined) return { ok: true, until: undefined };
  const end = addDuration(new Date(), text);
  if (end === undefined) {
    req.io.stderr(
      `Invalid duration specified: ${text}\nPlease refer to ` +
        "https://en.wikipedia.org/wiki/ISO_8601#Durations for examples of valid durations\n",
    );
    return { ok: false };
  }
  const until = formatUntil(end);
  if (!req.quiet) req.io.stdout(`Migration will take effect until: ${until}\n`);
  return { ok: true, until };
}

function roleOf(req: Request): string {
  return has(req.args, "promoted") || has(req.args, "master") ? "Promoted" : "Started";
}

function nodeKnown(cib: XmlElement, node: string): boolean {
  return configuredNodes(cib).some((n) => n.uname === node);
}

function notMovable(req: Request, count: number): number {
  const rsc = req.rscId as string;
  req.io.stderr(
    `${TOOL}: Resource '${rsc}' not moved: active in ${count} locations.\n` +
      `To prevent '${rsc}' from running on a specific location, specify a node.\n`,
  );
  return ExitCode.Usage;
}

/**
 * Where Pacemaker says a resource runs. Anonymous clone instances are numbered in status
 * order (`rsc:0` is the first found); a clone, or its child named without a number, lists
 * them newest first (Pacemaker prepends); `forMove` resolves such a child to `rsc:0`.
 */
function locations(cib: XmlElement, rsc: Resource, asked: string, forMove = false): Placement[] {
  const found = activeNodes(cib, rsc);
  const instance = /:(\d+)$/.exec(asked);
  if (instance !== null && insideClone(rsc)) {
    const one = found[Number(instance[1])];
    return one === undefined ? [] : [one];
  }
  if (insideClone(rsc) && forMove) return found.slice(0, 1);
  if (insideClone(rsc) || rsc.kind === "clone" || rsc.kind === "master")
    return [...found].reverse();
  return found;
}

async function move(req: Request, c: OpenedCib, rsc: Resource): Promise<number> {
  const where = locations(c.cib, rsc, req.rscId as string, true);
  if (req.node === undefined) {
    if (where.length !== 1) return notMovable(req, where.length);
    return ban(req, c, rsc);
  }
  if (!nodeKnown(c.cib, req.node)) return notFound(req.io, "Node", req.node);
  const clone = insideClone(rsc) || rsc.kind === "clone" || rsc.kind === "master";
  if (where.length > 1 && !clone && !req.force) {
    return operationError(req.io, "Multiple items match request", ExitCode.Multiple);
  }
  const current = where.length === 1 ? where[0]?.node : undefined;
  if (current === req.node && !req.force) {
    return operationError(req.io, "Requested item already exists", ExitCode.Exists);
  }
  const life = lifetimeEnd(req);
  if (!life.ok) return ExitCode.Usage;
  removeConstraint(c.cib, banId(rsc.id, req.node));
  putLocation(c.cib, preferSpec(rsc.id, req.node, roleOf(req), life.until));
  if (req.force && current !== undefined && current !== req.node) {
    if (!req.quiet) req.io.stdout(banWarning(rsc.id, current));
    putLocation(c.cib, banSpec(rsc.id, current, roleOf(req), life.until));
  }
  return commitToolCib(TOOL, req.io, c);
}

async function ban(req: Request, c: OpenedCib, rsc: Resource): Promise<number> {
  let node = req.node;
  if (node === undefined) {
    const where = activeNodes(c.cib, rsc);
    if (where.length !== 1) return notMovable(req, where.length);
    node = where[0]?.node as string;
  } else if (!nodeKnown(c.cib, node)) {
    return notFound(req.io, "Node", node);
  }
  const life = lifetimeEnd(req);
  if (!life.ok) return ExitCode.Usage;
  if (!req.quiet) req.io.stdout(banWarning(rsc.id, node));
  putLocation(c.cib, banSpec(rsc.id, node, roleOf(req), life.until));
  return commitToolCib(TOOL, req.io, c);
}

async function clear(req: Request, c: OpenedCib, rsc: Resource): Promise<number> {
  const nodes = req.node !== undefined ? [req.node] : configuredNodes(c.cib).map((n) => n.uname);
  const removed = clearConstraints(c.cib, rsc.id, nodes);
  if (removed.length === 0) return ExitCode.Ok;
  if (!req.quiet) for (const id of removed) req.io.stdout(`Removing constraint: ${id}\n`);
  return commitToolCib(TOOL, req.io, c);
}

function attributeSet(req: Request): { tag: string; suffix: string } {
  if (has(req.args, "meta")) return { tag: "meta_attributes", suffix: "meta_attributes" };
  if (has(req.args, "utilization")) return { tag: "utilization", suffix: "utilization" };
  return { tag: "instance_attributes", suffix: "instance_attributes" };
}

/**
 * Meta and utilization attributes of a clone's child belong to the clone: Pacemaker moves
 * the change there (saying so) unless --force is given.
 */
function attributeOwner(
  req: Request,
  rsc: Resource,
  tag: string,
  verb: string,
  name: string,
): Resource {
  const parent = rsc.parent;
  if (tag === "instance_attributes" || req.force || parent === undefined) return rsc;
  if (parent.kind !== "clone" && parent.kind !== "master") return rsc;
  req.io.stdout(
    `Performing ${verb} of '${name}' on '${parent.id}', the parent of '${req.rscId as string}'\n`,
  );
  return parent;
}

async function changeAttribute(
  cmd: "set-parameter" | "delete-parameter",
  req: Request,
  c: OpenedCib,
  target: Resource,
): Promise<number> {
  let rsc = target;
  const { tag, suffix } = attributeSet(req);
  const name = lastValue(req.args, cmd) as string;
  rsc = attributeOwner(req, rsc, tag, cmd === "delete-parameter" ? "delete" : "update", name);
  if (cmd === "delete-parameter") {
    const id = deleteNvpair(rsc.el, tag, name);
    if (id === undefined) return ExitCode.Ok;
    const code = await commitToolCib(TOOL, req.io, c);
    if (code === ExitCode.Ok && !req.quiet) {
      req.io.stdout(`Deleted '${rsc.id}' option: id=${id} name=${name}\n`);
    }
    return code;
  }
  const value = lastValue(req.args, "parameter-value") as string;
  const setId = lastValue(req.args, "set-name") ?? `${rsc.id}-${suffix}`;
  const outcome = setNvpair(rsc.el, tag, name, value, { defaultSetId: setId, root: c.cib });
  const setPart = outcome.kind === "created" ? ` set=${outcome.setId}` : "";
  const code = await commitToolCib(TOOL, req.io, c);
  if (code === ExitCode.Ok) {
    req.io.stdout(
      `Set '${rsc.id}' option: id=${outcome.nvpairId}${setPart} name=${name} value=${value}\n`,
    );
  }
  return code;
}

function getAttribute(req: Request, cib: XmlElement, rsc: Resource): number {
  const { tag } = attributeSet(req);
  const name = lastValue(req.args, "get-parameter") as string;
  let found = findNvpair(rsc.el, tag, name);
  for (let p = rsc.parent; found === undefined && tag === "meta_attributes" && p; p = p.parent) {
    found = findNvpair(p.el, tag, name);
  }
  const value = found?.nvpair.attrs.find(([k]) => k === "value")?.[1];
  const clone = rsc.kind === "clone" || rsc.kind === "master" || insideClone(rsc);
  if (!clone && activeNodes(cib, rsc).length > 1) {
    req.io.stderr(
      `${rsc.id} is active on more than one node, returning the default value for ${name}\n`,
    );
  }
  if (found === undefined || value === undefined) {
    req.io.stderr(`Attribute '${name}' not found for '${req.rscId as string}'\n`);
    return ExitCode.Ok;
  }
  req.io.stdout(`${value}\n`);
  return ExitCode.Ok;
}

function why(req: Request, cib: XmlElement): number {
  const tree = resourceTree(cib);
  let targets: Resource[];
  if (req.rscId !== undefined) {
    const rsc = findResource(tree, req.rscId);
    if (rsc === undefined) return notFound(req.io, "Resource", req.rscId);
    targets = [rsc];
  } else {
    targets = allResources(tree).filter((r) => r.kind === "primitive");
  }
  for (const r of targets) {
    const running = activeNodes(cib, r).length > 0;
    req.io.stdout(`Resource ${r.id} is ${running ? "running" : "not running"}\n`);
    if (isDisabled(r)) req.io.stdout(`Configuration specifies '${r.id}' should remain stopped\n`);
  }
  return ExitCode.Ok;
}

async function cleanup(req: Request, c: OpenedCib): Promise<number> {
  const cib = c.cib;
  if (c.backend.kind === "live" && req.rscId !== undefined) {
    const live = findResource(resourceTree(cib), req.rscId);
    if (live === undefined) return notFound(req.io, "Resource", req.rscId);
    return liveCleanup(req.io, cib, live, req.node);
  }
  const source = req.io.env.CIB_shadow ? "CIB_shadow" : "CIB_file";
  if (req.rscId === undefined) {
    req.io.stdout(`Dry run: skipping clean-up of all nodes due to ${source}\n`);
    return ExitCode.Ok;
  }
  const rsc = findResource(resourceTree(cib), req.rscId);
  if (rsc === undefined) return notFound(req.io, "Resource", req.rscId);
  const nodes = req.node !== undefined ? [req.node] : historyNodes(cib, rsc);
  for (const n of nodes) {
    req.io.stdout(`Dry run: skipping clean-up of ${req.rscId} on ${n} due to ${source}\n`);
  }
  return ExitCode.Ok;
}

/**
 * Nodes with operation history for the resource (where clean-up has something to drop);
 * without any, every node, last first, as Pacemaker walks them.
 */
function historyNodes(cib: XmlElement, rsc: Resource): string[] {
  const ids = new Set(primitivesOf(rsc).map((p) => p.id));
  const out: string[] = [];
  const status = firstChild(cib, "status");
  for (const ns of status === undefined ? [] : childElements(status, "node_state")) {
    const lrm = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    const has = (lrm === undefined ? [] : childElements(lrm, "lrm_resource")).some((lr) => {
      const id = getAttr(lr, "id") ?? "";
      return ids.has(id) || ids.has(id.replace(/:\d+$/, ""));
    });
    if (has) out.push(getAttr(ns, "uname") ?? "");
  }
  return out.length > 0
    ? out
    : configuredNodes(cib)
        .map((n) => n.uname)
        .reverse();
}

function listOperations(req: Request, cib: XmlElement): number {
  const tree = resourceTree(cib);
  let ids: Set<string> | undefined;
  if (req.rscId !== undefined) {
    // Pacemaker lists nothing (and succeeds) for a resource it does not know.
    const wanted = findResource(tree, req.rscId);
    ids = new Set(wanted === undefined ? [] : primitivesOf(wanted).map((p) => p.id));
  }
  for (const p of allResources(tree).filter((r) => r.kind === "primitive")) {
    if (ids !== undefined && !ids.has(p.id)) continue;
    if (req.node !== undefined && !activeNodes(cib, p).some((pl) => pl.node === req.node)) {
      continue;
    }
    for (const line of operationLines(cib, p, req.node)) req.io.stdout(`${line}\n`);
  }
  return ExitCode.Ok;
}

const HELP = `Usage:
  crm_resource [OPTION?]

Perform tasks related to Pacemaker cluster resources

Queries:
  -L, --list                  List all cluster resources with status
  -l, --list-raw              List IDs of all instantiated resources (individual members
                              rather than groups etc.)
  -W, --locate                Show node(s) currently running resource
  -Y, --why                   Show why resources are not running
  -g, --get-parameter=PARAM   Display named parameter for resource (use instance attribute
                              unless --meta or --utilization is specified)

Commands:
  -C, --cleanup               Clean up resource history (dry run against a CIB file)
  -p, --set-parameter=PARAM   Set named parameter for resource
  -d, --delete-parameter=PARAM
                              Delete named parameter for resource
  -M, --move                  Create a constraint to move resource (with --node)
  -B, --ban                   Create a constraint to keep resource off a node
  -U, --clear                 Remove the constraints created by --ban and/or --move

Additional Options:
  -r, --resource=ID           Resource ID
  -N, --node=NAME             Node name
  -v, --parameter-value=VALUE Value to use with -p
  -m, --meta                  Use resource meta-attribute instead of instance attribute
  -z, --utilization           Use resource utilization attribute instead of instance attribute
  -u, --lifetime=TIMESPEC     Lifespan (as ISO 8601 duration) of created constraints
  -f, --force                 Move even if the resource is already where requested
  -Q, --quiet                 Be less descriptive in output
`;
