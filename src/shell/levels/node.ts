/**
 * The crm `node` level, as crmsh 4.4 implements it: show/server read the CIB; attribute,
 * utilization and status-attr run crm_attribute (in-process); standby/online/maintenance
 * edit node attributes in the CIB directly, with crmsh's ids. One departure: crmsh pings
 * each node before standby/online and drops those that do not answer; pacer trusts the CIB's
 * node list (names need not resolve on the machine the shell runs on).
 */
import { childElements, elem, firstChild, getAttr, type XmlElement } from "../../cib/xml.js";
import { crmAttribute } from "../../tools/crm_attribute.js";
import { expectArgs } from "./_args.js";
import { cibNodes, clusterMembers, findCibNode, readSessionCib, runTool } from "./_tools.js";
import type { Command, Level, ShellContext } from "./types.js";

/** crmsh's id sanitising: an id may not start with a digit. */
function fixId(id: string): string {
  return /^\d/.test(id) ? `num-${id}` : id;
}

function quoteValue(v: string): string {
  return /^[\p{L}\p{N}_.-]+$/u.test(v) ? v : `"${v.replace(/"/g, '\\"')}"`;
}

function nvpairsText(set: XmlElement): string {
  return childElements(set, "nvpair")
    .map((nv) => `${getAttr(nv, "name") ?? ""}=${quoteValue(getAttr(nv, "value") ?? "")}`)
    .join(" ");
}

function nodeStates(cib: XmlElement): XmlElement[] {
  const status = firstChild(cib, "status");
  return status === undefined ? [] : childElements(status, "node_state");
}

function printNode(ctx: ShellContext, el: XmlElement, offline: boolean): void {
  const uname = getAttr(el, "uname") ?? "";
  const id = getAttr(el, "id") ?? "";
  const type = (el.name === "node" ? getAttr(el, "type") : undefined) ?? "member";
  const head = uname === id ? uname : `${uname}(${id})`;
  ctx.out(`${head}: ${type}${offline ? "(offline)" : ""}`);
  const skip = new Set(["type", "uname", "id"]);
  for (const [k, v] of el.attrs) if (!skip.has(k) && el.name === "node") ctx.out(`\t${k}: ${v}`);
  for (const set of childElements(el, "instance_attributes")) ctx.out(`\t${nvpairsText(set)}`);
}

const showCommand: Command = {
  name: "show",
  deprecated: ["list"],
  summary: "Show node",
  help: "usage: show [<node>]\n\nShow the nodes (or one node) with their attributes.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { max: 1, usage: "[node]" })) return false;
    const session = await readSessionCib(ctx);
    if (session === undefined) return false;
    const configured = cibNodes(session.cib);
    const states = nodeStates(session.cib);
    const byName = (list: XmlElement[], n: string): XmlElement | undefined =>
      list.find((x) => getAttr(x, "uname") === n);
    const names =
      args.length > 0
        ? [args[0] as string]
        : [...new Set([...configured, ...states].map((x) => getAttr(x, "uname") ?? ""))].sort();
    for (const name of names) {
      const cfg = byName(configured, name);
      const state = byName(states, name);
      const el = cfg ?? state;
      if (el !== undefined) printNode(ctx, el, getAttr(state ?? el, "crmd") === "offline");
    }
    return true;
  },
};

const serverCommand: Command = {
  name: "server",
  summary: "Show node hostname or server address",
  help: "usage: server [<node> ...]\n\nPrint the host name (or a remote node's server) of each node.",
  async handler(ctx, args) {
    const session = await readSessionCib(ctx);
    if (session === undefined) return false;
    // crmsh 4.4 compares each node element (not its name) with the names given, so naming
    // nodes prints nothing; pacer keeps that observable behaviour.
    if (args.length > 0) return true;
    for (const n of cibNodes(session.cib)) ctx.out(getAttr(n, "uname") ?? getAttr(n, "id") ?? "");
    return true;
  },
};

