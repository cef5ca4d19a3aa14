/**
 * The crm `resource` level, as crmsh 4.4 implements it: status/locate/move/ban/clear and
 * the attribute commands run crm_resource (in-process; its output passes through), while
 * start/stop/manage/unmanage/maintenance/promote/demote edit the resource's meta
 * attributes in the session's CIB directly.
 */
import {
  childElements,
  firstChild,
  getAttr,
  printXml,
  walkElements,
  type XmlElement,
} from "../../cib/xml.js";
import { findNvpair, setNvpair } from "../../tools/_nvset.js";
import { crmResource } from "../../tools/crm_resource.js";
import { expectArgs } from "./_args.js";
import { cibNodes, clusterMembers, readSessionCib, runTool } from "./_tools.js";
import { addTrace, removeTrace, TRACE_DIR_DEFAULT } from "./_trace.js";
import type { Command, Level, ShellContext } from "./types.js";

const RESOURCE_TAGS = new Set(["primitive", "group", "clone", "master", "bundle"]);

function findResourceEl(cib: XmlElement, id: string): XmlElement | undefined {
  const resources = firstChild(firstChild(cib, "configuration") ?? cib, "resources");
  if (resources === undefined) return undefined;
  for (const el of walkElements(resources)) {
    if (RESOURCE_TAGS.has(el.name) && getAttr(el, "id") === id) return el;
  }
  return undefined;
}

/** Parent of a resource element inside the resources section (undefined at top level). */
function parentResource(root: XmlElement, el: XmlElement): XmlElement | undefined {
  for (const p of walkElements(root)) {
    if (RESOURCE_TAGS.has(p.name) && p.children.includes(el)) return p;
  }
  return undefined;
}

/**
 * Where crmsh puts a meta attribute for `el`: on the primitive itself when it is a group
 * member, otherwise on its topmost container (a cloned primitive's clone).
 */
function metaTarget(root: XmlElement, el: XmlElement): XmlElement {
  const parent = parentResource(root, el);
  if (el.name === "primitive" && parent?.name === "group") return el;
  let top = el;
  for (let p = parent; p !== undefined; p = parentResource(root, p)) top = p;
  return top;
}

const CONFLICTS: Readonly<Record<string, string>> = {
  maintenance: "is-managed",
  "is-managed": "maintenance",
};

function metaNvpairs(el: XmlElement, name: string): XmlElement[] {
  return childElements(el, "meta_attributes").flatMap((s) =>
    childElements(s, "nvpair").filter((nv) => getAttr(nv, "name") === name),
  );
}

function dropNvpairs(el: XmlElement, doomed: readonly XmlElement[]): void {
  for (const set of childElements(el, "meta_attributes")) {
    set.children = set.children.filter((c) => !(c.type === "element" && doomed.includes(c)));
  }
}

/** Meta sets left without nvpairs disappear, as crmsh cleans them up. */
function dropEmptyMetaSets(el: XmlElement): void {
  el.children = el.children.filter(
    (c) =>
      !(
        c.type === "element" &&
        c.name === "meta_attributes" &&
        childElements(c, "nvpair").length === 0 &&
        c.children.length === 0
      ),
  );
  for (const c of el.children)
    if (c.type === "element" && RESOURCE_TAGS.has(c.name)) dropEmptyMetaSets(c);
}

/** Children of a group (or a cloned group) that set `name` themselves. */
function childrenWith(target: XmlElement, name: string): XmlElement[] {
  const inner =
    target.name === "clone" || target.name === "master"
      ? childElements(target).find((c) => RESOURCE_TAGS.has(c.name))
      : target;
  if (inner === undefined || inner.name !== "group") return [];
  return childElements(inner, "primitive").filter((p) => metaNvpairs(p, name).length > 0);
}

/**
 * crmsh's utils.ask: yes under -F (logged), no when nobody can answer, else the question.
 * (ctx.confirm answers yes for scripts, which is right for erase but not here.)
 */
async function ask(ctx: ShellContext, question: string): Promise<boolean> {
  if (ctx.force) {
    ctx.info(`${question} [YES]`);
    return true;
  }
  return ctx.interactive ? ctx.confirm(question) : false;
}

