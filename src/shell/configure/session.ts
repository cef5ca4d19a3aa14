/**
 * The configure level's working copy of the CIB: read once, edited in memory by the object
 * commands, written back by `commit` (or when the level is left), after crm_verify's
 * findings and crmsh's semantic checks have been relayed.
 */
import type { CibBackend, CibError } from "../../cib/backend.js";
import { describeCibError } from "../../cib/load.js";
import { childElements, cloneElement, elem, firstChild, type XmlElement } from "../../cib/xml.js";
import type { ShellContext } from "../levels/types.js";
import { semanticChecks } from "./checks.js";
import { relayVerify, schemaCheck } from "./verify-relay.js";

export interface ConfigureState {
  backend: CibBackend;
  shadow: string | null;
  work: XmlElement;
  dirty: boolean;
  /** Ids of objects created or changed since the last commit (semantic checks run on them). */
  changed: Set<string>;
  /** Agents whose meta-data could not be read (reported again at commit). */
  missingAgents: Set<string>;
}

const KEY = "configure";

/** Order of configuration sections in a CIB Pacemaker writes. */
const SECTION_ORDER = [
  "crm_config",
  "nodes",
  "resources",
  "constraints",
  "rsc_defaults",
  "op_defaults",
];

export function configuration(cib: XmlElement): XmlElement {
  let conf = firstChild(cib, "configuration");
  if (!conf) {
    conf = elem("configuration");
    cib.children.unshift(conf);
  }
  return conf;
}

/** The named configuration section, created in Pacemaker's order when missing. */
export function section(cib: XmlElement, name: string): XmlElement {
  const conf = configuration(cib);
  const found = firstChild(conf, name);
  if (found) return found;
  const el = elem(name);
  const rank = SECTION_ORDER.indexOf(name);
  const idx = conf.children.findIndex(
    (c) => c.type === "element" && SECTION_ORDER.indexOf(c.name) > rank,
  );
  if (idx < 0 || rank < 0) conf.children.push(el);
  else conf.children.splice(idx, 0, el);
  return el;
}

/** The session state, reading the CIB on first use (or after the shadow changed). */
export async function getState(ctx: ShellContext): Promise<ConfigureState | undefined> {
  const have = ctx.state.get(KEY) as ConfigureState | undefined;
  if (have && (have.shadow === ctx.shadow || have.dirty)) return have;
  const backend = await ctx.openCib();
  const read = await backend.read();
  if (!read.ok) {
    reportReadError(ctx, read.error);
    return undefined;
  }
  const state: ConfigureState = {
    backend,
    shadow: ctx.shadow,
    work: read.value,
    dirty: false,
    changed: new Set(),
    missingAgents: new Set(),
  };
  ctx.state.set(KEY, state);
  return state;
}

/** crmsh's lines when cibadmin cannot reach the CIB; our own one line for other errors. */
function reportReadError(ctx: ShellContext, e: CibError): void {
  const unreachable =
    e.kind === "not-connected"
      ? e.detail
      : e.kind === "not-found"
        ? "No such device or address"
        : undefined;
  if (unreachable === undefined) {
    ctx.error(null, describeCibError(e));
    return;
  }
  ctx.error(null, `running cibadmin -Ql: Could not connect to the CIB: ${unreachable}`);
  ctx.io.stderr("Init failed, could not perform requested operations\n\n");
  ctx.error(null, "configure: Missing requirements");
}

/** Drops the working copy; the next command re-reads the CIB. */
export function dropState(ctx: ShellContext): void {
  ctx.state.delete(KEY);
}

export function markChanged(state: ConfigureState, id: string): void {
  state.dirty = true;
  state.changed.add(id);
}

/**
 * Verifies and writes the working copy. Returns false (and writes nothing) when
 * crm_verify or the semantic checks found errors, unless forced.
 */
export async function commitState(
  ctx: ShellContext,
  state: ConfigureState,
  opts: { force?: boolean } = {},
): Promise<boolean> {
  if (!state.dirty) return true;
  // crmsh verifies a commit (crm_verify, then its semantic checks) only when the new
  // configuration has resources.
  const withResources = hasResources(state.work);
  const verified = withResources
    ? await relayVerify(ctx, state.work)
    : await schemaCheck(ctx, state.work);
  const checked = withResources ? semanticChecks(ctx, state) : true;
  const force = opts.force === true || ctx.force;
  if ((!verified || !checked) && !force) return false;
  const written = await state.backend.commit(state.work);
  if (!written.ok) {
    ctx.error(null, describeCibError(written.error));
    return false;
  }
  const reread = await state.backend.read();
  state.work = reread.ok ? reread.value : cloneElement(state.work);
  state.dirty = false;
  state.changed.clear();
  state.missingAgents.clear();
  return true;
}

/** Every element of the configuration carrying `id`, with its parent. */
export function findById(
  cib: XmlElement,
  id: string,
): { el: XmlElement; parent: XmlElement } | undefined {
  const walk = (parent: XmlElement): { el: XmlElement; parent: XmlElement } | undefined => {
    for (const c of childElements(parent)) {
      if (c.attrs.some(([k, v]) => k === "id" && v === id) && c.name !== "resource_ref") {
        return { el: c, parent };
      }
      const deeper = walk(c);
      if (deeper) return deeper;
    }
    return undefined;
  };
  return walk(configuration(cib));
}

function hasResources(cib: XmlElement): boolean {
  const resources = firstChild(configuration(cib), "resources");
  return resources !== undefined && childElements(resources).length > 0;
}
