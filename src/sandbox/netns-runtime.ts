/**
 * Root mode of the sandbox: one network namespace per node (plus a switch and a client),
 * each node with its own hostname and a private mount view (its own /etc/corosync,
 * /var/lib/pacemaker, /var/log, /run), kept alive by a "holder" process that later commands
 * enter with nsenter. The layout mirrors ../shared/failover's lab.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cutBatch, type IpBatch, namespacesOf, upBatches } from "./netns.js";
import { planSandbox, type SandboxPlan } from "./plan.js";
import { writeShims } from "./shims.js";

export interface NetnsSandboxOptions {
  readonly stateDir: string;
  readonly repoRoot: string;
  /** Namespace/link name prefix (default "pacer"); tests use their own. At most 7 characters. */
  readonly prefix?: string;
}

/** Directories each node sees at the usual paths, backed by <stateDir>/<node>/<key>. */
const NODE_MOUNTS: readonly [string, string][] = [
  ["etc-corosync", "/etc/corosync"],
  ["lib-pacemaker", "/var/lib/pacemaker"],
  ["log-pacer", "/var/log/pacer"],
  ["log-apache2", "/var/log/apache2"],
  ["www", "/var/www/html"],
];

function run(cmd: string, args: string[], input?: string): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { input, encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

function runBatch(b: IpBatch): void {
  const args = b.netns === undefined ? ["-batch", "-"] : ["-n", b.netns, "-batch", "-"];
  const r = run("ip", args, `${b.lines.join("\n")}\n`);
  if (!r.ok) throw new SandboxError(`ip ${args.join(" ")} failed: ${r.out}`);
}

export class SandboxError extends Error {
  override readonly name = "SandboxError";
}

function holderScript(nodeDir: string, hostname: string): string {
  const mounts = NODE_MOUNTS.map(
    ([key, target]) => `mkdir -p ${target} && mount --bind ${join(nodeDir, key)} ${target}`,
  ).join("\n");
  return `set -e
mount --make-rprivate /
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/pacer /run/lock /run/apache2 /run/lock/apache2 /run/resource-agents
chown www-data:www-data /run/lock/apache2 2>/dev/null || true
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
${mounts}
hostname ${hostname}
touch ${join(nodeDir, "ready")}
exec sleep infinity`;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export class NetnsSandbox {
  constructor(readonly opts: NetnsSandboxOptions) {}

  private planFile(): string {
    return join(this.opts.stateDir, "plan.json");
  }

  plan(): SandboxPlan | undefined {
    try {
      return JSON.parse(readFileSync(this.planFile(), "utf8")) as SandboxPlan;
    } catch {
      return undefined;
    }
  }

  nodeDir(name: string): string {
    return join(this.opts.stateDir, name);
  }

  holderPid(name: string): number | undefined {
    const pid = readPid(join(this.nodeDir(name), "holder.pid"));
    return pid !== undefined && alive(pid) ? pid : undefined;
  }

  async up(nodeCount: number): Promise<SandboxPlan> {
    if (this.plan()) await this.down();
    const plan = planSandbox(nodeCount, this.opts.prefix ?? "pacer");
    mkdirSync(this.opts.stateDir, { recursive: true });
    writeFileSync(this.planFile(), JSON.stringify(plan, null, 2));
    for (const ns of namespacesOf(plan)) {
      const r = run("ip", ["netns", "add", ns]);
      if (!r.ok) throw new SandboxError(`cannot create network namespace ${ns}: ${r.out}`);
    }
    for (const b of upBatches(plan)) runBatch(b);
    writeShims(join(this.opts.stateDir, "bin"), this.opts.repoRoot);
    for (const n of plan.nodes) await this.startHolder(n.ns, n.name);
    return plan;
  }

  private async startHolder(ns: string, name: string): Promise<void> {
    const dir = this.nodeDir(name);
    for (const [key] of NODE_MOUNTS) mkdirSync(join(dir, key), { recursive: true });
    writeFileSync(join(dir, "www", "index.html"), `${name}\n`);
    rmSync(join(dir, "ready"), { force: true });
    const child = spawn(
      "ip",
      [
        "netns",
        "exec",
        ns,
        "unshare",
        "--mount",
        "--uts",
        "--propagation",
        "private",
        "--",
        "/bin/sh",
        "-c",
        holderScript(dir, name),
      ],
      { detached: true, stdio: "ignore" },
    );
    child.unref();
    if (child.pid === undefined) throw new SandboxError(`cannot start the holder of ${name}`);
    writeFileSync(join(dir, "holder.pid"), `${child.pid}\n`);
    for (let i = 0; i < 200 && !existsSync(join(dir, "ready")); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!existsSync(join(dir, "ready"))) {
      throw new SandboxError(`node ${name}: namespace setup did not finish within 5 s`);
    }
  }

  /** Kills everything inside the sandbox's namespaces (by PID) and deletes them. */
  async down(): Promise<void> {
    const plan = this.plan();
    if (!plan) return;
    for (const ns of namespacesOf(plan)) {
      const pids = run("ip", ["netns", "pids", ns]).out.split(/\s+/).filter(Boolean);
      for (const p of pids) {
        try {
          process.kill(Number(p), "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
    for (const n of plan.nodes) {
      const pid = readPid(join(this.nodeDir(n.name), "holder.pid"));
      if (pid !== undefined && alive(pid)) process.kill(pid, "SIGKILL");
    }
    await new Promise((r) => setTimeout(r, 100));
    for (const ns of namespacesOf(plan)) run("ip", ["netns", "del", ns]);
    rmSync(this.planFile(), { force: true });
  }

  /** argv that runs `cmd` inside node `name` (its net, mount and UTS namespaces). */
  execArgv(name: string, cmd: readonly string[]): string[] {
    const plan = this.plan();
    if (plan && !plan.nodes.some((n) => n.name === name)) {
      const names = plan.nodes.map((n) => n.name).join(", ");
      throw new SandboxError(`no node named '${name}' in this sandbox (nodes: ${names})`);
    }
    const pid = this.holderPid(name);
    if (pid === undefined) {
      throw new SandboxError(`node ${name} is not running; run 'pacer sandbox up' first`);
    }
    const path = `${join(this.opts.stateDir, "bin")}:${join(this.opts.repoRoot, "bin")}:${process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin"}`;
    const argv = cmd.length > 0 ? [...cmd] : ["/bin/bash", "-l"];
    return [
      "nsenter",
      "-t",
      String(pid),
      "-m",
      "-u",
      "-n",
      "--",
      "env",
      `PATH=${path}`,
      `PACER_SANDBOX_DIR=${this.opts.stateDir}`,
      `PACER_SANDBOX_NODE=${name}`,
      ...argv,
    ];
  }

  cut(nodeId: number, heal: boolean): void {
    const plan = this.plan();
    if (!plan) throw new SandboxError("no sandbox is up; run 'pacer sandbox up' first");
    runBatch(cutBatch(plan, nodeId, heal));
  }
}
