/**
 * `crm_simulate -s`: the allocation score of every resource on every node, at the moment
 * its node was chosen, in Pacemaker's line format.
 */
import { allPrimitives } from "./allocate.js";
import type { Resource } from "./model.js";
import type { Transition } from "./schedule.js";
import { formatScore, INFINITY } from "./scores.js";
import { compareNames } from "./status-text.js";

export function scoreLines(t: Transition): string[] {
  const out: string[] = [];
  const nodes = [...t.ws.nodes].map((n) => n.uname).sort(compareNames);
  for (const top of t.ws.resources) {
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

function kind(p: Resource): string {
  return p.parent?.kind === "clone" ? "pcmk__clone_assign" : "pcmk__primitive_assign";
}
