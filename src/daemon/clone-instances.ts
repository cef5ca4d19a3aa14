/**
 * Anonymous clone instances as Pacemaker's executor knows them. The scheduler names every
 * clone instance (`st:0`, `st:1`); Pacemaker's graph gives the executor the bare id (`st`) for
 * instances of an anonymous clone (globally-unique=false, the default) and records their
 * history under it, while a globally unique clone's instances keep their `:N` names. This
 * adapter, at the daemon edge between the scheduler and the controller, does the same from the
 * CIB configuration, and passes the instance number as `CRM_meta_clone`.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import type { GraphAction, TransitionGraph } from "../controller/graph.js";

const CLONE_TAGS: ReadonlySet<string> = new Set(["clone", "master"]);

function metaValue(el: XmlElement, name: string): string | undefined {
  let value: string | undefined;
  for (const set of childElements(el, "meta_attributes")) {
    for (const nv of childElements(set, "nvpair")) {
      if (getAttr(nv, "name") === name) value = getAttr(nv, "value");
    }
  }
  return value;
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ["true", "on", "yes", "y", "1"].includes(v.toLowerCase());
}

/** Ids of the primitives inside anonymous clones (directly or in a cloned group). */
export function anonymousClonePrimitives(cib: XmlElement): Set<string> {
  const out = new Set<string>();
  const config = firstChild(cib, "configuration");
  const resources = config ? firstChild(config, "resources") : undefined;
  for (const clone of resources ? childElements(resources) : []) {
    if (!CLONE_TAGS.has(clone.name) || isTrue(metaValue(clone, "globally-unique"))) continue;
    for (const child of childElements(clone)) {
      if (child.name === "primitive") out.add(getAttr(child, "id") ?? "");
      if (child.name === "group") {
        for (const p of childElements(child, "primitive")) out.add(getAttr(p, "id") ?? "");
      }
    }
  }
  out.delete("");
  return out;
}

function bareInstance(a: GraphAction, anonymous: ReadonlySet<string>): GraphAction {
  const rsc = a.resource;
  if (!rsc) return a;
  // A graph with `long-id` already names the instance as its node knows it (the bare id, or
  // the name its history there has); one without names the scheduler's instance.
  const m = /^(.+):(\d+)$/.exec(rsc.longId ?? rsc.id);
  if (!m || !anonymous.has(m[1] as string)) return a;
  const meta = { ...a.meta };
  meta.clone ??= m[2] as string;
  meta.globally_unique ??= "false";
  const id = rsc.longId !== undefined ? rsc.id : (m[1] as string);
  return { ...a, resource: { ...rsc, id }, meta };
}

/**
 * @example
 * const g2 = withAnonymousInstances(graph, cib); // st:1 start -> st start, CRM_meta_clone=1
 */
export function withAnonymousInstances(graph: TransitionGraph, cib: XmlElement): TransitionGraph {
  const anonymous = anonymousClonePrimitives(cib);
  if (anonymous.size === 0) return graph;
  return { ...graph, actions: graph.actions.map((a) => bareInstance(a, anonymous)) };
}
