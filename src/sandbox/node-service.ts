/**
 * `service corosync|pacemaker start|stop|restart|status` inside a sandbox node. pacer runs one
 * daemon per node for both roles, so both service names control the same `pacer node`
 * process; its pid file is /run/pacer/node.pid (the node's private /run).
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { daemonNodeFlags } from "../daemon/node-flags.js";

const PID_FILE = "/run/pacer/node.pid";
const LOG_FILE = "/var/log/pacer/pacer.log";
export const CLUSTER_SERVICES = new Set(["corosync", "pacemaker", "pacer"]);

function runningPid(): number | undefined {
  try {
    const pid = Number(readFileSync(PID_FILE, "utf8").trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

async function stop(out: (s: string) => void): Promise<void> {
  const pid = runningPid();
  if (pid === undefined) return;
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 100 && runningPid() !== undefined; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (runningPid() !== undefined) process.kill(pid, "SIGKILL");
  rmSync(PID_FILE, { force: true });
  out("Stopping pacer node daemon: done.\n");
}

function start(repoRoot: string, out: (s: string) => void): void {
  if (runningPid() !== undefined) return;
  mkdirSync("/run/pacer", { recursive: true });
  mkdirSync("/var/log/pacer", { recursive: true });
  const log = openSync(LOG_FILE, "a");
  const child = spawn(
    process.execPath,
    [
      ...daemonNodeFlags,
      join(repoRoot, "bin", "pacer"),
      "node",
      "--config",
      "/etc/corosync/corosync.conf",
      "--state-dir",
      "/var/lib/pacemaker",
    ],
    { detached: true, stdio: ["ignore", log, log] },
  );
  closeSync(log);
  child.unref();
  writeFileSync(PID_FILE, `${child.pid}\n`);
  out("Starting pacer node daemon (corosync + pacemaker roles): done.\n");
}

/** @example await nodeService(["corosync", "restart"], repoRoot, io.stdout) → exit code */
export async function nodeService(
  args: readonly string[],
  repoRoot: string,
  out: (s: string) => void,
): Promise<number> {
  const [name, action] = args;
  if (name === undefined || !CLUSTER_SERVICES.has(name)) {
    // Not a cluster service: hand over to the system's service command.
    const r = spawnSync("/usr/sbin/service", [...args], { stdio: "inherit" });
    return r.status ?? 1;
  }
  switch (action) {
    case "start":
      start(repoRoot, out);
      return 0;
    case "stop":
      await stop(out);
      return 0;
    case "restart":
    case "force-reload":
      await stop(out);
      start(repoRoot, out);
      return 0;
    case "status": {
      const pid = runningPid();
      out(
        pid === undefined
          ? `${name} is not running\n`
          : `${name} is running (pacer node, pid ${pid})\n`,
      );
      return pid === undefined ? 3 : 0;
    }
    default:
      out(`Usage: service ${name} {start|stop|restart|status}\n`);
      return 2;
  }
}
