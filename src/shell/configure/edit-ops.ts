/**
 * configure's editing commands on existing objects: delete, rename, modgroup, erase.
 */
import { childElements, elem, getAttr, setAttr, type XmlElement } from "../../cib/xml.js";
import { IdAllocator } from "../cib-build.js";
import type { ShellContext } from "../levels/types.js";
import { objectsOf } from "../printer.js";
import { detach } from "./create.js";
import { dropReferences, retargetConstraints } from "./references.js";
import { type ConfigureState, configuration, findById, markChanged, section } from "./session.js";

const CONTAINERS = new Set(["group", "clone", "master"]);

/** `delete ID...`: every id must exist; constraints follow (see references.ts). */
export function deleteObjects(
  ctx: ShellContext,
  state: ConfigureState,
  ids: readonly string[],
): boolean {
  let ok = true;
  const known = new Set(objectsOf(configuration(state.work)).map((o) => o.id));
  for (const id of ids) {
    if (known.has(id)) continue;
    ctx.error(null, `object ${id} does not exist`);
    ok = false;
  }
  for (const id of ids) {
    const obj = objectsOf(configuration(state.work)).find((o) => o.id === id);
    if (!obj) continue;
    const found = obj.kind === "node" ? nodeParent(state, obj.el) : findById(state.work, id);
    if (!found) continue;
    if (CONTAINERS.has(obj.el.name)) unwrap(ctx, state, found.el, found.parent);
    else if (obj.el.name === "primitive") deletePrimitive(ctx, state, found.el, found.parent);
    else detach(found.parent, found.el);
    state.dirty = true;
  }
  return ok;
}

function nodeParent(state: ConfigureState, el: XmlElement): { el: XmlElement; parent: XmlElement } {
  return { el, parent: section(state.work, "nodes") };
}

/** Deleting a container keeps its resources; constraints move to the first of them. */
function unwrap(
  ctx: ShellContext,
  state: ConfigureState,
  el: XmlElement,
  parent: XmlElement,
): void {
  const members = childElements(el).filter((c) =>
    ["primitive", "group", "clone", "master"].includes(c.name),
  );
  const at = parent.children.indexOf(el);
  parent.children.splice(at, 1, ...members);
  const first = members[0];
  const id = getAttr(el, "id") ?? "";
  if (first) retargetConstraints(ctx, state, id, getAttr(first, "id") ?? "");
  else dropReferences(ctx, state, id);
}

/**
 * A resource that is the last member of its container first takes the container's place
 * (constraints move to it), then goes with its own constraints — crmsh's order of messages.
 */
function deletePrimitive(
  ctx: ShellContext,
  state: ConfigureState,
  el: XmlElement,
  parent: XmlElement,
): void {
  let container = parent;
  for (let depth = 0; CONTAINERS.has(container.name) && depth < 3; depth++) {
    const members = childElements(container).filter(
      (c) => c.name === "primitive" || CONTAINERS.has(c.name),
    );
    if (members.length !== 1) break;
    const outer = findById(state.work, getAttr(container, "id") ?? "");
    if (!outer) break;
    unwrap(ctx, state, outer.el, outer.parent);
    container = outer.parent;
  }
  const now = findById(state.work, getAttr(el, "id") ?? "");
  detach(now?.parent ?? parent, el);
  dropReferences(ctx, state, getAttr(el, "id") ?? "");
}

/** `rename OLD NEW`: the id changes, references follow. */
export function renameObject(
  ctx: ShellContext,
  state: ConfigureState,
  from: string,
  to: string,
): boolean {
  const found = findById(state.work, from);
  const node = childElements(section(state.work, "nodes"), "node").some(
    (n) => getAttr(n, "uname") === from,
  );
  if (node || found?.el.name === "node") {
    ctx.error(null, "cannot rename nodes");
    return false;
  }
  if (!found) {
    ctx.error(null, `object ${from} does not exist`);
    return false;
  }
  if (findById(state.work, to)) {
    ctx.error(null, `${to}: id is already in use`);
    return false;
  }
  setAttr(found.el, "id", to);
  markChanged(state, to);
  retargetConstraints(ctx, state, from, to);
  return true;
}

/** `modgroup GROUP add|remove RSC [after|before RSC2]`, with crmsh's messages. */
export function modgroup(
  ctx: ShellContext,
  state: ConfigureState,
  args: readonly string[],
): boolean {
  const [gid, verb, rid, where, ref] = args;
  if (gid === undefined || verb === undefined || rid === undefined) {
    ctx.error(
      ctx.cmdPath,
      "usage: modgroup <id> add <id> [after <id>|before <id>] | modgroup <id> remove <id>",
    );
    return false;
  }
  const group = findById(state.work, gid);
  if (!group) {
    ctx.error(ctx.cmdPath, `group ${gid} does not exist`);
    return false;
  }
  if (group.el.name !== "group") {
    ctx.error(ctx.cmdPath, `element ${gid} is not a group`);
    return false;
  }
  const members = childElements(group.el).map((c) => getAttr(c, "id") ?? "");
  if (verb === "add") return modgroupAdd(ctx, state, group.el, members, [rid, where, ref]);
  if (verb !== "remove") {
    ctx.error(null, `modgroup subcommand ${verb} unknown`);
    return false;
  }
  if (!members.includes(rid)) {
    ctx.error(ctx.cmdPath, `${rid} is not member of ${gid}`);
    return false;
  }
  if (members.length === 1) {
    ctx.error(
      null,
      `1: syntax in group: Expected at least 2 arguments near <group> parsing 'group ${gid}'`,
    );
    return false;
  }
  const rsc = findById(state.work, rid) as { el: XmlElement; parent: XmlElement };
  detach(group.el, rsc.el);
  const top = topLevelAncestor(state, group.el);
  const resources = section(state.work, "resources");
  resources.children.splice(resources.children.indexOf(top) + 1, 0, rsc.el);
  markChanged(state, gid);
  return true;
}

