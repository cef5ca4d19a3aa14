/**
 * What the resource and node levels share: running a Pacemaker tool in-process (as crmsh
 * runs the real ones), cluster membership through crm_node, and direct edits of the
 * session's CIB for the commands crmsh implements as CIB patches (start/stop, standby...).
 */
import type { XmlElement } from "../../cib/xml.js";
import { childElements, firstChild, getAttr } from "../../cib/xml.js";
import type { Tool, ToolIo } from "../../tools/tool-io.js";
import type { ShellContext } from "./types.js";

export interface ToolRun {
  readonly code: number;
  /** Captured stdout when asked for; otherwise "" (output went to the terminal). */
  readonly stdout: string;
}

/** Runs `tool` with the session's environment; stdout captured with `capture`. */
export async function runTool(
  ctx: ShellContext,
  tool: Tool,
  argv: readonly string[],
  opts: { readonly capture?: boolean } = {},
): Promise<ToolRun> {
  const base = ctx.toolIo();
  let captured = "";
  const capture = (t: string): void => {
    captured += t;
  };
  const io: ToolIo = opts.capture ? { ...base, stdout: capture } : base;
  const code = await tool(argv, io);
  return { code, stdout: captured };
}

/**
 * The cluster's member names as crm_node -l reports them, or undefined when the controller
 * cannot be reached (crm_node has printed its error then, as crmsh relays it).
 */
export async function clusterMembers(ctx: ShellContext): Promise<string[] | undefined> {
  const { crmNode } = await import("../../tools/crm_node.js");
  const r = await runTool(ctx, crmNode, ["-l"], { capture: true });
  if (r.code !== 0) return undefined;
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[1])
    .filter((n): n is string => n !== undefined && n !== "");
}

/** Reads the session's CIB; prints an error line and returns undefined on failure. */
export async function readSessionCib(
  ctx: ShellContext,
): Promise<{ cib: XmlElement; commit: () => Promise<boolean> } | undefined> {
  const backend = await ctx.openCib();
  const r = await backend.read();
  if (!r.ok) {
    const detail = r.error.kind === "not-connected" ? r.error.detail : describe(r.error);
    ctx.error(null, `could not read the CIB: ${detail}`);
    return undefined;
  }
  const cib = r.value;
  return {
    cib,
    async commit() {
      const w = await backend.commit(cib, { bump: "auto" });
      if (w.ok) return true;
      ctx.error(null, `could not update the CIB: ${describe(w.error)}`);
      return false;
    },
  };
}

function describe(e: { readonly kind: string }): string {
  const d = (e as { detail?: unknown }).detail;
  return typeof d === "string" ? d : e.kind;
}

/** Configured nodes (`<node id uname>`) of the CIB. */
export function cibNodes(cib: XmlElement): XmlElement[] {
  const config = firstChild(cib, "configuration");
  const nodes = config === undefined ? undefined : firstChild(config, "nodes");
  return nodes === undefined ? [] : childElements(nodes, "node");
}

/** The `<node>` whose uname (or id) is `name`. */
export function findCibNode(cib: XmlElement, name: string): XmlElement | undefined {
  return cibNodes(cib).find((n) => (getAttr(n, "uname") ?? getAttr(n, "id")) === name);
}
