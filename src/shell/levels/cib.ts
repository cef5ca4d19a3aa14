/**
 * The crm `cib` level: shadow CIBs (new, use, commit, delete, list, diff, reset, import),
 * with crmsh 4.4's messages. Shadow files are managed by src/cib/shadow.ts; `diff` runs
 * crm_shadow in-process as crmsh runs the real one.
 */
import { randomBytes } from "node:crypto";
import { unlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseCibText } from "../../cib/load.js";
import { openCib, withoutShadow } from "../../cib/open.js";
import {
  commitShadow,
  createShadow,
  deleteShadow,
  describeShadowError,
  listShadows,
  readShadow,
  resetShadow,
  shadowPath,
} from "../../cib/shadow.js";
import { crmShadow } from "../../tools/crm_shadow.js";
import { expectArgs } from "./_args.js";
import type { Command, Level, ShellContext } from "./types.js";

/** Names a shadow may have: crm_shadow's file is `shadow.NAME`, so no path separators. */
function saneName(ctx: ShellContext, name: string): boolean {
  if (name !== "" && !name.includes("/") && name !== "." && name !== "..") {
    return true;
  }
  ctx.error(null, `${name}: bad filename`);
  ctx.error(ctx.cmdPath, `Bad filename: ${name}`);
  return false;
}

/**
 * A shadow made up for a nameless `cib new` lives as long as this crm run, as crmsh's
 * temporary shadows do (removed when the process exits).
 */
function removeAtExit(path: string): void {
  process.once("exit", () => {
    try {
      unlinkSync(path);
    } catch {
      // Already gone (deleted or committed and removed by the user): nothing to clean.
    }
  });
}

/** crmsh's made-up name for `cib new` without a name. */
function randomName(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(8);
  let s = "crmsh_";
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

const newCommand: Command = {
  name: "new",
  summary: "Create a new shadow CIB",
  help: "usage: new [<cib>] [withstatus] [force] [empty]\n\nCreate a new shadow CIB (a copy of the live CIB, or an empty one with `empty`).",
  async handler(ctx, args) {
    const flags = new Set(["withstatus", "force", "empty"]);
    const names = args.filter((a) => !flags.has(a));
    if (names.length > 1) {
      ctx.error(ctx.cmdPath, `Unexpected argument(s): ${args.join(" ")}`);
      return false;
    }
    const name = names[0] ?? randomName();
    if (names[0] === undefined) removeAtExit(shadowPath(name, ctx.env));
    if (!saneName(ctx, name)) return false;
    const r = await createShadow(name, {
      env: ctx.env,
      empty: args.includes("empty"),
      force: args.includes("force"),
    });
    if (!r.ok) {
      // crmsh relays crm_shadow's refusal and then (wrongly) exits 0; pacer exits 1.
      if (r.error.kind === "shadow-exists") {
        ctx.io.stderr(
          `A shadow instance '${name}' already exists.\n  To prevent accidental destruction of ` +
            "the cluster, the --force flag is required in order to proceed.\n",
        );
      } else {
        ctx.error(ctx.cmdPath, `${name}: ${describeShadowError(r.error)}`);
      }
      return false;
    }
    ctx.info(`${ctx.cmdPath}: ${name} shadow CIB created`);
    ctx.setShadow(name);
    return true;
  },
};

const useCommand: Command = {
  name: "use",
  summary: "Change working CIB",
  help: "usage: use [<cib>] [withstatus]\n\nWork on shadow CIB <cib>, or on the live CIB with `live` or no name.",
  async handler(ctx, args) {
    const names = args.filter((a) => a !== "withstatus");
    if (!expectArgs(ctx, names, { max: 1, usage: "name" })) return false;
    const name = names[0];
    if (name === undefined || name === "live") {
      ctx.setShadow(null);
      return true;
    }
    const r = await readShadow(name, { env: ctx.env });
    if (!r.ok) {
      ctx.error(ctx.cmdPath, `${name}: no such shadow CIB`);
      return false;
    }
    ctx.setShadow(name);
    return true;
  },
};

const commitCommand: Command = {
  name: "commit",
  summary: "Copy a shadow CIB to the cluster",
  help: "usage: commit [<cib>]\n\nCopy shadow CIB <cib> (default: the one in use) to the live CIB.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { max: 1, usage: "name" })) return false;
    const name = args[0] ?? ctx.shadow;
    if (name === null || name === undefined) {
      ctx.error(ctx.cmdPath, "There is nothing to commit");
      return false;
    }
    const r = await commitShadow(name, { env: withoutShadow(ctx.env) });
    if (!r.ok) {
      ctx.io.stderr(`${describeShadowError(r.error)}\n`);
      ctx.error(ctx.cmdPath, `failed to commit the ${name} shadow CIB`);
      return false;
    }
    ctx.info(`${ctx.cmdPath}: committed '${name}' shadow CIB to the cluster`);
    return true;
  },
};

