/**
 * How a bin/ executable starts its tool. `npm run build` bundles each tool into one file
 * (dist/bundle/NAME.js, scripts/bundle.mjs): Node then reads, links and compiles one module
 * instead of 20–70, which halves a tool's start-up CPU (docs/performance.md, "Node daemon").
 * A bundle older than the last `tsc` emit (dist/.tsbuildinfo) is stale and not used: the
 * compiled modules are imported instead, so `npx tsc` alone never runs old code.
 * PACER_NO_BUNDLE=1 (or PACER_DEBUG=1, for stacks that name the source files) forces the
 * modules.
 */
import { statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Tool } from "./tool-io.js";

function mtimeMs(url: URL): number | undefined {
  try {
    return statSync(fileURLToPath(url)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The bundle of `name` if it exists and is not older than the last compile, else undefined. */
export function freshBundle(name: string, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  if (env.PACER_NO_BUNDLE === "1" || env.PACER_DEBUG === "1") return undefined;
  const bundle = new URL(`../bundle/${name}.js`, import.meta.url);
  const built = mtimeMs(bundle);
  if (built === undefined) return undefined;
  const compiled = mtimeMs(new URL("../.tsbuildinfo", import.meta.url));
  return compiled === undefined || built >= compiled ? bundle : undefined;
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
