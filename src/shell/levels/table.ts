/**
 * The one table of crm levels. Each entry names a module in this folder that exports
 * `level: Level`; it is imported on first use only, so `crm` starts without loading
 * configure's parser when it runs `crm cib list`.
 */
import type { Level, LevelEntry } from "./types.js";

function isLevel(x: unknown): x is Level {
  if (typeof x !== "object" || x === null) return false;
  const l = x as { name?: unknown; commands?: unknown };
  return typeof l.name === "string" && Array.isArray(l.commands);
}

/** Imports `./NAME.js` and checks that it exports a Level named `level`. */
async function loadLevelModule(name: string): Promise<Level> {
  const mod: Record<string, unknown> = await import(`./${name}.js`);
  const level = mod.level;
  if (!isLevel(level))
    throw new Error(`src/shell/levels/${name}.ts does not export a Level as 'level'`);
  return level;
}

function entry(name: string, summary: string): LevelEntry {
  return { name, summary, load: () => loadLevelModule(name) };
}

/** Top-level levels in the order `help` lists them. Add a level: one line here. */
export const LEVELS: readonly LevelEntry[] = [
  entry("cib", "CIB shadow management"),
  entry("configure", "CIB configuration"),
  entry("node", "Node management"),
  entry("resource", "Resource management"),
];

export function findLevelEntry(name: string): LevelEntry | undefined {
  return LEVELS.find((l) => l.name === name);
}
