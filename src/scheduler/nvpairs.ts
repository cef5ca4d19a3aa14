/**
 * Attribute sets (meta_attributes, instance_attributes, cluster_property_set) with id-ref
 * resolution and optional rules.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { evaluateRule, type RuleContext } from "./rules.js";

export interface IdIndex {
  get(id: string): XmlElement | undefined;
}

/**
 * Elements by id, for id-ref resolution. Built on the first lookup: most CIBs have no id-ref,
 * and walking a large status section for nothing costs more than the rest of unpacking.
 */
export function buildIdIndex(root: XmlElement): IdIndex {
  let idx: Map<string, XmlElement> | undefined;
  return {
    get(id: string): XmlElement | undefined {
      idx ??= indexIds(root);
      return idx.get(id);
    },
  };
}

function indexIds(root: XmlElement): Map<string, XmlElement> {
  const idx = new Map<string, XmlElement>();
  const stack: XmlElement[] = [root];
  while (stack.length > 0) {
    const el = stack.pop() as XmlElement;
    const id = getAttr(el, "id");
    if (id !== undefined && !idx.has(id)) idx.set(id, el);
    for (const c of el.children) if (c.type === "element") stack.push(c);
  }
  return idx;
}

function deref(el: XmlElement, idx: IdIndex): XmlElement {
  const ref = getAttr(el, "id-ref");
  if (ref === undefined) return el;
  return idx.get(ref) ?? el;
}

/**
 * Reads every `setName` child of `parent` into `into` (first set wins for a name, as
 * Pacemaker orders sets by score and then document order). Sets with a rule that does not
 * match `ctx` are skipped.
 */
export function readAttributeSets(
  parent: XmlElement,
  setName: string,
  idx: IdIndex,
  into: Map<string, string>,
  ctx?: RuleContext,
): Map<string, string> {
  const sets = childElements(parent, setName).map((s) => deref(s, idx));
  const scored = sets.map((s, i) => ({ s, i, score: setScore(s) }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  for (const { s } of scored) {
    const rule = firstChild(s, "rule");
    if (rule && (ctx === undefined || !evaluateRule(rule, ctx))) continue;
    for (const nv of childElements(s, "nvpair")) {
      const pair = deref(nv, idx);
      const name = getAttr(pair, "name");
      const value = getAttr(pair, "value");
      if (name === undefined || value === undefined) continue;
      // "#default" (any case) leaves the attribute unset, as Pacemaker reads it.
      if (value.toLowerCase() === "#default") continue;
      if (!into.has(name)) into.set(name, value);
    }
  }
  return into;
}

function setScore(s: XmlElement): number {
  const v = getAttr(s, "score");
  if (v === undefined) return 0;
  if (/^\+?INFINITY$/i.test(v)) return 1_000_000;
  if (/^-INFINITY$/i.test(v)) return -1_000_000;
  return Number.parseInt(v, 10) || 0;
}

export function isTrue(v: string | undefined): boolean {
  if (v === undefined) return false;
  return ["true", "on", "yes", "y", "1"].includes(v.toLowerCase());
}

/** Parses an interval/timeout ("10s", "1m", "500ms", "10" = seconds) into milliseconds. */
export function parseDurationMs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/i.exec(v);
  if (m) {
    const n = Number(m[1]);
    const unit = (m[2] ?? "s").toLowerCase();
    const mult: Record<string, number> = {
      ms: 1,
      msec: 1,
      s: 1000,
      sec: 1000,
      m: 60_000,
      min: 60_000,
      h: 3_600_000,
      hr: 3_600_000,
    };
    return n * (mult[unit] ?? 1000);
  }
  const iso = /^P(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)$/i.exec(v.trim());
  if (iso) {
    return (Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0)) * 1000;
  }
  return undefined;
}
