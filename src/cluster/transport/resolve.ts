/**
 * Host names in `ringX_addr` → addresses, as corosync.conf(5) "ADDRESS RESOLUTION" describes:
 * getaddrinfo, then the first address of the family `totem.ip_version` asks for (default
 * ipv4 for udp, ipv6-4 for udpu and knet). Done once at start, at the I/O edge; everything
 * after works on IP literals.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { err, ok, type Result } from "../../shared/result.js";
import type { CorosyncConfig, NodeConfig } from "../config/types.js";

export type Lookup = (name: string) => Promise<readonly { address: string; family: number }[]>;

const systemLookup: Lookup = (name) => lookup(name, { all: true });

/** Picks an address per `ip_version`; undefined when none of the allowed families is there. */
export function pickAddress(
  addrs: readonly { address: string; family: number }[],
  ipVersion: NonNullable<CorosyncConfig["totem"]["ipVersion"]>,
): string | undefined {
  const v4 = addrs.find((a) => a.family === 4)?.address;
  const v6 = addrs.find((a) => a.family === 6)?.address;
  switch (ipVersion) {
    case "ipv4":
      return v4;
    case "ipv6":
      return v6;
    case "ipv4-6":
      return v4 ?? v6;
    case "ipv6-4":
      return v6 ?? v4;
  }
}

/**
 * Returns the config with every `ringX_addr` an IP address.
 * @example const r = await resolveRingAddrs(config); if (!r.ok) console.error(r.error);
 */
export async function resolveRingAddrs(
  config: CorosyncConfig,
  opts: { lookup?: Lookup } = {},
): Promise<Result<CorosyncConfig, string>> {
  const ipVersion =
    config.totem.ipVersion ?? (config.totem.transport === "udp" ? "ipv4" : "ipv6-4");
  const look = opts.lookup ?? systemLookup;
  const nodelist: NodeConfig[] = [];
  for (const node of config.nodelist) {
    const ringAddrs = new Map<number, string>();
    for (const [link, addr] of node.ringAddrs) {
      if (isIP(addr) !== 0) {
        ringAddrs.set(link, addr);
        continue;
      }
      let found: readonly { address: string; family: number }[];
      try {
        found = await look(addr);
      } catch (e) {
        const why = e instanceof Error && "code" in e ? String(e.code) : "lookup failed";
        return err(
          `node ${node.nodeId}: cannot resolve ring${link}_addr "${addr}" (${why}); use an IP address or fix /etc/hosts`,
        );
      }
      const picked = pickAddress(found, ipVersion);
      if (picked === undefined) {
        return err(
          `node ${node.nodeId}: ring${link}_addr "${addr}" has no ${ipVersion} address; set totem.ip_version or use an IP address`,
        );
      }
      ringAddrs.set(link, picked);
    }
    nodelist.push({ ...node, ringAddrs });
  }
  return ok({ ...config, nodelist });
}
