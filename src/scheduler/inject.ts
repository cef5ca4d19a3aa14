/**
 * crm_simulate's injections (--node-up/--node-down/--node-fail/--op-inject): edits of the
 * CIB's status section made before scheduling, each described by one line.
 */
import {
  childElements,
  cloneElement,
  elem,
  firstChild,
  getAttr,
  setAttr,
  type XmlElement,
} from "../cib/xml.js";

export type Injection =
  | { readonly kind: "node-up" | "node-down" | "node-fail"; readonly node: string }
  | { readonly kind: "op"; readonly spec: string };

export interface InjectResult {
  readonly cib: XmlElement;
  readonly lines: string[];
}

function nodeId(cib: XmlElement, uname: string): string {
  const nodes = firstChild(firstChild(cib, "configuration") ?? elem("x"), "nodes");
  const n = nodes
    ? childElements(nodes, "node").find((x) => getAttr(x, "uname") === uname)
    : undefined;
  return n ? (getAttr(n, "id") ?? uname) : uname;
}

function nodeState(cib: XmlElement, uname: string): XmlElement {
  let status = firstChild(cib, "status");
  if (!status) {
    status = elem("status");
    cib.children.push(status);
  }
  const id = nodeId(cib, uname);
  let ns = childElements(status, "node_state").find((x) => getAttr(x, "id") === id);
  if (!ns) {
    ns = elem("node_state", { id, uname });
    status.children.push(ns);
  }
  return ns;
}

function setState(
  ns: XmlElement,
  inCcm: string,
  crmd: string,
  join: string,
  expected: string,
): void {
  setAttr(ns, "in_ccm", inCcm);
  setAttr(ns, "crmd", crmd);
  setAttr(ns, "join", join);
  setAttr(ns, "expected", expected);
}

/** @example injectChanges(cib, [{ kind: "node-fail", node: "node2" }]) */
export function injectChanges(input: XmlElement, injections: readonly Injection[]): InjectResult {
  const cib = cloneElement(input);
  const lines: string[] = [];
  for (const inj of injections) {
    if (inj.kind === "op") {
      lines.push(injectOp(cib, inj.spec));
      continue;
    }
    const ns = nodeState(cib, inj.node);
    if (inj.kind === "node-up") {
      setState(ns, "true", "online", "member", "member");
      lines.push(`Bringing node ${inj.node} online`);
    } else if (inj.kind === "node-down") {
      setState(ns, "false", "offline", "down", "down");
      lines.push(`Taking node ${inj.node} offline`);
    } else {
      setState(ns, "false", "offline", "down", "member");
      lines.push(`Failing node ${inj.node}`);
    }
  }
  return { cib, lines };
}

function injectOp(cib: XmlElement, spec: string): string {
  const m = /^(.+)_([a-z_]+)_(\d+)@([^=]+)=(\d+)$/.exec(spec);
  if (!m) return `Invalid operation spec: ${spec}`;
  const [, rsc = "", task = "", interval = "0", node = "", rc = "0"] = m;
  const ns = nodeState(cib, node);
  let lrm = firstChild(ns, "lrm");
  if (!lrm) {
    lrm = elem("lrm", { id: getAttr(ns, "id") ?? node });
    ns.children.push(lrm);
  }
  let lrs = firstChild(lrm, "lrm_resources");
  if (!lrs) {
    lrs = elem("lrm_resources");
    lrm.children.push(lrs);
  }
  let lr = childElements(lrs, "lrm_resource").find((x) => getAttr(x, "id") === rsc);
  if (!lr) {
    const prim = findPrimitive(cib, rsc.replace(/:\d+$/, ""));
    const attrs: Record<string, string> = {
      id: rsc,
      class: prim ? (getAttr(prim, "class") ?? "ocf") : "ocf",
      type: prim ? (getAttr(prim, "type") ?? "") : "",
    };
    const provider = prim ? getAttr(prim, "provider") : undefined;
    if (provider !== undefined) attrs.provider = provider;
    lr = elem("lrm_resource", attrs);
    lrs.children.push(lr);
  }
  const calls = childElements(lr, "lrm_rsc_op").map((o) => Number(getAttr(o, "call-id") ?? "0"));
  const call = Math.max(0, ...calls) + 1;
  const key = `0:0:${task === "monitor" && interval === "0" ? 7 : 0}:00000000-0000-0000-0000-000000000000`;
  const failed = rc !== "0" && !(task === "monitor" && interval === "0" && rc === "7");
  const id = failed
    ? `${rsc}_last_failure_0`
    : interval !== "0"
      ? `${rsc}_monitor_${interval}`
      : `${rsc}_last_0`;
  lr.children = lr.children.filter((c) => c.type !== "element" || getAttr(c, "id") !== id);
  lr.children.push(
    elem("lrm_rsc_op", {
      id,
      operation_key: `${rsc}_${task}_${interval}`,
      operation: task,
      "transition-key": key,
      "transition-magic": `0:${rc};${key}`,
      "call-id": String(call),
      "rc-code": rc,
      "op-status": "0",
      interval,
      on_node: node,
    }),
  );
  return `Injecting ${rsc}_${task}_${interval} on ${node} with rc=${rc}`;
}

function findPrimitive(cib: XmlElement, id: string): XmlElement | undefined {
  const stack = [cib];
  while (stack.length > 0) {
    const el = stack.pop() as XmlElement;
    if (el.name === "primitive" && getAttr(el, "id") === id) return el;
    for (const c of el.children) if (c.type === "element") stack.push(c);
  }
  return undefined;
}
