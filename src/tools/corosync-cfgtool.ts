/**
 * corosync-cfgtool: link status of the local node (-s, -b brief, -i filter), with Corosync
 * 3.1.7's text and exit codes, and a node's addresses (-a NODEID). The administrative actions
 * (-R reload, -k kill, -H shutdown, -L, -n) are not provided yet and say so.
 */
import { apiSocketPath, queryClusterStatus } from "../cluster/transport/status-api.js";
import { formatLinkStatus, formatNodeAddresses } from "./_corosync-format.js";
import { getopt } from "./_corosync-getopt.js";
import type { ToolIo } from "./tool-io.js";

const usage = `corosync-cfgtool [[-i <interface ip>] [-b] -s] [-R] [-L] [-k nodeid] [-a nodeid] [-h] [-H]

A tool for displaying and configuring active parameters within corosync.
options:
\t-i\tFinds only information about the specified interface IP address or link id when used with -s..
\t-s\tDisplays the status of the current links on this node.
\t-n\tDisplays the status of the connected nodes and their links.
\t-b\tDisplays the brief status of the current links on this node when used with -s.
\t-R\tTell all instances of corosync in this cluster to reload corosync.conf.
\t-L\tTell corosync to reopen all logging files.
\t-k\tKill a node identified by node id.
\t-a\tDisplay the IP address(es) of a node
\t-h\tPrint basic usage.
\t-H\tShutdown corosync cleanly on this node.
\t\t--force will shut down corosync regardless of daemon vetos
`;

const specs = [
  ...["s", "b", "n", "R", "L", "h", "H"].map((c) => ({ short: c, takesValue: false })),
  ...["i", "k", "a"].map((c) => ({ short: c, takesValue: true })),
  { short: "F", long: "force", takesValue: false },
];

async function nodeAddresses(nodeIdText: string, io: ToolIo): Promise<number> {
  const status = await queryClusterStatus(apiSocketPath(io.env));
  if (!status.ok) {
    io.stderr("Could not initialize corosync configuration API error 2\n");
    return 1;
  }
  const r = formatNodeAddresses(status.value, /^\d+$/.test(nodeIdText) ? Number(nodeIdText) : 0);
  io.stdout(r.out);
  io.stderr(r.err);
  return r.exitCode;
}

/** @example await corosyncCfgtool(["-s"], io) */
export async function corosyncCfgtool(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = getopt("corosync-cfgtool", argv, specs);
  if (!parsed.ok) {
    io.stderr(`${parsed.message}\n`);
    return 1;
  }
  const flags = new Set(parsed.options.map((o) => o.short));
  const addressOf = parsed.options.filter((o) => o.short === "a").pop()?.value;
  if (addressOf !== undefined && !flags.has("h")) return nodeAddresses(addressOf, io);
  if (flags.has("h") || !flags.has("s")) {
    for (const action of ["R", "L", "k", "H", "n"]) {
      if (flags.has(action)) {
        io.stderr(`corosync-cfgtool: -${action} is not supported by pacer yet; use -s\n`);
        return 1;
      }
    }
    io.stdout(usage);
    return 0;
  }
  const status = await queryClusterStatus(apiSocketPath(io.env));
  if (!status.ok) {
    io.stderr("Could not initialize corosync configuration API error 2\n");
    return 1;
  }
  const filter = parsed.options.filter((o) => o.short === "i").pop()?.value;
  let s = status.value;
  if (filter !== undefined) {
    const links = s.links.filter((l) => String(l.linkNumber) === filter || l.localAddr === filter);
    // Corosync 3.1.7 with udp/udpu prints its one link whatever -i names.
    if (links.length > 0) s = { ...s, links };
  }
  io.stdout(formatLinkStatus(s, { brief: flags.has("b") }));
  return 0;
}
