/**
 * `pacer agents`: pacer's own OCF agents, and running any agent by hand.
 *   pacer agents install [--root DIR] [--copy]   put them where $OCF_ROOT finds them
 *   pacer agents list [--root DIR]               OCF agents by provider (pacer's included)
 *   pacer agents run AGENT ACTION [NAME=VALUE]... run one action as the executor would
 * The executor also finds provider `pacer` in pacer's agents/ directory, so installing is
 * only needed for other tools (Pacemaker's, crmsh) that look in $OCF_ROOT.
 */
import { parseArgs } from "node:util";
import { parseAgentSpec } from "../executor/agent-spec.js";
import { ExecStatus, execStatusName, ocfRcName } from "../executor/codes.js";
import { Executor } from "../executor/executor.js";
import { installAgents } from "../executor/install.js";
import { DEFAULT_OCF_ROOT, listOcfAgents } from "../executor/locate.js";
import type { AgentAction, OpResult } from "../executor/types.js";
import { ExitCode, type ToolIo, UserError } from "./tool-io.js";

const USAGE = `usage: pacer agents install [--root DIR] [--copy]
       pacer agents list [--root DIR]
       pacer agents run AGENT ACTION [NAME=VALUE]... [--meta NAME=VALUE]... [--resource ID]
                        [--timeout MS] [--check-level N] [--node NAME]

  install   link (or with --copy, copy) pacer's agents into DIR/resource.d/pacer and their
            helpers into DIR/lib/pacer; DIR defaults to $OCF_ROOT, else ${DEFAULT_OCF_ROOT}
  list      print the OCF agents found, as provider:type
  run       run one action of AGENT (ocf:heartbeat:IPaddr2, lsb:apache2, systemd:nginx...)
            with the executor's environment; NAME=VALUE are instance parameters. Prints
            the result as crm_resource --force-* does; exits with the agent's OCF code.
`;

function rootOf(value: string | undefined, io: ToolIo): string {
  const env = io.env.OCF_ROOT;
  return value ?? (env !== undefined && env !== "" ? env : DEFAULT_OCF_ROOT);
}

/** @example await pacerAgents(["install", "--root", "/tmp/ocf"], io) */
export async function pacerAgents(argv: readonly string[], io: ToolIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "-h" || sub === "--help") {
    io.stdout(USAGE);
    return sub === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (sub === "run") return runAgent(rest, io);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { root: { type: "string" }, copy: { type: "boolean" } },
  });
  const root = rootOf(values.root, io);
  if (sub === "install") {
    const r = installAgents({ root, mode: values.copy === true ? "copy" : "symlink" });
    if (!r.ok) {
      const hint = r.error.detail === "permission denied" ? "; run as root or pass --root DIR" : "";
      io.stderr(`pacer agents: cannot install ${r.error.path}: ${r.error.detail}${hint}\n`);
      return r.error.detail === "permission denied"
        ? ExitCode.InsufficientPriv
        : ExitCode.CantCreate;
    }
    for (const path of r.value) io.stdout(`${path}\n`);
    return ExitCode.Ok;
  }
  if (sub === "list") {
    for (const [provider, types] of listOcfAgents(root)) {
      for (const type of types) io.stdout(`ocf:${provider}:${type}\n`);
    }
    return ExitCode.Ok;
  }
  io.stderr(`pacer agents: unknown subcommand '${sub}'; use install or list\n`);
  return ExitCode.Usage;
}

function pairs(list: readonly string[] | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UserError(`${what} '${item}' is not NAME=VALUE`, ExitCode.Usage);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function positiveInt(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text))
    throw new UserError(`${what} must be a whole number, not '${text}'`, ExitCode.Usage);
  return Number(text);
}

/** crm_resource --force-*'s summary line; meta-data prints the XML alone. */
function report(r: OpResult, agentName: string, io: ToolIo): void {
  if (r.action === "meta-data" && r.status === ExecStatus.Done && r.rc === 0) {
    io.stdout(r.stdout);
    return;
  }
  const status = r.status === ExecStatus.Done ? "" : ` [${execStatusName(r.status)}]`;
  const reason = r.exitReason === "" ? "" : `: ${r.exitReason}`;
  io.stdout(
    `Operation ${r.action} for ${r.resourceId} (${agentName}) returned ${r.rc} (${ocfRcName(r.rc)}${reason})${status}\n`,
  );
  if (r.stdout !== "") io.stdout(r.stdout.endsWith("\n") ? r.stdout : `${r.stdout}\n`);
  if (r.stderr !== "") io.stderr(r.stderr.endsWith("\n") ? r.stderr : `${r.stderr}\n`);
}

async function runAgent(argv: readonly string[], io: ToolIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      meta: { type: "string", multiple: true },
      resource: { type: "string" },
      timeout: { type: "string" },
      "check-level": { type: "string" },
      node: { type: "string" },
    },
  });
  const [agentName, action, ...params] = positionals;
  if (agentName === undefined || action === undefined) {
    throw new UserError(
      "run needs AGENT and ACTION, e.g. pacer agents run ocf:pacer:Dummy monitor",
      ExitCode.Usage,
    );
  }
  const agent = parseAgentSpec(agentName);
  if (!agent) {
    throw new UserError(
      `'${agentName}' is not an agent name; use CLASS:PROVIDER:TYPE (ocf) or CLASS:TYPE`,
      ExitCode.Usage,
    );
  }
  const timeoutMs = positiveInt(values.timeout, "--timeout");
  const checkLevel = positiveInt(values["check-level"], "--check-level");
  const ex = new Executor({
    baseEnv: io.env,
    // This process ends at once: services it starts must not stop with it.
    nodePid: null,
    ...(values.node !== undefined ? { nodeName: values.node } : {}),
  });
  const r = await ex.exec({
    resourceId: values.resource ?? agent.type,
    agent,
    action: action as AgentAction,
    params: pairs(params, "parameter"),
    meta: pairs(values.meta, "--meta"),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(checkLevel !== undefined ? { checkLevel } : {}),
  });
  report(r, agentName, io);
  if (r.status === ExecStatus.Timeout) return ExitCode.Timeout;
  return r.rc <= 9 ? r.rc : ExitCode.Error;
}
