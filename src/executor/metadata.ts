/**
 * Reads an agent's OCF meta-data XML (OCF 1.1 § "Metadata"): its parameters (the shell checks
 * configured params against them) and advertised actions with default timeouts. Pure.
 */
import { childElements, firstChild, getAttr, parseXml, type XmlElement } from "../cib/xml.js";
import { err, ok, type Result } from "../shared/result.js";

export interface AgentParameter {
  readonly name: string;
  readonly required: boolean;
  readonly unique: boolean;
  readonly uniqueGroup?: string;
  readonly reloadable: boolean;
  readonly deprecated: boolean;
  readonly type: string;
  readonly defaultValue?: string;
  readonly shortdesc: string;
  readonly longdesc: string;
  /** For `type="select"` (OCF 1.1): the allowed values. */
  readonly options: readonly string[];
}

export interface AgentActionInfo {
  readonly name: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly depth?: number;
  readonly role?: string;
}

export interface AgentMetadata {
  readonly name: string;
  readonly version: string;
  readonly shortdesc: string;
  readonly longdesc: string;
  readonly parameters: readonly AgentParameter[];
  readonly actions: readonly AgentActionInfo[];
}

export interface MetadataError {
  readonly kind: "metadata";
  readonly detail: string;
}

/**
 * Pacemaker's duration syntax (`crm_get_msec`): a number with an optional unit, seconds when
 * none is given. Returns undefined for anything else.
 * @example parseDurationMs("20s") === 20000; parseDurationMs("1m") === 60000; parseDurationMs("500ms") === 500
 */
export function parseDurationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toLowerCase();
  const scale: Record<string, number> = {
    "": 1000,
    s: 1000,
    sec: 1000,
    ms: 1,
    msec: 1,
    us: 0.001,
    usec: 0.001,
    m: 60_000,
    min: 60_000,
    h: 3_600_000,
    hr: 3_600_000,
  };
  const factor = scale[unit];
  return factor === undefined ? undefined : Math.round(n * factor);
}

function textOf(el: XmlElement | undefined): string {
  if (!el) return "";
  return el.children
    .map((c) => (c.type === "text" ? c.text : ""))
    .join("")
    .trim();
}

function isTrue(v: string | undefined): boolean {
  return v === "1" || v === "true" || v === "yes";
}

function parseParameter(p: XmlElement): AgentParameter | undefined {
  const name = getAttr(p, "name");
  if (!name) return undefined;
  const content = firstChild(p, "content");
  const def = content ? getAttr(content, "default") : undefined;
  const uniqueGroup = getAttr(p, "unique-group");
  return {
    name,
    required: isTrue(getAttr(p, "required")),
    unique: isTrue(getAttr(p, "unique")) || uniqueGroup !== undefined,
    ...(uniqueGroup !== undefined ? { uniqueGroup } : {}),
    reloadable: isTrue(getAttr(p, "reloadable")),
    deprecated: firstChild(p, "deprecated") !== undefined || isTrue(getAttr(p, "deprecated")),
    type: (content && getAttr(content, "type")) ?? "string",
    ...(def !== undefined ? { defaultValue: def } : {}),
    shortdesc: textOf(firstChild(p, "shortdesc")),
    longdesc: textOf(firstChild(p, "longdesc")),
    options: content ? childElements(content, "option").map((o) => getAttr(o, "value") ?? "") : [],
  };
}

function parseAction(a: XmlElement): AgentActionInfo | undefined {
  const name = getAttr(a, "name");
  if (!name) return undefined;
  const timeout = parseDurationMs(getAttr(a, "timeout") ?? "");
  const interval = parseDurationMs(getAttr(a, "interval") ?? "");
  const depthText = getAttr(a, "depth");
  const role = getAttr(a, "role");
  return {
    name,
    ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
    ...(interval !== undefined ? { intervalMs: interval } : {}),
    ...(depthText !== undefined && /^\d+$/.test(depthText) ? { depth: Number(depthText) } : {}),
    ...(role !== undefined ? { role } : {}),
  };
}

/**
 * Parses `<resource-agent>` meta-data.
 * @example const md = parseAgentMetadata(xml, "ocf:heartbeat:IPaddr2"); md.ok && md.value.parameters
 */
export function parseAgentMetadata(
  xml: string,
  source: string,
): Result<AgentMetadata, MetadataError> {
  // Some agents print a DOCTYPE naming a DTD file; the parser needs none of it.
  const parsed = parseXml(xml.replace(/<!DOCTYPE[^>]*>/, ""), source);
  if (!parsed.ok) {
    const e = parsed.error;
    return err({ kind: "metadata", detail: `${source}:${e.line}:${e.col}: ${e.detail}` });
  }
  const root = parsed.value;
  if (root.name !== "resource-agent") {
    return err({
      kind: "metadata",
      detail: `${source}: root element is <${root.name}>, expected <resource-agent>`,
    });
  }
  const params = firstChild(root, "parameters");
  const actions = firstChild(root, "actions");
  return ok({
    name: getAttr(root, "name") ?? "",
    version: textOf(firstChild(root, "version")) || (getAttr(root, "version") ?? ""),
    // Fence agents carry their short description as an attribute.
    shortdesc: textOf(firstChild(root, "shortdesc")) || (getAttr(root, "shortdesc") ?? ""),
    longdesc: textOf(firstChild(root, "longdesc")),
    parameters: params
      ? childElements(params, "parameter").flatMap((p) => parseParameter(p) ?? [])
      : [],
    actions: actions ? childElements(actions, "action").flatMap((a) => parseAction(a) ?? []) : [],
  });
}
