#!/usr/bin/env node
// Where pacer's `crm_simulate -R` time goes, phase by phase, in one process:
//   node bench/scheduler/phases.mjs CIB.xml [--runs 1]
// Phases: read (file to string), parse (XML tree), unpack (working set, alone), schedule
// (unpack + allocation + actions + ordering, as crm_simulate calls it), summary (Transition
// Summary lines). Prints wall/CPU ms per phase and the RSS after each. Needs `npm run build` first.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { parseXml } from "../../dist/cib/xml.js";
import { schedule } from "../../dist/scheduler/schedule.js";
import { summaryLines } from "../../dist/scheduler/summary.js";
import { unpack } from "../../dist/scheduler/unpack.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: "string", default: "1" } },
});
const file = positionals[0];
if (!file) {
  console.error("usage: node bench/scheduler/phases.mjs CIB.xml [--runs N]");
  process.exit(64);
}
const mb = () => (process.memoryUsage().rss / 2 ** 20).toFixed(0);
for (let run = 0; run < Number(values.runs); run++) {
  const row = [];
  // CPU time (user + system) beside wall time: on a shared host wall time mostly measures
  // the neighbours.
  let t = performance.now();
  let cpu = process.cpuUsage();
  const lap = (name) => {
    const now = performance.now();
    const c = process.cpuUsage(cpu);
    row.push(`${name} ${(now - t).toFixed(0)}/${((c.user + c.system) / 1000).toFixed(0)} ms (rss ${mb()} MB)`);
    t = now;
    cpu = process.cpuUsage();
  };
  const text = readFileSync(file, "utf8");
  lap("read");
  const r = parseXml(text, file, { lazy: true }); // as crm_simulate reads a file
  if (!r.ok) throw new Error(r.error.detail);
  lap("parse");
  unpack(r.value, { now: 0 });
  lap("unpack");
  const tr = schedule(r.value, { now: 0 });
  lap("schedule");
  const lines = summaryLines(tr);
  lap(`summary(${lines.length})`);
  console.log(row.join(", "));
}
