/**
 * What the Corosync-compatible tools (corosync-quorumtool, -cfgtool, -cmapctl) ask a running
 * node, and how: one newline-terminated JSON request on the node's api socket
 * (`{"op":"cluster-status"}`), one JSON line back (`{"ok":true,"status":{...}}`, or
 * `{"ok":false,"error":...,"code":N}` as every api answer). The node daemon (or `serveClusterStatus`
 * for a cluster-only node) answers with a `ClusterStatus` snapshot; the tools only format it.
 * When nothing answers, the tools print what Corosync prints when it is not running.
 */
import { createServer, type Server } from "node:net";
import { requestLine } from "../../shared/api-socket.js";
import { err, ok, type Result } from "../../shared/result.js";

/** A status answer is a few KiB; refuse to buffer more than this. */
export const statusBytesMax = 1024 * 1024;
export const statusTimeoutMsDefault = 2000;
/** Tool connections served at once at most; more are refused by the server. */
export const statusConnectionsMax = 64;
export const statusRequest = { op: "cluster-status" } as const;

export { apiSocketPath } from "../../shared/api-socket.js";

export type CmapType = "u8" | "u16" | "u32" | "u64" | "i32" | "str" | "dbl";

export interface CmapEntry {
  readonly key: string;
  readonly type: CmapType;
  /** Numbers as decimal text (u64 may exceed 2^53), strings as they are. */
  readonly value: string;
}

export interface MemberStatus {
  readonly nodeId: number;
  readonly votes: number;
  readonly name?: string;
  /** The node's addresses, by link number (index 0 = ring0_addr). */
  readonly addrs: readonly string[];
}

export interface LinkPeerStatus {
  readonly nodeId: number;
  /** The peer's address on this link. */
  readonly addr: string;
  readonly state: "localhost" | "connected" | "disconnected";
}

export interface LinkStatus {
  readonly linkNumber: number;
  readonly localAddr: string;
  /** Every node of the nodelist on this link (self as "localhost"), by node id. */
  readonly peers: readonly LinkPeerStatus[];
}

export interface VotequorumStatus {
  readonly quorate: boolean;
  readonly expectedVotes: number;
  readonly highestExpected: number;
  readonly totalVotes: number;
  readonly quorum: number;
  readonly twoNode: boolean;
  readonly waitForAll: boolean;
  readonly lastManStanding: boolean;
  readonly autoTieBreaker: boolean;
}

/** A snapshot of one node's cluster layer, in Corosync's terms. */
export interface ClusterStatus {
  readonly localNodeId: number;
  readonly transport: "udp" | "udpu" | "knet";
  /** null before the first view is installed. */
  readonly ringId: { readonly rep: number; readonly seq: number } | null;
  readonly quorumProvider: string;
  readonly votequorum: VotequorumStatus;
  /** The current view's members, ascending by node id. */
  readonly members: readonly MemberStatus[];
  readonly links: readonly LinkStatus[];
  /** The icmap keys (`corosync-cmapctl`), sorted by key. */
  readonly cmap: readonly CmapEntry[];
  /** The `stats` map (`corosync-cmapctl -m stats`): pacer's transport counters. */
  readonly stats?: readonly CmapEntry[];
}

export type StatusQueryError =
  | { readonly kind: "not-running"; readonly detail: string }
  | { readonly kind: "bad-answer"; readonly detail: string };

/**
 * Asks the node behind `socketPath` for its cluster status.
 * @example const r = await queryClusterStatus(apiSocketPath(process.env));
 */
export function queryClusterStatus(
  socketPath: string,
  opts: { timeoutMs?: number } = {},
): Promise<Result<ClusterStatus, StatusQueryError>> {
  return requestLine(socketPath, statusRequest, {
    timeoutMs: opts.timeoutMs ?? statusTimeoutMsDefault,
    bytesMax: statusBytesMax,
  }).then((r): Result<ClusterStatus, StatusQueryError> => {
    if (r.ok) return parseStatus(r.value);
    switch (r.error.kind) {
      case "timeout":
        return err({ kind: "not-running", detail: "timed out" });
      case "error":
        return err({ kind: "not-running", detail: r.error.detail });
      case "too-large":
        return err({ kind: "bad-answer", detail: "answer too large" });
      case "closed":
        return err({ kind: "bad-answer", detail: "connection closed early" });
    }
  });
}

function parseStatus(line: string): Result<ClusterStatus, StatusQueryError> {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return err({ kind: "bad-answer", detail: "not JSON" });
  }
  if (!isRecord(v)) return err({ kind: "bad-answer", detail: "not an object" });
  if (v.ok !== true) {
    return err({ kind: "not-running", detail: typeof v.error === "string" ? v.error : "refused" });
  }
  const s = v.status;
  if (
    !isRecord(s) ||
    typeof s.localNodeId !== "number" ||
    !Array.isArray(s.members) ||
    !Array.isArray(s.links) ||
    !Array.isArray(s.cmap) ||
    !isRecord(s.votequorum)
  ) {
    return err({ kind: "bad-answer", detail: "missing fields" });
  }
  // The shape is pacer's own (same build on both ends); the field checks above catch a
  // different program on the socket.
  return ok(s as unknown as ClusterStatus);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Answers one line of a client's request: the handler the daemon mounts on its api socket.
 * @example handleStatusRequest('{"op":"cluster-status"}', () => driver.status())
 */
export function handleStatusRequest(line: string, status: () => ClusterStatus | null): string {
  let op: unknown;
  try {
    const req: unknown = JSON.parse(line);
    op = isRecord(req) ? req.op : undefined;
  } catch {
    op = undefined;
  }
  if (op !== statusRequest.op) {
    return `${JSON.stringify({ ok: false, error: "unknown request", code: 64 })}\n`;
  }
  const s = status();
  if (s === null) {
    return `${JSON.stringify({ ok: false, error: "cluster layer not started", code: 102 })}\n`;
  }
  return `${JSON.stringify({ ok: true, status: s })}\n`;
}

/**
 * A unix-socket server answering status requests (for a cluster-only node and for tests; the
 * full daemon mounts `handleStatusRequest` on its own api socket instead).
 */
export function serveClusterStatus(socketPath: string, status: () => ClusterStatus | null): Server {
  const server = createServer((conn) => {
    let buf = "";
    conn.on("error", () => conn.destroy());
    conn.on("data", (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      if (buf.length > 4096) {
        conn.destroy();
        return;
      }
      const nl = buf.indexOf("\n");
      if (nl < 0) return;
      conn.end(handleStatusRequest(buf.slice(0, nl), status));
    });
  });
  server.maxConnections = statusConnectionsMax;
  server.listen(socketPath);
  return server;
}
