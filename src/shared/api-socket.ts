/**
 * The daemon's api socket as its clients see it: where it is, and one request/answer
 * exchange (one JSON line out, the first line back). Every client (the live CIB backend and
 * pacer's CLI tools, the Corosync-style status tools) goes through `requestLine`, and maps its
 * failures to its own messages.
 */
import { createConnection } from "node:net";
import { err, ok, type Result } from "./result.js";

export const DEFAULT_API_SOCKET = "/run/pacer/api.sock";

/** The api socket to use: `PACER_API_SOCKET` (set by `pacer sandbox exec`), else the default. */
export function apiSocketPath(env: Readonly<Record<string, string | undefined>>): string {
  const p = env.PACER_API_SOCKET;
  return p !== undefined && p !== "" ? p : DEFAULT_API_SOCKET;
}

export type LineRequestError =
  /** connect or socket error (no daemon, no permission): `detail` is the system's message */
  | { readonly kind: "error"; readonly detail: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "too-large" }
  /** the daemon closed the connection before a whole line came back */
  | { readonly kind: "closed" };

export interface LineRequestOptions {
  readonly timeoutMs: number;
  /** Bytes buffered at most while waiting for the answer's newline. */
  readonly bytesMax: number;
}

/**
 * Sends `request` as one JSON line and resolves with the first line of the answer.
 * @example const r = await requestLine(apiSocketPath(env), { op: "cib-query" }, { timeoutMs: 2000, bytesMax: 1 << 20 });
 */
export function requestLine(
  socketPath: string,
  request: unknown,
  opts: LineRequestOptions,
): Promise<Result<string, LineRequestError>> {
  return new Promise((resolve) => {
    const socket = createConnection(socketPath);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (r: Result<string, LineRequestError>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => finish(err({ kind: "timeout" })), opts.timeoutMs);
    socket.on("connect", () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on("error", (e) => finish(err({ kind: "error", detail: e.message })));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes > opts.bytesMax) {
        finish(err({ kind: "too-large" }));
        return;
      }
      if (!chunk.includes(10)) return;
      const text = Buffer.concat(chunks).toString("utf8");
      finish(ok(text.slice(0, text.indexOf("\n"))));
    });
    socket.on("end", () => finish(err({ kind: "closed" })));
  });
}
