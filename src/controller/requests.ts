/**
 * What the DC does with a client's change request: the CIB it produces, or the one-line
 * error (with the Pacemaker exit code) the client will print. Pure: works on a copy.
 */
import { childElements, cloneElement, getAttr, type XmlElement } from "../cib/xml.js";
import { err, ok, type Result } from "../shared/result.js";
import {
  cibVersion,
  compareVersions,
  configuration,
  parseCibText,
  versionText,
} from "./cib-state.js";
import { cleanupResource, setPermanentAttr, setTransientAttr } from "./status.js";
import type { CibRequest, Member } from "./types.js";

export interface RequestError {
  readonly message: string;
  /** Pacemaker's exit code for it (103 old data, 105 no such object, 65 bad data...). */
  readonly code: number;
}

function resourceExists(cib: XmlElement, id: string): boolean {
  for (const r of childElements(configuration(cib), "resources")) {
    const stack = [...childElements(r)];
    while (stack.length > 0) {
      const el = stack.pop() as XmlElement;
      if (getAttr(el, "id") === id) return true;
      stack.push(...childElements(el));
    }
  }
  return false;
}

function applyReplace(
  cib: XmlElement,
  text: string,
  bump: "auto" | "none",
): Result<XmlElement, RequestError> {
  let incoming: XmlElement;
  try {
    incoming = parseCibText(text);
  } catch (e) {
    return err({ message: `Invalid XML: ${(e as Error).message}`, code: 65 });
  }
  if (incoming.name !== "cib") {
    return err({ message: `expected a <cib> element, got <${incoming.name}>`, code: 65 });
  }
  const conf = childElements(incoming, "configuration")[0];
  if (!conf) return err({ message: "the replacement CIB has no <configuration>", code: 65 });
  const have = cibVersion(cib);
  const got = cibVersion(incoming);
  const configOnly = (v: typeof have) => ({ ...v, numUpdates: 0 });
  if (compareVersions(configOnly(got), configOnly(have)) < 0) {
    return err({
      message: `Update was older than existing configuration (${versionText(got)} < ${versionText(
        have,
      )}); re-read the CIB and apply the change again`,
      code: 103,
    });
  }
  const out = cloneElement(cib);
  const i = out.children.findIndex((c) => c.type === "element" && c.name === "configuration");
  if (i >= 0) out.children[i] = cloneElement(conf);
  else out.children.unshift(cloneElement(conf));
  if (bump === "none") {
    for (const k of ["admin_epoch", "epoch"]) {
      const v = getAttr(incoming, k);
      if (v !== undefined) setAttrKeep(out, k, v);
    }
  }
  return ok(out);
}

function setAttrKeep(el: XmlElement, k: string, v: string): void {
  const a = el.attrs.find(([n]) => n === k);
  if (a) a[1] = v;
  else el.attrs.push([k, v]);
}

/** Applies one request to a copy of the CIB. `members` resolves node names to ids. */
export function applyRequest(
  cib: XmlElement,
  req: CibRequest,
  members: readonly Member[],
): Result<XmlElement, RequestError> {
  switch (req.op) {
    case "replace":
      return applyReplace(cib, req.cib, req.bump);
    case "attr": {
      const member = resolveNode(cib, req.node, members);
      if (!member) return err({ message: `No such node: ${req.node}`, code: 105 });
      const out = cloneElement(cib);
      if (req.lifetime === "forever") setPermanentAttr(out, member, req.name, req.value);
      else setTransientAttr(out, member, req.name, req.value);
      return ok(out);
    }
    case "cleanup": {
      if (req.resource !== null && !resourceExists(cib, req.resource)) {
        return err({ message: `Resource ${req.resource} not found: No such object`, code: 105 });
      }
      const out = cloneElement(cib);
      cleanupResource(out, req.resource, req.node);
      return ok(out);
    }
  }
}

/** A node by name: a current member, else an entry of configuration/nodes. */
export function resolveNode(
  cib: XmlElement,
  name: string,
  members: readonly Member[],
): Member | undefined {
  const m = members.find((x) => x.name === name);
  if (m) return m;
  for (const nodes of childElements(configuration(cib), "nodes")) {
    for (const n of childElements(nodes, "node")) {
      if (getAttr(n, "uname") === name) return { id: Number(getAttr(n, "id") ?? "0"), name };
    }
  }
  return undefined;
}
