/**
 * `resource trace|untrace`: RA tracing through the op attribute `trace_ra=1` (and
 * `trace_dir`), kept in the op's `instance_attributes` as crmsh 4.4 writes them. An op
 * crmsh rewrites moves to the end of `operations`; ops that only existed for tracing
 * (start/stop with interval 0 and nothing else) go away again on untrace.
 */
import { childElements, elem, firstChild, getAttr, type XmlElement } from "../../cib/xml.js";

export const TRACE_DIR_DEFAULT = "/var/lib/heartbeat/trace_ra";

function operationsOf(rsc: XmlElement): XmlElement {
  let ops = firstChild(rsc, "operations");
  if (ops === undefined) {
    ops = elem("operations");
    rsc.children.push(ops);
  }
  return ops;
}

function msec(interval: string | undefined): number {
  const m = /^(\d+)(ms|s|m|min|h)?$/.exec((interval ?? "0").trim());
  if (m === null) return Number.NaN;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60000, min: 60000, h: 3600000 };
  return Number(m[1]) * (unit[m[2] ?? "s"] ?? 1000);
}

export function findOps(rsc: XmlElement, name: string, interval?: string): XmlElement[] {
  const ops = firstChild(rsc, "operations");
  return (ops === undefined ? [] : childElements(ops, "op")).filter(
    (o) =>
      getAttr(o, "name") === name &&
      (interval === undefined || msec(getAttr(o, "interval")) === msec(interval)),
  );
}

/** Sets (or with value undefined removes) an op attribute; the op moves to the end. */
function setOpAttr(rsc: XmlElement, op: XmlElement, name: string, value: string | undefined): void {
  const opId = getAttr(op, "id") ?? "";
  let set = childElements(op, "instance_attributes")[0];
  if (value !== undefined) {
    if (set === undefined) {
      set = elem("instance_attributes", { id: `${opId}-instance_attributes` });
      op.children.push(set);
    }
    const nv = childElements(set, "nvpair").find((n) => getAttr(n, "name") === name);
    if (nv !== undefined) nv.attrs = nv.attrs.map(([k, v]) => [k, k === "value" ? value : v]);
    else
      set.children.push(elem("nvpair", { name, value, id: `${getAttr(set, "id") ?? ""}-${name}` }));
  } else if (set !== undefined) {
    set.children = set.children.filter(
      (c) => !(c.type === "element" && getAttr(c, "name") === name),
    );
    if (childElements(set).length === 0) op.children = op.children.filter((c) => c !== set);
  }
  const ops = operationsOf(rsc);
  ops.children = [...ops.children.filter((c) => c !== op), op];
}

function addTraceOp(
  rsc: XmlElement,
  name: string,
  interval: string,
  dir: string | undefined,
): void {
  const rscId = getAttr(rsc, "id") ?? "";
  const id = `${rscId}-${name}-${interval}`;
  const nvs = [
    elem("nvpair", { name: "trace_ra", value: "1", id: `${id}-instance_attributes-trace_ra` }),
  ];
  if (dir !== undefined) {
    nvs.push(
      elem("nvpair", { name: "trace_dir", value: dir, id: `${id}-instance_attributes-trace_dir` }),
    );
  }
  const op = elem("op", { name, interval, id }, [
    elem("instance_attributes", { id: `${id}-instance_attributes` }, nvs),
  ]);
  operationsOf(rsc).children.push(op);
}

function traceOp(rsc: XmlElement, op: XmlElement, dir: string | undefined): void {
  setOpAttr(rsc, op, "trace_ra", "1");
  if (dir !== undefined) setOpAttr(rsc, op, "trace_dir", dir);
}

export interface TraceRequest {
  readonly op: string | undefined;
  readonly interval: string | undefined;
  readonly dir: string | undefined;
  readonly promotable: boolean;
}

/** Adds tracing; returns an error message (crmsh's words) or undefined. */
export function addTrace(rsc: XmlElement, req: TraceRequest): string | undefined {
  const rscId = getAttr(rsc, "id") ?? "";
  if (req.op === undefined) {
    const existing = childElements(operationsOf(rsc), "op");
    const names = ["start", "stop", ...(req.promotable ? ["promote", "demote"] : [])];
    for (const n of names) {
      if (!existing.some((o) => getAttr(o, "name") === n)) addTraceOp(rsc, n, "0", req.dir);
    }
    for (const o of existing) traceOp(rsc, o, req.dir);
    return undefined;
  }
  const ops = findOps(rsc, req.op, req.interval);
  if (ops.length === 0) {
    if (req.interval === undefined && req.op === "monitor") {
      return `No monitor operation configured for ${rscId}`;
    }
    if (req.interval !== undefined && msec(req.interval) !== 0) {
      return `Operation ${req.op} with interval ${req.interval} not found in ${rscId}`;
    }
    addTraceOp(rsc, req.op, req.interval ?? "0", req.dir);
    return undefined;
  }
  for (const o of req.interval === undefined ? ops : ops.slice(0, 1)) traceOp(rsc, o, req.dir);
  return undefined;
}

function isDummyOp(op: XmlElement): boolean {
  if (op.children.some((c) => c.type === "element")) return false;
  if (msec(getAttr(op, "interval")) !== 0) return false;
  return op.attrs.every(([k]) => k === "id" || k === "name" || k === "interval");
}

function hasTrace(op: XmlElement): boolean {
  return childElements(op, "instance_attributes").some((s) =>
    childElements(s, "nvpair").some((n) => getAttr(n, "name") === "trace_ra"),
  );
}

function untraceOp(rsc: XmlElement, op: XmlElement): void {
  setOpAttr(rsc, op, "trace_ra", undefined);
  setOpAttr(rsc, op, "trace_dir", undefined);
  if (isDummyOp(op)) {
    const ops = operationsOf(rsc);
    ops.children = ops.children.filter((c) => c !== op);
  }
}

/** Removes tracing; returns an error message (crmsh's words) or undefined. */
export function removeTrace(
  rsc: XmlElement,
  op: string | undefined,
  interval: string | undefined,
): string | undefined {
  const rscId = getAttr(rsc, "id") ?? "";
  if (op === undefined) {
    for (const o of childElements(operationsOf(rsc), "op").filter(hasTrace)) untraceOp(rsc, o);
    return undefined;
  }
  const ops = findOps(rsc, op, interval);
  if (ops.length === 0) {
    return interval === undefined
      ? `Operation ${op} not found in ${rscId}`
      : `Operation ${op} with interval ${interval} not found in ${rscId}`;
  }
  for (const o of interval === undefined ? ops : ops.slice(0, 1)) untraceOp(rsc, o);
  return undefined;
}
