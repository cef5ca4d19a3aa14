/**
 * Clone notifications (Pacemaker Explained, "Clone Notifications", notify=true): around
 * each clone action that happens (demote, stop, start, promote), pre and post pseudo-actions
 * and their confirmations, and a `notify` operation on every instance that is active at that
 * point, carrying the CRM_meta_notify_* lists the agent reads (who starts, stops, ...).
 * Added once the transition is settled: notifications only order, they decide nothing.
 */
import type { Action, ActionSet } from "./actions.js";
import { instancePrimitives } from "./clone.js";
import type { Resource, WorkingSet } from "./model.js";
import type { PrimitivePlan } from "./primitive.js";

/** Clone operations in the order a transition runs them, with their completion names. */
const OPERATIONS = [
  ["demote", "demoted"],
  ["stop", "stopped"],
  ["start", "running"],
  ["promote", "promoted"],
] as const;

type Operation = (typeof OPERATIONS)[number][0];

interface Member {
  readonly rsc: Resource;
  /** Node it is active on now, if any. */
  readonly current: string | undefined;
  readonly stopping: boolean;
  readonly starting: string | undefined;
  readonly promoting: boolean;
  readonly demoting: boolean;
  readonly promotedNow: boolean;
}

function happens(a: Action | undefined): boolean {
  return a !== undefined && !a.optional && a.runnable;
}

function member(ws: WorkingSet, rsc: Resource, plan: PrimitivePlan | undefined): Member {
  const current = plan?.current.length === 1 ? plan.current[0] : undefined;
  const start = plan?.starts[0];
  return {
    rsc,
    current,
    stopping: plan?.stops.some(happens) ?? false,
    starting: start && happens(start) ? start.node : undefined,
    promoting: happens(plan?.promote),
    demoting: happens(plan?.demote),
    promotedNow: current !== undefined && rsc.history.get(current)?.role === "Promoted",
  };
}

function does(m: Member, op: Operation): boolean {
  if (op === "stop") return m.stopping;
  if (op === "start") return m.starting !== undefined;
  return op === "promote" ? m.promoting : m.demoting;
}

function list(ms: readonly Member[], node: (m: Member) => string | undefined): [string, string] {
  const sel = ms.filter((m) => node(m) !== undefined);
  // Pacemaker sends a single space for an empty list.
  const ids = sel.map((m) => m.rsc.id).join(" ") || " ";
  const unames = sel.map((m) => node(m) as string).join(" ") || " ";
  return [ids, unames];
}

/** The CRM_meta_notify_* lists every notify operation of one clone carries. */
function notifyLists(ws: WorkingSet, ms: readonly Member[]): Map<string, string> {
  const out = new Map<string, string>();
  const put = (name: string, [ids, unames]: [string, string], withUname = true) => {
    out.set(`CRM_meta_notify_${name}_resource`, ids);
    if (withUname) out.set(`CRM_meta_notify_${name}_uname`, unames);
  };
  put(
    "active",
    list(ms, (m) => m.current),
  );
  put(
    "inactive",
    list(ms, (m) => (m.current === undefined ? "" : undefined)),
    false,
  );
  put(
    "start",
    list(ms, (m) => m.starting),
  );
  put(
    "stop",
    list(ms, (m) => (m.stopping ? m.current : undefined)),
  );
  put(
    "promote",
    list(ms, (m) => (m.promoting ? (m.starting ?? m.current) : undefined)),
  );
  put(
    "demote",
    list(ms, (m) => (m.demoting ? m.current : undefined)),
  );
  const promoted = list(ms, (m) => (m.promotedNow ? m.current : undefined));
  const unpromoted = list(ms, (m) => (m.promotedNow ? undefined : m.current));
  put("master", promoted);
  put("promoted", promoted);
  put("slave", unpromoted);
  put("unpromoted", unpromoted);
  const all = ws.nodes.map((n) => n.uname).join(" ") || " ";
  out.set("CRM_meta_notify_all_uname", all);
  const available = ws.nodes.filter((n) => n.online).map((n) => n.uname);
  out.set("CRM_meta_notify_available_uname", available.join(" ") || " ");
  return out;
}

