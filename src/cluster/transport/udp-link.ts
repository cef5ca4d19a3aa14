/**
 * One link's UDP socket. Multicast links bind the group address and port (so other groups on
 * the same port stay out), join the group on the local address, send with TTL 1 (by default)
 * and IP_MULTICAST_LOOP on when another node may run on this host (links.ts decides), so
 * nodes on one host hear each other; unicast links bind the node's own address. Node's socket
 * errors are turned into values here, at the I/O edge.
 *
 * Addresses are numeric (planLinks checks): the socket's lookup answers them at once, where
 * node:dgram would otherwise go through dns.lookup and a process.nextTick on every send.
 */
import { createSocket, type Socket } from "node:dgram";
import { lookup as dnsLookup, type LookupOneOptions } from "node:dns";
import { isIP, isIPv6 } from "node:net";
import { err, ok, type Result } from "../../shared/result.js";
import type { LinkSpec } from "./links.js";

/** Kernel receive buffer asked for: bursts of fragments must not overflow it. */
export const receiveBufferBytes = 4 * 1024 * 1024;

export interface LinkSocket {
  readonly spec: LinkSpec;
  /**
   * Sends a datagram (one buffer, or its parts sent as one datagram) to `addr` (unicast) or to
   * the group (multicast when addr is undefined). `onSent` gets the send's error or null;
   * callers pass one long-lived function (no closure per packet).
   */
  send(
    datagram: Uint8Array | readonly Uint8Array[],
    addr: string | undefined,
    onSent: (e: Error | null) => void,
  ): void;
  close(): void;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** dgram's lookup for numeric addresses: answers synchronously, no dns module round trip. */
export function numericLookup(
  hostname: string,
  options: LookupOneOptions | number,
  callback: LookupCallback,
): void {
  const family = isIP(hostname);
  if (family !== 0) {
    callback(null, hostname, family);
    return;
  }
  const opts = typeof options === "number" ? { family: options } : options;
  dnsLookup(hostname, opts, callback);
}

/**
 * Opens and binds a link's socket.
 * @example const s = await openLink(spec, (bytes, from) => receive(spec.linkNumber, bytes));
 */
export function openLink(
  spec: LinkSpec,
  onDatagram: (datagram: Buffer, fromAddr: string) => void,
): Promise<Result<LinkSocket, string>> {
  return new Promise((resolve) => {
    const type = isIPv6(spec.localAddr) ? "udp6" : "udp4";
    const socket: Socket = createSocket({
      type,
      reuseAddr: spec.mode === "multicast",
      lookup: numericLookup,
    });
    let bound = false;
    socket.on("error", (e) => {
      if (!bound) {
        socket.close();
        resolve(
          err(`link ${spec.linkNumber}: cannot bind ${spec.localAddr}:${spec.port}: ${e.message}`),
        );
      }
      // After binding, send errors arrive through send's callback; others are transient.
    });
    socket.on("message", (msg, rinfo) => onDatagram(msg, rinfo.address));
    const address = spec.mode === "multicast" ? spec.mcastaddr : spec.localAddr;
    socket.bind({ port: spec.port, address }, () => {
      bound = true;
      const setup = configure(socket, spec);
      if (!setup.ok) {
        socket.close();
        resolve(setup);
        return;
      }
      resolve(ok(linkSocket(socket, spec)));
    });
  });
}

function configure(socket: Socket, spec: LinkSpec): Result<null, string> {
  try {
    socket.setRecvBufferSize(receiveBufferBytes);
  } catch {
    // The kernel caps it (net.core.rmem_max); the default still works, with less slack.
  }
  if (spec.mode !== "multicast" || spec.mcastaddr === undefined) return ok(null);
  try {
    socket.addMembership(spec.mcastaddr, spec.localAddr);
    socket.setMulticastInterface(spec.localAddr);
    socket.setMulticastTTL(spec.ttl);
    socket.setMulticastLoopback(spec.multicastLoop ?? true);
    return ok(null);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return err(
      `link ${spec.linkNumber}: cannot join ${spec.mcastaddr} on ${spec.localAddr}: ${why}`,
    );
  }
}

function linkSocket(socket: Socket, spec: LinkSpec): LinkSocket {
  let closed = false;
  return {
    spec,
    send(datagram, addr, onSent) {
      if (closed) return;
      const to = addr ?? spec.mcastaddr;
      if (to === undefined) return;
      // Node's types take a mutable array; dgram only reads the list.
      socket.send(datagram as Uint8Array | Uint8Array[], spec.port, to, onSent);
    },
    close() {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
}
