/**
 * `pacer sim`: runs seeds of the deterministic cluster simulator.
 *   pacer sim --seeds N [--from S] [--nodes K]   many seeds; prints each failure + replay line
 *   pacer sim --seed S [--trace] [--nodes K]     one seed, optionally with a full event trace
 */
import { parseArgs } from "node:util";
import { ExitCode, type ToolIo, UserError } from "../tools/tool-io.js";
import { describeSwarm, hex, runSeed, type SimResult } from "./run.js";

function parseSeed(text: string, flag: string): number {
  const v = text.startsWith("0x") ? Number.parseInt(text.slice(2), 16) : Number(text);
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new UserError(
      `--${flag} '${text}' is not a 32-bit seed; use a number like 42 or 0x2a`,
      ExitCode.Usage,
    );
  }
  return v;
}

function parseCount(
  text: string | undefined,
  flag: string,
  lo: number,
  hi: number,
): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new UserError(`--${flag} '${text}' must be an integer in ${lo}..${hi}`, ExitCode.Usage);
  }
  return v;
}

function replayLine(r: SimResult, nodes: number | undefined): string {
  const n = nodes === undefined ? "" : ` --nodes ${nodes}`;
  return `replay: ./bin/pacer sim --seed ${hex(r.seed)}${n} --trace`;
}

function failureLines(r: SimResult, nodes: number | undefined): string {
  const f = r.failure;
  if (f === undefined) return "";
  return (
    `sim: FAILED seed=${hex(r.seed)} invariant=${f.invariant} node=${f.node} t=${f.atMs.toFixed(0)}ms\n` +
    `  ${f.detail}\n  swarm: ${describeSwarm(r.swarm)}\n${replayLine(r, nodes)}\n`
  );
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      options: {
        seeds: { type: "string" },
        from: { type: "string" },
        seed: { type: "string" },
        nodes: { type: "string" },
        trace: { type: "boolean" },
        packets: { type: "boolean" },
      },
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new UserError(
      `${why}; usage: pacer sim --seeds N [--from S] [--nodes K] | --seed S [--trace]`,
      ExitCode.Usage,
    );
  }
}

export async function simCli(argv: readonly string[], io: ToolIo): Promise<number> {
  const { values } = parseFlags(argv);
  const nodes = parseCount(values.nodes, "nodes", 1, 64);
  if (values.seed !== undefined) {
    const seed = parseSeed(values.seed, "seed");
    const trace = values.trace === true ? (line: string) => io.stdout(`${line}\n`) : undefined;
    const r = runSeed(seed, {
      ...(nodes === undefined ? {} : { nodes }),
      ...(trace === undefined ? {} : { trace }),
      tracePackets: values.packets === true,
    });
    if (!r.ok) {
      io.stdout(failureLines(r, nodes));
      return ExitCode.Error;
    }
    io.stdout(
      `sim: ok seed=${hex(seed)} views=${r.views} deliveries=${r.deliveries} packets=${r.packets} refused=${r.refused} converged=${r.convergeMs}ms\n`,
    );
    return ExitCode.Ok;
  }
  const count = parseCount(values.seeds ?? "20", "seeds", 1, 10_000_000) ?? 20;
  const from = values.from === undefined ? 1 : parseSeed(values.from, "from");
  let failed = 0;
  let worstConverge = 0;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const r = runSeed((from + i) >>> 0, nodes === undefined ? {} : { nodes });
    if (!r.ok) {
      failed++;
      io.stdout(failureLines(r, nodes));
    } else worstConverge = Math.max(worstConverge, r.convergeMs);
  }
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout(
    `sim: ${count - failed}/${count} seeds ok (from ${from}), ${failed} failed, worst convergence ${worstConverge}ms, ${secs}s\n`,
  );
  return failed === 0 ? ExitCode.Ok : ExitCode.Error;
}
