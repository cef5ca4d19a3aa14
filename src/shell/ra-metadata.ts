/**
 * Resource agent meta-data, read by running the agent (`$OCF_ROOT/resource.d/PROVIDER/TYPE
 * meta-data`, OCF_ROOT defaulting to /usr/lib/ocf) and cached for the process. crm uses it
 * to check a primitive's parameters and operations, as crmsh does.
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { childElements, firstChild, getAttr, parseXml } from "../cib/xml.js";
import { locateOcfAgent } from "../executor/locate.js";

export interface RaParameter {
  readonly name: string;
  readonly required: boolean;
}

export interface RaAction {
  readonly name: string;
  readonly timeout?: string;
  readonly interval?: string;
  readonly role?: string;
  readonly depth?: string;
}

export interface RaMetadata {
  readonly parameters: readonly RaParameter[];
  readonly actions: readonly RaAction[];
}

/** The agent's meta-data run may not take longer than this. */
export const METADATA_TIMEOUT_MS = 10_000;

const cache = new Map<string, RaMetadata | null>();

export function ocfRoot(env: Readonly<Record<string, string | undefined>>): string {
  const root = env.OCF_ROOT;
  return root !== undefined && root !== "" ? root : "/usr/lib/ocf";
}

/** Parses OCF meta-data XML; null when it is not meta-data. */
export function parseMetadata(text: string): RaMetadata | null {
  const doc = parseXml(text, "meta-data");
  if (!doc.ok || doc.value.name !== "resource-agent") return null;
  const params = firstChild(doc.value, "parameters");
  const actions = firstChild(doc.value, "actions");
  return {
    parameters: (params ? childElements(params, "parameter") : []).map((p) => ({
      name: getAttr(p, "name") ?? "",
      required: getAttr(p, "required") === "1" || getAttr(p, "required") === "true",
    })),
    actions: (actions ? childElements(actions, "action") : []).map((a) => {
      const out: {
        name: string;
        timeout?: string;
        interval?: string;
        role?: string;
        depth?: string;
      } = {
        name: getAttr(a, "name") ?? "",
      };
      const interval = getAttr(a, "interval");
      if (interval !== undefined) out.interval = interval;
      const timeout = getAttr(a, "timeout");
      if (timeout !== undefined) out.timeout = timeout;
      const role = getAttr(a, "role");
      if (role !== undefined) out.role = role;
      const depth = getAttr(a, "depth");
      if (depth !== undefined) out.depth = depth;
      return out;
    }),
  };
}

/**
 * Meta-data of an OCF agent, or null when the agent is missing or prints no meta-data.
 * @example ocfMetadata("heartbeat", "IPaddr2", process.env)?.parameters
 */
