/**
 * Applying a parsed crm object to the configure session's working CIB, with crmsh's
 * refusals (`Cannot create group with ID 'x': Found existing group with same ID.`) and
 * side effects (a clone takes over the constraints of the resource it wraps).
 */
import { childElements, elem, getAttr, printXml, setAttr, type XmlElement } from "../../cib/xml.js";
import {
  buildColocation,
  buildContainer,
  buildLocation,
  buildOrder,
  buildPrimitive,
  IdAllocator,
  nvpairElement,
} from "../cib-build.js";
import type {
  AttrSet,
  ContainerDef,
  CrmObject,
  NodeDef,
  NvList,
  PrimitivePart,
  PropertySetDef,
} from "../crm-ast.js";
import type { ShellContext } from "../levels/types.js";
import { agentSpec, primitiveMetadata } from "./checks.js";
import { retargetConstraints } from "./references.js";
import { type ConfigureState, configuration, findById, markChanged, section } from "./session.js";

const VALID_ID = /^[A-Za-z_][\w.-]*$/u;

/** The keyword crm uses for an element kind (`rsc_location` -> location, `master` -> ms). */
export function keywordOf(el: XmlElement): string {
  const map: Record<string, string> = {
    rsc_location: "location",
    rsc_colocation: "colocation",
    rsc_order: "order",
    master: "ms",
    cluster_property_set: "property",
  };
  return map[el.name] ?? el.name;
}

/** Adds an object to the working CIB; false (nothing changed) when crmsh refuses it. */
export function createObject(ctx: ShellContext, state: ConfigureState, def: CrmObject): boolean {
  switch (def.type) {
    case "property":
    case "rsc_defaults":
    case "op_defaults":
      return applyPropertySet(state, def);
    case "node":
      return applyNode(state, def);
    default:
      break;
  }
  const ids = new IdAllocator(configuration(state.work));
  const existing = findById(state.work, def.id);
  const keyword = def.type;
  if (existing) {
    const theirs = keywordOf(existing.el);
    ctx.error(
      null,
      `Cannot create ${keyword} with ID '${def.id}': Found existing ${theirs} with same ID.`,
    );
    const hint = existingIdHint(def);
    // crmsh prints only the error; scripts (and the recorded cases) keep exactly that. A person
    // at a terminal also learns the command that does what they meant.
    if (hint && (ctx.io.stdinIsTTY || ctx.io.stdoutIsTTY)) ctx.io.stderr(`INFO: ${hint}\n`);
    return false;
  }
  switch (def.type) {
    case "primitive": {
      const el = buildPrimitive(def, ids);
      if (!validId(ctx, def.id, keyword, el)) return false;
      if (!referencesExist(ctx, state, def.parts)) return false;
      if (primitiveMetadata(ctx, el) === null) {
        ctx.error(null, `${agentSpec(el)}: got no meta-data, does this RA exist?`);
      }
      section(state.work, "resources").children.push(el);
      markChanged(state, def.id);
      return true;
    }
    case "group":
    case "clone":
    case "ms":
      return createContainer(ctx, state, def, ids);
    case "location":
      return addConstraint(ctx, state, def.id, buildLocation(def, ids));
    case "colocation":
      return addConstraint(ctx, state, def.id, buildColocation(def, ids));
    case "order":
      return addConstraint(ctx, state, def.id, buildOrder(def, ids));
  }
}

/** `params @SETID` must name an attribute set that exists. */
function referencesExist(
  ctx: ShellContext,
  state: ConfigureState,
  parts: readonly PrimitivePart[],
): boolean {
  for (const p of parts) {
    if (p.kind === "op") continue;
    for (const [name, value] of p.nv) {
      const ref = name.startsWith("@") && value === null ? name.slice(1) : undefined;
      if (ref !== undefined && !findById(state.work, ref)) {
        ctx.error(null, `Reference not found: ${ref}`);
        return false;
      }
    }
  }
  return true;
}

function validId(ctx: ShellContext, id: string, keyword: string, el: XmlElement): boolean {
  if (VALID_ID.test(id)) return true;
  const shallow: XmlElement = { ...el, children: [] };
  ctx.error(null, `${id}: invalid object id`);
  ctx.error(null, `No ID found for ${keyword}: ${printXml(shallow, { indent: "" }).trim()}`);
  return false;
}

function addConstraint(
  ctx: ShellContext,
  state: ConfigureState,
  id: string,
  el: XmlElement,
): boolean {
  if (!validId(ctx, id, keywordOf(el), el)) return false;
  section(state.work, "constraints").children.push(el);
  markChanged(state, id);
  return true;
}

/** Removes an element from its parent. */
export function detach(parent: XmlElement, el: XmlElement): void {
  parent.children = parent.children.filter((c) => c !== el);
}

