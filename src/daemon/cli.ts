/**
 * `pacer node`: the node daemon (Corosync + Pacemaker's roles in one process).
 *   pacer node [--config /etc/corosync/corosync.conf] [--authkey PATH]
 *              [--state-dir /var/lib/pacemaker] [--name NODE] [--api-socket PATH]
 *              [--log-level info]
 * Logs are JSON lines on stdout (pino), which journald stores as they are.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { describeAuthkeyError, readAuthkey } from "../cluster/config/authkey.js";
import { parseCorosyncConf } from "../cluster/config/corosync-conf.js";
import { findLocalNode } from "../cluster/config/local-node.js";
import { type CorosyncConfig, formatConfIssue } from "../cluster/config/types.js";
import { localAddresses } from "../cluster/transport/local-addresses.js";
import { Executor } from "../executor/executor.js";
import { apiSocketPath } from "../shared/api-socket.js";
import { ExitCode, type ToolIo, UserError } from "../tools/tool-io.js";
import { toControllerResult } from "./executor-bridge.js";
import { NodeDaemon } from "./node.js";
import { daemonNodeFlags, missingDaemonFlags } from "./node-flags.js";
import { WorkerScheduler } from "./scheduler-runner.js";
import { nodeNames, TransportLayer } from "./transport-adapter.js";

const DEFAULT_STATE_DIR = "/var/lib/pacemaker";

/** How long a SIGTERM waits for the DC to move resources away before leaving anyway. */
const SHUTDOWN_ESCALATION_MS = 60_000;

function loadConfig(path: string, io: ToolIo): CorosyncConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? e}; pass --config PATH`,
      ExitCode.NoInput,
    );
  }
  const parsed = parseCorosyncConf(text, path);
  if (!parsed.ok) {
    const first = parsed.error[0];
    throw new UserError(first ? formatConfIssue(first) : `${path}: invalid`, ExitCode.Config);
  }
  for (const w of parsed.value.warnings) io.stderr(`${formatConfIssue(w)}\n`);
  return parsed.value.config;
}

function chooseSelf(
  config: CorosyncConfig,
  name: string | undefined,
  path: string,
): { id: number; name: string } {
  const nodes = nodeNames(config);
  if (name !== undefined) {
    const n = nodes.find((x) => x.name === name);
    if (!n) throw new UserError(`node '${name}' is not in ${path}'s nodelist`, ExitCode.Config);
    return n;
  }
  const local = findLocalNode(config, { hostname: hostname(), addresses: localAddresses() });
  const n = nodes.find((x) => x.id === local?.nodeId);
  if (!n) {
    throw new UserError(
      `this host (${hostname()}) is not in ${path}'s nodelist; pass --name NODE`,
      ExitCode.Config,
    );
  }
  return n;
}

/** @example await pacerNode(["--config", "c.conf", "--state-dir", "/tmp/n1"], io) */
export async function pacerNode(argv: readonly string[], io: ToolIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      config: { type: "string", default: "/etc/corosync/corosync.conf" },
      authkey: { type: "string" },
      "state-dir": { type: "string", default: DEFAULT_STATE_DIR },
      name: { type: "string" },
      "api-socket": { type: "string" },
      "log-level": { type: "string", default: "info" },
    },
  });
  const config = loadConfig(values.config, io);
  const self = chooseSelf(config, values.name, values.config);
  const keyPath = values.authkey ?? config.totem.keyfile ?? "/etc/corosync/authkey";
  const key = readAuthkey(keyPath);
  if (!key.ok) throw new UserError(describeAuthkeyError(key.error), ExitCode.NoInput);
  const stateDir = values["state-dir"];
  mkdirSync(stateDir, { recursive: true, mode: 0o750 });
  const log = pino({ level: values["log-level"], base: { node: self.name, pid: process.pid } });
  const missing = missingDaemonFlags(process.execArgv);
  if (missing.length > 0) {
    log.info(
      { missing },
      `started without node ${daemonNodeFlags.join(" ")}: more memory and idle CPU (packaging/pacer.service passes them)`,
    );
  }
  // A node with its own state dir (loopback clusters: several nodes on one host) also keeps
  // its agents' state files (HA_VARRUN, HA_RSCTMP) under it, so nodes do not share them.
  // With the system's state dir the agents use the system's defaults.
  const privateRun = stateDir !== DEFAULT_STATE_DIR;
  const runDir = join(stateDir, "run");
  if (privateRun) mkdirSync(runDir, { recursive: true });
  let daemonRef: NodeDaemon | undefined;
  const apiSocket = values["api-socket"] ?? apiSocketPath(io.env);
  const executor = new Executor({
    nodeName: self.name,
    // Agents' tools (crm_attribute --promotion in promotable agents) reach this node.
    apiSocket,
    onRecurring: (r) => daemonRef?.report(toControllerResult(r)),
    ...(privateRun ? { haVars: { HA_VARRUN: runDir, HA_RSCTMP: runDir } } : {}),
  });
  const scheduler = new WorkerScheduler();
  scheduler.warm();
  return new Promise<number>((resolve, reject) => {
    const daemon = new NodeDaemon({
      stateDir,
      apiSocket,
      ...(config.totem.clusterName !== undefined ? { clusterName: config.totem.clusterName } : {}),
      cluster: new TransportLayer(config, self, { authkey: key.value, stateDir }),
      executor,
      scheduler,
      log,
      onExit: (code) => {
        executor.close();
        resolve(code);
      },
    });
    daemonRef = daemon;
    const term = (): void => {
      log.info("shutdown requested by signal");
      daemon.shutdown();
      setTimeout(() => void daemon.stop(0), SHUTDOWN_ESCALATION_MS).unref();
    };
    process.once("SIGTERM", term);
    process.once("SIGINT", term);
    daemon
      .start()
      .catch((e: unknown) =>
        reject(
          new UserError(
            `cannot start: ${e instanceof Error ? e.message : String(e)}`,
            ExitCode.OsErr,
          ),
        ),
      );
  });
}
