/**
 * Text of Corosync 3.1.7's status tools, from a `ClusterStatus` snapshot. Pure functions, so
 * the golden outputs captured from the real tools (testdata/corosync/) check them directly.
 * Widths and spacing (trailing spaces included) are Corosync's, as observed.
 */
import type { ClusterStatus, CmapEntry, MemberStatus } from "../cluster/transport/status-api.js";
import { ctimeText } from "../shared/ctime.js";

export interface QuorumFormatOptions {
  /** Local time of the `Date:` line. */
  readonly now: Date;
  /** -H: node ids in hexadecimal. */
  readonly hex: boolean;
  /** -i: addresses instead of names. */
  readonly showIp: boolean;
  /** -a: every link's address (or name) of each node. */
  readonly allAddresses?: boolean;
  /** -p: machine-parsable membership (adds the Qdevice column). */
  readonly parsable: boolean;
  /** -o: a (as the membership lists them), n (name), i (node id). */
  readonly order: "a" | "n" | "i";
}

/** C's ctime(3) text, without the newline: `Wed Nov 25 12:39:01 2026` (local time). */
export function ctime(d: Date): string {
  return ctimeText(d);
}

function nodeIdText(id: number, hex: boolean): string {
  return hex ? `0x${id.toString(16).padStart(8, "0")}` : String(id);
}

function flagsText(s: ClusterStatus): string {
  const q = s.votequorum;
  const flags: string[] = [];
  if (q.twoNode) flags.push("2Node");
  if (q.quorate) flags.push("Quorate");
  if (q.waitForAll) flags.push("WaitForAll");
  if (q.lastManStanding) flags.push("LastManStanding");
  if (q.autoTieBreaker) flags.push("AutoTieBreaker");
  return flags.map((f) => `${f} `).join("");
}

/** `corosync-quorumtool -s`: the text and the exit code (2 when not quorate). */
export function formatQuorumStatus(
  s: ClusterStatus,
  opts: QuorumFormatOptions,
): { text: string; exitCode: number } {
  const q = s.votequorum;
  const ring =
    s.ringId === null ? "0.0" : `${s.ringId.rep.toString(16)}.${s.ringId.seq.toString(16)}`;
  const lines = [
    "Quorum information",
    "------------------",
    `Date:             ${ctime(opts.now)}`,
    `Quorum provider:  ${s.quorumProvider}`,
    `Nodes:            ${s.members.length}`,
    `Node ID:          ${nodeIdText(s.localNodeId, opts.hex)}`,
    `Ring ID:          ${ring}`,
    `Quorate:          ${q.quorate ? "Yes" : "No"}`,
    "",
    "Votequorum information",
    "----------------------",
    `Expected votes:   ${q.expectedVotes}`,
    `Highest expected: ${q.highestExpected}`,
    `Total votes:      ${q.totalVotes}`,
    `Quorum:           ${q.quorum} ${q.quorate ? " " : "Activity blocked"}`,
    `Flags:            ${flagsText(s)}`,
  ];
  return { text: `${lines.join("\n")}\n${formatMembership(s, opts)}`, exitCode: q.quorate ? 0 : 2 };
}

/** `corosync-quorumtool -l` (also the tail of `-s`): starts with an empty line. */
export function formatMembership(
  s: ClusterStatus,
  opts: Pick<QuorumFormatOptions, "hex" | "showIp" | "parsable" | "order" | "allAddresses">,
): string {
  const header = opts.parsable
    ? "    Nodeid      Votes    Qdevice Name"
    : "    Nodeid      Votes Name";
  const rows = orderMembers(s.members, opts.order).map((m) => {
    const id = nodeIdText(m.nodeId, opts.hex).padStart(10, " ");
    const votes = String(m.votes).padStart(10, " ");
    const qdevice = opts.parsable ? ` ${"NR".padStart(10, " ")}` : "";
    const name = memberName(m, opts);
    const local = m.nodeId === s.localNodeId ? " (local)" : "";
    return `${id} ${votes}${qdevice} ${name}${local}`;
  });
  return ["", "Membership information", "----------------------", header, ...rows]
    .map((l) => `${l}\n`)
    .join("");
}