function attributeCommand(name: string, summary: string, scope: string[]): Command {
  return {
    name,
    summary,
    help: `usage: ${name} <node> set|delete|show <attr> [<value>]\n\n${summary}.`,
    async handler(ctx, args) {
      if (!expectArgs(ctx, args, { min: 3, max: 4, usage: "node cmd attr [value]" })) return false;
      const [node, cmd, attr, value] = args as [string, string, string, string | undefined];
      const line = `${name} ${args.join(" ")}`;
      const bad = (why: string): boolean => {
        ctx.error(null, `Bad usage: ${why}, command: '${line}'`);
        return false;
      };
      const base = [...scope, "-N", node, "-n", attr];
      let argv: string[];
      if (cmd === "set") {
        if (value === undefined) return bad("Missing value argument to set");
        argv = [...base, "-v", value];
      } else if (cmd === "delete" || cmd === "show") {
        if (value !== undefined) return bad(`Too many arguments to ${cmd}`);
        argv = [cmd === "delete" ? "-D" : "-G", ...base];
      } else {
        return bad(`'${cmd}'`);
      }
      return (await runTool(ctx, crmAttribute, argv)).code === 0;
    },
  };
}

/** Sets `name=value` in the node's first instance_attributes set, else a new `nodes-ID` set. */
function setConfigNodeAttr(node: XmlElement, name: string, value: string): boolean {
  const sets = childElements(node, "instance_attributes");
  for (const set of sets) {
    const nv = childElements(set, "nvpair").find((x) => getAttr(x, "name") === name);
    if (nv === undefined) continue;
    if (getAttr(nv, "value") === value) return false;
    nv.attrs = nv.attrs.map(([k, v]) => [k, k === "value" ? value : v]);
    return true;
  }
  let set = sets[0];
  if (set === undefined) {
    set = elem("instance_attributes", { id: `nodes-${getAttr(node, "id") ?? ""}` });
    node.children.push(set);
  }
  set.children.push(elem("nvpair", { id: `${getAttr(set, "id") ?? ""}-${name}`, name, value }));
  return true;
}

const maintenanceCommand: Command = {
  name: "maintenance",
  summary: "Put node into maintenance mode",
  help: "usage: maintenance [<node>]\n\nSet the node attribute maintenance=true.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { max: 1, usage: "[node]" })) return false;
    const name = args[0] ?? ctx.hostname;
    const session = await readSessionCib(ctx);
    if (session === undefined) return false;
    const node = findCibNode(session.cib, name);
    if (node === undefined) {
      // crmsh's own words for a node its CIB model does not have.
      ctx.error(null, "CIB is not valid!");
      ctx.error(null, `Failed to update node attributes for ${name}`);
      return false;
    }
    return setConfigNodeAttr(node, "maintenance", "true") ? session.commit() : true;
  },
};

const readyCommand: Command = {
  name: "ready",
  summary: "Put node into ready mode",
  help: "usage: ready [<node>]\n\nSet the node attribute maintenance=off.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { max: 1, usage: "[node]" })) return false;
    const name = args[0] ?? ctx.hostname;
    const argv = ["-t", "nodes", "-N", name, "-n", "maintenance", "-v", "off"];
    return (await runTool(ctx, crmAttribute, argv)).code === 0;
  },
};

/** The nodes named on a standby/online line; every one must be in the CIB. */
function namedNodes(
  ctx: ShellContext,
  cib: XmlElement,
  words: readonly string[],
): string[] | undefined {
  if (words.length === 0) return [ctx.hostname];
  for (const w of words) {
    if (findCibNode(cib, w) === undefined) {
      ctx.error(ctx.cmdPath, `Node "${w}" is not a cluster node`);
      return undefined;
    }
  }
  return [...new Set(words)];
}

function standbyNvpairs(owner: XmlElement | undefined): XmlElement[] {
  if (owner === undefined) return [];
  return childElements(owner, "instance_attributes").flatMap((s) =>
    childElements(s, "nvpair").filter((nv) => getAttr(nv, "name") === "standby"),
  );
}

function statusStandby(cib: XmlElement, id: string): XmlElement[] {
  const state = nodeStates(cib).find((s) => getAttr(s, "id") === id);
  if (state === undefined) return [];
  return childElements(state, "transient_attributes").flatMap((t) => standbyNvpairs(t));
}

function removeNvpairs(root: XmlElement, doomed: readonly XmlElement[]): void {
  if (doomed.length === 0) return;
  const visit = (el: XmlElement): void => {
    el.children = el.children.filter((c) => !(c.type === "element" && doomed.includes(c)));
    for (const c of el.children) if (c.type === "element") visit(c);
  };
  visit(root);
}

