/**
 * The requests the api socket accepts, and their validation: every line a client sends is
 * checked here before anything acts on it (shape, types, sizes). Anything else is refused
 * with an error answer; nothing a client sends can throw inside the daemon.
 */
import { err, ok, type Result } from "../shared/result.js";

export type ApiRequest =
  | { readonly op: "cib-query" }
  | {
      readonly op: "cib-replace";
      readonly cib: string;
      readonly bump: "auto" | "none";
      readonly client?: string;
    }
  | {
      readonly op: "attr";
      readonly node: string;
      readonly name: string;
      readonly value: string | null;
      readonly lifetime: "reboot" | "forever";
      readonly client?: string;
    }
  | {
      readonly op: "cleanup";
      readonly resource: string | null;
      readonly node: string | null;
      readonly client?: string;
    }
  | { readonly op: "node-status" }
  | { readonly op: "cluster-status" }
  | { readonly op: "controller-status" };

/** Requests that change the CIB; a read-only client (future ACLs) may not send them. */
export const WRITE_OPS: ReadonlySet<string> = new Set(["cib-replace", "attr", "cleanup"]);

export const apiLimits = {
  /** One request line (a whole CIB for cib-replace). */
  requestBytesMax: 32 * 1024 * 1024,
  /** Names: node, attribute, resource ids. */
  nameBytesMax: 256,
  /** Requests one connection may have in flight. */
  inFlightPerConnectionMax: 16,
  /** Simultaneous connections. */
  connectionsMax: 256,
} as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function name(v: unknown): v is string {
  return (
    typeof v === "string" && v.length > 0 && v.length <= apiLimits.nameBytesMax && !/[\s\0]/.test(v)
  );
}

function optName(v: unknown): v is string | null | undefined {
  return v === null || v === undefined || name(v);
}

/**
 * Parses and validates one request line.
 * @example parseApiRequest('{"op":"cib-query"}') // ok({ op: "cib-query" })
 */
export function parseApiRequest(line: string): Result<ApiRequest, string> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return err("request is not JSON");
  }
  if (!isRecord(v) || typeof v.op !== "string") return err("request has no op");
  if (
    v.client !== undefined &&
    !(typeof v.client === "string" && /^[A-Za-z0-9_.-]{1,64}$/.test(v.client))
  ) {
    return err("client must be a tool name");
  }
  const client = typeof v.client === "string" ? { client: v.client } : {};
  switch (v.op) {
    case "cib-query":
    case "node-status":
    case "cluster-status":
    case "controller-status":
      return ok({ op: v.op });
    case "cib-replace": {
      if (typeof v.cib !== "string") return err("cib-replace needs cib (XML text)");
      const bump = v.bump === undefined ? "auto" : v.bump;
      if (bump !== "auto" && bump !== "none") return err("bump must be auto or none");
      return ok({ op: "cib-replace", cib: v.cib, bump, ...client });
    }
    case "attr": {
      if (!name(v.node) || !name(v.name)) return err("attr needs node and name");
      const value = v.value === undefined ? null : v.value;
      if (value !== null && (typeof value !== "string" || value.length > 4096)) {
        return err("attr value must be a string (or null to delete)");
      }
      const lifetime = v.lifetime === undefined ? "forever" : v.lifetime;
      if (lifetime !== "reboot" && lifetime !== "forever") {
        return err("lifetime must be reboot or forever");
      }
      return ok({ op: "attr", node: v.node, name: v.name, value, lifetime, ...client });
    }
    case "cleanup":
      if (!optName(v.resource) || !optName(v.node)) return err("cleanup: bad resource or node");
      return ok({ op: "cleanup", resource: v.resource ?? null, node: v.node ?? null, ...client });
    default:
      return err(`unknown op '${v.op.slice(0, 64)}'`);
  }
}
