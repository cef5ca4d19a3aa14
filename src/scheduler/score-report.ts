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
  for (const top of t.ws.resources) {
    if (top.kind === "group") out.push(...groupLines(t, top, nodes));
    for (const p of allPrimitives(top)) {
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