/** crmsh's set_deep_meta_attr on one resource element. */
async function setDeepMeta(
  ctx: ShellContext,
  root: XmlElement,
  el: XmlElement,
  name: string,
  value: string,
): Promise<void> {
  const target = metaTarget(root, el);
  if (target.name === "clone" || target.name === "master") {
    for (const c of childElements(target).filter((x) => RESOURCE_TAGS.has(x.name))) {
      dropNvpairs(c, metaNvpairs(c, name));
    }
  }
  const conflicting = CONFLICTS[name];
  const override = async (attr: string, why: (id: string) => string): Promise<void> => {
    for (const c of childrenWith(target, attr)) {
      if (await ask(ctx, why(getAttr(c, "id") ?? ""))) dropNvpairs(c, metaNvpairs(c, attr));
    }
  };
  if (conflicting !== undefined) {
    await override(
      conflicting,
      (id) =>
        `'${name}' conflicts with '${conflicting}' attribute. Remove '${conflicting}' for child resource ${id}?`,
    );
  }
  await override(name, (id) => `Do you want to override '${name}' for child resource ${id}?`);
  if (conflicting !== undefined && metaNvpairs(target, conflicting).length > 0) {
    const id = getAttr(target, "id") ?? "";
    const q = `'${name}' conflicts with '${conflicting}' attribute. Remove '${conflicting}' for resource ${id}?`;
    if (await ask(ctx, q)) dropNvpairs(target, metaNvpairs(target, conflicting));
  }
  dropEmptyMetaSets(target);
  const existing = metaNvpairs(target, name);
  if (existing.length > 0) {
    for (const nv of existing) nv.attrs = nv.attrs.map(([k, v]) => [k, k === "value" ? value : v]);
    return;
  }
  const id = getAttr(target, "id") ?? "";
  const sets = childElements(target, "meta_attributes");
  if (sets.length === 0) {
    setNvpair(target, "meta_attributes", name, value, {
      defaultSetId: `${id}-meta_attributes`,
      root,
    });
    // crmsh writes a container's meta attributes before its children.
    if (target.name !== "primitive") moveMetaFirst(target);
    return;
  }
  for (const set of sets) {
    setNvpair(target, "meta_attributes", name, value, {
      defaultSetId: getAttr(set, "id") ?? "",
      root,
    });
  }
}

function moveMetaFirst(el: XmlElement): void {
  const metas = el.children.filter((c) => c.type === "element" && c.name === "meta_attributes");
  el.children = [...metas, ...el.children.filter((c) => !metas.includes(c))];
}

/** Sets meta attribute `name` on each resource; one CIB update for all of them. */
async function setMeta(
  ctx: ShellContext,
  ids: readonly string[],
  name: string,
  value: string,
): Promise<boolean> {
  const session = await readSessionCib(ctx);
  if (session === undefined) return false;
  const targets: XmlElement[] = [];
  for (const id of ids) {
    const el = findResourceEl(session.cib, id);
    if (el === undefined) {
      ctx.error(null, `Resource not found: ${id}`);
      return false;
    }
    targets.push(el);
  }
  const before = printXml(session.cib);
  const resources = firstChild(
    firstChild(session.cib, "configuration") ?? session.cib,
    "resources",
  );
  for (const el of targets) await setDeepMeta(ctx, resources ?? session.cib, el, name, value);
  return printXml(session.cib) === before ? true : session.commit();
}

function metaCommand(
  name: string,
  summary: string,
  attr: string,
  value: string,
  extra: Partial<Command> = {},
): Command {
  return {
    name,
    summary,
    help: `usage: ${name} <rsc> [<rsc> ...]\n\n${summary}.`,
    ...extra,
    async handler(ctx, args) {
      if (args.length === 0) {
        ctx.error(ctx.cmdPath, "Expected at least one resource as argument");
        return false;
      }
      return setMeta(ctx, args, attr, value);
    },
  };
}

function singleMetaCommand(name: string, summary: string, attr: string, value: string): Command {
  return {
    name,
    summary,
    help: `usage: ${name} <rsc>\n\n${summary}.`,
    async handler(ctx, args) {
      if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "rsc" })) return false;
      return setMeta(ctx, args, attr, value);
    },
  };
}

const statusCommand: Command = {
  name: "status",
  deprecated: ["list", "show"],
  summary: "Show status of resources",
  help: "usage: status [<rsc> ...]\n\nShow the status of all resources, or where the named ones run.",
  async handler(ctx, args) {
    if (args.length === 0) return (await runTool(ctx, crmResource, ["--list"])).code === 0;
    for (const rsc of args) {
      const r = await runTool(ctx, crmResource, ["--locate", "--resource", rsc]);
      if (r.code !== 0) return false;
    }
    return true;
  },
};

