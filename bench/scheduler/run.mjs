#!/usr/bin/env node
// Scheduler benchmark: pacer's `crm_simulate -x F -R -Q` beside Pacemaker's, on the shared
// scale inputs (../shared/pcmk-scheduler/scale/gen.mjs). One line per size: wall time, CPU
// time (user + system) and peak RSS (/usr/bin/time %e %U %S %M) of each, the ratios, and the
// number of Transition Summary lines each printed (they must be equal). On a shared host wall
// time mostly measures the neighbours; CPU time is the steadier comparison.
//
//   node bench/scheduler/run.mjs [--runs 3] [--pcmk-runs 1] [--sizes 16x1000s,16x1000c,...]
//                                [--pacemaker default|all|none] [--timeout 300] [--keep DIR]
//
// Sizes are NODESxRESOURCES plus s (steady) / c (cold) / h (half). Pacemaker is run by default
// only where it takes under half a minute (up to 32x2000): --pacemaker all (or
// BENCH_PACEMAKER=all) adds 32x5000 (over a minute, ~2.3 GB) and 64x10000 (much more).
// A Pacemaker run longer than --timeout seconds is killed and reported as such.
//
// Pacemaker 2.1.5's `-R -Q` prints nothing at all (quiet hides the Transition Summary), so
// Pacemaker is timed with `-R` alone (it also prints the current status: a few ms of its
// seconds) and its summary lines are counted from that output. Needs `npm run build` first.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "pcmk-runs": { type: "string", default: "1" },
    sizes: { type: "string", default: "16x1000s,16x1000c,32x2000s,32x5000s,64x10000s" },
    pacemaker: { type: "string", default: process.env.BENCH_PACEMAKER ?? "default" },
    timeout: { type: "string", default: "300" },
    keep: { type: "string" },
  },
});
const MODES = { s: "steady", c: "cold", h: "half" };
// Pacemaker's own time at these sizes on this machine type (shared/pcmk-scheduler/README.md):
// past this many nodes x resources it takes over a minute, so it is opt-in.
const PCMK_DEFAULT_MAX_CELLS = 32 * 2000;
const sizes = values.sizes.split(",").map((s) => {
  const m = /^(\d+)x(\d+)([sch]?)$/.exec(s.trim());
  if (!m) {
    console.error(`bench/scheduler: bad size '${s}'; use NODESxRESOURCES[s|c|h], e.g. 16x1000c`);
    process.exit(64);
  }
  return { nodes: Number(m[1]), rscs: Number(m[2]), mode: MODES[m[3] || "s"] };
});
const gen = join(root, "../shared/pcmk-scheduler/scale/gen.mjs");
const pacerBin = join(root, "bin/crm_simulate");
if (!existsSync(gen)) fail(`${gen} not found (the shared scale generator)`);
if (!existsSync(join(root, "dist/tools/crm_simulate.js"))) fail("dist/ missing: run npm run build");
if (!existsSync("/usr/bin/time")) fail("/usr/bin/time not found (apt-get install time)");
const havePcmk = existsSync("/usr/sbin/crm_simulate");
const dir = values.keep ?? mkdtempSync(join(tmpdir(), "pacer-bench-sched-"));
mkdirSync(join(dir, "shadow"), { recursive: true });

function fail(msg) {
  console.error(`bench/scheduler: ${msg}`);
  process.exit(1);
}

/** Runs cmd under /usr/bin/time; stdout to a file. Returns wall s, CPU s, peak KB, output. */
function timed(cmd, args, outFile, timeoutS) {
  const fd = openSync(outFile, "w");
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S %M", cmd, ...args], {
    stdio: ["ignore", fd, "pipe"],
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C", CIB_shadow_dir: join(dir, "shadow") },
    timeout: timeoutS * 1000,
    killSignal: "SIGKILL",
  });
  closeSync(fd);
  if (r.error?.code === "ETIMEDOUT") return { timedOut: true };
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? "");
  if (r.status !== 0 || !m) {
    const why = (r.stderr ?? "").trim().split("\n").slice(-3).join(" | ");
    fail(`${cmd} ${args.join(" ")} failed (exit ${r.status}): ${why}`);
  }
  const cpu = Number(m[2]) + Number(m[3]);
  return { s: Number(m[1]), cpu, kb: Number(m[4]), out: readFileSync(outFile, "utf8") };
}

