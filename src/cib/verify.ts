/**
 * What `crm_verify` reports for a CIB, as structured messages. Two stages, as in Pacemaker:
 * a structural (schema) stage — required sections, elements and attributes, duplicate IDs,
 * references to unknown IDs — which stops the check when it fails; then the checks the
 * scheduler makes while unpacking (fencing options, constraints naming non-resources).
 * Texts are Pacemaker 2.1.5's where it has one for the case (checked with `crm_verify -VV`);
 * no RelaxNG validator: see docs/decisions/0001-cib-xml-and-versions.md.
 */
import { constrainableIds, danglingRefs, duplicateIds } from "./ids.js";
import { childElements, firstChild, getAttr, parseXml, printXml, type XmlElement } from "./xml.js";

export type VerifyLevel = "error" | "warning";

export interface SchemaFinding {
  /** libxml2's two kinds: RelaxNG content/attribute errors, and IDREF errors. */
  readonly kind: "relaxng" | "idref";
  readonly element: string;
  /** Source line of the element, when the tree was parsed with line tracking. */
  readonly line?: number;
}

export interface VerifyMessage {
  readonly level: VerifyLevel;
  /** Pacemaker's function name, printed as `(func)`; "" for schema lines. */
  readonly func: string;
  readonly text: string;
  readonly schema?: SchemaFinding;
}

export interface VerifyReport {
  readonly messages: readonly VerifyMessage[];
  readonly errorCount: number;
  readonly warningCount: number;
  /** False when the structural stage failed (the scheduler checks then did not run). */
  readonly schemaValid: boolean;
  /** `validate-with="none"`: structural checks skipped, as Pacemaker does. */
  readonly schemaDisabled: boolean;
}

export interface VerifyOptions {
  /** Element lines from parseXml(..., { lines }) for `file:line` in schema messages. */
  readonly lines?: WeakMap<XmlElement, number>;
}

type Sink = (element: XmlElement, text: string, kind?: "relaxng" | "idref") => void;

const RESOURCE_CHILDREN = new Set(["primitive", "group", "clone", "master", "bundle", "template"]);
const CONSTRAINT_CHILDREN = new Set(["rsc_location", "rsc_colocation", "rsc_order", "rsc_ticket"]);
const PRIMITIVE_CHILDREN = new Set([
  "instance_attributes",
  "meta_attributes",
  "operations",
  "utilization",
]);
const REQUIRED_SECTIONS = ["crm_config", "nodes", "resources", "constraints"];

function requireAttrs(el: XmlElement, names: readonly string[], sink: Sink): void {
  for (const name of names) {
    if (getAttr(el, name) === undefined) {
      const id = getAttr(el, "id");
      const where = id === undefined ? "" : ` (id "${id}")`;
      sink(el, `Element ${el.name} failed to validate attributes: "${name}" is required${where}`);
    }
  }
}

function checkNvSets(el: XmlElement, sink: Sink): void {
  for (const set of childElements(el)) {
    if (!/_attributes$|^cluster_property_set$|^utilization$/.test(set.name)) continue;
    requireAttrs(set, getAttr(set, "id-ref") === undefined ? ["id"] : [], sink);
    for (const nv of childElements(set, "nvpair")) {
      requireAttrs(nv, getAttr(nv, "id-ref") === undefined ? ["id", "name"] : [], sink);
    }
  }
}

function checkPrimitive(p: XmlElement, sink: Sink): void {
  const fromTemplate = getAttr(p, "template") !== undefined;
  requireAttrs(p, fromTemplate ? ["id"] : ["id", "class", "type"], sink);
  if (getAttr(p, "class") === "ocf" && getAttr(p, "provider") === undefined) {
    sink(p, 'Element primitive failed to validate attributes: class "ocf" needs "provider"');
  }
  for (const c of childElements(p)) {
    if (!PRIMITIVE_CHILDREN.has(c.name)) sink(c, `Did not expect element ${c.name} there`);
  }
  checkNvSets(p, sink);
  const ops = firstChild(p, "operations");
  for (const op of ops ? childElements(ops, "op") : []) {
    requireAttrs(op, ["id", "name", "interval"], sink);
    checkNvSets(op, sink);
  }
}

