/**
 * Which nodelist entry is this machine, and which local address a `bindnetaddr` means.
 * corosync.conf(5) ("name"): look up $HOSTNAME in the nodelist, then its short name, then a
 * nodelist name whose short form matches, then a ringX_addr that is a local address. Pure:
 * the hostname and the local addresses are inputs (os.hostname(), os.networkInterfaces()).
 */
import { isIPv4 } from "node:net";
import type { CorosyncConfig, NodeConfig } from "./types.js";

export interface LocalAddress {
  readonly address: string;
  readonly netmask: string;
  readonly family: "IPv4" | "IPv6";
}

const short = (name: string): string => name.split(".")[0] ?? name;

/**
 * @example findLocalNode(config, { hostname: "node1", addresses: [] })?.nodeId // 1
 */
export function findLocalNode(
  config: CorosyncConfig,
  host: { hostname: string; addresses: readonly LocalAddress[] },
): NodeConfig | undefined {
  const nodes = config.nodelist;
  const byName = (pred: (n: string) => boolean): NodeConfig | undefined =>
    nodes.find((n) => n.name !== undefined && pred(n.name));
  const local = new Set(host.addresses.map((a) => a.address));
  return (
    byName((n) => n === host.hostname) ??
    byName((n) => n === short(host.hostname)) ??
    byName((n) => short(n) === short(host.hostname)) ??
    nodes.find((n) => [...n.ringAddrs.values()].some((a) => local.has(a)))
  );
}

function ipv4ToInt(a: string): number {
  return a.split(".").reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0);
}

/**
 * The local address `bindnetaddr` designates: itself if it is local, else the first local
 * IPv4 address in the same network (corosync.conf(5): "192.168.5.92 or 192.168.5.0").
 * @example pickBindAddress("192.168.50.0", [{ address: "192.168.50.3", netmask: "255.255.255.0", family: "IPv4" }])
 */
export function pickBindAddress(
  bindnetaddr: string,
  addresses: readonly LocalAddress[],
): string | undefined {
  if (addresses.some((a) => a.address === bindnetaddr)) return bindnetaddr;
  if (!isIPv4(bindnetaddr)) return undefined;
  const want = ipv4ToInt(bindnetaddr);
  for (const a of addresses) {
    if (a.family !== "IPv4" || !isIPv4(a.netmask)) continue;
    const mask = ipv4ToInt(a.netmask);
    if ((ipv4ToInt(a.address) & mask) >>> 0 === (want & mask) >>> 0) return a.address;
  }
  return undefined;
}
