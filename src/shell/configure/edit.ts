/**
 * `configure edit [ID...]`: the selected objects (all without ids) in crm syntax, opened in
 * $EDITOR (else $VISUAL, else vi); what comes back replaces them. Objects removed from the
 * text are deleted. Nothing changes when the text comes back unchanged or the editor fails.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childElements } from "../../cib/xml.js";
import type { ShellContext } from "../levels/types.js";
import { detach } from "./create.js";
import { deleteObjects } from "./edit-ops.js";
import { applyDefinitions, definitionLines } from "./load.js";
import { type ConfigureState, findById, section } from "./session.js";
import { selectObjects, showText } from "./show.js";

function runEditor(ctx: ShellContext, text: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "crm-edit-"));
  const file = join(dir, "config.crm");
  try {
    writeFileSync(file, text);
    const editor = ctx.env.EDITOR || ctx.env.VISUAL || "vi";
    const run = spawnSync("sh", ["-c", `${editor} "$1"`, "editor", file], {
      stdio: "inherit",
      env: ctx.env as NodeJS.ProcessEnv,
    });
    if (run.status !== 0) {
      ctx.error(ctx.cmdPath, `editor ${editor} failed (exit ${run.status ?? "signal"})`);
      return undefined;
    }
    return readFileSync(file, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The id a definition line names (a node's uname, a set's `NAME:`). */
function definedId(words: readonly string[]): string | undefined {
  const second = words[1];
  if (second === undefined) return undefined;
  if (words[0] === "node" && second.endsWith(":")) return words[2];
  return second.replace(/:$/, "");
}

/** Containers are re-created: their members go back to the top level first. */
function clearForRedefinition(state: ConfigureState, id: string, kind: string): void {
  const found = findById(state.work, id);
  if (!found) return;
  if (["group", "clone", "master"].includes(found.el.name)) {
    const members = childElements(found.el).filter((c) => ["primitive", "group"].includes(c.name));
    const resources = section(state.work, "resources");
    detach(found.parent, found.el);
    resources.children.push(...members);
  } else if (["property", "rsc_defaults", "op_defaults"].includes(kind)) {
    detach(found.parent, found.el);
  }
}

export function editObjects(
  ctx: ShellContext,
  state: ConfigureState,
  args: readonly string[],
): boolean {
  const objects = selectObjects(ctx, state.work, args);
  if (objects === undefined) return false;
  const before = showText(objects);
  const after = runEditor(ctx, before);
  if (after === undefined || after === before) return after !== undefined;
  const lines = definitionLines(ctx, after, "edit");
  if (lines === undefined) return false;
  const kept = new Set(lines.map(definedId));
  const gone = objects.filter((o) => !kept.has(o.id)).map((o) => o.id);
  let ok = gone.length === 0 || deleteObjects(ctx, state, gone);
  for (const words of lines) {
    const id = definedId(words);
    if (id !== undefined) clearForRedefinition(state, id, words[0] ?? "");
  }
  ok = applyDefinitions(ctx, state, lines) && ok;
  state.dirty = true;
  return ok;
}