/** Puts standby=on where the lifetime says (nodes section, or status for reboot). */
function putStandby(cib: XmlElement, node: XmlElement, reboot: boolean): void {
  const id = getAttr(node, "id") ?? "";
  const state = nodeStates(cib).find((s) => getAttr(s, "id") === id);
  removeNvpairs(cib, reboot ? standbyNvpairs(node) : statusStandby(cib, id));
  let owner: XmlElement | undefined = node;
  if (reboot) {
    if (state === undefined) return;
    owner = childElements(state, "transient_attributes")[0];
    if (owner === undefined) {
      owner = elem("transient_attributes", { id: fixId(id) });
      state.children.push(owner);
    }
  }
  const existing = standbyNvpairs(owner)[0];
  if (existing !== undefined) {
    existing.attrs = existing.attrs.map(([k, v]) => [k, k === "value" ? "on" : v]);
    return;
  }
  let set = childElements(owner, "instance_attributes")[0];
  if (set === undefined) {
    set = elem("instance_attributes", {
      id: fixId(`${getAttr(owner, "id") ?? ""}-instance_attributes`),
    });
    owner.children.push(set);
  }
  const nvId = fixId(`${getAttr(set, "id") ?? ""}-standby`);
  set.children.push(elem("nvpair", { id: nvId, name: "standby", value: "on" }));
}

const standbyCommand: Command = {
  name: "standby",
  summary: "Put node into standby",
  help: "usage: standby [<node> ...] [reboot|forever]\n\nPut nodes into standby (until reboot, or forever).",
  async handler(ctx, args) {
    const last = args.at(-1);
    const lifetime = last === "reboot" || last === "forever" ? last : undefined;
    const words = lifetime === undefined ? args : args.slice(0, -1);
    const session = await readSessionCib(ctx);
    if (session === undefined) return false;
    const names = namedNodes(ctx, session.cib, words);
    if (names === undefined) return false;
    for (const name of names) {
      const node = findCibNode(session.cib, name);
      if (node !== undefined) putStandby(session.cib, node, lifetime === "reboot");
    }
    if (!(await session.commit())) return false;
    for (const name of names) ctx.info(`standby node ${name}`);
    return true;
  },
};

const onlineCommand: Command = {
  name: "online",
  summary: "Set node online",
  help: "usage: online [<node> ...]\n\nTake nodes out of standby.",
  async handler(ctx, args) {
    const session = await readSessionCib(ctx);
    if (session === undefined) return false;
    const names = namedNodes(ctx, session.cib, args);
    if (names === undefined) return false;
    for (const name of names) {
      // crmsh finds the node's id through the cluster membership (crm_node -l); without a
      // running cluster there is none, and nothing is changed for that node.
      const members = await clusterMembers(ctx);
      if (members === undefined || !members.includes(name)) continue;
      const node = findCibNode(session.cib, name);
      const id = node === undefined ? "" : (getAttr(node, "id") ?? "");
      for (const nv of [...standbyNvpairs(node), ...statusStandby(session.cib, id)]) {
        nv.attrs = nv.attrs.map(([k, v]) => [k, k === "value" ? "off" : v]);
      }
    }
    if (!(await session.commit())) return false;
    for (const name of names) ctx.info(`online node ${name}`);
    return true;
  },
};

/** crmsh's utils.ask: yes under -F, no when nobody can answer, else the question. */
async function ask(ctx: ShellContext, question: string): Promise<boolean> {
  if (ctx.force) return true;
  return ctx.interactive ? ctx.confirm(question) : false;
}

/** The current partition's member names (crm_node -p), or the failure crmsh reports. */
async function partition(ctx: ShellContext): Promise<{ names: string[] } | { rc: number }> {
  const { crmNode } = await import("../../tools/crm_node.js");
  const r = await runTool(ctx, crmNode, ["-p"], { capture: true });
  const names = r.stdout.split(/\s+/).filter((n) => n !== "");
  return names.length === 0 ? { rc: r.code } : { names };
}

