/**
 * `pacer sandbox up|down|status|exec|cut|heal`: the tutorial's Vagrant step on one host.
 * As root: network namespaces (netns-runtime.ts). Otherwise: processes on loopback
 * (loopback.ts). `exec NODE -- CMD` is the tutorial's `vagrant ssh NODE`.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExitCode, type ToolIo, UserError } from "../tools/tool-io.js";
import { LoopbackSandbox, layoutLoopback } from "./loopback.js";
import { NetnsSandbox, SandboxError } from "./netns-runtime.js";
import { nodeService } from "./node-service.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const USAGE = `usage: pacer sandbox COMMAND
  up [--nodes N] [--loopback]   create an N-node cluster (default 2): network namespaces when
                                root (public + private network per node, as in the tutorial),
                                processes on loopback otherwise (or with --loopback)
  down                          stop every process of the sandbox and remove it
  status                        list the nodes and whether they run
  exec NODE [-- CMD ARGS...]    run CMD on NODE (a login shell without CMD): the tutorial's
                                'vagrant ssh'
  cut NODE | heal NODE          (namespaces) detach / re-attach NODE's network ports
`;

function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function stateDir(env: ToolIo["env"], loopback: boolean): string {
  if (env.PACER_SANDBOX_DIR) return env.PACER_SANDBOX_DIR;
  if (!loopback) return "/var/lib/pacer-sandbox";
  return join(env.TMPDIR ?? "/tmp", `pacer-sandbox-${process.getuid?.() ?? 0}`);
}

interface Mode {
  readonly loopback: boolean;
  readonly dir: string;
}

function modeFile(env: ToolIo["env"]): string {
  return join(env.TMPDIR ?? "/tmp", `pacer-sandbox-mode-${process.getuid?.() ?? 0}.json`);
}

function currentMode(env: ToolIo["env"]): Mode {
  // Inside a node (exec sets both): the sandbox that node belongs to, whatever else is up.
  if (
    env.PACER_SANDBOX_NODE &&
    env.PACER_SANDBOX_DIR &&
    existsSync(join(env.PACER_SANDBOX_DIR, "plan.json"))
  ) {
    return { loopback: false, dir: env.PACER_SANDBOX_DIR };
  }
  try {
    return JSON.parse(readFileSync(modeFile(env), "utf8")) as Mode;
  } catch {
    const loopback = !isRoot();
    return { loopback, dir: stateDir(env, loopback) };
  }
}

function parseNodeCount(args: readonly string[]): number {
  const i = args.indexOf("--nodes");
  if (i < 0) return 2;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 8) {
    throw new UserError(
      `--nodes takes a number from 1 to 8, got '${args[i + 1] ?? ""}'`,
      ExitCode.Usage,
    );
  }
  return n;
}

async function up(args: readonly string[], io: ToolIo): Promise<number> {
  const count = parseNodeCount(args);
  const loopback = args.includes("--loopback") || !isRoot();
  const mode: Mode = { loopback, dir: stateDir(io.env, loopback) };
  if (loopback) {
    const sb = new LoopbackSandbox(layoutLoopback(mode.dir, count, 15405), REPO_ROOT);
    sb.prepare({ authkey: randomBytes(256) });
    for (const n of sb.layout.nodes) sb.start(n.name, { detached: true });
    io.stdout(`sandbox up: ${count} nodes as processes on loopback (state in ${mode.dir})\n`);
  } else {
    const plan = await netnsOf(mode).up(count);
    for (const n of plan.nodes) {
      io.stdout(`${n.name}: namespace ${n.ns}, public ${n.publicIp}, private ${n.privateIp}\n`);
    }
    io.stdout(`client: namespace ${plan.client.ns}, public ${plan.client.publicIp}\n`);
    io.stdout("next: pacer sandbox exec node1 -- corosync-keygen   (then follow the tutorial)\n");
  }
  writeFileSync(modeFile(io.env), JSON.stringify(mode));
  return ExitCode.Ok;
}

function netnsOf(mode: Mode): NetnsSandbox {
  return new NetnsSandbox({ stateDir: mode.dir, repoRoot: REPO_ROOT });
}

function loopbackOf(mode: Mode): LoopbackSandbox {
  let count = 0;
  while (existsSync(join(mode.dir, `node${count + 1}`))) count++;
  if (count === 0)
    throw new UserError("no sandbox is up; run 'pacer sandbox up' first", ExitCode.NotRunning);
  return new LoopbackSandbox(layoutLoopback(mode.dir, count, 15405), REPO_ROOT);
}

async function exec(args: readonly string[], io: ToolIo, mode: Mode): Promise<number> {
  const [node, sep, ...rest] = args;
  if (node === undefined)
    throw new UserError("exec needs a node name, e.g. 'exec node1 -- crm_mon -1'", ExitCode.Usage);
  const cmd = sep === "--" ? rest : sep === undefined ? [] : [sep, ...rest];
  if (mode.loopback) {
    const sb = loopbackOf(mode);
    const argv = cmd.length > 0 ? cmd : [io.env.SHELL ?? "/bin/sh"];
    const r = spawnSync(argv[0] as string, argv.slice(1), {
      stdio: "inherit",
      env: { ...process.env, ...sb.envFor(node) },
    });
    return r.status ?? ExitCode.Error;
  }
  const argv = netnsOf(mode).execArgv(node, cmd);
  const r = spawnSync(argv[0] as string, argv.slice(1), { stdio: "inherit" });
  return r.status ?? ExitCode.Error;
}

/** `scp SRC... HOST:DEST` inside a sandbox node: copies into HOST's private view. */
async function scp(args: readonly string[], io: ToolIo, mode: Mode): Promise<number> {
  const files = args.filter((a) => !a.startsWith("-"));
  const target = files.pop();
  const m = target === undefined ? null : /^([^:/]+):(.*)$/.exec(target);
  if (!m || files.length === 0) throw new UserError("usage: scp FILE... NODE:PATH", ExitCode.Usage);
  const [, host, destRaw] = m as unknown as [string, string, string];
  const sandbox = netnsOf(mode);
  // An empty destination is the remote working directory; a directory gets the file's name
  // appended by the remote shell, as scp does.
  const dest = destRaw === "" ? "." : destRaw;
  for (const f of files) {
    const base = f.split("/").pop() ?? f;
    const data = readFileSync(f);
    const argv = sandbox.execArgv(host, [
      "/bin/sh",
      "-c",
      'if [ -d "$1" ]; then d="$1/$2"; else d="$1"; fi; cat > "$d" && chmod 0400 "$d"',
      "scp",
      dest,
      base,
    ]);
    const r = spawnSync(argv[0] as string, argv.slice(1), {
      input: data,
      stdio: ["pipe", "inherit", "inherit"],
    });
    if (r.status !== 0) return ExitCode.Error;
    io.stdout(`${base}${" ".repeat(Math.max(1, 40 - base.length))}100%  ${data.length}B\n`);
  }
  return ExitCode.Ok;
}

