/**
 * The `configure` level: CIB object definitions in crm syntax, edited in a working copy
 * and committed on `commit` or when the level is left.
 */
import { getAttr, setAttr } from "../../cib/xml.js";
import { createObject } from "../configure/create.js";
import { editObjects } from "../configure/edit.js";
import {
  addMonitor,
  deleteObjects,
  eraseAll,
  modgroup,
  renameObject,
} from "../configure/edit-ops.js";
import { loadFile, saveFile, xmlCommand } from "../configure/load.js";
import { type ConfigureState, commitState, dropState, getState } from "../configure/session.js";
import { selectObjects, showText, showXml } from "../configure/show.js";
import { relayVerify } from "../configure/verify-relay.js";
import { OBJECT_KEYWORDS } from "../crm-ast.js";
import { describeSyntaxError, parseObject } from "../crm-parser.js";
import type { Command, CommandResult, Level, ShellContext } from "./types.js";

async function withState(
  ctx: ShellContext,
  fn: (state: ConfigureState) => CommandResult | Promise<CommandResult>,
): Promise<CommandResult> {
  const state = await getState(ctx);
  if (state === undefined) return false;
  return fn(state);
}

/** Parses and adds one object definition (`words[0]` is its keyword). */
export async function defineObject(ctx: ShellContext, words: readonly string[]): Promise<boolean> {
  if (words[0] === "ms" || words[0] === "master") {
    const rest = words.slice(1).join(" ");
    const meta = words.includes("meta") ? " promotable=true" : " meta promotable=true";
    ctx.warn(`"ms" is deprecated. Please use "clone ${rest}${meta}"`);
  }
  const parsed = parseObject(words);
  if (!parsed.ok) {
    for (const line of parsed.error.before ?? []) ctx.error(null, line);
    ctx.error(null, describeSyntaxError(parsed.error));
    return false;
  }
  return withState(ctx, (state) => createObject(ctx, state, parsed.value));
}

const OBJECT_HELP: Record<string, [string, string]> = {
  node: [
    "Define a cluster node",
    "node [<id>:]<uname> [description=<text>] [attributes <param>=<value> ...] [utilization <param>=<value> ...]",
  ],
  primitive: [
    "Define a resource",
    "primitive <rsc> {[<class>:[<provider>:]]<type>} [description=<description>] [params <param>=<value> ...] [meta <attribute>=<value> ...] [utilization <attribute>=<value> ...] [op <op_type> [<attribute>=<value> ...] ...]",
  ],
  group: [
    "Define a group",
    "group <name> <rsc> [<rsc>...] [description=<description>] [meta attr_list] [params attr_list]",
  ],
  clone: [
    "Define a clone",
    "clone <name> <rsc> [description=<description>] [meta attr_list] [params attr_list]",
  ],
  ms: [
    "Define a master-slave resource (deprecated)",
    "ms <name> <rsc> [description=<description>] [meta attr_list] [params attr_list]",
  ],
  location: [
    "A location preference",
    "location <id> <rsc> [role=<role>] [resource-discovery=<mode>] {<score>: <node> | rule [role=<role>] <score>: <expression> ...}",
  ],
  colocation: [
    "Colocate resources",
    "colocation <id> <score>: <rsc>[:<role>] <with-rsc>[:<role>] | <resource sets>",
  ],
  order: [
    "Order resources",
    "order <id> [kind:] first[:action] then[:action] [symmetrical=<bool>]",
  ],
  property: [
    "Set a cluster property",
    "property [<set_id>:] <option>=<value> [<option>=<value> ...]",
  ],
  rsc_defaults: [
    "Set resource defaults",
    "rsc_defaults [<set_id>:] <option>=<value> [<option>=<value> ...]",
  ],
  op_defaults: [
    "Set resource operations defaults",
    "op_defaults [<set_id>:] <option>=<value> [<option>=<value> ...]",
  ],
};

function objectCommand(name: string): Command {
  const [summary, usage] = OBJECT_HELP[name] ?? [name, name];
  const aliases = name === "ms" ? ["master"] : name === "colocation" ? ["collocation"] : [];
  return {
    name,
    aliases,
    summary,
    help: `usage: ${usage}`,
    handler: (ctx, args) => defineObject(ctx, [name, ...args]),
  };
}

async function show(ctx: ShellContext, args: readonly string[]): Promise<boolean> {
  return withState(ctx, (state) => {
    const asXml = args[0] === "xml";
    const rest = asXml ? args.slice(1) : args.filter((a) => a !== "changed");
    const objects = selectObjects(ctx, state.work, rest);
    // crmsh still prints the (empty) document of `show xml` after an unknown id.
    if (objects === undefined && asXml) ctx.io.stdout(showXml(state.work, []));
    if (objects === undefined) return false;
    const text = asXml ? showXml(state.work, objects) : showText(objects);
    if (text !== "") ctx.io.stdout(text);
    return true;
  });
}

async function commit(ctx: ShellContext, args: readonly string[]): Promise<boolean> {
  return withState(ctx, (state) => {
    if (!state.dirty) {
      ctx.info("apparently there is nothing to commit");
      ctx.info("try changing something first");
      return true;
    }
    return commitState(ctx, state, { force: args.includes("force") });
  });
}

