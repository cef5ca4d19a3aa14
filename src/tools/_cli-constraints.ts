/**
 * The location constraints crm_resource writes for --move, --ban and removes for --clear:
 * `cli-prefer-RSC` (score INFINITY on the target node) and `cli-ban-RSC-on-NODE` (score
 * -INFINITY), optionally limited in time with a rule and a date expression (--lifetime).
 * Pure: operates on a CIB tree; the caller reads and commits it.
 */
import { childElements, elem, firstChild, getAttr, type XmlElement } from "../cib/xml.js";

export function preferId(rsc: string): string {
  return `cli-prefer-${rsc}`;
}

export function banId(rsc: string, node: string): string {
  return `cli-ban-${rsc}-on-${node}`;
}

function constraintsOf(cib: XmlElement): XmlElement {
  const config = firstChild(cib, "configuration");
  if (config === undefined) throw new Error("CIB has no configuration section");
  let section = firstChild(config, "constraints");
  if (section === undefined) {
    section = elem("constraints");
    config.children.push(section);
  }
  return section;
}

/** Removes the rsc_location with `id`; true when one was there. */
export function removeConstraint(cib: XmlElement, id: string): boolean {
  const section = constraintsOf(cib);
  const before = section.children.length;
  section.children = section.children.filter(
    (c) => !(c.type === "element" && c.name === "rsc_location" && getAttr(c, "id") === id),
  );
  return section.children.length !== before;
}

export interface LocationSpec {
  readonly id: string;
  readonly rsc: string;
  readonly node: string;
  readonly score: "INFINITY" | "-INFINITY";
  readonly role: string;
  /** `YYYY-MM-DD HH:MM:SSZ` after which the constraint stops applying (--lifetime). */
  readonly until?: string;
  /** Rule ids follow two schemes: move's `cli-prefer-rule-RSC`, ban's `ID-rule`. */
  readonly ruleIds?: { readonly rule: string; readonly expr: string; readonly lifetime: string };
}

function locationElement(spec: LocationSpec): XmlElement {
  if (spec.until === undefined || spec.ruleIds === undefined) {
    return elem("rsc_location", {
      id: spec.id,
      rsc: spec.rsc,
      role: spec.role,
      node: spec.node,
      score: spec.score,
    });
  }
  const ids = spec.ruleIds;
  const rule = elem("rule", { id: ids.rule, score: spec.score, "boolean-op": "and" }, [
    elem("expression", {
      id: ids.expr,
      attribute: "#uname",
      operation: "eq",
      value: spec.node,
      type: "string",
    }),
    elem("date_expression", { id: ids.lifetime, operation: "lt", end: spec.until }),
  ]);
  return elem("rsc_location", { id: spec.id, rsc: spec.rsc, role: spec.role }, [rule]);
}

/** Adds the constraint, replacing one with the same id in place. */
export function putLocation(cib: XmlElement, spec: LocationSpec): void {
  const section = constraintsOf(cib);
  const el = locationElement(spec);
  const at = section.children.findIndex(
    (c) => c.type === "element" && c.name === "rsc_location" && getAttr(c, "id") === spec.id,
  );
  if (at >= 0) section.children[at] = el;
  else section.children.push(el);
}

export function preferSpec(rsc: string, node: string, role: string, until?: string): LocationSpec {
  const id = preferId(rsc);
  const base = { id, rsc, node, score: "INFINITY" as const, role };
  if (until === undefined) return base;
  return {
    ...base,
    until,
    ruleIds: {
      rule: `cli-prefer-rule-${rsc}`,
      expr: `cli-prefer-expr-${rsc}`,
      lifetime: `cli-prefer-lifetime-end-${rsc}`,
    },
  };
}

export function banSpec(rsc: string, node: string, role: string, until?: string): LocationSpec {
  const id = banId(rsc, node);
  const base = { id, rsc, node, score: "-INFINITY" as const, role };
  if (until === undefined) return base;
  return {
    ...base,
    until,
    ruleIds: { rule: `${id}-rule`, expr: `${id}-expr`, lifetime: `${id}-lifetime` },
  };
}

/**
 * What --clear removes for `rsc`: the ban on each node given (every configured node when
 * none is given), then the preference. Returns the ids removed, in that order.
 */
export function clearConstraints(cib: XmlElement, rsc: string, nodes: readonly string[]): string[] {
  const removed: string[] = [];
  for (const node of nodes) {
    const id = banId(rsc, node);
    if (removeConstraint(cib, id)) removed.push(id);
  }
  if (removeConstraint(cib, preferId(rsc))) removed.push(preferId(rsc));
  return removed;
}

/** Ids of every cli-* location constraint on `rsc` (for listing). */
export function cliConstraintIds(cib: XmlElement, rsc: string): string[] {
  return childElements(constraintsOf(cib), "rsc_location")
    .filter((c) => getAttr(c, "rsc") === rsc && (getAttr(c, "id") ?? "").startsWith("cli-"))
    .map((c) => getAttr(c, "id") ?? "");
}

/** The warning crm_resource prints (on stdout) when it creates a ban. */
export function banWarning(rsc: string, node: string): string {
  return (
    `WARNING: Creating rsc_location constraint '${banId(rsc, node)}' with a score of ` +
    `-INFINITY for resource ${rsc} on ${node}.\n` +
    `\tThis will prevent ${rsc} from running on ${node} until the constraint is removed ` +
    "using the clear option or by editing the CIB with an appropriate tool\n" +
    `\tThis will be the case even if ${node} is the last node in the cluster\n`
  );
}

const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * Adds an ISO 8601 duration (`PT1H`, `P1D`...) to `from`; undefined when it does not parse.
 * @example addDuration(new Date(0), "PT1H") // 1970-01-01T01:00:00Z
 */
export function addDuration(from: Date, text: string): Date | undefined {
  const m = DURATION.exec(text);
  if (m === null || text === "P" || text.endsWith("T")) return undefined;
  const n = (i: number): number => Number(m[i] ?? "0");
  const d = new Date(from.getTime());
  d.setUTCFullYear(
    d.getUTCFullYear() + n(1),
    d.getUTCMonth() + n(2),
    d.getUTCDate() + 7 * n(3) + n(4),
  );
  d.setUTCHours(d.getUTCHours() + n(5), d.getUTCMinutes() + n(6), d.getUTCSeconds() + n(7));
  return d;
}

/** `YYYY-MM-DD HH:MM:SSZ`, Pacemaker's form for lifetime ends. */
export function formatUntil(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace("T", " ")}Z`;
}
