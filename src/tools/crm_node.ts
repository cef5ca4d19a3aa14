/**
 * `crm_node`: this node's view of the cluster membership, from the local `pacer node`
 * (api socket `node-status`). Output and exit codes as Pacemaker 2.1's crm_node:
 * `-l` lists `ID NAME member|lost`, `-p` the partition's names (each followed by a space),
 * `-n` this node's name, `-i` its id, `-q` 1/0 with exit 106 when not quorate.
 */
import { apiRequest } from "../cib/live-backend.js";
import { parseGlibArgs } from "./_getopt.js";
import { ExitCode, type ToolIo, UserError } from "./tool-io.js";

const SPECS = [
  { long: "list", short: "l", value: false },
  { long: "partition", short: "p", value: false },
  { long: "name", short: "n", value: false },
  { long: "cluster-id", short: "i", value: false },
  { long: "quorum", short: "q", value: false },
  { long: "help", short: "h", value: false },
  { long: "verbose", short: "V", value: false },
] as const;

const HELP = `Usage:
  crm_node [OPTION?]

Tool for displaying low-level node information

Commands:
  -n, --name            Display the name used by the cluster for this node
  -i, --cluster-id      Display this node's cluster id
  -l, --list            Display all known members (past and present) of this cluster
  -p, --partition       Display the members of this partition
  -q, --quorum          Display a 1 if our partition has quorum, 0 if not
`;

interface Member {
  readonly id: number;
  readonly name: string;
}

function members(v: unknown): Member[] {
  if (!Array.isArray(v)) return [];
  return v.filter(
    (m): m is Member =>
      typeof m === "object" &&
      m !== null &&
      typeof (m as Member).id === "number" &&
      typeof (m as Member).name === "string",
  );
}

/** @example await crmNode(["-l"], io) */
export async function crmNode(argv: readonly string[], io: ToolIo): Promise<number> {
  const parsed = parseGlibArgs(argv, SPECS);
  if (!parsed.ok) throw new UserError(parsed.error, ExitCode.Usage);
  const cmd = parsed.value.options.filter((o) => o.long !== "verbose").at(-1)?.long;
  if (cmd === "help" || cmd === undefined) {
    io.stdout(HELP);
    return cmd === "help" ? ExitCode.Ok : ExitCode.Usage;
  }
  const r = await apiRequest(io.env, { op: "node-status" }, { timeoutMs: 5000 });
  if (!r.ok) {
    io.stderr("error: Could not connect to controller: Connection refused\n");
    return ExitCode.Disconnect;
  }
  const self = r.value.self as Member;
  const inView = members(r.value.members);
  const known = members(r.value.nodelist);
  switch (cmd) {
    case "name":
      io.stdout(`${self.name}\n`);
      return ExitCode.Ok;
    case "cluster-id":
      io.stdout(`${self.id}\n`);
      return ExitCode.Ok;
    case "partition":
      io.stdout(`${inView.map((m) => `${m.name} `).join("")}\n`);
      return ExitCode.Ok;
    case "quorum": {
      const q = r.value.quorate === true;
      io.stdout(q ? "1\n" : "0\n");
      return q ? ExitCode.Ok : ExitCode.Quorum;
    }
    default: {
      const all = new Map<number, Member>();
      for (const m of [...known, ...inView]) all.set(m.id, m);
      for (const m of [...all.values()].sort((a, b) => a.id - b.id)) {
        const state = inView.some((x) => x.id === m.id) ? "member" : "lost";
        io.stdout(`${m.id} ${m.name} ${state}\n`);
      }
      return ExitCode.Ok;
    }
  }
}
