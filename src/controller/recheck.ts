/**
 * When the cluster must be looked at again with nothing else happening: the earliest moment
 * a failure expires (`last-failure-*` + the resource's `failure-timeout`). The scheduler
 * ignores expired failures; the controller re-runs it at that time.
 */
import { childElements, getAttr, walkElements, type XmlElement } from "../cib/xml.js";
import { configuration, statusSection } from "./cib-state.js";

function seconds(text: string): number {
  const m = /^(\d+)\s*(ms|msec|s|sec|m|min|h|hr)?$/.exec(text.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  if (unit === "ms" || unit === "msec") return Math.ceil(n / 1000);
  if (unit === "m" || unit === "min") return n * 60;
  if (unit === "h" || unit === "hr") return n * 3600;
  return n;
}

/** failure-timeout of every primitive (own meta, else its group's or clone's), in seconds. */
function failureTimeouts(cib: XmlElement): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (el: XmlElement, inherited: number): void => {
    let t = inherited;
    for (const meta of childElements(el, "meta_attributes")) {
      for (const nv of childElements(meta, "nvpair")) {
        if (getAttr(nv, "name") === "failure-timeout") t = seconds(getAttr(nv, "value") ?? "0");
      }
    }
    if (el.name === "primitive" && t > 0) out.set(getAttr(el, "id") ?? "", t);
    for (const c of childElements(el)) {
      if (["primitive", "group", "clone", "master", "bundle"].includes(c.name)) visit(c, t);
    }
  };
  for (const r of childElements(configuration(cib), "resources")) visit(r, 0);
  return out;
}

/**
 * @example recheckAt(cib, 1700000000) // 1700000060, or null when nothing will expire
 */
export function recheckAt(cib: XmlElement, nowS: number): number | null {
  const timeouts = failureTimeouts(cib);
  if (timeouts.size === 0) return null;
  let best: number | null = null;
  for (const el of walkElements(statusSection(cib))) {
    if (el.name !== "nvpair") continue;
    const m = /^last-failure-(.+)#/.exec(getAttr(el, "name") ?? "");
    const t = m ? timeouts.get(m[1] ?? "") : undefined;
    if (t === undefined) continue;
    const at = Number(getAttr(el, "value") ?? "0") + t + 1;
    if (at > nowS && (best === null || at < best)) best = at;
  }
  return best;
}
