/**
 * How a bin/ executable starts its tool. `npm run build` bundles each tool into one file
 * (dist/bundle/NAME.js, scripts/bundle.mjs): Node then reads, links and compiles one module
 * instead of 20–70, which halves a tool's start-up CPU (docs/performance.md, "Node daemon").
 * A bundle is used only while none of the files it was made from (NAME.inputs.json) is newer
 * than it: after `npx tsc` alone changed one of them, the compiled modules run instead, so
 * stale code never runs. PACER_NO_BUNDLE=1 (or PACER_DEBUG=1, for stacks that name the
 * source files) forces the modules.
 */
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Tool } from "./tool-io.js";

/** Inputs a manifest may list (a tool bundle has 20-150); more means a broken manifest. */
const INPUTS_MAX = 2000;

function mtimeMs(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function inputs(manifestPath: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (!Array.isArray(v) || v.length > INPUTS_MAX) return undefined;
    return v.every((x) => typeof x === "string") ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The repository a compiled launch.js sits in (dist/tools/ → ../../). */
const REPO_DIR = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The bundle of `name` if it exists and none of its inputs changed since, else undefined.
 * `repoDir` (with a trailing slash) is for tests.
 */
export function freshBundle(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  repoDir: string = REPO_DIR,
): URL | undefined {
  if (env.PACER_NO_BUNDLE === "1" || env.PACER_DEBUG === "1") return undefined;
  const bundle = `${repoDir}dist/bundle/${name}.js`;
  const built = mtimeMs(bundle);
  if (built === undefined) return undefined;
  const list = inputs(`${repoDir}dist/bundle/${name}.inputs.json`);
  if (list === undefined) return undefined;
  for (const input of list) {
    const m = mtimeMs(repoDir + input);
    if (m === undefined || m > built) return undefined;
  }
  return pathToFileURL(bundle);
}

/**
 * Runs tool `name` (module dist/tools/NAME.js, export `exportName`) with process argv.
 * @example await launch("crm_mon", "crmMon");
 */
export async function launch(name: string, exportName: string): Promise<void> {
  const bundle = freshBundle(name);
  if (bundle) {
    // The bundle's own top level calls runTool (scripts/bundle.mjs writes that entry).
    await import(bundle.href);
    return;
  }
  const [{ runTool }, mod] = await Promise.all([
    import("./tool-io.js"),
    import(`./${name}.js`) as Promise<Record<string, unknown>>,
  ]);
  const tool = mod[exportName];
  if (typeof tool !== "function")
    throw new Error(`dist/tools/${name}.js has no export ${exportName}`);
  await runTool(name, tool as Tool);
}
