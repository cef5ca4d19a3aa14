/**
 * The environment an OCF agent runs in, as Pacemaker's executor builds it. Pure: the caller
 * passes the base environment (the daemon's own) and gets a new one.
 */
import type { OpRequest } from "./types.js";

export const OCF_RA_VERSION_MAJOR = "1";
export const OCF_RA_VERSION_MINOR = "1";
export const OCF_EXIT_REASON_PREFIX = "ocf-exit-reason:";

export interface EnvironmentOptions {
  /** The daemon's environment; OCF_* variables in it are dropped so nothing leaks between ops. */
  readonly base: Readonly<Record<string, string | undefined>>;
  readonly ocfRoot: string;
  /** Fills `CRM_meta_on_node` when the request's meta lacks it. */
  readonly nodeName?: string;
  /** Fills `CRM_meta_on_node_uuid` (the node id in the CIB) when the request's meta lacks it. */
  readonly nodeUuid?: string;
  /** Directories put in front of PATH (pacer's bin/, so agents find pacer's crm_attribute). */
  readonly pathPrefix?: readonly string[];
  /**
   * Variables heartbeat's ocf-shellfuncs reads (HA_VARRUN, HA_RSCTMP, HA_SBIN_DIR, HA_debug…);
   * these override the defaults below. An empty string unsets the variable.
   */
  readonly haVars?: Readonly<Record<string, string>>;
  /** `OCF_RESKEY_crm_feature_set`, which Pacemaker passes to every agent. */
  readonly crmFeatureSet?: string;
  /**
   * The pid of the node daemon, as `PACER_NODE_PID`: pacer's demo services (WebServer) exit
   * with it, as a machine's services stop with the machine, so a node killed in a loopback
   * cluster does not keep holding its address and port.
   */
  readonly nodePid?: number;
}

/**
 * Heartbeat's logging (ocf-shellfuncs `ha_log`) goes to syslog when HA_LOGFACILITY is set and
 * to stderr otherwise; "none" means stderr, which the executor captures. No syslog daemon is
 * needed, and agents never block on `logger`.
 */
const HA_DEFAULTS: Readonly<Record<string, string>> = {
  HA_LOGFACILITY: "none",
  HA_LOGD: "no",
  HA_debug: "0",
};

/**
 * `clone-max` → `OCF_RESKEY_CRM_meta_clone_max`, as Pacemaker names meta attributes in the
 * agent's environment. A name already carrying the `CRM_meta_` prefix (as in a transition
 * graph) is not prefixed twice.
 */
export function metaEnvName(name: string): string {
  const bare = name.startsWith("CRM_meta_") ? name.slice("CRM_meta_".length) : name;
  return `OCF_RESKEY_CRM_meta_${bare.replace(/-/g, "_")}`;
}

/**
 * Builds the full OCF environment for one agent call.
 * @example
 * const env = ocfEnvironment(req, { base: process.env, ocfRoot: "/usr/lib/ocf", nodeName: "n1" });
 * env.OCF_RESKEY_CRM_meta_timeout === "20000";
 */
export function ocfEnvironment(
  req: OpRequest,
  opts: EnvironmentOptions,
  timeoutMs: number,
): Record<string, string> {
  const env = baseEnvironment(opts);
  env.OCF_ROOT = opts.ocfRoot;
  env.OCF_FUNCTIONS_DIR = `${opts.ocfRoot}/lib/heartbeat`;
  env.OCF_RA_VERSION_MAJOR = OCF_RA_VERSION_MAJOR;
  env.OCF_RA_VERSION_MINOR = OCF_RA_VERSION_MINOR;
  env.OCF_EXIT_REASON_PREFIX = OCF_EXIT_REASON_PREFIX;
  env.OCF_RESOURCE_INSTANCE = req.resourceId;
  env.OCF_RESOURCE_TYPE = req.agent.type;
  if (req.agent.provider !== undefined) env.OCF_RESOURCE_PROVIDER = req.agent.provider;
  for (const [name, value] of Object.entries(req.params ?? {})) {
    // Pacemaker passes the monitor depth (an op instance attribute) under its own name.
    if (name === "OCF_CHECK_LEVEL") env.OCF_CHECK_LEVEL = value;
    else env[`OCF_RESKEY_${name}`] = value;
  }
  if (req.checkLevel !== undefined) env.OCF_CHECK_LEVEL = String(req.checkLevel);
  if (opts.crmFeatureSet !== undefined) env.OCF_RESKEY_crm_feature_set = opts.crmFeatureSet;
  for (const [name, value] of Object.entries(metaFor(req, opts, timeoutMs))) {
    env[metaEnvName(name)] = value;
  }
  return env;
}

/** The CRM_meta_* set, request values first, then the ones the executor always sets. */
function metaFor(
  req: OpRequest,
  opts: EnvironmentOptions,
  timeoutMs: number,
): Record<string, string> {
  const meta: Record<string, string> = {};
  if (opts.nodeName !== undefined) meta.on_node = opts.nodeName;
  if (opts.nodeUuid !== undefined) meta.on_node_uuid = opts.nodeUuid;
  Object.assign(meta, req.meta ?? {});
  meta.name = req.action;
  meta.interval = String(req.intervalMs ?? 0);
  meta.timeout = String(timeoutMs);
  return meta;
}

/** The daemon's environment minus OCF_*, plus PATH prefix and HA_* settings. */
export function baseEnvironment(opts: EnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.base)) {
    if (v !== undefined && !k.startsWith("OCF_")) env[k] = v;
  }
  if (opts.nodePid !== undefined) env.PACER_NODE_PID = String(opts.nodePid);
  const prefix = opts.pathPrefix ?? [];
  const path = env.PATH ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  env.PATH = [...prefix, path].join(":");
  for (const [k, v] of Object.entries({ ...HA_DEFAULTS, ...(opts.haVars ?? {}) })) {
    if (v === "") delete env[k];
    else env[k] = v;
  }
  return env;
}
