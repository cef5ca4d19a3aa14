/**
 * Resource agent meta-data, read by running the agent (`$OCF_ROOT/resource.d/PROVIDER/TYPE
 * meta-data`, OCF_ROOT defaulting to /usr/lib/ocf) and cached for the process. crm uses it
 * to check a primitive's parameters and operations, as crmsh does.
 */
import { spawnSync } from "node:child_process";
import { childElements, firstChild, getAttr, parseXml } from "../cib/xml.js";

export interface RaParameter {
  readonly name: string;
  readonly required: boolean;
}

export interface RaAction {
  readonly name: string;
  readonly timeout?: string;
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
      const out: { name: string; timeout?: string; role?: string; depth?: string } = {
        name: getAttr(a, "name") ?? "",
      };
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
  if (!/[/\0]/.test(provider + type) && !provider.startsWith(".") && !type.startsWith(".")) {
    const path = `${root}/resource.d/${provider}/${type}`;
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
