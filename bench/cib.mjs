#!/usr/bin/env node
// CIB library and tool benchmarks: one JSON object per line, units last in keys.
//   node bench/cib.mjs [--nodes 8] [--resources 1000] [--runs 5]
// The CIB is shared/pcmk-scheduler/scale/gen.mjs's (N nodes, M resources, steady state).
// Library: parse, print, verifyCib, diffCib+applyPatchset of one change. Tools: wall time and
// peak RSS of `cibadmin -Q` and `crm_verify -x` (pacer's bin/ vs Pacemaker's when installed).
// Needs `npm run build` first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { applyPatchset, diffCib } from "../dist/cib/diff.js";
import { verifyCib } from "../dist/cib/verify.js";
import { cloneElement, parseXml, printXml, setAttr, childElements, firstChild } from "../dist/cib/xml.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    nodes: { type: "string", default: "8" },
    resources: { type: "string", default: "1000" },
    runs: { type: "string", default: "5" },
  },
});
const runs = Number(values.runs);
const gen = join(here, "../../shared/pcmk-scheduler/scale/gen.mjs");
if (!existsSync(gen)) {
  console.error(`bench/cib: ${gen} not found (the shared scale generator)`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), "pacer-bench-cib-"));
const file = join(dir, "cib.xml");
const text = spawnSync(process.execPath, [gen, values.nodes, values.resources, "steady"], {
  encoding: "utf8",
  maxBuffer: 1 << 30,
}).stdout;
writeFileSync(file, text);
const caseName = `cib-${values.nodes}-${values.resources}`;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function timeMs(fn) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return Math.round(median(out) * 10) / 10;
}
function emit(o) {
  console.log(JSON.stringify(o));
}

const parsed = parseXml(text, file).value;
emit({ bench: "cib.parse", case: caseName, bytes: text.length, ms_p50: timeMs(() => parseXml(text, file)) });
emit({ bench: "cib.print", case: caseName, ms_p50: timeMs(() => printXml(parsed)) });
emit({ bench: "cib.verify", case: caseName, ms_p50: timeMs(() => verifyCib(parsed)) });
const changed = cloneElement(parsed);
const first = childElements(firstChild(firstChild(changed, "configuration"), "resources"))[0];
if (first) setAttr(first, "description", "changed");
emit({
  bench: "cib.diff+patch",
  case: caseName,
  ms_p50: timeMs(() => applyPatchset(parsed, diffCib(parsed, changed))),
});

function tool(cmd, args, env) {
  const out = [];
  let rssKb = 0;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], {
      env: { ...process.env, ...env },
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    const m = /([\d.]+) (\d+)\s*$/.exec(r.stderr);
    if (!m) return undefined;
    out.push(Number(m[1]) * 1000);
    rssKb = Math.max(rssKb, Number(m[2]));
  }
  return { ms_p50: Math.round(median(out)), rss_mb: Math.round(rssKb / 1024) };
}
const hasTime = existsSync("/usr/bin/time");
for (const [name, args, env] of [
  ["cibadmin", ["-Q"], { CIB_file: file }],
  ["crm_verify", ["-x", file, "-V"], {}],
]) {
  if (!hasTime) break;
  const ours = tool(join(here, "../bin", name), args, env);
  const real = spawnSync(name, ["--version"]).status === 0 ? tool(name, args, env) : undefined;
  emit({
    bench: `tool.${name}`,
    case: caseName,
    ...ours,
    ...(real ? { ref: `pacemaker ${name}`, ref_ms_p50: real.ms_p50, ref_rss_mb: real.rss_mb, ratio: Math.round((ours.ms_p50 / real.ms_p50) * 100) / 100 } : {}),
  });
}
