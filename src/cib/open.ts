/**
 * Picks the CIB a tool works on, as Pacemaker's tools do: `CIB_shadow` (a shadow copy under
 * `CIB_shadow_dir`) wins over `CIB_file`, which wins over the live cluster.
 *
 * The live backend (src/cib/live-backend.ts) talks to the local `pacer node` over its api
 * socket; when no node runs, its calls fail with "not-connected", printed as Pacemaker does.
 */
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
      // Loaded on demand: tools working on a file or shadow CIB never load the socket client.
      const { liveBackend } = await import("./live-backend.js");
      return liveBackend(env);
    }
  }
}

/** The environment with any shadow choice removed: where a shadow is created from or committed to. */
export function withoutShadow(env: CibEnv): CibEnv {
  const out: Record<string, string | undefined> = { ...env };
  delete out.CIB_shadow;
  return out;
}
