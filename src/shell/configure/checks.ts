/**
 * crmsh's semantic checks, run on the objects changed since the last commit: parameters
 * and operations against the agent's meta-data, meta attribute names, references of
 * constraints. Errors block the commit; warnings do not.
 */
import { childElements, getAttr, type XmlElement } from "../../cib/xml.js";
import type { ShellContext } from "../levels/types.js";
import { agentMetadata, durationSeconds, type RaMetadata } from "../ra-metadata.js";
import { type ConfigureState, findById } from "./session.js";

const BASE_META = [
  "allow-migrate",
  "is-managed",
  "priority",
  "failure-timeout",
  "resource-stickiness",
  "migration-threshold",
  "multiple-active",
  "maintenance",
  "requires",
  "target-role",
  "remote-node",
  "description",
  "remote-port",
  "remote-addr",
  "remote-connect-timeout",
  "restart-type",
  "interval-origin",
];
const CLONE_META = [
  ...BASE_META,
  "interleave",
  "notify",
  "clone-max",
  "clone-node-max",
  "globally-unique",
  "ordered",
  "promotable",
  "promoted-max",
  "promoted-node-max",
  "clone-min",
];
/** Meta attribute names crmsh knows per kind of resource; others draw a warning. */
export const KNOWN_META: Record<string, readonly string[]> = {
  primitive: BASE_META,
  group: [...BASE_META, "container"],
  clone: CLONE_META,
  master: [...CLONE_META, "master-max", "master-node-max"],
};

/** `ocf:heartbeat:IPaddr2` as crmsh spells an agent in messages. */
export function agentSpec(p: XmlElement): string {
  const provider = getAttr(p, "provider");
  const cls = getAttr(p, "class") ?? "";
  const type = getAttr(p, "type") ?? "";
  return provider !== undefined ? `${cls}:${provider}:${type}` : `${cls}:${type}`;
}

/** Meta-data for an OCF primitive; undefined for classes crm does not check. */
export function primitiveMetadata(ctx: ShellContext, p: XmlElement): RaMetadata | null | undefined {
  return agentMetadata(
    {
      cls: getAttr(p, "class") ?? "",
      provider: getAttr(p, "provider"),
      type: getAttr(p, "type") ?? "",
    },
    ctx.env,
  );
}

/** Runs the checks; returns false when any error was reported. */
export function semanticChecks(ctx: ShellContext, state: ConfigureState): boolean {
  let ok = true;
  for (const id of state.changed) {
    const found = findById(state.work, id);
    if (!found) continue;
    const el = found.el;
    if (el.name === "primitive") ok = checkPrimitive(ctx, el) && ok;
    if (KNOWN_META[el.name] !== undefined) checkMeta(ctx, el);
    if (el.name.startsWith("rsc_")) checkReferences(ctx, state.work, el);
    if (el.name === "cluster_property_set") checkProperties(ctx, el);
  }
  return ok;
}

function metaNames(el: XmlElement): string[] {
  return childElements(el, "meta_attributes").flatMap((s) =>
    childElements(s, "nvpair").map((n) => getAttr(n, "name") ?? ""),
  );
}

function checkMeta(ctx: ShellContext, el: XmlElement): void {
  const known = KNOWN_META[el.name] ?? [];
  const id = getAttr(el, "id") ?? "";
  for (const n of metaNames(el)) {
    if (!known.includes(n)) ctx.warn(`${id}: unknown attribute '${n}'`);
  }
}

function checkPrimitive(ctx: ShellContext, p: XmlElement): boolean {
  const md = primitiveMetadata(ctx, p);
  if (md === undefined) return true;
  const id = getAttr(p, "id") ?? "";
  if (md === null) {
    const spec = agentSpec(p);
    ctx.error(null, `${spec}: got no meta-data, does this RA exist?`);
    ctx.error(null, `${spec}: no such resource agent`);
    return false;
  }
  let ok = true;
  const given = childElements(p, "instance_attributes").flatMap((s) =>
    childElements(s, "nvpair").flatMap((n) => {
      const name = getAttr(n, "name");
      return name === undefined ? [] : [name];
    }),
  );
  const known = new Set(md.parameters.map((x) => x.name));
  for (const n of given) {
    if (!known.has(n)) {
      ctx.error(null, `${id}: parameter "${n}" is not known`);
      ok = false;
    }
  }
  for (const param of md.parameters) {
    if (param.required && !given.includes(param.name)) {
      ctx.error(null, `${id}: required parameter "${param.name}" not defined`);
      ok = false;
    }
  }
  checkMeta(ctx, p);
  checkOps(ctx, id, p, md);
  return ok;
}

/** The meta-data action for an op: same name and same role (none for none). */
function actionFor(md: RaMetadata, op: XmlElement): RaMetadata["actions"][number] | undefined {
  const name = getAttr(op, "name");
  const role = getAttr(op, "role");
  return md.actions.find((a) => a.name === name && a.role === role);
}

