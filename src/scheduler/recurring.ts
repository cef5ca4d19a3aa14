/**
 * Recurring monitors: wherever a resource will be active, each configured monitor with an
 * interval (for its role) must be running; it is (re)scheduled after a start or when no
 * record of it exists on that node.
 */
import type { Action, ActionSet } from "./actions.js";
import type { Resource, Role } from "./model.js";

export function createRecurring(
  set: ActionSet,
  rsc: Resource,
  node: string | undefined,
  role: Role,
  start: Action | undefined,
): void {
  if (node === undefined || !rsc.managed) return;
  if (start && !start.runnable) return;
  const restarted = start !== undefined && !start.optional;
  const h = rsc.history.get(node);
  for (const op of rsc.ops) {
    if (op.intervalMs <= 0 || !op.enabled || op.name !== "monitor") continue;
    const opRole = op.role ?? "Started";
    const matches =
      opRole === role ||
      (opRole === "Started" && role === "Unpromoted") ||
      (opRole === "Unpromoted" && role === "Started");
    if (!matches) continue;
    const known = h?.ops.some((o) => o.task === "monitor" && o.intervalMs === op.intervalMs);
    if (known && !restarted) continue;
    const mon = set.add({
      task: "monitor",
      rsc,
      rscId: rsc.id,
      node,
      intervalMs: op.intervalMs,
      pseudo: false,
      optional: false,
      runnable: true,
      reason: undefined,
    });
    if (start) set.order(start, mon, 0);
  }
}
