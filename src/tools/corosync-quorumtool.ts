/**
 * corosync-quorumtool: quorum status (-s, the default) and membership (-l) of the local node,
 * with Corosync 3.1.7's text and exit codes (0; 2 when -s finds no quorum; 1 on errors).
 * Changing votes or expected votes (-v/-e/-n), -m (monitor) and -f are not provided yet.
 */
import { apiSocketPath, queryClusterStatus } from "../cluster/transport/status-api.js";
import { formatMembership, formatQuorumStatus } from "./_corosync-format.js";
import { getopt } from "./_corosync-getopt.js";
import type { ToolIo } from "./tool-io.js";

const usage = `usage: 
corosync-quorumtool <options>

  options:

  -s             show quorum status
  -m             constantly monitor quorum status
  -l             list nodes
  -a             show all names or addresses for each node
  -p             when used with -s or -l, generates machine parsable output
  -v <votes>     change the number of votes for a node (*)
  -n <nodeid>    optional nodeid of node for -v
  -e <expected>  change expected votes for the cluster (*)
  -H             show nodeids in hexadecimal rather than decimal
  -i             show node IP addresses instead of the resolved name
  -o <a|n|i>     order by [a] IP address (default), [n] name, [i] nodeid
  -f             forcefully unregister a quorum device *DANGEROUS* (*)
  -h             show this help text
  -V             show version and exit

  (*) Starred items only work if votequorum is the quorum provider for corosync

`;

const specs = ["s", "m", "l", "a", "p", "H", "i", "f", "h", "V"]
  .map((c) => ({ short: c, takesValue: false }))
  .concat(["v", "n", "e", "o"].map((c) => ({ short: c, takesValue: true })));

/** @example await corosyncQuorumtool(["-s"], io) // 0 quorate, 2 not quorate */
export async function corosyncQuorumtool(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = getopt("corosync-quorumtool", argv, specs);
  if (!parsed.ok) {
    io.stderr(`${parsed.message}\n`);
    io.stdout(usage);
    return 1;
  }
  const flags = new Set(parsed.options.map((o) => o.short));
  if (flags.has("h")) {
    io.stdout(usage);
    return 0;
  }
  if (flags.has("V")) {
    io.stdout("corosync-quorumtool version: 3.1.7 (pacer)\n");
    return 0;
  }
  const order = parsed.options.filter((o) => o.short === "o").pop()?.value ?? "a";
  if (order !== "a" && order !== "n" && order !== "i") {
    io.stderr("Invalid ordering option. valid orders are a(address), i(node ID) or n(name)\n");
    return 1;
  }
  for (const unsupported of ["v", "e", "m", "f"]) {
    if (flags.has(unsupported)) {
      io.stderr(
        `corosync-quorumtool: -${unsupported} is not supported by pacer yet; use -s or -l\n`,
      );
      return 1;
    }
  }
  const status = await queryClusterStatus(apiSocketPath(io.env));
  if (!status.ok) {
    io.stderr("Cannot initialize CMAP service\n");
    return 1;
  }
  const opts = {
    hex: flags.has("H"),
    showIp: flags.has("i"),
    parsable: flags.has("p"),
    allAddresses: flags.has("a"),
    order: order as "a" | "n" | "i",
  };
  if (flags.has("l") && !flags.has("s")) {
    io.stdout(formatMembership(status.value, opts));
    return 0;
  }
  const r = formatQuorumStatus(status.value, { ...opts, now: new Date() });
  io.stdout(r.text);
  return r.exitCode;
}