/**
 * The Name column: the node's name, or with -i its address; with -a every link's address
 * (`127.0.0.1, 127.0.1.1`), or without -i the name followed by an empty entry per further link
 * (`node1, `: Corosync 3.1.7 prints no name for the other links' addresses).
 */
function memberName(
  m: MemberStatus,
  opts: Pick<QuorumFormatOptions, "showIp" | "allAddresses">,
): string {
  const first = opts.showIp
    ? (m.addrs[0] ?? String(m.nodeId))
    : (m.name ?? m.addrs[0] ?? String(m.nodeId));
  if (opts.allAddresses !== true || m.addrs.length <= 1) return first;
  return [first, ...m.addrs.slice(1).map((a) => (opts.showIp ? a : ""))].join(", ");
}

function orderMembers(members: readonly MemberStatus[], order: "a" | "n" | "i"): MemberStatus[] {
  const out = [...members];
  if (order === "i") out.sort((a, b) => a.nodeId - b.nodeId);
  if (order === "n") out.sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""));
  return out;
}

/**
 * `corosync-cfgtool -s` (`-b` for brief). Under `addr` Corosync 3.1.7 prints, for udp/udpu,
 * the address of the last *other* node of the link (observed: node1 shows node2's address and
 * node2 shows node1's; with no other node, the local address); for knet the local address,
 * with the link's IP transport after the link id (`LINK ID 0 udp`).
 */
export function formatLinkStatus(s: ClusterStatus, opts: { brief: boolean }): string {
  let out = `Local node ID ${s.localNodeId}, transport ${s.transport}\n`;
  for (const link of s.links) {
    const others = link.peers.filter((p) => p.state !== "localhost");
    const knet = s.transport === "knet";
    const addr = knet ? link.localAddr : (others[others.length - 1]?.addr ?? link.localAddr);
    out += `LINK ID ${link.linkNumber} ${knet ? "udp" : ""}\n\taddr\t= ${addr}\n`;
    if (opts.brief) {
      const code = (st: string): string =>
        st === "localhost" ? "n" : st === "connected" ? "3" : "1";
      out += `\tstatus\t= ${link.peers.map((p) => code(p.state)).join("")}\n`;
      continue;
    }
    out += "\tstatus:\n";
    for (const p of link.peers)
      out += `\t\tnodeid: ${String(p.nodeId).padStart(10, " ")}:\t${p.state}\n`;
  }
  return out;
}

/** `corosync-cfgtool -a NODEID`: the node's addresses, or Corosync's error (exit 1). */
export function formatNodeAddresses(
  s: ClusterStatus,
  nodeId: number,
): { out: string; err: string; exitCode: number } {
  const addrs = s.links
    .map((l) => l.peers.find((p) => p.nodeId === nodeId)?.addr)
    .filter((a): a is string => a !== undefined && a !== "");
  if (addrs.length === 0)
    return { out: "", err: `Could not get node address for nodeid ${nodeId}\n`, exitCode: 1 };
  return { out: `${addrs.join(" ")}\n`, err: "", exitCode: 0 };
}

/** One `corosync-cmapctl` line: `totem.version (u32) = 2`. */
export function formatCmapEntry(e: CmapEntry): string {
  return `${e.key} (${e.type}) = ${e.value}\n`;
}

/** `corosync-cmapctl [prefix...]`: everything, or each prefix's keys in argument order. */
export function formatCmap(entries: readonly CmapEntry[], prefixes: readonly string[]): string {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (prefixes.length === 0) return sorted.map(formatCmapEntry).join("");
  return prefixes
    .map((p) =>
      sorted
        .filter((e) => e.key.startsWith(p))
        .map(formatCmapEntry)
        .join(""),
    )
    .join("");
}
