/**
 * The live CIB: the `pacer node` daemon's api socket (a unix socket, one JSON request per line,
 * one JSON answer per line). `liveBackend(env)` is what `openCib` picks when neither
 * CIB_shadow nor CIB_file is set. The socket is `PACER_API_SOCKET`, else /run/pacer/api.sock.
 * `apiRequest` is exported for live tools that need more than read/commit (node attributes,
 * cleanup, membership).
 */
import { apiSocketPath, requestLine } from "../shared/api-socket.js";
import { err, ok, type Result } from "../shared/result.js";
import type { CibBackend, CibError, CibVersion, CommitOptions } from "./backend.js";
import { parseCibText } from "./load.js";
import { NOT_CONNECTED_DETAIL } from "./open.js";


import { childElements, firstChild, getAttr, printXml, type XmlElement } from "./xml.js";

export const API_ANSWER_BYTES_MAX = 64 * 1024 * 1024;
export const API_TIMEOUT_MS_DEFAULT = 30_000;

export type ApiEnv = Readonly<Record<string, string | undefined>>;

export function apiSocket(env: ApiEnv): string {
  return apiSocketPath(env);
}

/** A failed api call: not connected (no daemon), or the daemon's refusal with its exit code. */
export type ApiError =
  | { readonly kind: "not-connected"; readonly detail: string }
  | { readonly kind: "refused"; readonly detail: string; readonly code: number };

export type ApiAnswer = Readonly<Record<string, unknown>>;

/**
 * Sends one request to the daemon and returns its answer (`ok: true` answers only).
 * @example const r = await apiRequest(process.env, { op: "node-status" });
 */
export function apiRequest(
  env: ApiEnv,
  request: Readonly<Record<string, unknown>>,
  opts: { timeoutMs?: number } = {},
): Promise<Result<ApiAnswer, ApiError>> {
  return requestLine(apiSocket(env), request, {
    timeoutMs: opts.timeoutMs ?? API_TIMEOUT_MS_DEFAULT,
    bytesMax: API_ANSWER_BYTES_MAX,
  }).then((r): Result<ApiAnswer, ApiError> => {
    if (r.ok) return parseAnswer(r.value);
    switch (r.error.kind) {
      case "timeout":
        return err({ kind: "not-connected", detail: "timed out" });
      case "too-large":
        return err({ kind: "refused", detail: "answer too large", code: 76 });
      case "error":
      case "closed":
        return err({ kind: "not-connected", detail: NOT_CONNECTED_DETAIL });
    }
  });
}

function parseAnswer(line: string): Result<ApiAnswer, ApiError> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return err({ kind: "refused", detail: "the daemon sent something that is not JSON", code: 76 });
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return err({ kind: "refused", detail: "the daemon's answer is not an object", code: 76 });
  }
  const a = v as Record<string, unknown>;
  if (a.ok !== true) {
    const detail = typeof a.error === "string" ? a.error : "request failed";
    const code = typeof a.code === "number" ? a.code : 1;
    return err({ kind: "refused", detail, code });
  }
  return ok(a);
}

/**
 * The tool this process is (`update-client` of its changes): the program's name, with crm
 * shown as cibadmin since crmsh commits through cibadmin in Pacemaker.
 */
export function clientName(argv1: string | undefined = process.argv[1]): string {
  const base = (argv1 ?? "").split("/").pop() ?? "";
  if (base === "" || base === "crm") return "cibadmin";
  return /^[A-Za-z0-9_.-]{1,64}$/.test(base) ? base : "cibadmin";
}

function toCibError(e: ApiError): CibError {
  if (e.kind === "not-connected") return { kind: "not-connected", detail: e.detail };
  if (e.code === 103) return { kind: "stale-update", detail: e.detail };
  if (e.code === 105) return { kind: "not-found", what: e.detail, hint: "" };
  return { kind: "invalid", detail: e.detail };
}

function readVersion(a: ApiAnswer): CibVersion {
  const v = a.version as Record<string, unknown> | undefined;
  const n = (k: string) => (typeof v?.[k] === "number" ? (v[k] as number) : 0);
  return { adminEpoch: n("adminEpoch"), epoch: n("epoch"), numUpdates: n("numUpdates") };
}

type StatusOp = Readonly<Record<string, unknown>>;

