/**
 * Non-root mode of the sandbox (and the engine of `pacer demo`): N `pacer node` processes on
 * loopback, unicast (udpu) between 127.0.0.x addresses, each with its own config file, state
 * directory and api socket under one sandbox directory. `exec NODE -- CMD` runs CMD with the
 * environment that points pacer's tools at that node (PACER_API_SOCKET).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { daemonNodeFlags } from "../daemon/node-flags.js";

export interface LoopbackNode {
  readonly id: number;
  readonly name: string;
  readonly addr: string;
  readonly dir: string;
  readonly configPath: string;
  readonly socketPath: string;
}

export interface LoopbackLayout {
  readonly dir: string;
  readonly port: number;
  readonly nodes: readonly LoopbackNode[];
}

/** @example layoutLoopback("/tmp/x", 3, 15405).nodes[2].addr === "127.0.0.3" */
export function layoutLoopback(
  dir: string,
  count: number,
  port: number,
  net = "127.0.0",
): LoopbackLayout {
  const nodes: LoopbackNode[] = [];
  for (let id = 1; id <= count; id++) {
    const nodeDir = join(dir, `node${id}`);
    nodes.push({
      id,
      name: `node${id}`,
      addr: `${net}.${id}`,
      dir: nodeDir,
      configPath: join(nodeDir, "corosync.conf"),
      socketPath: join(nodeDir, "api.sock"),
    });
  }
  return { dir, port, nodes };
}

/** corosync.conf for loopback unicast; token timings left at pacer's defaults. */
export function loopbackCorosyncConf(layout: LoopbackLayout, clusterName = "pacer-demo"): string {
  const nodes = layout.nodes
    .map(
      (n) => `\tnode {\n\t\tname: ${n.name}\n\t\tnodeid: ${n.id}\n\t\tring0_addr: ${n.addr}\n\t}`,
    )
    .join("\n");
  return `totem {
\tversion: 2
\tcluster_name: ${clusterName}
\ttransport: udpu
\tinterface {
\t\tlinknumber: 0
\t\tmcastport: ${layout.port}
\t}
}
nodelist {
${nodes}
}
quorum {
\tprovider: corosync_votequorum
${layout.nodes.length === 2 ? "\ttwo_node: 1\n" : ""}}
`;
}

export class LoopbackSandbox {
  private readonly children = new Map<string, ChildProcess>();

  constructor(
    readonly layout: LoopbackLayout,
    readonly repoRoot: string,
  ) {}

  /** Writes configs and a shared authkey (fresh state unless keepState). */
  prepare(opts: { readonly keepState?: boolean; readonly authkey: Buffer }): void {
    if (!opts.keepState) rmSync(this.layout.dir, { recursive: true, force: true });
    for (const n of this.layout.nodes) {
      mkdirSync(join(n.dir, "state"), { recursive: true });
      writeFileSync(n.configPath, loopbackCorosyncConf(this.layout));
      writeFileSync(join(n.dir, "authkey"), opts.authkey, { mode: 0o400 });
    }
  }

  nodeArgv(n: LoopbackNode): string[] {
    return [
      ...daemonNodeFlags,
      join(this.repoRoot, "bin", "pacer"),
      "node",
      "--config",
      n.configPath,
      "--authkey",
      join(n.dir, "authkey"),
      "--state-dir",
      join(n.dir, "state"),
      "--name",
      n.name,
      "--api-socket",
      n.socketPath,
    ];
  }

  /** Starts node `name`; `detached` lets it outlive this process (`pacer sandbox up`). */
  start(name: string, opts: { readonly detached?: boolean } = {}): ChildProcess {
    const n = this.node(name);
    const log = openSync(join(n.dir, "pacer.log"), "a");
    const child = spawn(process.execPath, this.nodeArgv(n), {
      stdio: ["ignore", log, log],
      env: { ...process.env, ...this.envFor(name) },
      detached: opts.detached === true,
    });
    closeSync(log);
    if (opts.detached) child.unref();
    if (child.pid !== undefined) writeFileSync(join(n.dir, "node.pid"), `${child.pid}\n`);
    this.children.set(name, child);
    return child;
  }

  /** SIGKILL: the hard failure the demo and tests inflict. */
  kill(name: string, signal: NodeJS.Signals = "SIGKILL"): void {
    const child = this.children.get(name);
    if (child?.pid !== undefined && child.exitCode === null) child.kill(signal);
    else {
      const pid = this.pidOf(name);
      if (pid !== undefined) process.kill(pid, signal);
    }
    this.children.delete(name);
  }

  pidOf(name: string): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.node(name).dir, "node.pid"), "utf8").trim());
      process.kill(pid, 0);
      return pid;
    } catch {
      return undefined;
    }
  }

  stopAll(): void {
    for (const n of this.layout.nodes) this.kill(n.name, "SIGTERM");
  }

  node(name: string): LoopbackNode {
    const n = this.layout.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no node named ${name} in this sandbox`);
    return n;
  }

  /** Environment that points pacer's CLI tools at node `name`. */
  envFor(name: string): Record<string, string> {
    const n = this.node(name);
    return {
      PACER_API_SOCKET: n.socketPath,
      PACER_SANDBOX_NODE: n.name,
      PATH: `${join(this.repoRoot, "bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      OCF_ROOT: process.env.OCF_ROOT ?? "/usr/lib/ocf",
    };
  }
}
