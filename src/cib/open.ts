/**
 * Picks the CIB a tool works on, as Pacemaker's tools do: `CIB_shadow` (a shadow copy under
 * `CIB_shadow_dir`) wins over `CIB_file`, which wins over the live cluster.
 *
 * The live backend is the daemon's (src/cib/live-backend.ts, exporting `liveBackend(env)`).
 * Until that file exists, the live choice is a backend whose every call fails with
 * "not-connected", which tools print as Pacemaker does when no cluster runs.
 */
import { err } from "../shared/result.js";
import type { CibBackend } from "./backend.js";
import { fileBackend } from "./file-backend.js";
import { shadowBackend } from "./shadow-backend.js";

export type CibEnv = Readonly<Record<string, string | undefined>>;

/** Which backend `openCib` chooses for an environment (exposed for messages and tests). */
export type CibSource =
  | { readonly kind: "shadow"; readonly name: string }
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "live" };

/** @example cibSource({ CIB_file: "/tmp/cib.xml" }) // { kind: "file", path: "/tmp/cib.xml" } */
export function cibSource(env: CibEnv): CibSource {
  const shadow = env.CIB_shadow;
  if (shadow !== undefined && shadow !== "") return { kind: "shadow", name: shadow };
  const file = env.CIB_file;
  if (file !== undefined && file !== "") return { kind: "file", path: file };
  return { kind: "live" };
}

/** The message Pacemaker's tools print when the cluster's CIB cannot be reached. */
export const NOT_CONNECTED_DETAIL = "Transport endpoint is not connected";

/** The live choice while no live backend is installed: every call reports not-connected. */
export function disconnectedBackend(): CibBackend {
  const failure = err({ kind: "not-connected" as const, detail: NOT_CONNECTED_DETAIL });
  return {
    kind: "live",
    label: "live",
    read: async () => failure,
    commit: async () => failure,
  };
}

type LiveFactory = (env: CibEnv) => CibBackend;

function isLiveModule(m: unknown): m is { liveBackend: LiveFactory } {
  return (
    typeof m === "object" &&
    m !== null &&
    typeof (m as { liveBackend?: unknown }).liveBackend === "function"
  );
}

async function loadLiveFactory(): Promise<LiveFactory | undefined> {
  // A variable specifier keeps tsc from requiring the file before the daemon room adds it.
  const specifier = "./live-backend.js";
  try {
    const mod: unknown = await import(specifier);
    return isLiveModule(mod) ? mod.liveBackend : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

/**
 * The backend for this environment.
 * @example const cib = await openCib(io.env); const r = await cib.read();
 */
export async function openCib(env: CibEnv): Promise<CibBackend> {
  const src = cibSource(env);
  switch (src.kind) {
    case "shadow":
      return shadowBackend(src.name, env);
    case "file":
      return fileBackend(src.path);
    case "live": {
      const factory = await loadLiveFactory();
      return factory === undefined ? disconnectedBackend() : factory(env);
    }
  }
}

/** The environment with any shadow choice removed: where a shadow is created from or committed to. */
export function withoutShadow(env: CibEnv): CibEnv {
  const out: Record<string, string | undefined> = { ...env };
  delete out.CIB_shadow;
  return out;
}
