/**
 * `crm_failcount`: query or delete a resource's fail count on a node, as Pacemaker 2.1.5's
 * crm_failcount does. A fail count lives in the node's transient attributes as
 * `fail-count-RSC#OP_INTERVALms`; the resource's count is the sum over its operations
 * (capped at INFINITY). Output: `scope=status  name=fail-count-RSC value=N` (`-q`: N only).
 * Pacemaker's tool exits 0 even when the CIB cannot be read (it prints an empty value).
 */
import { openCib } from "../cib/open.js";
import { intervalMs } from "../cib/verify.js";
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { type OptionSpec, parseGlibArgs } from "./_getopt.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

const SPECS: readonly OptionSpec[] = [
  { long: "help", value: false },
  { long: "version", value: false },
  { long: "verbose", short: "V", value: false },
  { long: "quiet", short: "q", value: false },
  { long: "query", short: "G", value: false },
  { long: "delete", short: "D", value: false },
  { long: "resource", short: "r", value: true },
  { long: "resource-id", value: true },
  { long: "operation", short: "n", value: true },
  { long: "interval", short: "I", value: true },
  { long: "node", short: "N", value: true },
  { long: "uname", short: "U", value: true },
];

const USAGE = `Usage: crm_failcount <command> [<options>]
Common options:
 --help                 Display this text, then exit
 --version              Display version information, then exit
 -V, --verbose          Specify multiple times to increase debug output
 -q, --quiet            Print only the value (if querying)

Commands:
 -G, --query            Query the current value of the resource's fail count
 -D, --delete           Delete resource's recorded failures

Additional Options:
 -r, --resource=value   Name of the resource to use (required)
 -n, --operation=value  Name of operation to use (instead of all operations)
 -I, --interval=value   If operation is specified, its interval
 -N, --node=value       Use failcount on named node (instead of local node)
`;

/** The INFINITY of scores: fail counts saturate there. */
const SCORE_INFINITY = 1_000_000;

interface Request {
  readonly command: "query" | "delete";
  readonly resource: string;
  readonly node: string;
  readonly operation: string | undefined;
  readonly interval: string;
  readonly quiet: boolean;
}

type Parsed = Request | { readonly usageError: string } | "help";

function parseRequest(argv: readonly string[]): Parsed {
  const parsed = parseGlibArgs(argv, SPECS);
  if (!parsed.ok) return { usageError: parsed.error };
  const v = (long: string): string | undefined =>
    parsed.value.options.filter((o) => o.long === long).at(-1)?.value;
  const has = (long: string): boolean => parsed.value.options.some((o) => o.long === long);
  if (has("help")) return "help";
  const command = parsed.value.options
    .map((o) => o.long)
    .filter((l) => l === "query" || l === "delete")
    .at(-1);
  const resource = v("resource") ?? v("resource-id");
  const node = v("node") ?? v("uname");
  if (command === undefined) return { usageError: "must specify a command" };
  if (resource === undefined || resource === "") return { usageError: "resource name required" };
  // Offline there is no local node to default to (Pacemaker asks the controller for it).
  if (node === undefined || node === "") return { usageError: "node name required" };
  return {
    command: command === "query" ? "query" : "delete",
    resource,
    node,
    operation: v("operation"),
    interval: v("interval") ?? "0",
    quiet: has("quiet"),
  };
}

/** The attribute name asked for: all operations (prefix match) or one operation. */
function attributeName(req: Request): string {
  if (req.operation === undefined) return `fail-count-${req.resource}`;
  const ms = intervalMs(req.interval);
  return `fail-count-${req.resource}#${req.operation}_${Number.isNaN(ms) ? 0 : ms}`;
}

function nodeStateOf(cib: XmlElement, uname: string): XmlElement | "unknown" | undefined {
  const config = firstChild(cib, "configuration");
  const nodes = config === undefined ? undefined : firstChild(config, "nodes");
  const node = (nodes === undefined ? [] : childElements(nodes, "node")).find(
    (n) => getAttr(n, "uname") === uname,
  );
  if (node === undefined) return "unknown";
  const status = firstChild(cib, "status");
  const id = getAttr(node, "id");
  return (status === undefined ? [] : childElements(status, "node_state")).find(
    (s) => getAttr(s, "id") === id,
  );
}

/** Sums the matching fail counts of one node's transient attributes. */
function failCount(
  nodeState: XmlElement | undefined,
  name: string,
  wholeResource: boolean,
): number {
  let sum = 0;
  const attrs = nodeState === undefined ? undefined : firstChild(nodeState, "transient_attributes");
  for (const set of attrs === undefined ? [] : childElements(attrs, "instance_attributes")) {
    for (const nv of childElements(set, "nvpair")) {
      const n = getAttr(nv, "name") ?? "";
      const matches = n === name || (wholeResource && n.startsWith(`${name}#`));
      if (!matches) continue;
      const raw = getAttr(nv, "value") ?? "0";
      sum += /^\+?INFINITY$/i.test(raw) ? SCORE_INFINITY : Number.parseInt(raw, 10) || 0;
    }
  }
  return Math.min(sum, SCORE_INFINITY);
}

function printValue(io: ToolIo, req: Request, name: string, value: string): void {
  io.stdout(req.quiet ? `${value}\n` : `scope=status  name=${name} value=${value}\n`);
}

async function query(req: Request, io: ToolIo): Promise<number> {
  const name = attributeName(req);
  const backend = await openCib(io.env);
  const r = await backend.read();
  if (!r.ok) {
    io.stderr("error: could not query CIB for fail counts\n");
    printValue(io, req, name, "");
    return ExitCode.Ok;
  }
  const state = nodeStateOf(r.value, req.node);
  if (state === "unknown") {
    io.stderr(`crm_attribute: Could not map name=${req.node} to a UUID\n`);
    printValue(io, req, name, "");
    return ExitCode.Ok;
  }
  const n = failCount(state, name, req.operation === undefined);
  printValue(io, req, name, n >= SCORE_INFINITY ? "INFINITY" : String(n));
  return ExitCode.Ok;
}

/** Deleting failures is a resource clean-up on that node (what Pacemaker's tool runs too). */
async function remove(req: Request, io: ToolIo): Promise<number> {
  const { crmResource } = await import("./crm_resource.js");
  const argv = ["--cleanup", "-r", req.resource, "-N", req.node];
  return crmResource(argv, io);
}

/** @example await crmFailcount(["-r", "httpd", "-N", "node1", "-G"], io) */
export async function crmFailcount(argv: readonly string[], io: ToolIo): Promise<number> {
  const req = parseRequest(argv);
  if (req === "help") {
    io.stdout(`crm_failcount - Query or delete resource fail counts\n\n${USAGE}`);
    return ExitCode.Ok;
  }
  if ("usageError" in req) {
    io.stderr(`error: ${req.usageError}\n\n${USAGE}`);
    return ExitCode.Usage;
  }
  return req.command === "query" ? query(req, io) : remove(req, io);
}