/** Lines of the Transition Summary section (indented lines after its header). */
function summaryCount(out) {
  const lines = out.split("\n");
  const at = lines.indexOf("Transition Summary:");
  if (at < 0) return 0;
  let n = 0;
  for (let i = at + 1; i < lines.length && /^\s+\S/.test(lines[i]); i++) n++;
  return n;
}

function median(rs) {
  const s = [...rs].sort((a, b) => a.cpu - b.cpu); // by CPU time: steadier than wall
  return s[Math.floor(s.length / 2)];
}

const pcmkWanted = (cells) =>
  havePcmk &&
  values.pacemaker !== "none" &&
  (values.pacemaker === "all" || cells <= PCMK_DEFAULT_MAX_CELLS);

const fmtS = (s) => (s < 10 ? s.toFixed(3) : s.toFixed(1));
const fmtMB = (kb) => (kb / 1024).toFixed(0);
console.log(
  `# bench/scheduler: crm_simulate -x F -R -Q, pacer median of ${values.runs}, Pacemaker median of ${values["pcmk-runs"]} (-R); load1 ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`,
);
console.log(
  "size (NxM mode)   MB-in | pacer wall/cpu s    MB | pcmk wall/cpu s     MB | speed x wall/cpu  mem x | TS pacer/pcmk",
);
let bad = false;
for (const { nodes, rscs, mode } of sizes) {
  const name = `${nodes}x${rscs}-${mode}`;
  const file = join(dir, `${name}.xml`);
  if (!existsSync(file)) {
    const fd = openSync(file, "w");
    const g = spawnSync(process.execPath, [gen, String(nodes), String(rscs), mode], {
      stdio: ["ignore", fd, "inherit"],
    });
    closeSync(fd);
    if (g.status !== 0) fail(`gen.mjs ${nodes} ${rscs} ${mode} failed`);
  }
  const inMB = (readFileSync(file).length / 1e6).toFixed(0);
  const pacerRuns = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const r = timed(process.execPath, [pacerBin, "-x", file, "-R", "-Q"], join(dir, `${name}.pacer.out`), Number(values.timeout));
    if (r.timedOut) fail(`pacer timed out on ${name} after ${values.timeout} s`);
    pacerRuns.push(r);
  }
  const p = median(pacerRuns);
  const pTs = summaryCount(p.out);
  let cols;
  let note = "";
  if (pcmkWanted(nodes * rscs)) {
    const runs = [];
    for (let i = 0; i < Number(values["pcmk-runs"]); i++) {
      const r = timed("/usr/sbin/crm_simulate", ["-x", file, "-R"], join(dir, `${name}.pcmk.out`), Number(values.timeout));
      if (r.timedOut) {
        note = `Pacemaker killed after ${values.timeout} s (--timeout)`;
        break;
      }
      runs.push(r);
    }
    if (runs.length > 0) {
      const c = median(runs);
      const cTs = summaryCount(c.out);
      if (cTs !== pTs) bad = true;
      cols = [
        `${fmtS(c.s)}/${fmtS(c.cpu)}`,
        fmtMB(c.kb),
        `${(c.s / p.s).toFixed(1)}/${(c.cpu / p.cpu).toFixed(1)}`,
        (c.kb / p.kb).toFixed(1),
        `${pTs}/${cTs}${cTs === pTs ? "" : " MISMATCH"}`,
      ];
    }
  } else {
    note = !havePcmk
      ? "Pacemaker skipped (/usr/sbin/crm_simulate not installed)"
      : values.pacemaker === "none"
        ? "Pacemaker skipped (--pacemaker none)"
        : "Pacemaker skipped (over a minute here: --pacemaker all or BENCH_PACEMAKER=all to run it)";
  }
  cols ??= ["-", "-", "-", "-", `${pTs}/-`];
  const row = [
    `${nodes}x${rscs} ${mode}`.padEnd(17),
    inMB.padStart(5),
    "|",
    `${fmtS(p.s)}/${fmtS(p.cpu)}`.padStart(15),
    fmtMB(p.kb).padStart(5),
    "|",
    cols[0].padStart(15),
    cols[1].padStart(6),
    "|",
    cols[2].padStart(16),
    cols[3].padStart(6),
    "|",
    cols[4],
  ];
  console.log(row.join(" ") + (note ? `  # ${note}` : ""));
}
if (values.keep === undefined) rmSync(dir, { recursive: true, force: true });
else console.log(`# inputs and outputs kept in ${dir}`);
process.exit(bad ? 1 : 0);