function modgroupAdd(
  ctx: ShellContext,
  state: ConfigureState,
  group: XmlElement,
  members: readonly string[],
  [rid, where, ref]: readonly (string | undefined)[],
): boolean {
  const gid = getAttr(group, "id") ?? "";
  const rsc = rid === undefined ? undefined : findById(state.work, rid);
  if (rid === undefined || !rsc || rsc.el.name !== "primitive") {
    // crmsh reports the missing member and carries on without it (status 0).
    ctx.errorLine(`${gid} refers to missing object ${rid}`);
    return true;
  }
  if (members.includes(rid)) {
    const line = ["group", gid, ...members, rid].join(" ");
    ctx.error(
      null,
      `1: syntax in group: child ${rid} listed more than once in group ${gid} parsing '${line}'`,
    );
    return false;
  }
  if (rsc.parent.name !== "resources") {
    const pk = rsc.parent.name === "master" ? "ms" : rsc.parent.name;
    ctx.error(
      null,
      `Cannot create group:${gid}: Child primitive:${rid} already in ${pk}:${getAttr(rsc.parent, "id")}`,
    );
    return false;
  }
  if (ref !== undefined && !members.includes(ref)) {
    ctx.error(ctx.cmdPath, `${ref} is not member of ${gid}`);
    return false;
  }
  detach(rsc.parent, rsc.el);
  insertMember(group, rsc.el, where, ref);
  markChanged(state, gid);
  return true;
}

/** The child of `resources` that contains `el` (a group inside a clone: the clone). */
function topLevelAncestor(state: ConfigureState, el: XmlElement): XmlElement {
  const resources = section(state.work, "resources");
  const contains = (p: XmlElement): boolean =>
    p === el || childElements(p).some((c) => contains(c));
  return childElements(resources).find((c) => contains(c)) ?? el;
}

function insertMember(group: XmlElement, el: XmlElement, where?: string, ref?: string): void {
  const anchor =
    ref === undefined ? undefined : childElements(group).find((c) => getAttr(c, "id") === ref);
  if (anchor === undefined || (where !== "after" && where !== "before")) {
    group.children.push(el);
    return;
  }
  const at = group.children.indexOf(anchor);
  group.children.splice(where === "after" ? at + 1 : at, 0, el);
}

/** `erase`: removes resources, constraints and all properties; `erase nodes`: only the nodes. */
export function eraseAll(state: ConfigureState, withNodes: boolean): void {
  const conf = configuration(state.work);
  if (withNodes) {
    section(state.work, "nodes").children = [];
    state.dirty = true;
    return;
  }
  for (const c of childElements(conf)) {
    if (
      ["resources", "constraints", "crm_config"].includes(c.name) ||
      (withNodes && c.name === "nodes")
    ) {
      c.children = [];
    }
  }
  conf.children = conf.children.filter(
    (c) => !(c.type === "element" && (c.name === "rsc_defaults" || c.name === "op_defaults")),
  );
  state.dirty = true;
}

/** `monitor RSC[:ROLE] INTERVAL[:TIMEOUT]`: adds a monitor op to a primitive. */
export function addMonitor(
  ctx: ShellContext,
  state: ConfigureState,
  args: readonly string[],
): boolean {
  const [target, timing] = args;
  if (target === undefined || timing === undefined || args.length > 2) {
    const line = ["monitor", ...args].join(" ");
    ctx.error(
      null,
      `syntax in monitor: Expected at least 2 arguments near <monitor> parsing '${line}'`,
    );
    return false;
  }
  const [rid, role] = target.split(":", 2) as [string, string | undefined];
  const [interval, timeout] = timing.split(":", 2) as [string, string | undefined];
  const rsc = findById(state.work, rid);
  if (rsc?.el.name !== "primitive") {
    ctx.error(null, `object ${rid} does not exist`);
    return false;
  }
  let ops = childElements(rsc.el, "operations")[0];
  if (!ops) {
    ops = elem("operations");
    rsc.el.children.push(ops);
  }
  const attrs: [string, string][] = [["name", "monitor"]];
  if (role !== undefined) attrs.push(["role", role]);
  attrs.push(["interval", interval]);
  if (timeout !== undefined) attrs.push(["timeout", timeout]);
  const ids = new IdAllocator(configuration(state.work));
  attrs.push(["id", ids.make(`${rid}-monitor-${interval}`)]);
  ops.children.push({ type: "element", name: "op", attrs, children: [] });
  markChanged(state, rid);
  return true;
}
