/**
 * Mandatory colocations that form a cycle (A with B, B with A). Pacemaker accepts them: while
 * it folds the preferences of a chain of colocated resources into one resource's scores it
 * stops where the chain comes back to a resource already visited ("Breaking dependency loop
 * at A" in its info log), and placement goes on. pacer places them the same way
 * (Allocator's recursion guard); this module only finds the cycles so the tools can name
 * the constraints in a warning.
 */
import type { ColocationConstraint, WorkingSet } from "./model.js";
import { INFINITY } from "./scores.js";

export interface ColocationCycle {
  /** Constraint ids on the cycle, in configuration order. */
  readonly constraints: readonly string[];
  /** Resource ids on the cycle, in configuration order of their constraints. */
  readonly resources: readonly string[];
}

/**
 * The strongly connected groups of resources linked by mandatory (±INFINITY) colocations,
 * each with the constraints inside it. Iterative Tarjan: no recursion depth limit on large
 * configurations.
 * @example mandatoryColocationCycles(ws)[0]?.constraints // ["a-with-b", "b-with-a"]
 */
export function mandatoryColocationCycles(ws: WorkingSet): ColocationCycle[] {
  const mandatory = ws.colocations.filter((c) => Math.abs(c.score) >= INFINITY);
  const out = new Map<string, string[]>();
  for (const c of mandatory) {
    const l = out.get(c.dependent) ?? [];
    l.push(c.primary);
    out.set(c.dependent, l);
  }
  const component = stronglyConnected([...out.keys()], (v) => out.get(v) ?? []);
  const cycles = new Map<number, ColocationConstraint[]>();
  for (const c of mandatory) {
    const a = component.get(c.dependent);
    if (a === undefined || a !== component.get(c.primary)) continue;
    const l = cycles.get(a) ?? [];
    l.push(c);
    cycles.set(a, l);
  }
  return [...cycles.values()].map((cs) => ({
    constraints: cs.map((c) => c.id),
    resources: [...new Set(cs.flatMap((c) => [c.dependent, c.primary]))],
  }));
}

/** One line naming the constraints of a cycle and how it is resolved. */
export function cycleWarning(cycle: ColocationCycle): string {
  return (
    `Mandatory colocations ${cycle.constraints.join(", ")} form a cycle between ` +
    `${cycle.resources.join(", ")}: each resource follows the chain until it comes back ` +
    "to one already visited, as Pacemaker does (it logs 'Breaking dependency loop')"
  );
}

/** Component number of each vertex (Tarjan); vertices on no cycle get their own number. */
function stronglyConnected(
  vertices: readonly string[],
  next: (v: string) => readonly string[],
): Map<string, number> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const component = new Map<string, number>();
  let counter = 0;
  let components = 0;
  for (const root of vertices) {
    if (index.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1] as { v: string; i: number };
      const succ = next(top.v);
      if (top.i < succ.length) {
        const w = succ[top.i++] as string;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(top.v, Math.min(low.get(top.v) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent)
        low.set(parent.v, Math.min(low.get(parent.v) as number, low.get(top.v) as number));
      if (low.get(top.v) !== index.get(top.v)) continue;
      for (;;) {
        const w = stack.pop() as string;
        onStack.delete(w);
        component.set(w, components);
        if (w === top.v) break;
      }
      components++;
    }
  }
  return component;
}