async function erase(ctx: ShellContext, args: readonly string[]): Promise<boolean> {
  const withNodes = args[0] === "nodes";
  if (args.length > 0 && !withNodes) {
    ctx.error(ctx.cmdPath, `Expected 'nodes' (found '${args[0]}')`);
    return false;
  }
  if (!(await ctx.confirm("Do you really want to erase the whole configuration"))) return true;
  return withState(ctx, (state) => {
    eraseAll(state, withNodes);
    return true;
  });
}

const COMMANDS: Command[] = [
  ...OBJECT_KEYWORDS.filter((k) => k !== "master" && k !== "collocation").map(objectCommand),
  {
    name: "show",
    summary: "Display CIB objects",
    help: "usage: show [xml] [<id> | type:<type> ...]",
    handler: show,
  },
  {
    name: "delete",
    aliases: ["rm"],
    summary: "Delete CIB objects",
    help: "usage: delete <id> [<id>...]",
    handler: async (ctx, args) => {
      // crmsh accepts `delete` without ids and does nothing.
      if (args.length === 0) return true;
      return withState(ctx, (state) => deleteObjects(ctx, state, args));
    },
  },
  {
    name: "rename",
    summary: "Rename a CIB object",
    help: "usage: rename <old_id> <new_id>",
    handler: async (ctx, args) => {
      const [from, to] = args;
      if (from === undefined || to === undefined || args.length > 2) {
        const n = args.length;
        ctx.error(ctx.cmdPath, `Expected (old_id new_id), takes exactly 2 arguments (${n} given)`);
        return false;
      }
      return withState(ctx, (state) => renameObject(ctx, state, from, to));
    },
  },
  {
    name: "modgroup",
    summary: "Modify group",
    help: "usage: modgroup <id> add <id> [after <id>|before <id>]\n       modgroup <id> remove <id>",
    handler: (ctx, args) => withState(ctx, (state) => modgroup(ctx, state, args)),
  },
  {
    name: "edit",
    summary: "Edit CIB objects",
    help: "usage: edit [<id> ...]\nOpens the objects in crm syntax in $EDITOR; the result replaces them.",
    handler: (ctx, args) => withState(ctx, (state) => editObjects(ctx, state, args)),
  },
  {
    name: "monitor",
    summary: "Add monitor operation to a primitive",
    help: "usage: monitor <rsc>[:<role>] <interval>[:<timeout>]",
    handler: (ctx, args) => withState(ctx, (state) => addMonitor(ctx, state, args)),
  },
  {
    name: "schema",
    summary: "Set or display current CIB RNG schema",
    help: "usage: schema [<schema>]",
    handler: (ctx, args) =>
      withState(ctx, (state) => {
        const [want] = args;
        if (want === undefined) {
          ctx.out(getAttr(state.work, "validate-with") ?? "");
          return true;
        }
        if (!/^pacemaker-\d+\.\d+$/.test(want)) {
          ctx.error(ctx.cmdPath, `${want}: unknown schema`);
          return false;
        }
        setAttr(state.work, "validate-with", want);
        state.dirty = true;
        return true;
      }),
  },
  {
    name: "verify",
    summary: "Verify the CIB with crm_verify",
    help: "usage: verify",
    handler: (ctx) => withState(ctx, (state) => relayVerify(ctx, state.work)),
  },
  {
    name: "commit",
    summary: "Commit the changes to the CIB",
    help: "usage: commit [force]",
    handler: commit,
  },
  {
    name: "erase",
    summary: "Erase the CIB",
    help: "usage: erase [nodes]",
    handler: erase,
  },
  {
    name: "refresh",
    summary: "Refresh from CIB",
    help: "usage: refresh\nDrops uncommitted changes and re-reads the CIB.",
    handler: async (ctx) => {
      dropState(ctx);
      return (await getState(ctx)) !== undefined;
    },
  },
  {
    name: "load",
    summary: "Import the CIB from a file",
    help: "usage: load [xml] {replace|update|push} {<url>|<path>|-}",
    handler: (ctx, args) => withState(ctx, (state) => loadFile(ctx, state, args)),
  },
  {
    name: "save",
    summary: "Save the CIB to a file",
    help: "usage: save [xml] [<id> ...] <file>",
    handler: (ctx, args) => withState(ctx, (state) => saveFile(ctx, state, args)),
  },
  {
    name: "xml",
    summary: "Raw xml",
    help: "usage: xml <xml>",
    handler: (ctx, args) => withState(ctx, (state) => xmlCommand(ctx, state, args)),
  },
];

export const level: Level = {
  name: "configure",
  summary: "CIB configuration",
  help: [
    "This level enables all CIB object definition commands.",
    "",
    "The changes are applied to the current CIB only on ending the",
    "configuration session or using the commit command.",
  ].join("\n"),
  commands: COMMANDS,
  sublevels: ["cib"],
  otherNames: [
    "acl_target",
    "alert",
    "bundle",
    "cib",
    "cibstatus",
    "default-timeouts",
    "fencing_topology",
    "filter",
    "graph",
    "ptest",
    "role",
    "rsc_template",
    "rsc_ticket",
    "rsctest",
    "set",
    "tag",
    "template",
    "upgrade",
    "user",
    "validate_all",
    "assist",
    "ra",
    "maintenance",
    "history",
  ],
  async leave(ctx) {
    const state = ctx.state.get("configure") as ConfigureState | undefined;
    if (!state?.dirty) return true;
    if (
      ctx.interactive &&
      !(await ctx.confirm("There are changes pending. Do you want to commit them"))
    ) {
      dropState(ctx);
      return true;
    }
    return commitState(ctx, state);
  },
};