function status(io: ToolIo, mode: Mode): number {
  if (mode.loopback) {
    const sb = loopbackOf(mode);
    for (const n of sb.layout.nodes) {
      const pid = sb.pidOf(n.name);
      io.stdout(`${n.name}: ${pid === undefined ? "stopped" : `running (pid ${pid})`} ${n.addr}\n`);
    }
    return ExitCode.Ok;
  }
  const sb = netnsOf(mode);
  const plan = sb.plan();
  if (!plan)
    throw new UserError("no sandbox is up; run 'pacer sandbox up' first", ExitCode.NotRunning);
  for (const n of plan.nodes) {
    const holder = sb.holderPid(n.name);
    io.stdout(
      `${n.name}: ${holder === undefined ? "down" : "up"} (namespace ${n.ns}) ${n.publicIp} / ${n.privateIp}\n`,
    );
  }
  return ExitCode.Ok;
}

export async function sandboxCli(argv: readonly string[], io: ToolIo): Promise<number> {
  const [cmd, ...args] = argv;
  const mode = currentMode(io.env);
  try {
    switch (cmd) {
      case "up":
        return await up(args, io);
      case "down":
        if (mode.loopback) loopbackOf(mode).stopAll();
        else await netnsOf(mode).down();
        io.stdout("sandbox down\n");
        return ExitCode.Ok;
      case "status":
        return status(io, mode);
      case "exec":
        return await exec(args, io, mode);
      case "cut":
      case "heal": {
        const id = Number(/^node(\d+)$/.exec(args[0] ?? "")?.[1]);
        if (!Number.isInteger(id))
          throw new UserError(`${cmd} needs a node name like node1`, ExitCode.Usage);
        netnsOf(mode).cut(id, cmd === "heal");
        return ExitCode.Ok;
      }
      case "_service":
        return await nodeService(args, REPO_ROOT, io.stdout);
      case "_scp":
        return await scp(args, io, mode);
      case undefined:
      case "-h":
      case "--help":
        io.stdout(USAGE);
        return cmd === undefined ? ExitCode.Usage : ExitCode.Ok;
      default:
        throw new UserError(
          `unknown sandbox command '${cmd}'; run 'pacer sandbox --help'`,
          ExitCode.Usage,
        );
    }
  } catch (e) {
    if (e instanceof SandboxError) throw new UserError(e.message, ExitCode.Error);
    throw e;
  }
}
