/**
 * The api socket: a unix socket where CLI tools send one JSON request per line and get one
 * JSON answer per line. Who may connect is decided by the socket file itself: when the daemon
 * runs as root the socket is `root:haclient` mode 0660 (the kernel refuses connect() to
 * everyone else, as Pacemaker's IPC admits root and haclient); otherwise it is 0600 for the
 * daemon's own user. Every request line is then validated (api-protocol.ts) before it acts.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import { type ApiRequest, apiLimits, parseApiRequest } from "./api-protocol.js";

export type ApiHandler = (req: ApiRequest) => Promise<Readonly<Record<string, unknown>>>;

export interface ApiServerOptions {
  readonly path: string;
  /** Group allowed besides root when running as root. Default haclient. */
  readonly group?: string;
  readonly handler: ApiHandler;
  readonly onError?: (detail: string) => void;
}

function groupId(group: string): number | undefined {
  try {
    const line = execFileSync("getent", ["group", group], { encoding: "utf8" });
    const gid = Number(line.split(":")[2]);
    return Number.isInteger(gid) ? gid : undefined;
  } catch {
    return undefined;
  }
}

/** Restricts the socket file: root + group (0660) when root, else the owner alone (0600). */
function restrict(path: string, group: string): void {
  const isRoot = process.getuid?.() === 0;
  const gid = isRoot ? groupId(group) : undefined;
  if (gid !== undefined) {
    chownSync(path, 0, gid);
    chmodSync(path, 0o660);
  } else {
    chmodSync(path, 0o600);
  }
}

function serve(conn: Socket, handler: ApiHandler, onError: (d: string) => void): void {
  // The unfinished line. Only each new chunk is searched for a newline: searching the whole
  // buffer again on every chunk made a 32 MB line cost ~37 s of main-thread time (heartbeats).
  let partial = "";
  let inFlight = 0;
  let closed = false;
  const refuse = (error: string, code: number): void => {
    closed = true;
    partial = "";
    conn.end(`${JSON.stringify({ ok: false, error, code })}\n`);
  };
  const handle = (line: string): void => {
    if (inFlight >= apiLimits.inFlightPerConnectionMax) {
      refuse("too many requests", 75);
      return;
    }
    const req = parseApiRequest(line);
    if (!req.ok) {
      conn.write(`${JSON.stringify({ ok: false, error: req.error, code: 64 })}\n`);
      return;
    }
    inFlight += 1;
    handler(req.value).then(
      (answer) => {
        inFlight -= 1;
        if (!conn.destroyed) conn.write(`${JSON.stringify(answer)}\n`);
      },
      (e: unknown) => {
        inFlight -= 1;
        onError(e instanceof Error ? e.message : String(e));
        if (!conn.destroyed) {
          conn.write(`${JSON.stringify({ ok: false, error: "internal error", code: 70 })}\n`);
        }
      },
    );
  };
  conn.setEncoding("utf8");
  conn.on("error", () => conn.destroy());
  conn.on("data", (chunk: string) => {
    let start = 0;
    for (let nl = chunk.indexOf("\n"); nl >= 0 && !closed; nl = chunk.indexOf("\n", start)) {
      const line = partial + chunk.slice(start, nl);
      partial = "";
      start = nl + 1;
      if (line.length > apiLimits.requestBytesMax) refuse("request too large", 76);
      else handle(line);
    }
    if (closed) return;
    partial += chunk.slice(start);
    if (partial.length > apiLimits.requestBytesMax) refuse("request too large", 76);
  });
}

/**
 * Listens on the api socket (replacing a stale one) and restricts who may connect.
 * @example const srv = await startApiServer({ path: "/run/pacer/api.sock", handler });
 */
export async function startApiServer(opts: ApiServerOptions): Promise<Server> {
  // The directory only has to be traversable; the socket's own mode decides who connects.
  mkdirSync(dirname(opts.path), { recursive: true, mode: 0o755 });
  rmSync(opts.path, { force: true });
  const onError = opts.onError ?? (() => {});
  const server = createServer((conn) => serve(conn, opts.handler, onError));
  server.maxConnections = apiLimits.connectionsMax;
  // No window where the socket is open to all: it is born 0600, then widened to the group.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  restrict(opts.path, opts.group ?? "haclient");
  return server;
}