const locateCommand: Command = {
  name: "locate",
  summary: "Show the location of resources",
  help: "usage: locate <rsc> [<rsc> ...]\n\nShow the nodes the resources run on.",
  async handler(ctx, args) {
    if (args.length === 0) {
      ctx.error(ctx.cmdPath, "Expected at least one resource as argument");
      return false;
    }
    // crmsh shows crm_resource's complaints but does not fail the command on them.
    for (const rsc of args) await runTool(ctx, crmResource, ["--resource", rsc, "--locate"]);
    return true;
  },
};

const ISO_DURATION = /^P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/;

interface MoveArgs {
  readonly rsc: string;
  readonly node: string | undefined;
  readonly lifetime: string | undefined;
  readonly force: boolean;
  readonly unknown: readonly string[];
}

/** `RSC [NODE] [LIFETIME] [force]`: words are told apart by what they look like. */
async function parseMoveArgs(
  ctx: ShellContext,
  args: readonly string[],
): Promise<MoveArgs | undefined> {
  const session = await readSessionCib(ctx);
  if (session === undefined) return undefined;
  const nodes = new Set(cibNodes(session.cib).map((n) => getAttr(n, "uname") ?? ""));
  let node: string | undefined;
  let lifetime: string | undefined;
  let force = false;
  const unknown: string[] = [];
  for (const a of args.slice(1)) {
    if (a === "force") force = true;
    else if (ISO_DURATION.test(a)) lifetime = a;
    else if (node === undefined && nodes.has(a)) node = a;
    else unknown.push(a);
  }
  return { rsc: args[0] as string, node, lifetime, force, unknown };
}

function toolArgs(m: MoveArgs): string[] {
  const out = ["--resource", m.rsc];
  if (m.node !== undefined) out.push("--node", m.node);
  if (m.lifetime !== undefined) out.push("--lifetime", m.lifetime);
  if (m.force) out.push("--force");
  return out;
}

const moveCommand: Command = {
  name: "move",
  deprecated: ["migrate"],
  summary: "Move a resource to another node",
  help: "usage: move <rsc> [<node>] [<lifetime>] [force]\n\nMove a resource away from its node, or to <node>.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 4, usage: "rsc [node] [lifetime] [force]" })) {
      return false;
    }
    const m = await parseMoveArgs(ctx, args);
    if (m === undefined) return false;
    // The first unrecognised word was meant as a node.
    if (m.node === undefined && !m.force) {
      ctx.error(ctx.cmdPath, "No target node: Move requires either a target node or 'force'");
      return false;
    }
    const r = await runTool(ctx, crmResource, ["--quiet", "--move", ...toolArgs(m)]);
    if (r.code !== 0) return false;
    ctx.info(`Move constraint created for ${m.rsc}${m.node !== undefined ? ` to ${m.node}` : ""}`);
    ctx.info(`Use \`crm resource clear ${m.rsc}\` to remove this constraint`);
    return true;
  },
};

const banCommand: Command = {
  name: "ban",
  summary: "Ban a resource from a node",
  help: "usage: ban <rsc> [<node>] [<lifetime>] [force]\n\nKeep a resource off <node> (default: the node it runs on).",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 4, usage: "rsc [node] [lifetime] [force]" })) {
      return false;
    }
    const m = await parseMoveArgs(ctx, args);
    if (m === undefined) return false;
    const r = await runTool(ctx, crmResource, ["--ban", ...toolArgs(m)]);
    if (r.code !== 0) return false;
    ctx.info(`Ban constraint created for ${m.rsc}${m.node !== undefined ? ` to ${m.node}` : ""}`);
    ctx.info(`Use \`crm resource clear ${m.rsc}\` to remove this constraint`);
    return true;
  },
};

const clearCommand: Command = {
  name: "clear",
  deprecated: ["unmigrate", "unmove", "unban"],
  summary: "Clear any relocation constraint",
  help: "usage: clear <rsc>\n\nRemove the constraints that move and ban created for <rsc>.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "rsc" })) return false;
    const rsc = args[0] as string;
    const r = await runTool(ctx, crmResource, ["--quiet", "--clear", "--resource", rsc]);
    if (r.code !== 0) return false;
    ctx.info(`Removed migration constraints for ${rsc}`);
    return true;
  },
};