function checkResource(r: XmlElement, sink: Sink): void {
  switch (r.name) {
    case "primitive":
    case "template":
      checkPrimitive(r, sink);
      return;
    case "group": {
      requireAttrs(r, ["id"], sink);
      const members = childElements(r, "primitive");
      if (members.length === 0) {
        sink(r, "Element group failed to validate content: a group needs at least one primitive");
      }
      for (const m of members) checkPrimitive(m, sink);
      checkNvSets(r, sink);
      return;
    }
    case "clone":
    case "master": {
      requireAttrs(r, ["id"], sink);
      const inner = childElements(r).filter((c) => c.name === "primitive" || c.name === "group");
      if (inner.length !== 1) {
        sink(
          r,
          `Element ${r.name} failed to validate content: it must wrap exactly one primitive or group`,
        );
      }
      for (const c of inner) checkResource(c, sink);
      checkNvSets(r, sink);
      return;
    }
    default:
      requireAttrs(r, ["id"], sink);
  }
}

function unexpected(el: XmlElement, section: string, sink: Sink): void {
  sink(el, `Did not expect element ${el.name} there`);
  sink(el, `Element ${section} has extra content: ${el.name}`);
}

function hasSets(c: XmlElement): boolean {
  return firstChild(c, "resource_set") !== undefined;
}

function checkConstraint(c: XmlElement, sink: Sink): void {
  requireAttrs(c, ["id"], sink);
  switch (c.name) {
    case "rsc_location": {
      if (
        getAttr(c, "rsc") === undefined &&
        getAttr(c, "rsc-pattern") === undefined &&
        !hasSets(c)
      ) {
        sink(c, 'Element rsc_location failed to validate attributes: "rsc" is required');
      }
      const simple = getAttr(c, "node") !== undefined && getAttr(c, "score") !== undefined;
      if (!simple && firstChild(c, "rule") === undefined) {
        // Pacemaker's three lines for a location that is neither node+score nor rule-based.
        sink(c, "Expecting an element rule, got nothing");
        sink(c, "Element rsc_location failed to validate content");
        sink(c, "Element constraints has extra content: rsc_location");
      }
      return;
    }
    case "rsc_colocation":
      if (!hasSets(c)) requireAttrs(c, ["rsc", "with-rsc"], sink);
      return;
    case "rsc_order":
      if (!hasSets(c)) requireAttrs(c, ["first", "then"], sink);
      return;
    case "rsc_ticket":
      requireAttrs(c, hasSets(c) ? ["ticket"] : ["ticket", "rsc"], sink);
      return;
  }
}

/**
 * A repeated ID. For a resource or constraint at the top of its section, libxml2's whole
 * cascade is known (checked against crm_verify); deeper down only its first line is given.
 */
function checkDuplicate(config: XmlElement, el: XmlElement, id: string, sink: Sink): void {
  sink(el, `ID ${id} redefined`);
  for (const section of ["resources", "constraints"]) {
    const parent = firstChild(config, section);
    if (parent === undefined || !parent.children.includes(el)) continue;
    sink(el, "Invalid sequence in interleave");
    sink(el, `Element ${el.name} failed to validate content`);
    sink(childElements(parent)[0] ?? el, `Element ${section} has extra content: ${el.name}`);
  }
}

/** How many times libxml2 reports one dangling IDREF (it re-validates some elements). */
function idrefRepeats(el: XmlElement): number {
  if (el.name === "rsc_colocation") return getAttr(el, "score") !== undefined ? 2 : 1;
  if (el.name === "rsc_order") {
    const kindOrScore = getAttr(el, "kind") !== undefined || getAttr(el, "score") !== undefined;
    return (kindOrScore ? 2 : 1) * (getAttr(el, "symmetrical") !== undefined ? 2 : 1);
  }
  return 1;
}

