/**
 * A v2 patchset as Pacemaker logs it (`crm_shadow --diff`): a version header, then `--` for
 * deletions, `+ ` for attribute changes, `++` for created elements (XML indented under the
 * first line), `+~` for moves.
 */
import { childElements, firstChild, getAttr, printXml, type XmlElement } from "../cib/xml.js";

function versionOf(el: XmlElement | undefined): string {
  if (el === undefined) return "0.0.0";
  const g = (n: string): string => getAttr(el, n) ?? "0";
  return `${g("admin_epoch")}.${g("epoch")}.${g("num_updates")}`;
}

function modifyLines(path: string, change: XmlElement): string[] {
  const list = firstChild(change, "change-list");
  if (list === undefined) return [];
  const set: string[] = [];
  const unset: string[] = [];
  for (const ca of childElements(list, "change-attr")) {
    const name = getAttr(ca, "name") ?? "";
    if (getAttr(ca, "operation") === "unset") unset.push(`@${name}`);
    else set.push(`@${name}=${getAttr(ca, "value") ?? ""}`);
  }
  const out: string[] = [];
  if (set.length > 0) out.push(`+  ${path}:  ${set.join(", ")}`);
  if (unset.length > 0) out.push(`-- ${path}:  ${unset.join(", ")}`);
  return out;
}

function createLines(path: string, change: XmlElement): string[] {
  const created = childElements(change)[0];
  if (created === undefined) return [];
  const head = `++ ${path}:  `;
  const pad = `++${" ".repeat(head.length - 2)}`;
  const xml = printXml(created).trimEnd().split("\n");
  if (xml.length === 1) return [`${head}${xml[0] ?? ""}`];
  // Pacemaker shows the opening tag of an element with children self-closed on the first line.
  const first = (xml[0] ?? "").replace(/>$/, "/>");
  return [`${head}${first}`, ...xml.slice(1).map((l) => `${pad}${l}`)];
}

/**
 * The text for `patch`, one line per entry, or "" when it changes nothing.
 * @example formatPatchset(diffCib(live, shadow))
 */
export function formatPatchset(patch: XmlElement): string {
  const version = firstChild(patch, "version");
  const source = versionOf(version === undefined ? undefined : firstChild(version, "source"));
  const target = versionOf(version === undefined ? undefined : firstChild(version, "target"));
  const changes = childElements(patch, "change");
  if (changes.length === 0) return "";
  const deletes = changes.filter((c) => getAttr(c, "operation") === "delete").reverse();
  const others = changes.filter((c) => getAttr(c, "operation") !== "delete");
  const lines =
    source === target
      ? [`  : Local-only Change: ${target}`]
      : [`Diff: --- ${source} 2`, `Diff: +++ ${target} (null)`];
  for (const c of deletes) lines.push(`-- ${getAttr(c, "path") ?? ""}`);
  for (const c of others) {
    const path = getAttr(c, "path") ?? "";
    switch (getAttr(c, "operation")) {
      case "modify":
        lines.push(...modifyLines(path, c));
        break;
      case "create":
        lines.push(...createLines(path, c));
        break;
      case "move":
        lines.push(`+~ ${path} moved to offset ${getAttr(c, "position") ?? "0"}`);
        break;
    }
  }
  return `${lines.join("\n")}\n`;
}