const maintenanceCommand: Command = {
  name: "maintenance",
  summary: "Enable/disable per-resource maintenance mode",
  help: "usage: maintenance <rsc> [on|off|true|false]\n\nSet the resource's maintenance meta attribute.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 2, usage: "resource [on_off]" })) return false;
    const flag = (args[1] ?? "on").toLowerCase();
    if (!["on", "off", "true", "false"].includes(flag)) {
      ctx.error(ctx.cmdPath, "Expected <resource> [on|off|true|false]");
      return false;
    }
    const value = flag === "on" || flag === "true" ? "true" : "false";
    return setMeta(ctx, [args[0] as string], "maintenance", value);
  },
};

function attributeCommand(name: string, summary: string, usage: string, flags: string[]): Command {
  return {
    name,
    summary,
    help: `usage: ${name} <rsc> set|delete|show <${usage}> [<value>]\n\n${summary}.`,
    async handler(ctx, args) {
      if (!expectArgs(ctx, args, { min: 3, max: 4, usage: `rsc cmd ${usage} [value]` }))
        return false;
      const [rsc, cmd, attr, value] = args as [string, string, string, string | undefined];
      const line = `${name} ${args.join(" ")}`;
      const bad = (why: string): boolean => {
        ctx.error(null, `Bad usage: ${why}, command: '${line}'`);
        return false;
      };
      let argv: string[];
      if (cmd === "set") {
        if (value === undefined) return bad("Missing value argument to set");
        argv = ["--resource", rsc, "--set-parameter", attr, "--parameter-value", value];
      } else if (cmd === "delete" || cmd === "show") {
        if (value !== undefined) return bad(`Too many arguments to ${cmd}`);
        const op = cmd === "delete" ? "--delete-parameter" : "--get-parameter";
        argv = ["--resource", rsc, op, attr];
      } else {
        return bad(`'${cmd}'`);
      }
      return (await runTool(ctx, crmResource, [...flags, ...argv])).code === 0;
    },
  };
}

function promoteCommand(name: "promote" | "demote"): Command {
  return {
    name,
    summary: `${name === "promote" ? "Promote" : "Demote"} a promotable resource`,
    help: `usage: ${name} <rsc>\n\nSet target-role of a promotable clone.`,
    async handler(ctx, args) {
      if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "rsc" })) return false;
      const rsc = args[0] as string;
      const session = await readSessionCib(ctx);
      if (session === undefined) return false;
      const el = findResourceEl(session.cib, rsc);
      if (el === undefined || !isPromotable(el)) {
        ctx.error(null, `${rsc} is not a promotable resource`);
        return false;
      }
      // crmsh 4.4 still writes the pre-2.1 role names.
      const role = name === "promote" ? "Master" : "Slave";
      const argv = [
        "--meta",
        "--resource",
        rsc,
        "--set-parameter",
        "target-role",
        "--parameter-value",
        role,
      ];
      return (await runTool(ctx, crmResource, argv)).code === 0;
    },
  };
}

function isPromotable(el: XmlElement): boolean {
  if (el.name === "master") return true;
  if (el.name !== "clone") return false;
  const v = findNvpair(el, "meta_attributes", "promotable");
  return /^(true|yes|on|1)$/i.test((v && getAttr(v.nvpair, "value")) ?? "");
}

function toolPassThrough(
  name: string,
  summary: string,
  usage: string,
  build: (args: readonly string[]) => string[] | undefined,
): Command {
  return {
    name,
    summary,
    help: `usage: ${name} ${usage}\n\n${summary}.`,
    async handler(ctx, args) {
      const argv = build(args);
      if (argv === undefined) {
        ctx.error(ctx.cmdPath, `Expected (${usage})`);
        return false;
      }
      return (await runTool(ctx, crmResource, argv)).code === 0;
    },
  };
}

function rscNodeArgs(flag: string): (args: readonly string[]) => string[] | undefined {
  return (args) => {
    const words = args.filter((a) => a !== "force");
    if (words.length > 2) return undefined;
    const out = [flag];
    if (words[0] !== undefined) out.push("--resource", words[0]);
    if (words[1] !== undefined) out.push("--node", words[1]);
    if (args.includes("force")) out.push("--force");
    return out;
  };
}

const constraintsCommand: Command = {
  name: "constraints",
  summary: "Show constraints affecting a resource",
  help: "usage: constraints <rsc>\n\nShow the location constraints and colocations of a resource.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "rsc" })) return false;
    // crmsh shows crm_resource's complaint about an unknown resource and still succeeds.
    await runTool(ctx, crmResource, ["-a", "-r", args[0] as string]);
    return true;
  },
};

