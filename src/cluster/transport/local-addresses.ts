/** This host's addresses, as `findLocalNode`/`pickBindAddress` want them (the one I/O read). */
import { networkInterfaces } from "node:os";
import type { LocalAddress } from "../config/local-node.js";

/** @example pickBindAddress("192.168.50.0", localAddresses()) */
export function localAddresses(): LocalAddress[] {
  const out: LocalAddress[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? [])
      out.push({ address: a.address, netmask: a.netmask, family: a.family });
  }
  return out;
}
