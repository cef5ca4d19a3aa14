/**
 * LSB scripts and systemd units have no `meta-data` action; like Pacemaker, the executor
 * writes OCF-style meta-data for them (from the LSB "INIT INFO" header for scripts), so the
 * shell and tools can treat every class alike. Pure.
 */
import { escapeAttr, escapeText } from "../cib/xml.js";

export interface LsbHeader {
  readonly provides?: string;
  readonly shortDescription?: string;
  readonly description?: string;
  readonly requiredStart?: string;
  readonly requiredStop?: string;
  readonly defaultStart?: string;
  readonly defaultStop?: string;
}

const HEADER_KEYS: Record<string, keyof LsbHeader> = {
  Provides: "provides",
  "Short-Description": "shortDescription",
  Description: "description",
  "Required-Start": "requiredStart",
  "Required-Stop": "requiredStop",
  "Default-Start": "defaultStart",
  "Default-Stop": "defaultStop",
};

/**
 * Reads the `### BEGIN INIT INFO` block (LSB 3.0 § 20.3). A `Description` continues on lines
 * that start with `#` followed by a tab or at least two spaces.
 * @example parseLsbHeader("### BEGIN INIT INFO\n# Provides: x\n### END INIT INFO\n").provides === "x"
 */
export function parseLsbHeader(script: string): LsbHeader {
  const out: Record<string, string> = {};
  let inside = false;
  let last: keyof LsbHeader | undefined;
  for (const line of script.split("\n").slice(0, 400)) {
    if (line.startsWith("### BEGIN INIT INFO")) inside = true;
    else if (line.startsWith("### END INIT INFO")) break;
    else if (inside) {
      const m = /^#\s*([A-Za-z-]+):\s*(.*)$/.exec(line);
      const key = m ? HEADER_KEYS[m[1] ?? ""] : undefined;
      if (m && key) {
        out[key] = (m[2] ?? "").trim();
        last = key;
      } else if (last === "description" && /^#(\t| {2,})/.test(line)) {
        out.description = `${out.description ?? ""} ${line.slice(1).trim()}`.trim();
      } else last = undefined;
    }
  }
  return out;
}

function actionsXml(lines: readonly string[]): string {
  return `  <actions>\n${lines.map((l) => `    ${l}`).join("\n")}\n  </actions>`;
}

/** OCF-style meta-data for an LSB init script. */
export function lsbMetadataXml(type: string, script: string): string {
  const h = parseLsbHeader(script);
  const short = h.shortDescription ?? type;
  const long = h.description ?? short;
  const special = (
    ["provides", "requiredStart", "requiredStop", "defaultStart", "defaultStop"] as const
  )
    .filter((k) => h[k] !== undefined)
    .map((k) => `    <${k}>${escapeText(h[k] ?? "")}</${k}>`);
  return [
    '<?xml version="1.0"?>',
    `<resource-agent name="${escapeAttr(type)}" version="0.1">`,
    "  <version>1.1</version>",
    `  <longdesc lang="en">${escapeText(long)}</longdesc>`,
    `  <shortdesc lang="en">${escapeText(short)}</shortdesc>`,
    "  <parameters/>",
    actionsXml([
      '<action name="meta-data" timeout="5s"/>',
      '<action name="start" timeout="15s"/>',
      '<action name="stop" timeout="15s"/>',
      '<action name="status" timeout="15s"/>',
      '<action name="restart" timeout="15s"/>',
      '<action name="force-reload" timeout="15s"/>',
      '<action name="monitor" timeout="15s" interval="15s"/>',
    ]),
    '  <special tag="LSB">',
    ...special,
    "  </special>",
    "</resource-agent>",
    "",
  ].join("\n");
}

/** OCF-style meta-data for a systemd unit (the unit's own description needs D-Bus; not used). */
export function systemdMetadataXml(unit: string): string {
  return [
    '<?xml version="1.0"?>',
    `<resource-agent name="${escapeAttr(unit)}" version="0.1">`,
    "  <version>1.1</version>",
    `  <longdesc lang="en">systemd unit file for ${escapeText(unit)}</longdesc>`,
    `  <shortdesc lang="en">systemd unit file for ${escapeText(unit)}</shortdesc>`,
    "  <parameters/>",
    actionsXml([
      '<action name="start" timeout="100s"/>',
      '<action name="stop" timeout="100s"/>',
      '<action name="status" timeout="100s"/>',
      '<action name="monitor" timeout="100s" interval="60s"/>',
      '<action name="meta-data" timeout="5s"/>',
    ]),
    '  <special tag="systemd"/>',
    "</resource-agent>",
    "",
  ].join("\n");
}