/** Whether a cluster answers (crm_node -l), without showing crm_node's output. */
async function clusterReachable(ctx: ShellContext): Promise<boolean> {
  const { crmNode } = await import("../../tools/crm_node.js");
  const base = ctx.toolIo();
  const quiet = { ...base, stdout: () => undefined, stderr: () => undefined };
  return (await crmNode(["-l"], quiet)) === 0;
}

const RESTART_POLLS_MAX = 120;
const RESTART_POLL_MS = 500;

/** Polls the session's CIB until `rsc` runs nowhere; false when it does not stop in time. */
async function waitStopped(ctx: ShellContext, rsc: string): Promise<boolean> {
  for (let i = 0; i < RESTART_POLLS_MAX; i++) {
    const r = await runTool(ctx, crmResource, ["--locate", "--quiet", "--resource", rsc], {
      capture: true,
    });
    if (r.code === 0 && r.stdout.trim() === "") return true;
    await new Promise((resolve) => setTimeout(resolve, RESTART_POLL_MS));
  }
  return false;
}

const restartCommand: Command = {
  name: "restart",
  summary: "Restart resources",
  help: "usage: restart <rsc> [<rsc> ...]\n\nStop the resources, wait until they stopped, start them again.",
  async handler(ctx, args) {
    if (args.length === 0) {
      ctx.error(ctx.cmdPath, "Expected at least one resource as argument");
      return false;
    }
    ctx.info(`ordering ${args.join(", ")} to stop`);
    if (!(await setMeta(ctx, args, "target-role", "Stopped"))) return false;
    // Stopping is the DC's job; without a cluster nobody carries it out.
    if (!(await clusterReachable(ctx))) {
      ctx.warn("can't find DC");
      return false;
    }
    for (const rsc of args) {
      if (!(await waitStopped(ctx, rsc))) {
        ctx.error(ctx.cmdPath, `${rsc} did not stop`);
        return false;
      }
    }
    ctx.info(`ordering ${args.join(", ")} to start`);
    return setMeta(ctx, args, "target-role", "Started");
  },
};

async function traceTarget(ctx: ShellContext, rscId: string) {
  const session = await readSessionCib(ctx);
  if (session === undefined) return undefined;
  const el = findResourceEl(session.cib, rscId);
  if (el === undefined) {
    ctx.error(null, `resource ${rscId} does not exist`);
    return undefined;
  }
  if (el.name !== "primitive") {
    ctx.error(null, `element ${rscId} is not a primitive resource`);
    return undefined;
  }
  return { session, el };
}

const traceCommand: Command = {
  name: "trace",
  summary: "Start RA tracing",
  help: "usage: trace <rsc> [<op>] [<interval>] [<log-dir>]\n\nTrace the resource agent's operations (trace_ra=1).",
  async handler(ctx, args) {
    const usage = "usage: trace <rsc> [<op>] [<interval>] [<log-dir>]";
    if (!expectArgs(ctx, args, { min: 1, usage: "rsc *args" })) return false;
    const words = args.slice(1).filter((a) => a !== "force");
    let op: string | undefined;
    let interval: string | undefined;
    let dir: string | undefined;
    for (const w of words) {
      const slot = w.startsWith("/") ? "dir" : /^\d+$/.test(w) ? "interval" : "op";
      const taken = slot === "dir" ? dir : slot === "interval" ? interval : op;
      if (words.length > 3 || taken !== undefined) {
        ctx.error(ctx.cmdPath, usage);
        return false;
      }
      if (slot === "dir") dir = w;
      else if (slot === "interval") interval = w;
      else op = w;
    }
    if (op === "probe") {
      op = "monitor";
      interval ??= "0";
    }
    const rscId = args[0] as string;
    const t = await traceTarget(ctx, rscId);
    if (t === undefined) return false;
    const parent = parentResource(
      firstChild(firstChild(t.session.cib, "configuration") ?? t.session.cib, "resources") ??
        t.session.cib,
      t.el,
    );
    const promotable = parent !== undefined && isPromotable(parent);
    const problem = addTrace(t.el, { op, interval, dir, promotable });
    if (problem !== undefined) {
      ctx.error(ctx.cmdPath, problem);
      return false;
    }
    if (!(await t.session.commit())) return false;
    const type = getAttr(t.el, "type") ?? "";
    ctx.info(
      `Trace for ${rscId}${op !== undefined ? `:${op}` : ""} is written to ${TRACE_DIR_DEFAULT}/${type}`,
    );
    if (op !== undefined && op !== "monitor") {
      ctx.info(`Trace set, restart ${rscId} to trace the ${op} operation`);
    } else {
      ctx.info(`Trace set, restart ${rscId} to trace non-monitor operations`);
    }
    return true;
  },
};

