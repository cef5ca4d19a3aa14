/**
 * `pacer cluster-node`: just the cluster layer (Corosync's role) as a process, reading
 * corosync.conf and authkey, with a local status socket that corosync-quorumtool/-cfgtool/
 * -cmapctl query. Several of them form a cluster on loopback without root (udpu on 127.0.0.x)
 * or over multicast. The full `pacer node` daemon embeds the same driver.
 *
 * Api socket ops (one JSON line each way): `cluster-status` (the tools'), `cluster-broadcast`
 * `{payloads: string[]}` or `{sizes: number[]}` (agreed-order messages, for tests, benches and
 * demos; `{ok:false, tryAgain:true}` when they do not fit: backpressure) and `cluster-counters`.
 */
import { createWriteStream, readFileSync, rmSync, type WriteStream } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { deriveClusterKey, describeAuthkeyError, loadClusterAuthkey } from "../config/authkey.js";
import { parseCorosyncConf } from "../config/corosync-conf.js";
import { findLocalNode } from "../config/local-node.js";
import { toProtocolConfig } from "../config/protocol-config.js";
import { type CorosyncConfig, formatConfIssue } from "../config/types.js";
import { createNode, nextTickMs, nodeId, step } from "../protocol/api.js";
import { BroadcastGate } from "./broadcast-gate.js";
import { buildClusterStatus, MemberHistory } from "./cluster-status.js";
import { ClusterDriver, leaveFlushMs } from "./driver.js";
import { planLinks } from "./links.js";
import { localAddresses } from "./local-addresses.js";
import { resolveRingAddrs } from "./resolve.js";
import { readNumberFile, writeNumberFileSync } from "./state-files.js";
import { apiSocketPath, handleStatusRequest, statusConnectionsMax } from "./status-api.js";

interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Messages accepted by one `cluster-broadcast` request at most. */
export const broadcastBatchMax = 10_000;
/** Bytes of one api request line at most (a `cluster-broadcast` of large payloads). */
export const apiLineBytesMax = 16 * 1024 * 1024;

/**
 * @example await clusterNodeCli(["--config", "c.conf", "--state-dir", "/tmp/s"], io)
 */
export async function clusterNodeCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      config: { type: "string", default: "/etc/corosync/corosync.conf" },
      authkey: { type: "string" },
      "state-dir": { type: "string", default: "/var/lib/pacer/cluster" },
      "api-socket": { type: "string" },
      nodeid: { type: "string" },
      "deliver-log": { type: "string" },
    },
  });
  const configPath = values.config;
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch (e) {
    io.stderr(
      `pacer cluster-node: cannot read ${configPath}: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return 66;
  }
  const parsed = parseCorosyncConf(text, configPath);
  if (!parsed.ok) {
    for (const i of parsed.error) io.stderr(`${formatConfIssue(i)}\n`);
    return 78;
  }
  for (const w of parsed.value.warnings) io.stderr(`${formatConfIssue(w)}\n`);
  const resolved = await resolveRingAddrs(parsed.value.config);
  if (!resolved.ok) {
    io.stderr(`pacer cluster-node: ${configPath}: ${resolved.error}\n`);
    return 78;
  }
  const config = resolved.value;
  const self = chooseSelf(config, values.nodeid);
  if (self === undefined) {
    io.stderr(
      `pacer cluster-node: this host (${hostname()}) is not in ${configPath}'s nodelist; pass --nodeid N\n`,
    );
    return 78;
  }
  const key = loadClusterAuthkey(config.totem, { path: values.authkey });
  if (!key.ok) {
    io.stderr(`pacer cluster-node: ${describeAuthkeyError(key.error)}\n`);
    return 66;
  }
  return run(config, {
    self,
    authkey: key.value,
    stateDir: values["state-dir"],
    socketPath: values["api-socket"] ?? apiSocketPath(io.env),
    deliverLog: values["deliver-log"],
    io,
  });
}

function chooseSelf(config: CorosyncConfig, given: string | undefined): number | undefined {
  if (given !== undefined) return /^\d+$/.test(given) ? Number(given) : undefined;
  return findLocalNode(config, { hostname: hostname(), addresses: localAddresses() })?.nodeId;
}

async function run(
  config: CorosyncConfig,
  o: {
    self: number;
    authkey: Buffer;
    stateDir: string;
    socketPath: string;
    deliverLog: string | undefined;
    io: CliIo;
  },
): Promise<number> {
  const links = planLinks(config, { self: o.self, addresses: localAddresses() });
  if (!links.ok) {
    o.io.stderr(`pacer cluster-node: ${links.error}\n`);
    return 78;
  }
  const incFile = join(o.stateDir, "incarnation");
  const seqFile = join(o.stateDir, "ring-seq");
  const incarnation = Math.max((readNumberFile(incFile) ?? 0) + 1, Date.now());
  try {
    writeNumberFileSync(incFile, incarnation);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    o.io.stderr(
      `pacer cluster-node: cannot write the state directory ${o.stateDir}: ${why}; pass a writable --state-dir\n`,
    );
    return 73;
  }
  const history = new MemberHistory();
  const log: WriteStream | undefined =
    o.deliverLog === undefined ? undefined : createWriteStream(o.deliverLog, { flags: "a" });
  const gate = new BroadcastGate({ createNode, step, nextTickMs });
  const driver = await ClusterDriver.start({
    core: gate.core,
    protocol: toProtocolConfig(config),
    self: nodeId(o.self),
    start: { incarnation, ringSeq: readNumberFile(seqFile) ?? 0 },
    links: links.value,
    clusterKey: deriveClusterKey(o.authkey, { clusterName: config.totem.clusterName ?? "" }),
    persist: (ringSeq) => writeNumberFileSync(seqFile, ringSeq),
    onView: (v) => {
      history.observe(v);
      o.io.stderr(
        `pacer cluster-node[${o.self}]: view ${v.ringId.rep}.${v.ringId.seq.toString(16)} members [${v.members.join(",")}] at ${Date.now()}\n`,
      );
    },
    onDeliver: (d) =>
      log?.write(
        `${d.ringId.rep}.${d.ringId.seq} ${d.seq} ${d.sender} ${d.senderIncarnation} ${Buffer.from(d.payload).toString("utf8")}\n`,
      ),
  });
  if (!driver.ok) {
    o.io.stderr(`pacer cluster-node: ${driver.error}\n`);
    return 71;
  }
  const d = driver.value;
  await removeStaleSocket(o.socketPath);
  const server = serveApi(o.socketPath, { config, self: o.self, driver: d, gate, history });
  // Tests and benches time view formation from this line (the node is up: links and api open).
  // "at" (wall-clock ms, here and on view lines) lets them time events by the node's own clock,
  // not by when a busy reader got to the line.
  server.once("listening", () =>
    o.io.stderr(
      `pacer cluster-node[${o.self}]: started, incarnation ${incarnation} at ${Date.now()}\n`,
    ),
  );
  return new Promise<number>((resolve) => {
    const shutdown = (): void => {
      d.leave();
      server.close();
      log?.end();
      // Exit once the leave packets are out (the driver closes its sockets after them).
      setTimeout(() => resolve(0), leaveFlushMs + 20);
    };
    process.once("SIGTERM", shutdown);
    process.once("SIGINT", shutdown);
  });
}