function structuralStage(cib: XmlElement, sink: Sink): void {
  const config = firstChild(cib, "configuration");
  if (config === undefined) {
    sink(cib, "Expecting an element configuration, got nothing");
    return;
  }
  for (const name of REQUIRED_SECTIONS) {
    if (firstChild(config, name) === undefined) {
      sink(config, `Expecting an element ${name}, got nothing`);
    }
  }
  const crmConfig = firstChild(config, "crm_config");
  if (crmConfig) checkNvSets(crmConfig, sink);
  for (const n of childElements(firstChild(config, "nodes") ?? config, "node")) {
    if (n.name === "node") requireAttrs(n, ["id", "uname"], sink);
  }
  for (const r of childElements(firstChild(config, "resources") ?? config)) {
    if (config.children.includes(r)) continue; // no <resources>: already reported
    if (RESOURCE_CHILDREN.has(r.name)) checkResource(r, sink);
    else unexpected(r, "resources", sink);
  }
  for (const c of childElements(firstChild(config, "constraints") ?? config)) {
    if (config.children.includes(c)) continue;
    if (CONSTRAINT_CHILDREN.has(c.name)) checkConstraint(c, sink);
    else unexpected(c, "constraints", sink);
  }
  for (const d of duplicateIds(config)) checkDuplicate(config, d.element, d.id, sink);
  // libxml2 reports IDREF errors after the RelaxNG pass, last element first.
  const byElement = new Map<XmlElement, string[]>();
  for (const ref of danglingRefs(config)) {
    const text = `IDREF attribute ${ref.attr} references an unknown ID "${ref.ref}"`;
    const list = byElement.get(ref.element) ?? [];
    for (let i = 0; i < idrefRepeats(ref.element); i++) list.push(text);
    byElement.set(ref.element, list);
  }
  for (const [el, texts] of [...byElement].reverse()) {
    for (const text of texts) sink(el, text, "idref");
  }
}

/** Pacemaker's boolean spellings (crm_is_true / crm_str_to_boolean). */
function parseBoolean(v: string): boolean | undefined {
  const t = v.trim().toLowerCase();
  if (["true", "on", "yes", "y", "1"].includes(t)) return true;
  if (["false", "off", "no", "n", "0"].includes(t)) return false;
  return undefined;
}

/** A cluster option's value: the first nvpair with that name in the property sets. */
export function clusterOption(cib: XmlElement, name: string): string | undefined {
  const crmConfig = firstChild(firstChild(cib, "configuration") ?? cib, "crm_config");
  for (const set of crmConfig ? childElements(crmConfig, "cluster_property_set") : []) {
    for (const nv of childElements(set, "nvpair")) {
      if (getAttr(nv, "name") === name) return getAttr(nv, "value");
    }
  }
  return undefined;
}

function hasStonithResource(resources: XmlElement | undefined): boolean {
  if (resources === undefined) return false;
  for (const c of childElements(resources)) {
    if (c.name === "primitive" && getAttr(c, "class") === "stonith") return true;
    if (c.name !== "primitive" && hasStonithResource(c)) return true;
  }
  return false;
}

const TAG_FUNCS: Readonly<Record<string, string>> = {
  rsc_location: "unpack_location_tags",
  rsc_colocation: "unpack_colocation_tags",
  rsc_order: "unpack_order_tags",
  rsc_ticket: "unpack_rsc_ticket_tags",
};

