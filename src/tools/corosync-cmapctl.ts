/**
 * corosync-cmapctl, read-only: all keys, keys under prefixes, or `-g KEY...` (`-q` for the
 * value alone), with Corosync 3.1.7's text and exit codes. pacer's map is derived from
 * corosync.conf and the running node, so the writing commands (-s, -d, -D, -p, -C) and
 * tracking (-t, -T) are refused with one line. `-m stats` shows pacer's transport counters
 * (packets accepted, rejected by reason, sent) under `stats.pacer.transport.*`.
 */
import { apiSocketPath, queryClusterStatus } from "../cluster/transport/status-api.js";
import { formatCmap, formatCmapEntry } from "./_corosync-format.js";
import { getopt } from "./_corosync-getopt.js";
import type { ToolIo } from "./tool-io.js";

const specs = [
  ...["b", "D", "d", "g", "h", "s", "q", "T", "t", "p"].map((c) => ({
    short: c,
    takesValue: false,
  })),
  ...["m", "C"].map((c) => ({ short: c, takesValue: true })),
];

const usage = `
usage:  corosync-cmapctl [-b] [-DdghsqTCt] [-p filename] [-m map] [params...]

    -b show binary values

    -m select map to use
          The  default  map is 'icmap' which contains configuration information and some runtime variables used by corosync. 
          A 'stats' map is also available which displays network statistics - in great detail when knet is used as the transport.
Get key:
    corosync-cmapctl [-b] -g key_name...

Quiet mode:
    corosync-cmapctl [-b] -q -g key_name...

Display all keys:
    corosync-cmapctl [-b]

Display keys with prefix key_name:
    corosync-cmapctl [-b] key_name...

(pacer's map is read-only: -s, -d, -D, -p, -C, -t and -T are not provided;
 -m stats shows pacer's transport counters.)
`;

/** @example await corosyncCmapctl(["-g", "totem.cluster_name"], io) */
export async function corosyncCmapctl(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = getopt("corosync-cmapctl", argv, specs);
  if (!parsed.ok) {
    io.stderr(`${parsed.message}\n`);
    return 1;
  }
  const flags = new Set(parsed.options.map((o) => o.short));
  if (flags.has("h")) {
    io.stdout(usage);
    return 0;
  }
  for (const w of ["s", "d", "D", "p", "C", "t", "T"]) {
    if (flags.has(w)) {
      io.stderr(
        `corosync-cmapctl: -${w} is not supported: pacer's cmap is read-only (derived from corosync.conf)\n`,
      );
      return 1;
    }
  }
  const map = parsed.options.filter((o) => o.short === "m").pop()?.value ?? "icmap";
  if (map !== "icmap" && map !== "stats") {
    io.stderr(`corosync-cmapctl: map '${map}' is not provided by pacer; use 'icmap' or 'stats'\n`);
    return 1;
  }
  const status = await queryClusterStatus(apiSocketPath(io.env));
  if (!status.ok) {
    io.stderr("Failed to initialize the cmap API. Error CS_ERR_LIBRARY\n");
    return 1;
  }
  // pacer's stats map holds its transport counters (stats.pacer.transport.*), not Corosync's.
  const entries = map === "stats" ? (status.value.stats ?? []) : status.value.cmap;
  if (!flags.has("g")) {
    io.stdout(formatCmap(entries, parsed.operands));
    return 0;
  }
  let code = 0;
  for (const key of parsed.operands) {
    const e = entries.find((x) => x.key === key);
    if (e === undefined) {
      io.stderr(`Can't get key ${key}. Error CS_ERR_NOT_EXIST\n`);
      code = 1;
      continue;
    }
    io.stdout(flags.has("q") ? `${e.value}\n` : formatCmapEntry(e));
  }
  return code;
}
