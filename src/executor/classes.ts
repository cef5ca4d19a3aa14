/**
 * Per-class plans: how an OpRequest becomes a child process (or an immediate answer) and how
 * the child's ending is read back. The Executor owns queues and timing; this file owns the
 * differences between OCF, LSB, systemd and stonith.
 */
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { ExecStatus, OcfRc } from "./codes.js";
import { baseEnvironment, type EnvironmentOptions, ocfEnvironment } from "./environment.js";
import { lsbMetadataXml, systemdMetadataXml } from "./generated-metadata.js";
import { executorLimits } from "./limits.js";
import { isSafeAgentName, locateLsbScript, locateOcfAgent } from "./locate.js";
import { decided, type Mapped, mapLsb, mapOcf, notSupported } from "./outcome.js";
import type { ChildResult, ChildSpec } from "./run-child.js";
import type { OpRequest } from "./types.js";

export interface ClassContext {
  readonly env: EnvironmentOptions;
  readonly ocfRoot: string;
  readonly pacerAgentsRoot: string;
  readonly lsbDir: string;
  readonly fenceDir: string;
  /** Whether systemd runs here (`/run/systemd/system` exists); checked by the Executor. */
  readonly systemdRunning: boolean;
  readonly systemctl: string;
  /** stonith devices this executor has started (Pacemaker's fencer registration). */
  readonly stonithStarted: Set<string>;
}

/** Either run a child and map its result, or answer at once. */
export type Plan =
  | {
      readonly kind: "run";
      readonly child: ChildSpec;
      readonly map: (r: ChildResult) => Mapped;
      /** Runs once the result is known (a started stonith device is remembered). */
      readonly after?: (m: Mapped) => void;
    }
  | { readonly kind: "answer"; readonly mapped: Mapped; readonly stdout?: string };

function answer(rc: OcfRc, status: ExecStatus, reason: string, stdout?: string): Plan {
  const mapped = decided(rc, status, reason);
  return stdout === undefined ? { kind: "answer", mapped } : { kind: "answer", mapped, stdout };
}

/**
 * Plans one operation.
 * @example const plan = planOperation(req, ctx, 20000);
 */
export function planOperation(req: OpRequest, ctx: ClassContext, timeoutMs: number): Plan {
  switch (req.agent.class) {
    case "ocf":
      return planOcf(req, ctx, timeoutMs);
    case "lsb":
      return planLsb(req, ctx, timeoutMs);
    case "systemd":
      return planSystemd(req, ctx, timeoutMs);
    case "service":
      // Pacemaker's `service:` picks LSB when a script exists, else systemd.
      return existsSync(join(ctx.lsbDir, req.agent.type))
        ? planLsb(req, ctx, timeoutMs)
        : planSystemd(req, ctx, timeoutMs);
    case "stonith":
      return planStonith(req, ctx, timeoutMs);
  }
}

function planOcf(req: OpRequest, ctx: ClassContext, timeoutMs: number): Plan {
  const provider = req.agent.provider ?? "";
  if (provider === "") {
    return answer(OcfRc.NotConfigured, ExecStatus.ErrorFatal, "ocf resource without a provider");
  }
  const found = locateOcfAgent(ctx.ocfRoot, provider, req.agent.type, ctx.pacerAgentsRoot);
  if (!found.ok) {
    return answer(OcfRc.NotInstalled, ExecStatus.NotInstalled, found.reason);
  }
  const env = ocfEnvironment(req, ctx.env, timeoutMs);
  const child: ChildSpec = { file: found.path, args: [req.action], env, timeoutMs };
  return { kind: "run", child: withMetadataRoom(req, child), map: mapOcf };
}

/** meta-data output is the answer itself: keep more of it than of an agent's chatter. */
function withMetadataRoom(req: OpRequest, child: ChildSpec): ChildSpec {
  if (req.action !== "meta-data") return child;
  return { ...child, stdoutBytesMax: executorLimits.metadataBytesMax };
}

/** The first `bytes` of a file: enough for an LSB header, bounded for a huge script. */
function readHead(path: string, bytes: number): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** LSB action names for Pacemaker's actions; absent = not supported by the class. */
const LSB_ACTIONS: Partial<Record<OpRequest["action"], string>> = {
  start: "start",
  stop: "stop",
  monitor: "status",
  reload: "force-reload",
};

function planLsb(req: OpRequest, ctx: ClassContext, timeoutMs: number): Plan {
  const found = locateLsbScript(ctx.lsbDir, req.agent.type);
  if (!found.ok) {
    return answer(OcfRc.NotInstalled, ExecStatus.NotInstalled, found.reason);
  }
  if (req.action === "meta-data") {
    const xml = lsbMetadataXml(req.agent.type, readHead(found.path, 64 * 1024));
    return answer(OcfRc.Ok, ExecStatus.Done, "", xml);
  }
  const action = LSB_ACTIONS[req.action];
  if (action === undefined) return { kind: "answer", mapped: notSupported(`lsb ${req.action}`) };
  const env = baseEnvironment(ctx.env);
  const isStatus = action === "status";
  return {
    kind: "run",
    child: { file: found.path, args: [action], env, timeoutMs },
    map: (r) => mapLsb(r, isStatus),
  };
}