/** OCF exit codes as Pacemaker names them in messages (services_ocf_exitcode_str). */
const OCF_RESULT: readonly string[] = [
  "ok",
  "error",
  "invalid parameter",
  "unimplemented feature",
  "insufficient privileges",
  "not installed",
  "not configured",
  "not running",
  "promoted",
  "promoted (failed)",
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `%b %e %H:%M:%S %Y` in local time (as Pacemaker prints it), or "unknown time". */
function rcChangeTime(raw: string | undefined): string {
  const secs = raw === undefined ? Number.NaN : Number(raw);
  if (!Number.isFinite(secs) || secs <= 0) return "unknown time";
  const d = new Date(secs * 1000);
  const two = (n: number): string => String(n).padStart(2, "0");
  const day = String(d.getDate()).padStart(2, " ");
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${MONTHS[d.getMonth()]} ${day} ${time} ${d.getFullYear()}`;
}

/** An interval as the CIB writes it (`10`, `10s`, `2m`, `500ms`, `1h`) in ms; NaN if unknown. */
export function intervalMs(raw: string): number {
  const m = /^\s*(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/.exec(raw);
  if (!m) return Number.NaN;
  const unit = m[2] ?? "s";
  const factor = unit.startsWith("ms")
    ? 1
    : unit.startsWith("m")
      ? 60_000
      : unit.startsWith("h")
        ? 3_600_000
        : 1000;
  return Number(m[1]) * factor;
}

/** The `on-fail` configured for an operation (by name and interval), if any. */
function onFail(primitive: XmlElement, name: string, interval: number): string | undefined {
  const ops = firstChild(primitive, "operations");
  for (const op of ops ? childElements(ops, "op") : []) {
    if (getAttr(op, "name") === name && intervalMs(getAttr(op, "interval") ?? "0") === interval) {
      return getAttr(op, "on-fail");
    }
  }
  return undefined;
}

/** The rc the controller expected: the third field of `transition-key` (0 when absent). */
function expectedRc(op: XmlElement): number {
  const key = getAttr(op, "transition-key")?.split(":");
  const rc = key !== undefined && key.length >= 4 ? Number(key[2]) : 0;
  return Number.isInteger(rc) ? rc : 0;
}

/**
 * `Unexpected result (...) was recorded for OP of RSC on NODE at TIME`: completed operations
 * in the status section whose rc differs from the expected one, per resource in call-id order.
 * Only primitives of the configuration (clone instances are named by the scheduler).
 */
function failedOperations(
  cib: XmlElement,
  resources: XmlElement | undefined,
  out: VerifyMessage[],
): void {
  const primitives = new Map<string, XmlElement>();
  const collect = (el: XmlElement): void => {
    for (const c of childElements(el)) {
      if (c.name === "primitive") primitives.set(getAttr(c, "id") ?? "", c);
      else if (c.name === "group") collect(c); // clone and bundle instances are named :N
    }
  };
  if (resources) collect(resources);
  for (const ns of childElements(firstChild(cib, "status") ?? cib, "node_state")) {
    const node = getAttr(ns, "uname") ?? getAttr(ns, "id") ?? "";
    const lrmResources = firstChild(firstChild(ns, "lrm") ?? ns, "lrm_resources");
    for (const lr of lrmResources ? childElements(lrmResources, "lrm_resource") : []) {
      const rsc = getAttr(lr, "id") ?? "";
      if (!primitives.has(rsc)) continue;
      const ops = childElements(lr, "lrm_rsc_op").sort(
        (a, b) => Number(getAttr(a, "call-id") ?? 0) - Number(getAttr(b, "call-id") ?? 0),
      );
      for (const op of ops) {
        const rc = Number(getAttr(op, "rc-code") ?? 0);
        if (getAttr(op, "op-status") !== "0" || rc === expectedRc(op)) continue;
        const operation = getAttr(op, "operation") ?? "";
        const intervalMs = getAttr(op, "interval") ?? "0";
        const probe = operation === "monitor" && intervalMs === "0";
        // Probes finding a resource stopped/running/promoted are information; hard errors
        // (rc 2-6) and unexpected "ok" take other paths in Pacemaker, not reproduced here.
        if (probe ? rc !== 1 : rc !== 1 && rc !== 7) continue;
        const reason = getAttr(op, "exit-reason") ?? "";
        const result = `${OCF_RESULT[rc] ?? "unknown"}${reason === "" ? "" : `: ${reason}`}`;
        const what = probe ? "probe" : operation;
        const when = rcChangeTime(getAttr(op, "last-rc-change"));
        const tail = `| rc=${rc} id=${getAttr(op, "id") ?? ""}`;
        const def = primitives.get(rsc);
        if (def !== undefined && onFail(def, operation, Number(intervalMs)) === "ignore") {
          out.push({
            level: "warning",
            func: "unpack_rsc_op",
            text: `Pretending failed ${what} (${result}) of ${rsc} on ${node} at ${when} succeeded ${tail}`,
          });
          continue;
        }
        out.push({
          level: "warning",
          func: "unpack_rsc_op_failure",
          text: `Unexpected result (${result}) was recorded for ${what} of ${rsc} on ${node} at ${when} ${tail}`,
        });
      }
    }
  }
}

/** unpack_config's view of stonith-enabled: its value, and a message when it is invalid. */
function stonithOption(cib: XmlElement, out: VerifyMessage[]): boolean {
  const raw = clusterOption(cib, "stonith-enabled");
  if (raw === undefined) return true;
  const parsed = parseBoolean(raw);
  if (parsed !== undefined) return parsed;
  out.push({
    level: "error",
    func: "cluster_option_value",
    text: `Using default value for cluster option 'stonith-enabled' because '${raw}' is invalid`,
  });
  return true;
}

const NO_STONITH_ERRORS = [
  "Resource start-up disabled since no STONITH resources have been defined",
  "Either configure some or disable STONITH with the stonith-enabled option",
  "NOTE: Clusters with shared data need STONITH to ensure data integrity",
];

/** Constraints naming something that is neither a resource, a template nor a tag. */
function constraintTargets(config: XmlElement, out: VerifyMessage[]): void {
  const valid = constrainableIds(config);
  for (const c of childElements(firstChild(config, "constraints") ?? config)) {
    const func = TAG_FUNCS[c.name];
    if (func === undefined) continue;
    const attrs = REF_ATTRS[c.name] ?? ["rsc"];
    // Pacemaker drops the constraint at its first bad reference.
    const ref = attrs.map((a) => getAttr(c, a)).find((r) => r !== undefined && !valid.has(r));
    if (ref === undefined) continue;
    const id = getAttr(c, "id") ?? "";
    out.push(
      { level: "warning", func: "find_constraint_tag", text: `No template or tag named '${ref}'` },
      {
        level: "error",
        func,
        text: `Ignoring constraint '${id}' because '${ref}' is not a valid resource or tag`,
      },
    );
  }
}

const REF_ATTRS: Readonly<Record<string, readonly string[]>> = {
  rsc_order: ["first", "then"],
  rsc_colocation: ["rsc", "with-rsc"],
};

/** The checks Pacemaker's scheduler makes while unpacking, in its order. */
function schedulerStage(cib: XmlElement, out: VerifyMessage[]): void {
  const config = firstChild(cib, "configuration") ?? cib;
  const stonithEnabled = stonithOption(cib, out);
  if (!stonithEnabled) {
    out.push({
      level: "warning",
      func: "unpack_config",
      text: "Blind faith: not fencing unseen nodes",
    });
  }
  // An absent have-quorum means no quorum (a CIB made offline, `cibadmin --empty`).
  const quorate = parseBoolean(getAttr(cib, "have-quorum") ?? "false") ?? false;
  if (!quorate && clusterOption(cib, "no-quorum-policy") !== "ignore") {
    out.push({
      level: "warning",
      func: "cluster_status",
      text: "Fencing and resource management disabled due to lack of quorum",
    });
  }
  if (stonithEnabled && !hasStonithResource(firstChild(config, "resources"))) {
    for (const text of NO_STONITH_ERRORS)
      out.push({ level: "error", func: "unpack_resources", text });
  }
  failedOperations(cib, firstChild(config, "resources"), out);
  constraintTargets(config, out);
}

/**
 * Checks a CIB as `crm_verify` does.
 * @example const r = verifyCib(cib); if (r.errorCount > 0) exit(78);
 */
export function verifyCib(cib: XmlElement, opts: VerifyOptions = {}): VerifyReport {
  const messages: VerifyMessage[] = [];
  const schemaDisabled = getAttr(cib, "validate-with") === "none";
  let schemaValid = true;
  if (!schemaDisabled) {
    const sink: Sink = (element, text, kind = "relaxng") => {
      const line = opts.lines?.get(element);
      const schema: SchemaFinding =
        line === undefined
          ? { kind, element: element.name }
          : { kind, element: element.name, line };
      messages.push({ level: "error", func: "", text, schema });
    };
    structuralStage(cib, sink);
    schemaValid = messages.length === 0;
    if (!schemaValid) {
      messages.push({ level: "error", func: "main", text: "CIB did not pass schema validation" });
    }
  }
  if (schemaValid) schedulerStage(cib, messages);
  return {
    messages,
    errorCount: messages.filter((m) => m.level === "error").length,
    warningCount: messages.filter((m) => m.level === "warning").length,
    schemaValid,
    schemaDisabled,
  };
}

/** Where the checked CIB came from: decides how schema lines are prefixed. */
export type VerifySource =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "pipe" }
  | { readonly kind: "text" }
  | { readonly kind: "live" };

/**
 * One message as crm_verify prints it: `(func) \tlevel: text`, or a libxml2 schema line
 * (`FILE:LINE: element X: Relax-NG validity error : ...` for -x, `Entity: line N: ...` for
 * -p/-X, IDREF lines without position for -p/-X, `(xml_log) \terror: ...` for -L).
 */
export function formatVerifyMessage(m: VerifyMessage, source: VerifySource): string {
  if (m.schema === undefined) return `(${m.func}) \t${m.level}: ${m.text}`;
  if (source.kind === "live") return `(xml_log) \terror: ${m.text}`;
  const what = m.schema.kind === "idref" ? "validity error" : "Relax-NG validity error";
  const body = `element ${m.schema.element}: ${what} : ${m.text}`;
  const line = m.schema.line;
  if (source.kind === "file")
    return line === undefined ? `${source.path}: ${body}` : `${source.path}:${line}: ${body}`;
  if (m.schema.kind === "idref" || line === undefined) return body;
  return `Entity: line ${line}: ${body}`;
}

export interface FormatReportOptions {
  /** Number of -V flags: errors show at 1, warnings at 2. */
  readonly verbosity: number;
  readonly source: VerifySource;
}

/**
 * The lines crm_verify writes to stderr for a report (no trailing newlines).
 * @example formatVerifyReport(verifyCib(cib), { verbosity: 2, source: { kind: "pipe" } })
 */
export function formatVerifyReport(report: VerifyReport, opts: FormatReportOptions): string[] {
  const lines: string[] = [];
  for (const m of report.messages) {
    const shown =
      m.schema !== undefined || (m.level === "error" ? opts.verbosity >= 1 : opts.verbosity >= 2);
    if (shown) lines.push(formatVerifyMessage(m, opts.source));
  }
  if (report.schemaDisabled) {
    lines.push(
      "Schema validation of configuration is disabled (enabling is encouraged and prevents common misconfigurations)",
    );
  }
  if (report.errorCount > 0) {
    lines.push("crm_verify: Errors found during check: config not valid");
    if (opts.verbosity === 0) lines.push("-V may provide more details");
  }
  return lines;
}

/**
 * Only the structural (schema) stage: what the CIB refuses an update for ("Update does not
 * conform to the configured schema"). Empty when the tree passes.
 * @example if (checkSchema(next).length > 0) refuse();
 */
export function checkSchema(cib: XmlElement, opts: VerifyOptions = {}): VerifyMessage[] {
  if (getAttr(cib, "validate-with") === "none") return [];
  return verifyCib(cib, opts).messages.filter((m) => m.schema !== undefined);
}

/**
 * verifyCib with the line numbers crm_verify reports when crmsh pipes this CIB to it
 * (`crm_verify -VV -p`): crmsh writes an XML declaration, then the CIB one element per line.
 * crmsh's relay then turns `Entity: line 17: element rsc_location: Relax-NG validity error :
 * TEXT` into `rsc_location (7): TEXT` (its regex keeps only the last digit of the line).
 * @example formatVerifyReport(verifyPipedCib(cib), { verbosity: 2, source: { kind: "pipe" } })
 */
export function verifyPipedCib(cib: XmlElement): VerifyReport {
  const lines = new WeakMap<XmlElement, number>();
  const reparsed = parseXml(printXml(cib, { declaration: true }), "STDIN", { lines });
  return reparsed.ok ? verifyCib(reparsed.value, { lines }) : verifyCib(cib);
}