function removeNode(cib: XmlElement, name: string): void {
  const config = firstChild(cib, "configuration");
  const nodes = config === undefined ? undefined : firstChild(config, "nodes");
  const status = firstChild(cib, "status");
  for (const parent of [nodes, status]) {
    if (parent === undefined) continue;
    parent.children = parent.children.filter(
      (c) =>
        !(
          c.type === "element" &&
          (c.name === "node" || c.name === "node_state") &&
          getAttr(c, "uname") === name
        ),
    );
  }
}

const deleteCommand: Command = {
  name: "delete",
  summary: "Delete node",
  help: "usage: delete <node>\n\nRemove a node that has left the cluster from the CIB.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "node" })) return false;
    const name = args[0] as string;
    const session = await readSessionCib(ctx);
    if (session === undefined) return false;
    if (findCibNode(session.cib, name) === undefined) {
      ctx.error(null, `node ${name} not found in the CIB`);
      return false;
    }
    const members = await partition(ctx);
    // Under -F these are only reports (crmsh logs them and goes on, exit status 0).
    const report = (text: string): void => {
      if (ctx.force) ctx.io.stderr(`ERROR: ${text}\n`);
      else ctx.error(null, text);
    };
    let safe = true;
    if ("rc" in members) {
      report(`crm_node -p could not list any nodes (rc=${members.rc})`);
      safe = false;
    } else if (members.names.includes(name)) {
      report(`according to crm_node, node ${name} is still active`);
      safe = false;
    }
    if (!safe) {
      if (!ctx.force) return false;
      ctx.info(`proceeding with node ${name} removal`);
    }
    // Dropping the node from the controller's caches (crm_node -R) needs the controller.
    if ("rc" in members)
      ctx.io.stderr("error: Could not connect to controller: Connection refused\n");
    removeNode(session.cib, name);
    if (!(await session.commit())) return false;
    ctx.info(`node ${name} deleted`);
    return true;
  },
};

const fenceCommand: Command = {
  name: "fence",
  summary: "Fence node",
  help: "usage: fence <node>\n\nAsk the cluster to fence a node (sets its terminate attribute).",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "node" })) return false;
    const name = args[0] as string;
    const q = `Fencing ${name} will shut down the node and migrate any resources that are running on it! Do you want to fence ${name}?`;
    if (!(await ask(ctx, q))) return false;
    const argv = ["-t", "status", "-N", name, "-n", "terminate", "-v", "true"];
    return (await runTool(ctx, crmAttribute, argv)).code === 0;
  },
};

const clearstateCommand: Command = {
  name: "clearstate",
  summary: "Clear node state",
  help: "usage: clearstate [<node>]\n\nForget a node's resource state (clean up its resources when it is online).",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { max: 1, usage: "[node]" })) return false;
    const name = args[0] ?? ctx.hostname;
    if (!(await ask(ctx, `Do you really want to drop state for node ${name}?`))) return false;
    const session = await readSessionCib(ctx);
    if (session === undefined) return false;
    const state = nodeStates(session.cib).find((n) => getAttr(n, "uname") === name);
    if (state !== undefined && getAttr(state, "crmd") === "online") {
      const { crmResource } = await import("../../tools/crm_resource.js");
      return (await runTool(ctx, crmResource, ["--cleanup", "--node", name])).code === 0;
    }
    if (state !== undefined && getAttr(state, "in_ccm") === "true") {
      ctx.warn(
        `Node is offline according to Pacemaker, but online according to corosync. First shut down node '${name}'`,
      );
      return false;
    }
    // Confirming a node down is the fencer's job (stonith_admin --confirm), which needs a cluster.
    ctx.error(
      ctx.cmdPath,
      `cannot confirm ${name} down: stonith_admin --confirm needs a running cluster`,
    );
    return false;
  },
};

export const level: Level = {
  name: "node",
  summary: "Node management",
  help: "Node management\n\nNode management and status commands.",
  commands: [
    attributeCommand("attribute", "Manage attributes", ["-t", "nodes"]),
    clearstateCommand,
    deleteCommand,
    fenceCommand,
    maintenanceCommand,
    onlineCommand,
    readyCommand,
    serverCommand,
    showCommand,
    standbyCommand,
    attributeCommand("status-attr", "Manage status attributes", ["-t", "status"]),
    attributeCommand("utilization", "Manage utilization attributes", ["-z", "-t", "nodes"]),
  ],
};