/** A socket file left by a killed node answers nothing: remove it so listen() can succeed. */
function removeStaleSocket(path: string): Promise<void> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.on("connect", () => {
      probe.destroy();
      resolve(); // a live node owns it: listen() will report EADDRINUSE
    });
    probe.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNREFUSED") rmSync(path, { force: true });
      resolve();
    });
  });
}

function serveApi(
  socketPath: string,
  live: {
    config: CorosyncConfig;
    self: number;
    driver: ClusterDriver;
    gate: BroadcastGate;
    history: MemberHistory;
  },
): Server {
  const status = () => buildClusterStatus(live.config, live);
  const server = createServer((conn) => {
    // One request line per connection. Chunks are kept as bytes and only the new chunk is
    // searched for the newline: a 10 MB line costs one scan and one decode (re-scanning a
    // growing string per chunk stalled the loop for a second), and a UTF-8 character split
    // across chunks stays whole.
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    conn.on("error", () => conn.destroy());
    conn.on("data", (chunk: Buffer) => {
      if (done) return;
      const nl = chunk.indexOf(0x0a);
      chunks.push(nl >= 0 ? chunk.subarray(0, nl) : chunk);
      bytes += chunk.length;
      if (nl < 0 && bytes > apiLineBytesMax) {
        done = true;
        conn.destroy();
        return;
      }
      if (nl < 0) return;
      done = true;
      conn.end(answer(Buffer.concat(chunks).toString("utf8"), live, status));
    });
  });
  server.maxConnections = statusConnectionsMax;
  server.on("error", (e) =>
    process.stderr.write(`pacer cluster-node: api socket ${socketPath}: ${e.message}\n`),
  );
  server.listen(socketPath);
  return server;
}

/**
 * The messages of a `cluster-broadcast` request: `payloads` (strings), or `sizes` (byte counts:
 * messages of that many "x" built here, so a bench can send a 10 MB message without a 10 MB
 * JSON line, whose parsing alone holds the loop for ~0.5 s on a loaded host).
 */
function broadcastPayloads(r: Record<string, unknown>): Buffer[] | undefined {
  if (r.op !== "cluster-broadcast") return undefined;
  if (Array.isArray(r.payloads) && r.payloads.length <= broadcastBatchMax)
    return r.payloads.map((p) => Buffer.from(String(p), "utf8"));
  const sizes = r.sizes;
  if (
    Array.isArray(sizes) &&
    sizes.length <= broadcastBatchMax &&
    sizes.every((n) => Number.isInteger(n) && n >= 0 && n <= apiLineBytesMax)
  )
    return sizes.map((n: number) => Buffer.alloc(n, 0x78));
  return undefined;
}

function answer(
  line: string,
  live: { driver: ClusterDriver; gate: BroadcastGate },
  status: () => ReturnType<typeof buildClusterStatus>,
): string {
  const { driver, gate } = live;
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch {
    req = undefined;
  }
  const r = typeof req === "object" && req !== null ? (req as Record<string, unknown>) : {};
  const payloads = broadcastPayloads(r);
  if (payloads !== undefined) {
    if (!gate.offer(driver, payloads)) {
      // Backpressure (Corosync's CS_ERR_TRY_AGAIN): nothing of this request was taken.
      const room = gate.room(driver);
      const error = `try again: room for ${room.messages} messages, ${room.bytes} bytes`;
      return `${JSON.stringify({ ok: false, error, code: 75, tryAgain: true })}\n`;
    }
    return `${JSON.stringify({ ok: true, queued: payloads.length })}\n`;
  }
  if (r.op === "cluster-counters") {
    const cpu = process.cpuUsage();
    return `${JSON.stringify({
      ok: true,
      counters: driver.counters,
      maxTickGapMs: driver.maxTickGapMs,
      delivered: driver.deliveredCount,
      pendingMessages: gate.summary()?.pendingMessages ?? 0,
      // The token after local-health stretching (docs/protocol.md §3): > token after stalls.
      tokenEffectiveMs: gate.summary()?.tokenEffectiveMs ?? 0,
      cpuUs: cpu.user + cpu.system,
      view: driver.view,
    })}\n`;
  }
  return handleStatusRequest(line, status);
}