const deleteCommand: Command = {
  name: "delete",
  summary: "Delete a shadow CIB",
  help: "usage: delete <cib>\n\nDelete shadow CIB <cib> (not the one in use).",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "name" })) return false;
    const name = args[0] as string;
    if (name === ctx.shadow) {
      ctx.error(ctx.cmdPath, `${name} shadow CIB is in use`);
      return false;
    }
    const r = await deleteShadow(name, { env: ctx.env });
    if (!r.ok) {
      ctx.error(ctx.cmdPath, `${name}: no such shadow CIB`);
      return false;
    }
    ctx.info(`${ctx.cmdPath}: ${name} shadow CIB deleted`);
    return true;
  },
};

const listCommand: Command = {
  name: "list",
  summary: "List all shadow CIBs",
  help: "usage: list\n\nList the shadow CIBs in CIB_shadow_dir.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { max: 0, usage: "" })) return false;
    const r = await listShadows({ env: ctx.env });
    if (!r.ok) {
      ctx.error(ctx.cmdPath, describeShadowError(r.error));
      return false;
    }
    const width = Number(ctx.env.COLS ?? ctx.env.COLUMNS ?? "80") || 80;
    for (const line of multicolumn(r.value, width)) ctx.out(line);
    return true;
  },
};

/** crmsh's ls-like columns: width from the longest name (at least 8) plus a gap of 2. */
export function multicolumn(names: readonly string[], width: number): string[] {
  const longest = Math.max(8, ...names.map((n) => n.length));
  const cols = Math.max(1, Math.floor(width / (longest + 2)));
  const colLen = Math.floor(width / cols);
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += cols) {
    const row = names.slice(i, i + cols);
    const last = row.length === cols ? row.length - 1 : row.length;
    lines.push(row.map((n, j) => (j < last ? n.padEnd(colLen) : n)).join(""));
  }
  return lines;
}

const diffCommand: Command = {
  name: "diff",
  summary: "Diff between the shadow CIB and the live CIB",
  help: "usage: diff\n\nShow the changes in the shadow CIB in use against the live CIB.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { max: 0, usage: "" })) return false;
    // crm_shadow exits 1 when there are differences; crmsh shows them and succeeds.
    await crmShadow(["-b", "-d"], ctx.toolIo());
    return true;
  },
};

const resetCommand: Command = {
  name: "reset",
  summary: "Copy live cib to a shadow CIB",
  help: "usage: reset <cib>\n\nCopy the live CIB over shadow CIB <cib>.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 1, usage: "name" })) return false;
    const name = args[0] as string;
    const r = await resetShadow(name, { env: withoutShadow(ctx.env) });
    if (!r.ok) {
      ctx.io.stderr(`${describeShadowError(r.error)}\n`);
      ctx.error(ctx.cmdPath, `failed to copy live CIB to ${name}`);
      return false;
    }
    ctx.info(`${ctx.cmdPath}: copied live CIB to ${name}`);
    return true;
  },
};

const importCommand: Command = {
  name: "import",
  summary: "Import a CIB or PE input file to a shadow",
  help: "usage: import {<file>|<number>} [<shadow>]\n\nCreate shadow CIB <shadow> (default: the file's name) from a CIB XML file.",
  async handler(ctx, args) {
    if (!expectArgs(ctx, args, { min: 1, max: 2, usage: "infile [name]" })) return false;
    const file = args[0] as string;
    const name = args[1] ?? basename(file);
    if (!saneName(ctx, name)) return false;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      ctx.error(ctx.cmdPath, `${file}: no such file`);
      return false;
    }
    const cib = parseCibText(text, file);
    if (!cib.ok) {
      ctx.error(ctx.cmdPath, `${file}: not a CIB (${cib.error.kind})`);
      return false;
    }
    const made = await createShadow(name, { env: ctx.env, empty: true, force: true });
    if (!made.ok) {
      ctx.error(ctx.cmdPath, describeShadowError(made.error));
      return false;
    }
    const written = await (await openCib({ ...ctx.env, CIB_shadow: name })).commit(cib.value, {
      bump: "none",
    });
    if (!written.ok) {
      ctx.error(ctx.cmdPath, `${name}: could not write the shadow CIB`);
      return false;
    }
    return true;
  },
};

export const level: Level = {
  name: "cib",
  summary: "CIB shadow management",
  help:
    "CIB shadow management\n\nThis level is for management of shadow CIBs. It is available both\n" +
    "at the top level and the configure level.\n\nAll the commands are implemented using " +
    "cib_shadow(8) and the\nCIB_shadow environment variable. The user prompt always\n" +
    "includes the name of the currently active shadow or the live CIB.",
  commands: [
    commitCommand,
    deleteCommand,
    diffCommand,
    importCommand,
    listCommand,
    newCommand,
    resetCommand,
    useCommand,
  ],
};
