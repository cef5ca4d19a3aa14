/**
 * Unpacks rsc_location, rsc_colocation and rsc_order into typed constraints. Location rules
 * are evaluated here against node attributes, so later phases see plain node scores.
 */
import { childElements, getAttr, type XmlElement } from "../cib/xml.js";
import { promotable } from "./colocation.js";
import type { OrderKind, Resource, Role, WorkingSet } from "./model.js";
import type { IdIndex } from "./nvpairs.js";
import { isTrue } from "./nvpairs.js";
import { evaluateRule } from "./rules.js";
import { addScores, INFINITY, parseScore, type Score } from "./scores.js";
import { normalizeRole } from "./unpack.js";

export function unpackConstraints(ws: WorkingSet, config: XmlElement, idx: IdIndex): void {
  const consEl = childElements(config, "constraints")[0];
  if (!consEl) return;
  for (const raw of childElements(consEl)) {
    const ref = getAttr(raw, "id-ref");
    const el = ref ? (idx.get(ref) ?? raw) : raw;
    if (el.name === "rsc_location") unpackLocation(ws, el, idx);
    else if (el.name === "rsc_colocation") unpackColocation(ws, el);
    else if (el.name === "rsc_order") unpackOrder(ws, el);
  }
}

function roleAttr(v: string | undefined): Role | undefined {
  if (v === undefined) return undefined;
  const r = normalizeRole(v);
  return r === "Unknown" || r === "Started" ? undefined : r;
}

function findRsc(ws: WorkingSet, id: string | undefined): Resource | undefined {
  if (id === undefined) return undefined;
  return ws.byId.get(id);
}

function unpackLocation(ws: WorkingSet, el: XmlElement, idx: IdIndex): void {
  const id = getAttr(el, "id") ?? "";
  const rscId = getAttr(el, "rsc");
  const rsc = findRsc(ws, rscId);
  if (!rsc || rscId === undefined) {
    if (rscId !== undefined) ws.warnings.push(`Constraint ${id}: no resource named ${rscId}`);
    return;
  }
  const baseRole = roleAttr(getAttr(el, "role"));
  const byRole = new Map<Role | undefined, Map<string, Score>>();
  const scoresFor = (role: Role | undefined) => {
    let m = byRole.get(role);
    if (!m) {
      m = new Map();
      byRole.set(role, m);
    }
    return m;
  };
  const node = getAttr(el, "node");
  if (node !== undefined) {
    const scores = scoresFor(baseRole);
    if (ws.nodeByName.has(node)) scores.set(node, parseScore(getAttr(el, "score"), 0));
  } else {
    for (const r of childElements(el, "rule")) {
      const ruleRef = getAttr(r, "id-ref");
      const rule = ruleRef ? (idx.get(ruleRef) ?? r) : r;
      const scoreAttr = getAttr(rule, "score-attribute");
      const score = parseScore(getAttr(rule, "score"), 0);
      const scores = scoresFor(roleAttr(getAttr(rule, "role")) ?? baseRole);
      for (const n of ws.nodes) {
        if (!evaluateRule(rule, { nodeAttrs: n.attrs })) continue;
        const s = scoreAttr !== undefined ? parseScore(n.attrs.get(scoreAttr), 0) : score;
        scores.set(n.uname, addScores(scores.get(n.uname) ?? 0, s));
      }
    }
  }
  if (byRole.size === 0) scoresFor(baseRole);
  for (const [role, scores] of byRole) ws.locations.push({ id, rsc: rscId, role, scores });
}

function unpackColocation(ws: WorkingSet, el: XmlElement): void {
  const id = getAttr(el, "id") ?? "";
  const dependent = getAttr(el, "rsc");
  const primary = getAttr(el, "with-rsc");
  if (!findRsc(ws, dependent) || !findRsc(ws, primary) || !dependent || !primary) {
    ws.warnings.push(`Constraint ${id}: unknown resource`);
    return;
  }
  const score = parseScore(getAttr(el, "score"), 0);
  // A colocation of score 0 is ignored altogether, the resources colocated with its
  // dependent included (crm_simulate -s: nothing reaches the primary through it).
  if (score === 0) return;
  const influenceAttr = getAttr(el, "influence");
  const pri = findRsc(ws, primary) as Resource;
  let primaryRole = roleAttr(getAttr(el, "with-rsc-role"));
  // A clone that cannot be promoted: a role asked of it means any running instance
  // (Pacemaker 2.1.5). A primitive or group keeps the role, which it never has.
  if (pri.kind === "clone" && !promotable(pri)) primaryRole = undefined;
  ws.colocations.push({
    id,
    dependent,
    primary,
    score,
    dependentRole: roleAttr(getAttr(el, "rsc-role")),
    primaryRole,
    nodeAttribute: getAttr(el, "node-attribute") ?? "#uname",
    influence: influenceAttr === undefined ? true : isTrue(influenceAttr),
  });
}

function unpackOrder(ws: WorkingSet, el: XmlElement): void {
  const id = getAttr(el, "id") ?? "";
  const first = getAttr(el, "first");
  const then = getAttr(el, "then");
  if (!findRsc(ws, first) || !findRsc(ws, then) || !first || !then) {
    ws.warnings.push(`Constraint ${id}: unknown resource`);
    return;
  }
  let kind: OrderKind = "Mandatory";
  const kindAttr = getAttr(el, "kind");
  if (kindAttr !== undefined) {
    const k = kindAttr.toLowerCase();
    kind = k === "optional" ? "Optional" : k === "serialize" ? "Serialize" : "Mandatory";
  } else {
    const score = getAttr(el, "score");
    if (score !== undefined) kind = parseScore(score, 0) === 0 ? "Optional" : "Mandatory";
  }
  const symAttr = getAttr(el, "symmetrical");
  const firstAction = getAttr(el, "first-action") ?? "start";
  ws.orders.push({
    id,
    first,
    then,
    firstAction,
    thenAction: getAttr(el, "then-action") ?? firstAction,
    kind,
    symmetrical: symAttr === undefined ? kind !== "Serialize" : isTrue(symAttr),
    requireAll:
      getAttr(el, "require-all") === undefined ? true : isTrue(getAttr(el, "require-all")),
  });
}

export { INFINITY };
