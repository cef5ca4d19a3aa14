#!/usr/bin/env node
// Bundles each bin/ tool into one ES module, dist/bundle/NAME.js (run after tsc; `npm run
// build` does both). A tool then starts by loading one file instead of 20-70 modules (and
// saxes through Node's CommonJS translator), which halves its start-up CPU: see
// docs/performance.md, "Node daemon". src/tools/launch.ts uses a bundle only when it is not
// older than the last tsc emit. Without esbuild installed (npm install --omit=dev) this
// prints a note and exits 0: the tools then load the compiled modules.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(REPO, "dist", "bundle");

let esbuild;
try {
  esbuild = await import("esbuild");
} catch {
  console.error("bundle: esbuild is not installed; tools will load dist/ modules (slower start)");
  process.exit(0);
}

// bin/NAME says: await launch("NAME", "exportName");
const LAUNCH = /await launch\("([\w-]+)", "(\w+)"\);/;
const tools = [];
for (const file of readdirSync(join(REPO, "bin")).sort()) {
  const m = LAUNCH.exec(readFileSync(join(REPO, "bin", file), "utf8"));
  if (m) tools.push({ name: m[1], exportName: m[2] });
}
if (tools.length === 0) throw new Error("bundle: no bin/ file calls launch(); nothing to bundle");

// Workers are started from a file beside the module that starts them
// (new URL("./x-worker.js", import.meta.url)); in a bundle that is dist/bundle/.
const workers = ["daemon/scheduler-worker.js", "cluster/transport/cluster-worker.js"];

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // pino loads its transports by file name at run time; it stays a package import.
  external: ["pino"],
  logLevel: "error",
  legalComments: "none",
  // Written below, each file atomically: tools and daemons start from dist/bundle/ while
  // other builds run in the same tree, and must never read a half-written file.
  write: false,
  metafile: true,
  absWorkingDir: REPO,
};

const started = performance.now();
const results = await Promise.all([
  ...tools.map(({ name, exportName }) =>
    esbuild.build({
      ...common,
      stdin: {
        contents:
          `import { runTool } from "../dist/tools/tool-io.js";\n` +
          `import { ${exportName} as tool } from "../dist/tools/${name}.js";\n` +
          `await runTool(${JSON.stringify(name)}, tool);\n`,
        resolveDir: join(REPO, "bin"),
        sourcefile: `bin/${name}`,
        loader: "js",
      },
      outfile: join(OUT, `${name}.js`),
    }),
  ),
  esbuild.build({
    ...common,
    entryPoints: workers.map((w) => ({ in: join(REPO, "dist", w), out: w.replace(/^.*\//, "").replace(/\.js$/, "") })),
    outdir: OUT,
  }),
]);
// NAME.inputs.json lists the files a bundle was made from: src/tools/launch.ts uses the bundle
// only while none of them is newer than it (a tsc run leaves unchanged outputs untouched). A
// bundle that starts a worker also lists the worker's inputs, since it starts that bundle.
const inputsOf = new Map();
for (const r of results) {
  for (const [out, meta] of Object.entries(r.metafile.outputs)) {
    // The entry itself is virtual (stdin); every other input is a file.
    inputsOf.set(resolve(REPO, out), Object.keys(meta.inputs).filter((i) => existsSync(join(REPO, i))));
  }
}
const STARTERS = { "dist/daemon/scheduler-runner.js": "scheduler-worker.js", "dist/cluster/transport/cluster-host.js": "cluster-worker.js" };
function manifest(outPath) {
  const inputs = new Set(inputsOf.get(outPath) ?? []);
  for (const [starter, worker] of Object.entries(STARTERS)) {
    if (inputs.has(starter)) for (const i of inputsOf.get(join(OUT, worker)) ?? []) inputs.add(i);
  }
  return `${JSON.stringify([...inputs].sort())}\n`;
}
function writeAtomic(path, contents) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
  written.add(path);
}
mkdirSync(OUT, { recursive: true });
const written = new Set();
// The manifest first: a bundle is never newer than its manifest's listing.
for (const file of results.flatMap((r) => r.outputFiles)) {
  writeAtomic(file.path.replace(/\.js$/, ".inputs.json"), manifest(file.path));
  writeAtomic(file.path, file.contents);
}
for (const name of readdirSync(OUT)) {
  if (!written.has(join(OUT, name)) && !name.endsWith(".tmp")) rmSync(join(OUT, name), { force: true });
}
console.error(`bundle: ${tools.length} tools and ${workers.length} workers in dist/bundle/ (${Math.round(performance.now() - started)} ms)`);