function transient(cib: XmlElement): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const status = firstChild(cib, "status");
  for (const ns of status ? childElements(status, "node_state") : []) {
    const attrs = new Map<string, string>();
    for (const ta of childElements(ns, "transient_attributes")) {
      for (const set of childElements(ta, "instance_attributes")) {
        for (const nv of childElements(set, "nvpair")) {
          attrs.set(getAttr(nv, "name") ?? "", getAttr(nv, "value") ?? "");
        }
      }
    }
    out.set(getAttr(ns, "uname") ?? "", attrs);
  }
  return out;
}

function histories(cib: XmlElement): Set<string> {
  const out = new Set<string>();
  const status = firstChild(cib, "status");
  for (const ns of status ? childElements(status, "node_state") : []) {
    const lrm = firstChild(ns, "lrm");
    const list = lrm ? firstChild(lrm, "lrm_resources") : undefined;
    for (const lr of list ? childElements(list, "lrm_resource") : []) {
      out.add(`${getAttr(ns, "uname") ?? ""}\n${getAttr(lr, "id") ?? ""}`);
    }
  }
  return out;
}

/**
 * What a tool changed in the status section, as the daemon's requests: transient node
 * attributes set or deleted (`attr`, lifetime reboot) and resource histories removed
 * (`cleanup`). The status section belongs to the cluster, so it is never replaced whole.
 */
export function statusChanges(base: XmlElement, next: XmlElement): StatusOp[] {
  const ops: StatusOp[] = [];
  const a = transient(base);
  const b = transient(next);
  for (const [node, attrs] of b) {
    const old = a.get(node) ?? new Map<string, string>();
    for (const [name, value] of attrs) {
      if (old.get(name) !== value) ops.push({ op: "attr", node, name, value, lifetime: "reboot" });
    }
    for (const name of old.keys()) {
      if (!attrs.has(name)) ops.push({ op: "attr", node, name, value: null, lifetime: "reboot" });
    }
  }
  const after = histories(next);
  for (const key of histories(base)) {
    if (after.has(key)) continue;
    const [node, resource] = key.split("\n");
    ops.push({ op: "cleanup", node, resource });
  }
  return ops;
}

function sameConfiguration(a: XmlElement, b: XmlElement): boolean {
  const ca = firstChild(a, "configuration");
  const cb = firstChild(b, "configuration");
  return (
    ca !== undefined &&
    cb !== undefined &&
    printXml(ca, { indent: "" }) === printXml(cb, { indent: "" })
  );
}

/**
 * The CibBackend of the running cluster, through the local node's api socket.
 * @example const cib = liveBackend(process.env); const r = await cib.read();
 */
export function liveBackend(env: ApiEnv): CibBackend {
  // The CIB last read, to tell a tool's status changes from what the cluster wrote.
  let base: XmlElement | undefined;
  return {
    kind: "live",
    label: "live",
    async read(): Promise<Result<XmlElement, CibError>> {
      const r = await apiRequest(env, { op: "cib-query" });
      if (!r.ok) return err(toCibError(r.error));
      const text = r.value.cib;
      if (typeof text !== "string") return err({ kind: "invalid", detail: "no CIB in answer" });
      const parsed = parseCibText(text, "live");
      // A second parse: the tool mutates what it got; the base must stay as read.
      const kept = parseCibText(text, "live");
      base = kept.ok ? kept.value : undefined;
      return parsed;
    },
    async commit(cib: XmlElement, opts: CommitOptions = {}): Promise<Result<CibVersion, CibError>> {
      let version: CibVersion | undefined;
      if (base === undefined || !sameConfiguration(base, cib) || opts.bump === "none") {
        const r = await apiRequest(env, {
          op: "cib-replace",
          cib: printXml(cib),
          bump: opts.bump ?? "auto",
          client: clientName(),
        });
        if (!r.ok) return err(toCibError(r.error));
        version = readVersion(r.value);
      }
      for (const op of base === undefined ? [] : statusChanges(base, cib)) {
        const r = await apiRequest(env, { ...op, client: clientName() });
        if (!r.ok) return err(toCibError(r.error));
        version = readVersion(r.value);
      }
      if (version === undefined) {
        const r = await apiRequest(env, { op: "controller-status" });
        if (!r.ok) return err(toCibError(r.error));
        version = readVersion(r.value);
      }
      base = undefined;
      return ok(version);
    },
  };
}
