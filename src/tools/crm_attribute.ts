/**
 * crm_attribute, offline: query, update and delete cluster options (crm_config), node
 * attributes (nodes, or status with `--lifetime reboot`), node utilization, and
 * rsc_defaults/op_defaults, with Pacemaker 2.1.5's set and nvpair ids and messages.
 */
import { hostname } from "node:os";
import { apiRequest } from "../cib/live-backend.js";
import { childElements, elem, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { commitToolCib, type OpenedCib, readToolCib } from "./_cib-access.js";
import { has, lastValue, type OptionSpec, type ParsedArgs, parseGlibArgs } from "./_getopt.js";
import { idsIn, uniqueId } from "./_nvset.js";
import { ExitCode, type ToolIo } from "./tool-io.js";

const TOOL = "crm_attribute";

const SPECS: readonly OptionSpec[] = [
  { long: "help", short: "?", value: false },
  { long: "version", short: "$", value: false },
  { long: "verbose", short: "V", value: false },
  { long: "quiet", short: "q", value: false },
  { long: "name", short: "n", value: true },
  { long: "update", short: "v", value: true },
  { long: "query", short: "G", value: false },
  { long: "delete", short: "D", value: false },
  { long: "node", short: "N", value: true },
  { long: "type", short: "t", value: true },
  { long: "scope", value: true },
  { long: "lifetime", short: "l", value: true },
  { long: "utilization", short: "z", value: false },
  { long: "set-name", short: "s", value: true },
  { long: "id", short: "i", value: true },
  { long: "default", short: "d", value: true },
  { long: "output-as", value: true },
  { long: "promotion", short: "p", value: false },
];

type Scope = "crm_config" | "nodes" | "status" | "rsc_defaults" | "op_defaults";
const SCOPES: readonly string[] = ["crm_config", "nodes", "status", "rsc_defaults", "op_defaults"];

type Action = "query" | "update" | "delete";

function actionOf(args: ParsedArgs): Action {
  let action: Action = "query";
  for (const o of args.options) {
    if (o.long === "query") action = "query";
    if (o.long === "update") action = "update";
    if (o.long === "delete") action = "delete";
  }
  return action;
}

/** The section crm_attribute works on when --type is not given. */
function scopeOf(args: ParsedArgs): string {
  const typed = lastValue(args, "type") ?? lastValue(args, "scope");
  if (typed !== undefined) return typed;
  const lifetime = lastValue(args, "lifetime");
  if (lifetime !== undefined) return lifetime === "reboot" ? "status" : "nodes";
  if (lastValue(args, "node") !== undefined || has(args, "utilization")) return "nodes";
  return "crm_config";
}

/** Node name -> node id, from the configuration's nodes, else the status section. */
export function nodeUuid(cib: XmlElement, name: string): string | undefined {
  const config = firstChild(cib, "configuration");
  const nodes = config === undefined ? undefined : firstChild(config, "nodes");
  for (const n of nodes === undefined ? [] : childElements(nodes, "node")) {
    if (getAttr(n, "uname") === name) return getAttr(n, "id");
  }
  const status = firstChild(cib, "status");
  for (const ns of status === undefined ? [] : childElements(status, "node_state")) {
    if (getAttr(ns, "uname") === name) return getAttr(ns, "id");
  }
  return undefined;
}

/** Where the attribute lives: the sets to search, and how to create the default set. */
interface Target {
  readonly scope: Scope;
  /** Existing sets searched for the attribute, in order. */
  readonly sets: readonly XmlElement[];
  readonly setId: string;
  /** Finds or creates the set a new attribute goes into. */
  createSet(): XmlElement;
}

function childOrNew(parent: XmlElement, tag: string, id?: string): XmlElement {
  const found = childElements(parent, tag).find((c) => id === undefined || getAttr(c, "id") === id);
  if (found !== undefined) return found;
  const made = elem(tag, id === undefined ? {} : { id });
  parent.children.push(made);
  return made;
}

function configSection(cib: XmlElement, name: string): XmlElement {
  return childOrNew(childOrNew(cib, "configuration"), name);
}

interface TargetOptions {
  readonly utilization: boolean;
  /** `--set-name`: the set a new attribute goes into instead of the default one. */
  readonly setName: string | undefined;
}

function setTarget(
  scope: Scope,
  owners: readonly XmlElement[],
  tag: string,
  defaultId: string,
  home: () => XmlElement,
  setName: string | undefined,
): Target {
  const setId = setName ?? defaultId;
  return {
    scope,
    sets: owners.flatMap((o) => childElements(o, tag)),
    setId,
    createSet: () => childOrNew(home(), tag, setId),
  };
}

function statusOwner(cib: XmlElement, uuid: string, uname: string): XmlElement {
  const status = childOrNew(cib, "status");
  let ns = childElements(status, "node_state").find((n) => getAttr(n, "id") === uuid);
  if (ns === undefined) {
    ns = elem("node_state", { id: uuid, uname });
    status.children.push(ns);
  }
  return ns;
}

function targetFor(
  cib: XmlElement,
  scope: Scope,
  node: { uuid: string; uname: string },
  opts: TargetOptions,
): Target {
  const { utilization, setName } = opts;
  switch (scope) {
    case "crm_config": {
      const sec = configSection(cib, "crm_config");
      return setTarget(
        scope,
        [sec],
        "cluster_property_set",
        "cib-bootstrap-options",
        () => sec,
        setName,
      );
    }
    case "rsc_defaults":
    case "op_defaults": {
      const sec = configSection(cib, scope);
      return setTarget(scope, [sec], "meta_attributes", `${scope}-options`, () => sec, setName);
    }
    case "nodes": {
      const nodes = configSection(cib, "nodes");
      let n = childElements(nodes, "node").find((x) => getAttr(x, "id") === node.uuid);
      if (n === undefined) {
        n = elem("node", { id: node.uuid, uname: node.uname });
        nodes.children.push(n);
      }
      const owner = n;
      const tag = utilization ? "utilization" : "instance_attributes";
      const setId = utilization ? `nodes-${node.uuid}-utilization` : `nodes-${node.uuid}`;
      return setTarget(scope, [owner], tag, setId, () => owner, setName);
    }
    case "status": {
      const ns = statusOwner(cib, node.uuid, node.uname);
      const tag = utilization ? "utilization" : "instance_attributes";
      const owners = childElements(ns, "transient_attributes");
      const home = (): XmlElement => childOrNew(ns, "transient_attributes", node.uuid);
      return setTarget(scope, owners, tag, `status-${node.uuid}`, home, setName);
    }
  }
}

function findIn(sets: readonly XmlElement[], name: string, id?: string): XmlElement[] {
  return sets.flatMap((s) =>
    childElements(s, "nvpair").filter((nv) =>
      id !== undefined ? getAttr(nv, "id") === id : getAttr(nv, "name") === name,
    ),
  );
}

/**
 * `crm_attribute ARGS`.
 * @example await crmAttribute(["--node", "node1", "--name", "rack", "--update", "r1"], io)
 */
export async function crmAttribute(argv: readonly string[], io: ToolIo): Promise<number> {
  // `--promotion[=RSC]`: the value is optional, which the option parser does not know.
  let promotionRsc: string | undefined;
  const plain = argv.map((a) => {
    if (!a.startsWith("--promotion=")) return a;
    promotionRsc = a.slice("--promotion=".length);
    return "--promotion";
  });
  const parsed = parseGlibArgs(plain, SPECS);
  if (!parsed.ok) {
    io.stderr(`${TOOL}: ${parsed.error}\n`);
    return ExitCode.Usage;
  }
  const args = parsed.value;
  if (has(args, "help")) {
    io.stdout(HELP);
    return ExitCode.Ok;
  }
  if (has(args, "promotion")) {
    const rsc = promotionRsc ?? io.env.OCF_RESOURCE_INSTANCE;
    if (rsc === undefined || rsc === "") {
      io.stderr(`${TOOL}: Error performing operation: Invalid argument\n`);
      return ExitCode.Usage;
    }
    const transient =
      (lastValue(args, "lifetime") ?? (lastValue(args, "node") === undefined ? "reboot" : "")) ===
      "reboot";
    // As Pacemaker, through the attribute manager unless working on a file (CIB_file).
    const offline = io.env.CIB_file !== undefined || io.env.CIB_shadow !== undefined;
    if (transient && actionOf(args) !== "query" && !offline) {
      return promotionScore(args, `master-${rsc}`, io);
    }
    const lifetime = transient ? "reboot" : "forever";
    return crmAttribute(
      [
        ...plain.filter((a) => a !== "--promotion" && a !== "-p"),
        "--name",
        `master-${rsc}`,
        "--lifetime",
        lifetime,
      ],
      io,
    );
  }
  const name = lastValue(args, "name");
  const attrId = lastValue(args, "id");
  if (name === undefined && attrId === undefined) {
    io.stderr(`${TOOL}: Error performing operation: Invalid argument\n`);
    return ExitCode.Software;
  }
  const opened = await readToolCib(TOOL, io, { operationLine: false });
  if (!opened.ok) return opened.exitCode;
  const scope = scopeOf(args);
  let node = { uuid: "", uname: "" };
  if (scope !== "crm_config") {
    const uname = lastValue(args, "node") ?? hostname().split(".")[0] ?? "";
    const uuid = nodeUuid(opened.value.cib, uname);
    if (uuid === undefined) {
      io.stderr(`${TOOL}: Could not map name=${uname} to a UUID\n`);
      return ExitCode.NoSuch;
    }
    node = { uuid, uname };
  }
  if (!SCOPES.includes(scope)) {
    io.stderr(`${TOOL}: Error performing operation: Invalid argument\n`);
    return ExitCode.Usage;
  }
  const target = targetFor(opened.value.cib, scope as Scope, node, {
    utilization: has(args, "utilization"),
    setName: lastValue(args, "set-name"),
  });
  return run(actionOf(args), { args, io, name: name ?? "", attrId, target }, opened.value);
}

interface AttrRequest {
  readonly args: ParsedArgs;
  readonly io: ToolIo;
  readonly name: string;
  readonly attrId: string | undefined;
  readonly target: Target;
}

async function run(action: Action, req: AttrRequest, c: OpenedCib): Promise<number> {
  const found = findIn(req.target.sets, req.name, req.attrId);
  const quiet = has(req.args, "quiet");
  if (found.length > 1 && action !== "update") {
    req.io.stderr(`${TOOL}: Error performing operation: Multiple items match request\n`);
    return ExitCode.Multiple;
  }
  const hit = found[0];
  if (action === "query") {
    const value = hit !== undefined ? getAttr(hit, "value") : lastValue(req.args, "default");
    if (value === undefined) {
      req.io.stderr(`${TOOL}: Error performing operation: No such device or address\n`);
      return ExitCode.NoSuch;
    }
    const shown = hit !== undefined ? (getAttr(hit, "name") ?? req.name) : req.name;
    req.io.stdout(
      quiet ? `${value}\n` : `scope=${req.target.scope}  name=${shown} value=${value}\n`,
    );
    return ExitCode.Ok;
  }
  if (action === "delete") {
    if (hit === undefined) return ExitCode.Ok;
    for (const set of req.target.sets) set.children = set.children.filter((x) => x !== hit);
    if (!quiet) req.io.stdout(deletedLine(req.target.scope, getAttr(hit, "id") ?? "", req.name));
    return commitToolCib(TOOL, req.io, c);
  }
  const value = lastValue(req.args, "update") as string;
  if (hit !== undefined) {
    hit.attrs = hit.attrs.map(([k, v]) => [k, k === "value" ? value : v]);
    if (!hit.attrs.some(([k]) => k === "value")) hit.attrs.push(["value", value]);
  } else {
    const set = req.target.createSet();
    const setId = getAttr(set, "id") ?? req.target.setId;
    const id = req.attrId ?? uniqueId(`${setId}-${req.name}`, idsIn(c.cib));
    set.children.push(elem("nvpair", { id, name: req.name, value }));
  }
  return commitToolCib(TOOL, req.io, c);
}

/**
 * A transient promotion score (`--promotion`, as promotable agents set theirs on start and
 * monitor) goes to the local `pacer node`'s attribute manager, as Pacemaker's goes to attrd;
 * the node defaults to this cluster node.
 */
async function promotionScore(args: ParsedArgs, name: string, io: ToolIo): Promise<number> {
  const status = await apiRequest(io.env, { op: "node-status" }, { timeoutMs: 5000 });
  if (!status.ok) {
    io.stderr(`${TOOL}: Could not connect to attrd: Connection refused\n`);
    return ExitCode.Disconnect;
  }
  const self = (status.value.self as { name: string } | undefined)?.name ?? "";
  const value = actionOf(args) === "update" ? (lastValue(args, "update") ?? "") : null;
  const r = await apiRequest(io.env, {
    op: "attr",
    node: lastValue(args, "node") ?? self,
    name,
    value,
    lifetime: "reboot",
    client: TOOL,
  });
  if (!r.ok) {
    io.stderr(`${TOOL}: Error performing operation: ${r.error.detail}\n`);
    return r.error.kind === "not-connected" ? ExitCode.Disconnect : r.error.code;
  }
  return ExitCode.Ok;
}

function deletedLine(scope: Scope, id: string, name: string): string {
  const what = scope === "crm_config" ? "crm_config option" : `${scope} attribute`;
  return `Deleted ${what}: id=${id} name=${name}\n`;
}

const HELP = `Usage:
  crm_attribute [OPTION?]

Manage node's attributes and cluster options.

Commands:
  -G, --query             Query the current value of the attribute/option
  -v, --update=VALUE      Update the value of the attribute/option
  -D, --delete            Delete the attribute/option

Additional Options:
  -N, --node=NODE         Set a node attribute for named node (instead of a cluster option)
  -t, --type=SECTION      Which part of the configuration to update/delete/query the option
                          in (crm_config, rsc_defaults, op_defaults, nodes, status)
  -z, --utilization       Set a utilization attribute for the node
  -l, --lifetime=LIFETIME Lifetime of the node attribute (reboot or forever)
  -n, --name=NAME         Name of the attribute/option to operate on
  -i, --id=ID             (Advanced) Id of the nvpair to operate on
  -s, --set-name=NAME     (Advanced) Id of the set the attribute goes into
  -d, --default=VALUE     (Advanced) Default value to display if none is found
  -q, --quiet             Print only the value on stdout
  -p, --promotion[=RSC]   Operate on the promotion score of RSC (default: OCF_RESOURCE_INSTANCE);
                          the lifetime defaults to reboot unless --node is given
`;