function createContainer(
  ctx: ShellContext,
  state: ConfigureState,
  def: ContainerDef,
  ids: IdAllocator,
): boolean {
  const el = buildContainer(def, ids);
  const keyword = def.type;
  if (!validId(ctx, def.id, keyword, el)) return false;
  const children: { el: XmlElement; parent: XmlElement }[] = [];
  const seen = new Set<string>();
  for (const childId of def.children) {
    if (seen.has(childId)) {
      const line = [keyword, def.id, ...def.children].join(" ");
      ctx.error(
        null,
        `syntax in ${keyword}: child ${childId} listed more than once in ${keyword} ${def.id} parsing '${line}'`,
      );
      return false;
    }
    seen.add(childId);
    const found = findById(state.work, childId);
    if (!found || !["primitive", "group", "clone", "master"].includes(found.el.name)) {
      // crmsh reports the missing member and goes on without it.
      ctx.errorLine(`${def.id} refers to missing object ${childId}`);
      continue;
    }
    if (found.parent.name !== "resources") {
      const pk = keywordOf(found.parent);
      ctx.error(
        null,
        `Cannot create ${keyword}:${def.id}: Child ${keywordOf(found.el)}:${childId} already in ${pk}:${getAttr(found.parent, "id")}`,
      );
      return false;
    }
    if (!canContain(ctx, def, found.el)) return false;
    children.push(found);
  }
  if (children.length === 0) {
    ctx.error(
      null,
      `syntax in ${keyword}: Expected at least 2 arguments near <${keyword}> parsing '${keyword} ${def.id}'`,
    );
    return false;
  }
  if (def.type !== "group" && children.length > 1) {
    ctx.error(
      null,
      `${def.id}: a ${keyword} wraps exactly one resource (${def.children.join(" ")} given)`,
    );
    return false;
  }
  const resources = section(state.work, "resources");
  for (const c of children) {
    detach(c.parent, c.el);
    el.children.push(c.el);
  }
  resources.children.push(el);
  markChanged(state, def.id);
  if (def.type !== "group") {
    for (const c of children) retargetConstraints(ctx, state, getAttr(c.el, "id") ?? "", def.id);
  }
  return true;
}

/** Groups hold primitives; clones hold one primitive or group. */
function canContain(ctx: ShellContext, def: ContainerDef, child: XmlElement): boolean {
  const childId = getAttr(child, "id") ?? "";
  if (def.type === "group" && child.name !== "primitive") {
    ctx.error(
      null,
      `${def.id}: a group may contain only primitives, ${childId} is a ${keywordOf(child)}`,
    );
    return false;
  }
  if (def.type !== "group" && child.name !== "primitive" && child.name !== "group") {
    ctx.error(null, `${def.id}: a ${keywordOf(child)} cannot be put in a ${def.type}`);
    return false;
  }
  return true;
}

const SETS: Record<PropertySetDef["type"], [string, string, string]> = {
  property: ["crm_config", "cluster_property_set", "cib-bootstrap-options"],
  rsc_defaults: ["rsc_defaults", "meta_attributes", "rsc-options"],
  op_defaults: ["op_defaults", "meta_attributes", "op-options"],
};

function applyPropertySet(state: ConfigureState, def: PropertySetDef): boolean {
  const [secName, setName, defaultId] = SETS[def.type];
  const sec = section(state.work, secName);
  const sets = childElements(sec, setName);
  let set = def.setId !== undefined ? sets.find((s) => getAttr(s, "id") === def.setId) : sets[0];
  if (!set) {
    set = elem(setName, { id: def.setId ?? defaultId });
    sec.children.push(set);
  }
  mergeNvpairs(state, set, def.nv);
  markChanged(state, getAttr(set, "id") ?? defaultId);
  return true;
}

/** Sets each name to its value in `set`, appending new nvpairs with ids `SETID-NAME`. */
export function mergeNvpairs(state: ConfigureState, set: XmlElement, nv: NvList): void {
  const ids = new IdAllocator(configuration(state.work));
  const setId = getAttr(set, "id") ?? "";
  for (const [name, value] of nv) {
    const have = childElements(set, "nvpair").find((n) => getAttr(n, "name") === name);
    if (have) {
      if (value !== null) setAttr(have, "value", value);
      continue;
    }
    set.children.push(nvpairElement(setId, name, value, ids));
  }
}

const NODE_SET: Record<AttrSet["kind"], string> = {
  params: "instance_attributes",
  meta: "meta_attributes",
  utilization: "utilization",
};

function applyNode(state: ConfigureState, def: NodeDef): boolean {
  const nodes = section(state.work, "nodes");
  let node = childElements(nodes, "node").find((n) => getAttr(n, "uname") === def.uname);
  if (!node) {
    node = elem("node", { uname: def.uname, id: def.nodeId ?? def.uname });
    if (def.nodeType !== undefined) setAttr(node, "type", def.nodeType);
    nodes.children.push(node);
  }
  if (def.description !== undefined) setAttr(node, "description", def.description);
  for (const part of def.parts) {
    const name = NODE_SET[part.kind];
    let set = childElements(node, name)[0];
    if (!set) {
      const ids = new IdAllocator(configuration(state.work));
      set = elem(name, { id: part.id ?? ids.make(`${def.uname}-${name}`) });
      node.children.push(set);
    }
    mergeNvpairs(state, set, part.nv);
  }
  markChanged(state, def.uname);
  return true;
}

/** What to type instead of re-creating an existing object (shown to people at a terminal). */
function existingIdHint(def: CrmObject): string | undefined {
  if (
    def.type !== "primitive" &&
    def.type !== "group" &&
    def.type !== "clone" &&
    def.type !== "ms"
  ) {
    return "id" in def
      ? `to change it: crm configure edit ${def.id} (or delete it first)`
      : undefined;
  }
  const meta = def.parts
    .filter((p) => p.kind === "meta")
    .flatMap((p) => (p as { nv: [string, string | null][] }).nv);
  if (meta.length === 0) return `to change it: crm configure edit ${def.id}`;
  const cmds = meta.map(([n, v]) => `crm resource meta ${def.id} set ${n} ${v ?? ""}`.trim());
  const role = meta.find(([n]) => n === "target-role")?.[1];
  const alt =
    role === "Stopped"
      ? ` (or: crm resource stop ${def.id})`
      : role === "Started"
        ? ` (or: crm resource start ${def.id})`
        : "";
  return `to change its meta attributes: ${cmds.join("; ")}${alt}`;
}
