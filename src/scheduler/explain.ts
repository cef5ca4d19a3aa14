/**
 * `crm_simulate --explain RSC`: why a resource is where it is, or why it cannot run, from
 * the reasons the scheduler recorded (constraints, scores, fail counts, quorum, fencing).
 */
import { allPrimitives } from "./allocate.js";
import { currentNodes } from "./location.js";
import type { Resource } from "./model.js";
import type { Transition } from "./schedule.js";
import { formatScore } from "./scores.js";
import { compareNames } from "./status-text.js";

/** @example explainResource(schedule(cib), "vip") // ["vip runs on node1 ..."] */
export function explainResource(t: Transition, id: string): string[] {
  const rsc = t.ws.byId.get(id);
  if (!rsc) return [`No resource named '${id}'`];
  const out: string[] = [];
  for (const p of allPrimitives(rsc)) out.push(...explainPrimitive(t, p), "");
  while (out[out.length - 1] === "") out.pop();
  return out;
}

function explainPrimitive(t: Transition, p: Resource): string[] {
  const out: string[] = [];
  const now = currentNodes(p);
  const next = t.alloc.assigned.get(p);
  const plan = t.plans.get(p);
  const start = plan?.starts[0];
  const where = now.length > 0 ? `is active on ${now.join(", ")}` : "is stopped";
  const will =
    next === undefined || (start && !start.runnable)
      ? "cannot run anywhere after this transition"
      : now.length === 1 && now[0] === next
        ? `stays on ${next}`
        : `will run on ${next}`;
  out.push(`${p.id} ${where} and ${will}.`);
  const reason = t.alloc.reasons.get(p);
  if (reason && next === undefined) out.push(`  Why: ${reason}.`);
  if (start && !start.runnable && start.reason && next !== undefined) {
    out.push(`  Why: its start is blocked (${start.reason}).`);
  }
  for (const h of p.history.values()) {
    if (h.failed) {
      out.push(
        `  it failed on ${h.node} (${h.failedTask ?? "an operation"}; on-fail=${h.onFail ?? "restart"})${h.blocked ? ", which blocks it there" : ""}`,
      );
    }
    if (h.notInstalled) out.push(`  its agent is not installed on ${h.node}`);
  }
  const o = t.ws.options;
  if (!o.haveQuorum && o.noQuorumPolicy !== "ignore") {
    out.push(`  the partition has no quorum (no-quorum-policy=${o.noQuorumPolicy})`);
  }
  for (const n of t.alloc.notes.get(p) ?? []) {
    out.push(`  ${formatScore(n.score)} on ${n.node}: ${n.why}`);
  }
  for (const c of t.alloc.colocations) {
    if (c.dependent !== p || c.id.endsWith(":internal")) continue;
    const pn = t.alloc.assigned.get(c.primary);
    out.push(
      `  colocation ${c.id}: with ${c.primary.id} (score ${formatScore(c.score)}), which ${
        pn === undefined ? "cannot run" : `is placed on ${pn}`
      }`,
    );
  }
  const w = t.alloc.finalWeights.get(p);
  if (w) {
    const nodes = [...w.keys()].sort(compareNames);
    out.push(`  final scores: ${nodes.map((n) => `${n}=${formatScore(w.get(n) ?? 0)}`).join(" ")}`);
  }
  for (const [node, f] of t.fencing) {
    if (now.includes(node)) out.push(`  ${node} must be fenced first: ${f.fence?.reason ?? ""}.`);
  }
  return out;
}
