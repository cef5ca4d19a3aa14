/**
 * Orphaned instances of anonymous clones: when a node's status records more active
 * copies of an anonymous clone than the clone may run there, each extra copy becomes an
 * instance of its own, numbered after the configured ones (`rsc:clone-max`, ...). It has
 * no place in the configuration, so the scheduler stops it.
 */
import type { Resource } from "./model.js";

/** What an instance of a clone without configured instances (clone-max=0) looks like. */
const templates = new WeakMap<Resource, Resource>();

export function setCloneTemplate(clone: Resource, template: Resource): void {
  templates.set(clone, template);
}

/** A configured instance of `clone` (the first), or the template when it has none. */
export function cloneTemplate(clone: Resource): Resource | undefined {
  return clone.children.find((c) => !c.orphan) ?? templates.get(clone);
}

/** Whether an extra active copy on a node that already runs `inst` needs its own instance. */
export function needsOrphanInstance(clone: Resource, inst: Resource): boolean {
  return inst.kind === "primitive" && (clone.clone?.cloneNodeMax ?? 1) <= 1;
}

/**
 * Adds an orphaned instance to `clone`, a copy of `template` (a configured instance)
 * numbered after every existing instance.
 * @example const orphan = addOrphanInstance(clone, clone.children[0]);
 */
export function addOrphanInstance(clone: Resource, template: Resource): Resource {
  const number = clone.children.length;
  const orphan: Resource = {
    ...template,
    id: `${template.baseId}:${number}`,
    children: [],
    orphan: true,
    instance: number,
    targetRole: "Stopped",
    history: new Map(),
  };
  clone.children.push(orphan);
  return orphan;
}
