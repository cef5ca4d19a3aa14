/**
 * Constraints follow the resources they name: renaming, wrapping in a clone and deleting a
 * container re-point them (`INFO: modified location:l1 from a to b`); deleting a resource
 * removes or shrinks them (`INFO: hanging location:l1 deleted`,
 * `INFO: constraint colocation:col updated`).
 */
import { childElements, getAttr, setAttr, type XmlElement } from "../../cib/xml.js";
import type { ShellContext } from "../levels/types.js";
import { type ConfigureState, markChanged, section } from "./session.js";

const REF_ATTRS = ["rsc", "with-rsc", "first", "then"];

function keyword(c: XmlElement): string {
  return c.name.replace(/^rsc_/, "");
}

function refs(c: XmlElement): XmlElement[] {
  return childElements(c, "resource_set").flatMap((s) => childElements(s, "resource_ref"));
}

/** Replaces references to `from` by `to` in every constraint, reporting each change. */
export function retargetConstraints(
  ctx: ShellContext,
  state: ConfigureState,
  from: string,
  to: string,
): void {
  for (const c of childElements(section(state.work, "constraints"))) {
    let changed = false;
    for (const k of REF_ATTRS) {
      if (getAttr(c, k) === from) {
        setAttr(c, k, to);
        changed = true;
      }
    }
    for (const r of refs(c)) {
      if (getAttr(r, "id") === from) {
        setAttr(r, "id", to);
        changed = true;
      }
    }
    if (changed) {
      ctx.info(`modified ${keyword(c)}:${getAttr(c, "id")} from ${from} to ${to}`);
      markChanged(state, getAttr(c, "id") ?? "");
    }
  }
}

/** Drops references to a deleted resource: whole constraints, or members of their sets. */
export function dropReferences(ctx: ShellContext, state: ConfigureState, gone: string): void {
  const constraints = section(state.work, "constraints");
  for (const c of childElements(constraints)) {
    const id = getAttr(c, "id") ?? "";
    if (REF_ATTRS.some((k) => getAttr(c, k) === gone)) {
      constraints.children = constraints.children.filter((x) => x !== c);
      ctx.info(`hanging ${keyword(c)}:${id} deleted`);
      state.dirty = true;
      continue;
    }
    if (!refs(c).some((r) => getAttr(r, "id") === gone)) continue;
    for (const s of childElements(c, "resource_set")) {
      s.children = s.children.filter((r) => !(r.type === "element" && getAttr(r, "id") === gone));
      if (childElements(s, "resource_ref").length === 0)
        c.children = c.children.filter((x) => x !== s);
    }
    const left = refs(c);
    if (left.length === 0) {
      constraints.children = constraints.children.filter((x) => x !== c);
      ctx.info(`hanging ${keyword(c)}:${id} deleted`);
      state.dirty = true;
      continue;
    }
    simplifyPair(c);
    ctx.info(`constraint ${keyword(c)}:${id} updated`);
    markChanged(state, id);
  }
}

/** A constraint left with one plain set of two resources becomes the simple form. */
function simplifyPair(c: XmlElement): void {
  const sets = childElements(c, "resource_set");
  const only = sets[0];
  if (sets.length !== 1 || !only || only.attrs.some(([k]) => k !== "id")) return;
  const members = childElements(only, "resource_ref").map((r) => getAttr(r, "id") ?? "");
  if (members.length !== 2) return;
  const [a, b] = members as [string, string];
  c.children = c.children.filter((x) => x !== only);
  if (c.name === "rsc_colocation") {
    setAttr(c, "rsc", b);
    setAttr(c, "with-rsc", a);
  } else if (c.name === "rsc_order") {
    setAttr(c, "first", a);
    setAttr(c, "then", b);
  }
}