const SYSTEMD_ACTIONS: Partial<Record<OpRequest["action"], string>> = {
  start: "start",
  stop: "stop",
  monitor: "is-active",
  reload: "reload",
};

/** `apache2` → `apache2.service`; names with a unit suffix pass as they are. */
export function systemdUnitName(type: string): string {
  return /\.(service|socket|mount|timer|target|path)$/.test(type) ? type : `${type}.service`;
}

function planSystemd(req: OpRequest, ctx: ClassContext, timeoutMs: number): Plan {
  if (!isSafeAgentName(req.agent.type)) {
    return answer(
      OcfRc.NotInstalled,
      ExecStatus.NotInstalled,
      `invalid unit name ${req.agent.type}`,
    );
  }
  const unit = systemdUnitName(req.agent.type);
  if (req.action === "meta-data") {
    return answer(OcfRc.Ok, ExecStatus.Done, "", systemdMetadataXml(unit));
  }
  if (!ctx.systemdRunning) {
    const why = `systemd is not running on this host, so systemd:${req.agent.type} cannot be managed; use an ocf: or lsb: agent`;
    return answer(OcfRc.NotInstalled, ExecStatus.NotInstalled, why);
  }
  const verb = SYSTEMD_ACTIONS[req.action];
  if (verb === undefined) return { kind: "answer", mapped: notSupported(`systemd ${req.action}`) };
  const env = baseEnvironment(ctx.env);
  const child: ChildSpec = { file: ctx.systemctl, args: [verb, unit], env, timeoutMs };
  return { kind: "run", child, map: (r) => mapSystemd(req.action, r) };
}

function mapSystemd(action: OpRequest["action"], r: ChildResult): Mapped {
  const base = mapOcf(r);
  if (r.outcome.kind !== "exited") return base;
  const code = r.outcome.code;
  const reason = lastLine(r.stderr);
  if (action === "monitor") {
    const state = r.stdout.trim();
    if (state === "active" || state === "reloading" || state === "deactivating")
      return decided(OcfRc.Ok, ExecStatus.Done, "");
    if (state === "activating") return decided(OcfRc.Ok, ExecStatus.Done, "unit is activating");
    return decided(OcfRc.NotRunning, ExecStatus.Done, "");
  }
  if (code === 0) return decided(OcfRc.Ok, ExecStatus.Done, "");
  // systemctl exits 5 for "unit not loaded": stopping what does not exist has succeeded.
  if (action === "stop" && code === 5) return decided(OcfRc.Ok, ExecStatus.Done, "");
  if (code === 5) return decided(OcfRc.NotInstalled, ExecStatus.NotInstalled, reason);
  return decided(OcfRc.Error, ExecStatus.Done, reason);
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return (lines[lines.length - 1] ?? "").slice(0, 256);
}

function planStonith(req: OpRequest, ctx: ClassContext, timeoutMs: number): Plan {
  const type = req.agent.type;
  if (!isSafeAgentName(type)) {
    return answer(OcfRc.NotInstalled, ExecStatus.NotInstalled, `invalid fence agent name ${type}`);
  }
  const file = join(ctx.fenceDir, type);
  if (!existsSync(file)) {
    return answer(OcfRc.NotInstalled, ExecStatus.NotInstalled, `fence agent ${file} not found`);
  }
  const env = baseEnvironment(ctx.env);
  if (req.action === "meta-data") {
    const child: ChildSpec = { file, args: ["-o", "metadata"], env, timeoutMs };
    return { kind: "run", child: withMetadataRoom(req, child), map: mapOcf };
  }
  const started = ctx.stonithStarted;
  if (req.action === "stop") {
    started.delete(req.resourceId);
    return answer(OcfRc.Ok, ExecStatus.Done, "");
  }
  if (req.action === "monitor" && !started.has(req.resourceId)) {
    return answer(OcfRc.NotRunning, ExecStatus.Done, "");
  }
  // start = the device answers (Pacemaker registers it with the fencer); fencing itself is
  // the fencer's job, never an executor action.
  const deviceAction = req.action === "start" || req.action === "monitor" ? "monitor" : req.action;
  if (deviceAction !== "monitor" && deviceAction !== "validate-all") {
    return { kind: "answer", mapped: notSupported(`stonith ${req.action}`) };
  }
  const stdin = fenceStdin(deviceAction, req.params ?? {});
  return {
    kind: "run",
    child: { file, args: [], env, timeoutMs, stdin },
    map: (r) => mapFence(r),
    after: (m) => {
      if (req.action === "start" && m.rc === OcfRc.Ok) started.add(req.resourceId);
    },
  };
}

/**
 * Fence agents read `key=value` lines on stdin. Pacemaker's own `pcmk_*` parameters configure
 * the fencer, not the device, so they are not passed.
 */
export function fenceStdin(action: string, params: Readonly<Record<string, string>>): string {
  const lines = [`action=${action}`];
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith("pcmk_") || k.includes("\n") || v.includes("\n")) continue;
    lines.push(`${k}=${v}`);
  }
  return `${lines.join("\n")}\n`;
}

function mapFence(r: ChildResult): Mapped {
  const m = mapOcf(r);
  if (r.outcome.kind !== "exited" || r.outcome.code === 0) return m;
  return decided(OcfRc.Error, ExecStatus.Done, m.exitReason || lastLine(r.stderr));
}