function checkIntervals(ctx: ShellContext, id: string, ops: XmlElement[], md: RaMetadata): void {
  for (const op of ops) {
    const interval = durationSeconds(getAttr(op, "interval") ?? "0");
    if (getAttr(op, "name") === "monitor" && interval === 0) {
      const advised = actionFor(md, op)?.interval ?? "None";
      ctx.warn(`${id}: interval in monitor should be larger than 0, advised is ${advised}`);
    }
  }
  const seen = new Set<string>();
  for (const op of ops) {
    const name = getAttr(op, "name") ?? "";
    const key = `${name}\0${durationSeconds(getAttr(op, "interval") ?? "0")}`;
    if (seen.has(key)) {
      const advised = actionFor(md, op)?.interval ?? "None";
      ctx.warn(`${id}: interval in ${name} must be unique, advised is ${advised}`);
    }
    seen.add(key);
  }
}

function checkOps(ctx: ShellContext, id: string, p: XmlElement, md: RaMetadata): void {
  const ops = childElements(p, "operations").flatMap((o) => childElements(o, "op"));
  checkIntervals(ctx, id, ops, md);
  const timeouts: [string, string][] = [];
  for (const op of ops) {
    const name = getAttr(op, "name") ?? "";
    const timeout = getAttr(op, "timeout");
    // The advised timeout is the meta-data action of the same name and role.
    const role = getAttr(op, "role");
    const action = md.actions.find((a) => a.name === name && a.role === role);
    if (!action || timeout === undefined || action.timeout === undefined) continue;
    if (durationSeconds(timeout) < durationSeconds(action.timeout)) {
      timeouts.push([
        name,
        `${id}: specified timeout ${timeout} for ${name} is smaller than the advised ${action.timeout}`,
      ]);
    }
  }
  timeouts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, text] of timeouts) ctx.warn(text);
  for (const op of ops) {
    const name = getAttr(op, "name") ?? "";
    if (!md.actions.some((a) => a.name === name)) {
      ctx.warn(`${id}: action '${name}' not found in Resource Agent meta-data`);
    }
  }
}

/** Cluster options of Pacemaker 2.1.5 (schedulerd, controld and based meta-data). */
export const CLUSTER_OPTIONS = new Set([
  "no-quorum-policy",
  "symmetric-cluster",
  "maintenance-mode",
  "start-failure-is-fatal",
  "enable-startup-probes",
  "shutdown-lock",
  "shutdown-lock-limit",
  "stonith-enabled",
  "stonith-action",
  "stonith-timeout",
  "have-watchdog",
  "concurrent-fencing",
  "startup-fencing",
  "priority-fencing-delay",
  "cluster-delay",
  "batch-limit",
  "migration-limit",
  "stop-all-resources",
  "stop-orphan-resources",
  "stop-orphan-actions",
  "remove-after-stop",
  "pe-error-series-max",
  "pe-warn-series-max",
  "pe-input-series-max",
  "node-health-strategy",
  "node-health-base",
  "node-health-green",
  "node-health-yellow",
  "node-health-red",
  "placement-strategy",
  "dc-version",
  "cluster-infrastructure",
  "cluster-name",
  "dc-deadtime",
  "cluster-recheck-interval",
  "load-threshold",
  "node-action-limit",
  "fence-reaction",
  "election-timeout",
  "shutdown-escalation",
  "join-integration-timeout",
  "join-finalization-timeout",
  "transition-delay",
  "stonith-watchdog-timeout",
  "stonith-max-attempts",
  "enable-acl",
  "cluster-ipc-limit",
  "last-lrm-refresh",
]);

function checkProperties(ctx: ShellContext, set: XmlElement): void {
  const id = getAttr(set, "id") ?? "";
  for (const nv of childElements(set, "nvpair")) {
    const name = getAttr(nv, "name") ?? "";
    if (!CLUSTER_OPTIONS.has(name)) ctx.warn(`${id}: unknown attribute '${name}'`);
  }
}

/** Resource ids a constraint names. */
export function constraintRefs(c: XmlElement): string[] {
  const out: string[] = [];
  for (const k of ["rsc", "with-rsc", "first", "then"]) {
    const v = getAttr(c, k);
    if (v !== undefined) out.push(v);
  }
  for (const s of childElements(c, "resource_set")) {
    for (const r of childElements(s, "resource_ref")) out.push(getAttr(r, "id") ?? "");
  }
  return out;
}

function checkReferences(ctx: ShellContext, cib: XmlElement, c: XmlElement): void {
  const id = getAttr(c, "id") ?? "";
  for (const r of constraintRefs(c)) {
    if (!findById(cib, r)) ctx.warn(`${id}: resource ${r} does not exist`);
  }
}