const untraceCommand: Command = {
  name: "untrace",
  summary: "Stop RA tracing",
  help: "usage: untrace <rsc> [<op>] [<interval>]\n\nStop tracing the resource agent's operations.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 3, usage: "rsc_id [op] [interval]" })) return false;
    const rscId = args[0] as string;
    let op = args[1];
    let interval = args[2];
    if (op === "probe") {
      op = "monitor";
      interval ??= "0";
    }
    const t = await traceTarget(ctx, rscId);
    if (t === undefined) return false;
    const problem = removeTrace(t.el, op, interval);
    if (problem !== undefined) {
      ctx.error(ctx.cmdPath, problem);
      return false;
    }
    if (!(await t.session.commit())) return false;
    ctx.info(`Stop tracing ${rscId}${op !== undefined ? ` for operation ${op}` : ""}`);
    return true;
  },
};

const failcountCommand: Command = {
  name: "failcount",
  summary: "Manage failcounts",
  help: "usage: failcount <rsc> set <node> <value> | delete <node> | show <node>\n\nShow or change a resource's fail count on a node.",
  async handler(ctx, args) {
    const usage = "rsc cmd node [value] [operation] [interval]";
    if (!expectArgs(ctx, args, { min: 3, max: 6, usage })) return false;
    const [rsc, cmd, node, value] = args as [string, string, string, string | undefined];
    const members = await clusterMembers(ctx);
    if (members === undefined || !members.includes(node)) {
      ctx.error(ctx.cmdPath, `Node ${node} not in this cluster`);
      return false;
    }
    const { crmAttribute } = await import("../../tools/crm_attribute.js");
    const base = ["-t", "status", "-N", node, "-n", `fail-count-${rsc}`];
    if (cmd === "show")
      return (await runTool(ctx, crmAttribute, ["-G", ...base, "-d", "0"])).code === 0;
    if (cmd === "delete" || (cmd === "set" && value === "0")) {
      return (await runTool(ctx, crmAttribute, ["-D", ...base])).code === 0;
    }
    if (cmd === "set" && value !== undefined) {
      return (await runTool(ctx, crmAttribute, ["-v", value, ...base])).code === 0;
    }
    ctx.error(null, `Bad usage: '${cmd}', command: 'failcount ${args.join(" ")}'`);
    return false;
  },
};

export const level: Level = {
  name: "resource",
  summary: "Resource management",
  help:
    "Resource management\n\nAt this level resources may be managed.\n\n" +
    "All (or almost all) commands are implemented with the CRM tools\nsuch as crm_resource(8).",
  commands: [
    banCommand,
    toolPassThrough(
      "cleanup",
      "Cleanup resource status",
      "[<rsc>] [<node>] [force]",
      rscNodeArgs("--cleanup"),
    ),
    clearCommand,
    constraintsCommand,
    promoteCommand("demote"),
    failcountCommand,
    locateCommand,
    maintenanceCommand,
    singleMetaCommand("manage", "Put a resource into managed mode", "is-managed", "true"),
    attributeCommand("meta", "Manage a meta attribute", "attr", ["--meta"]),
    moveCommand,
    toolPassThrough(
      "operations",
      "Show active resource operations",
      "[<rsc>] [<node>]",
      rscNodeArgs("--list-operations"),
    ),
    attributeCommand("param", "Manage a parameter of a resource", "param", []),
    promoteCommand("promote"),
    restartCommand,
    toolPassThrough(
      "refresh",
      "Recheck current resource status and drop failure history",
      "[<rsc>] [<node>] [force]",
      rscNodeArgs("--refresh"),
    ),
    metaCommand("start", "Start resources", "target-role", "Started"),
    statusCommand,
    metaCommand("stop", "Stop resources", "target-role", "Stopped"),
    traceCommand,
    singleMetaCommand("unmanage", "Put a resource into unmanaged mode", "is-managed", "false"),
    untraceCommand,
    attributeCommand("utilization", "Manage a utilization attribute", "attr", ["--utilization"]),
  ],
};
