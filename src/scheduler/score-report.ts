/**
 * `crm_simulate -s`: the allocation score of every resource on every node, at the moment
 * its node was chosen, in Pacemaker's line format.
 */
import { allPrimitives } from "./allocate.js";
import { initialWeights, type Weights } from "./location.js";
import type { Resource } from "./model.js";
import type { Transition } from "./schedule.js";
import { formatScore, INFINITY } from "./scores.js";
import { compareNames } from "./status-text.js";

export function scoreLines(t: Transition): string[] {
  const out: string[] = [];
  const nodes = [...t.ws.nodes].map((n) => n.uname).sort(compareNames);
  // Pacemaker prints as it assigns: a group's lines when it begins (before the primaries its
  // members are colocated with), each primitive's when its node is chosen.
  const all = t.ws.resources.flatMap(allPrimitives);
  const known = new Set(all);
  const traced = t.alloc.trace.filter((e) => known.has(e.rsc));
  const done = new Set(traced.filter((e) => !e.begin).map((e) => e.rsc));
  const events = [
    ...traced.map((e) => ({ begin: e.begin, p: e.rsc })),
    ...all.filter((p) => !done.has(p)).map((p) => ({ begin: false, p })),
  ];
  const groupsDone = new Set<Resource>();
  const printed = new Set<Resource>();
  for (const { begin, p } of events) {
    const g = p.parent?.kind === "group" && p.parent.parent === undefined ? p.parent : undefined;
    if (g && !groupsDone.has(g)) {
      groupsDone.add(g);
      out.push(...groupLines(t, g, nodes));
    }
    if (begin || printed.has(p)) continue;
    printed.add(p);
    const w = t.alloc.finalWeights.get(p) ?? t.alloc.weights.get(p);
    if (!w) continue;
    for (const n of nodes) {
      const usable = t.ws.nodeByName.get(n);
      const s =
        usable && usable.online && !usable.standby && !usable.unclean
          ? (w.get(n) ?? -INFINITY)
          : -INFINITY;
      out.push(`${kind(p)}: ${p.id} allocation score on ${n}: ${formatScore(s)}`);
    }
  }
  return out;
}

/**
 * `pcmk__group_assign:` lines, printed before a group's members are placed: the group's own
 * location scores, then each member's scores of its own (constraints, stickiness, failure
 * bans) before colocation, on every node whether or not it can run resources now.
 */
function groupLines(t: Transition, group: Resource, nodes: readonly string[]): string[] {
  const own = initialWeights(t.ws, group, [], (id) => (id === group.id ? [group] : []));
  const line = (r: Resource, w: Weights | undefined, n: string) =>
    `pcmk__group_assign: ${r.id} allocation score on ${n}: ${formatScore(w?.get(n) ?? -INFINITY)}`;
  const out = nodes.map((n) => line(group, own, n));
  for (const m of group.children) {
    const w = t.alloc.ownWeights.get(m);
    for (const n of nodes) out.push(line(m, w, n));
  }
  return out;
}

function kind(p: Resource): string {
  return p.parent?.kind === "clone" ? "pcmk__clone_assign" : "pcmk__primitive_assign";
}