/** Where each member is active when the pre/post notification of `op` is sent. */
function recipients(ms: readonly Member[], op: Operation, post: boolean): [Member, string][] {
  const out: [Member, string][] = [];
  for (const m of ms) {
    const after = m.stopping ? m.starting : (m.starting ?? m.current);
    const beforeStarts = m.stopping ? undefined : m.current;
    let node: string | undefined;
    if (op === "demote" || op === "stop") node = post ? beforeStarts : m.current;
    else node = post || op === "promote" ? after : beforeStarts;
    if (node !== undefined) out.push([m, node]);
  }
  return out;
}

function pseudo(set: ActionSet, clone: Resource, task: string, meta: Map<string, string>): Action {
  return set.add({
    task,
    rsc: clone,
    rscId: clone.id,
    node: undefined,
    intervalMs: 0,
    pseudo: true,
    optional: false,
    runnable: true,
    reason: undefined,
    operation: task.startsWith("confirmed") ? "notified" : "notify",
    meta,
  });
}

function notifyMeta(op: string, done: string, type: string, keyType: string): Map<string, string> {
  return new Map([
    ["CRM_meta_notify", "true"],
    ["CRM_meta_notify_key_operation", type === "pre" ? op : done],
    ["CRM_meta_notify_key_type", keyType],
    ["CRM_meta_notify_operation", op],
    ["CRM_meta_notify_type", type],
  ]);
}

/** Adds the notifications of every notify=true clone whose actions happen. */
export function createNotifications(
  set: ActionSet,
  ws: WorkingSet,
  plans: ReadonlyMap<Resource, PrimitivePlan>,
  clones: readonly Resource[],
): void {
  for (const clone of clones) {
    if (!clone.clone?.notify) continue;
    const ms = clone.children.flatMap((inst) =>
      instancePrimitives(inst).map((p) => member(ws, p, plans.get(p))),
    );
    const lists = notifyLists(ws, ms);
    let previous: Action[] = [];
    for (const [op, done] of OPERATIONS) {
      const act = set.find(clone.id, op);
      const completed = set.find(clone.id, done);
      if (!act || !completed || !ms.some((m) => does(m, op))) continue;
      const pre = pseudo(set, clone, `pre_notify_${op}`, notifyMeta(op, done, "pre", "pre"));
      const preDone = pseudo(
        set,
        clone,
        `confirmed-pre_notify_${op}`,
        notifyMeta(op, done, "pre", "confirmed-pre"),
      );
      const post = pseudo(set, clone, `post_notify_${done}`, notifyMeta(op, done, "post", "post"));
      const postDone = pseudo(
        set,
        clone,
        `confirmed-post_notify_${done}`,
        notifyMeta(op, done, "post", "confirmed-post"),
      );
      for (const p of previous) set.order(p, pre, 0);
      set.order(pre, preDone, 0);
      set.order(preDone, act, 0);
      set.order(completed, post, 0);
      set.order(preDone, post, 0);
      set.order(post, postDone, 0);
      // What waits for the clone's action waits for its post-notification as well.
      for (const e of [...(set.outEdges.get(completed) ?? [])]) {
        if (e.then !== post) set.order(postDone, e.then, 0);
      }
      for (const [type, from, to] of [
        ["pre", pre, preDone],
        ["post", post, postDone],
      ] as const) {
        for (const [m, node] of recipients(ms, op, type === "post")) {
          const meta = new Map([...lists, ...notifyMeta(op, done, type, type)]);
          meta.set("CRM_meta_notify_key_operation", type === "pre" ? op : done);
          const n = set.add({
            task: `${type}_notify_${op}`,
            rsc: m.rsc,
            rscId: m.rsc.id,
            node,
            intervalMs: 0,
            pseudo: false,
            optional: false,
            runnable: true,
            reason: undefined,
            operation: "notify",
            meta,
          });
          set.order(from, n, 0);
          set.order(n, to, 0);
        }
      }
      previous = [...previous, postDone];
    }
  }
}