export function ocfMetadata(
  provider: string,
  type: string,
  env: Readonly<Record<string, string | undefined>>,
): RaMetadata | null {
  const root = ocfRoot(env);
  const key = `${root}\0${provider}\0${type}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let result: RaMetadata | null = null;
  // The executor's lookup: $OCF_ROOT first, then (provider pacer) pacer's own agents/, so
  // `ocf:pacer:*` agents validate without being installed.
  const located = locateOcfAgent(root, provider, type);
  if (located.ok) {
    const path = located.path;
    const run = spawnSync(path, ["meta-data"], {
      env: { ...env, OCF_ROOT: root, OCF_RESOURCE_INSTANCE: type } as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: METADATA_TIMEOUT_MS,
      stdio: ["ignore", "pipe", "ignore"],
    });
    if (run.status === 0 && typeof run.stdout === "string") result = parseMetadata(run.stdout);
  }
  cache.set(key, result);
  return result;
}

/** Seconds of a Pacemaker interval/timeout ("20s", "2m", "1min", "90", "1h"); NaN if bad. */
export function durationSeconds(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|msec|s|sec|m|min|h|hr)?\s*$/.exec(v);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  switch (m[2]) {
    case "ms":
    case "msec":
      return n / 1000;
    case "m":
    case "min":
      return n * 60;
    case "h":
    case "hr":
      return n * 3600;
    default:
      return n;
  }
}

/** Parameters pacemaker-fenced adds to every fence agent. */
const FENCED_PARAMETERS = [
  "pcmk_host_argument",
  "pcmk_host_map",
  "pcmk_host_list",
  "pcmk_host_check",
  "pcmk_delay_max",
  "pcmk_delay_base",
  "pcmk_action_limit",
  "pcmk_reboot_action",
  "pcmk_reboot_timeout",
  "pcmk_reboot_retries",
  "pcmk_off_action",
  "pcmk_off_timeout",
  "pcmk_off_retries",
  "pcmk_on_action",
  "pcmk_on_timeout",
  "pcmk_on_retries",
  "pcmk_list_action",
  "pcmk_list_timeout",
  "pcmk_list_retries",
  "pcmk_monitor_action",
  "pcmk_monitor_timeout",
  "pcmk_monitor_retries",
  "pcmk_status_action",
  "pcmk_status_timeout",
  "pcmk_status_retries",
];

/** Fence agents live here (fence-agents' layout); tests may point FENCE_AGENTS_DIR elsewhere. */
function fenceAgentPath(type: string, env: Readonly<Record<string, string | undefined>>): string {
  return `${env.FENCE_AGENTS_DIR ?? "/usr/sbin"}/${type}`;
}

function stonithMetadata(
  type: string,
  env: Readonly<Record<string, string | undefined>>,
): RaMetadata | null {
  if (!/^[\w.+-]+$/.test(type)) return null;
  const run = spawnSync(fenceAgentPath(type, env), ["-o", "metadata"], {
    encoding: "utf8",
    timeout: METADATA_TIMEOUT_MS,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const md = run.status === 0 && typeof run.stdout === "string" ? parseMetadata(run.stdout) : null;
  if (md === null) return null;
  // As Pacemaker presents fence agents: "action" is never required (the fencer passes it),
  // start/stop exist, and the fencer's own pcmk_* parameters are accepted.
  const parameters = md.parameters.map((p) =>
    p.name === "action" ? { ...p, required: false } : p,
  );
  for (const name of FENCED_PARAMETERS) parameters.push({ name, required: false });
  const actions = md.actions.filter((a) => a.name !== "start" && a.name !== "stop");
  actions.push({ name: "stop", timeout: "20s" }, { name: "start", timeout: "20s" });
  return { parameters, actions };
}

/** What Pacemaker reports for an LSB init script: no parameters, fixed actions. */
const LSB_ACTIONS: readonly RaAction[] = [
  "meta-data:5",
  "start:15",
  "stop:15",
  "status:15",
  "restart:15",
  "force-reload:15",
  "monitor:15",
].map((x) => {
  const [name, timeout] = x.split(":") as [string, string];
  return { name, timeout };
});

/**
 * Meta-data for any agent class crm checks: ocf, stonith, lsb (and systemd/service, which
 * need a running systemd). null = no such agent; undefined = a class crm does not check.
 * @example agentMetadata({ cls: "ocf", provider: "heartbeat", type: "IPaddr2" }, process.env)
 */
export function agentMetadata(
  agent: { readonly cls: string; readonly provider?: string | undefined; readonly type: string },
  env: Readonly<Record<string, string | undefined>>,
): RaMetadata | null | undefined {
  const key = `${agent.cls}:${agent.provider ?? ""}:${agent.type}`;
  switch (agent.cls) {
    case "ocf":
      return ocfMetadata(agent.provider ?? "heartbeat", agent.type, env);
    case "stonith": {
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const md = stonithMetadata(agent.type, env);
      cache.set(key, md);
      return md;
    }
    case "lsb":
    case "service":
    case "systemd": {
      const lsb =
        agent.cls !== "systemd" &&
        /^[\w.@-]+$/.test(agent.type) &&
        existsSync(`/etc/init.d/${agent.type}`);
      if (lsb) return { parameters: [], actions: LSB_ACTIONS };
      // Without a running systemd, Pacemaker cannot describe a unit either.
      return existsSync("/run/systemd/system") && agent.cls !== "lsb" ? undefined : null;
    }
    default:
      return undefined;
  }
}
