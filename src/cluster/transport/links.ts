/**
 * Links: which sockets a node opens and where each packet goes.
 *
 * `planLinks` turns a corosync.conf into link specs: `transport: udp` gives one multicast link
 * per `interface` (mcastaddr:mcastport, local address from bindnetaddr or the node's
 * ringX_addr); `udpu` and `knet` give one unicast link per ringX_addr of this node, to the
 * same-numbered address of every other node (port: the interface's mcastport, else 5405).
 * pacer allows several links with every transport (Corosync only with knet).
 *
 * `LinkHealth` is the failover: a link is up for a peer while authentic packets from that peer
 * arrive on it (heartbeats go on every link, so every link keeps being measured) and, on
 * unicast links, while the peer reports hearing us on it (a one-way failure counts). Other
 * traffic takes the lowest-numbered link that is up for its destination, or every link when
 * none is known up, so that a dead link costs at most the detection time, never the message.
 */
import { isIP, isIPv4 } from "node:net";
import { err, ok, type Result } from "../../shared/result.js";
import { type LocalAddress, pickBindAddress } from "../config/local-node.js";
import type { CorosyncConfig } from "../config/types.js";

export const defaultPort = 5405;
export const linksMax = 8;

export interface LinkSpec {
  readonly linkNumber: number;
  readonly mode: "unicast" | "multicast";
  readonly localAddr: string;
  readonly port: number;
  readonly mcastaddr?: string;
  /** IP_MULTICAST_TTL; 1 keeps cluster traffic on the local network. */
  readonly ttl: number;
  /** Peer node id → its address on this link (unicast; may be empty with multicast). */
  readonly peers: ReadonlyMap<number, string>;
  /**
   * IP_MULTICAST_LOOP (multicast only; absent = on). Off when no other node of the nodelist
   * can be on this host, so the node does not receive (and drop) a copy of each own packet.
   */
  readonly multicastLoop?: boolean;
}

/**
 * @example planLinks(config, { self: 1, addresses: localAddresses() })
 */
export function planLinks(
  config: CorosyncConfig,
  opts: { self: number; addresses: readonly LocalAddress[] },
): Result<LinkSpec[], string> {
  const me = config.nodelist.find((n) => n.nodeId === opts.self);
  const links: LinkSpec[] = [];
  if (config.totem.transport === "udp") {
    for (const i of config.totem.interfaces) {
      const mine = me?.ringAddrs.get(i.linkNumber);
      const local =
        mine ?? (i.bindnetaddr ? pickBindAddress(i.bindnetaddr, opts.addresses) : undefined);
      if (local === undefined) {
        return err(
          `link ${i.linkNumber}: no local address in bindnetaddr ${i.bindnetaddr ?? "(unset)"}'s network; set bindnetaddr to this node's address`,
        );
      }
      if (i.mcastaddr === undefined)
        return err(`link ${i.linkNumber}: transport udp needs mcastaddr`);
      const peers = peersOn(config, opts.self, i.linkNumber);
      links.push({
        linkNumber: i.linkNumber,
        mode: "multicast",
        localAddr: local,
        port: i.mcastport ?? defaultPort,
        mcastaddr: i.mcastaddr,
        ttl: i.ttl ?? 1,
        peers,
        multicastLoop: mayShareHost(config, opts.self, peers, opts.addresses),
      });
    }
  } else {
    if (me === undefined)
      return err(`node ${opts.self} is not in the nodelist; add it (nodeid: ${opts.self})`);
    for (const [linkNumber, local] of [...me.ringAddrs].sort((a, b) => a[0] - b[0])) {
      const i = config.totem.interfaces.find((x) => x.linkNumber === linkNumber);
      links.push({
        linkNumber,
        mode: "unicast",
        localAddr: local,
        port: i?.mcastport ?? defaultPort,
        ttl: i?.ttl ?? 1,
        peers: peersOn(config, opts.self, linkNumber),
      });
    }
  }
  for (const l of links) {
    if (isIP(l.localAddr) === 0)
      return err(
        `link ${l.linkNumber}: "${l.localAddr}" is not an IP address (resolve ringX_addr names first: resolveRingAddrs)`,
      );
    for (const [id, a] of l.peers) {
      if (isIP(a) === 0)
        return err(
          `node ${id}: ring${l.linkNumber}_addr "${a}" is not an IP address (resolve ringX_addr names first: resolveRingAddrs)`,
        );
    }
  }
  if (links.length === 0)
    return err("no links: add an interface (udp) or ring0_addr for this node");
  if (links.length > linksMax) return err(`more than ${linksMax} links`);
  return ok(links);
}

function peersOn(config: CorosyncConfig, self: number, link: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const n of config.nodelist) {
    const a = n.ringAddrs.get(link);
    if (n.nodeId !== self && a !== undefined) out.set(n.nodeId, a);
  }
  return out;
}

/**
 * Whether another node of the cluster may run on this host (in this network namespace), and so
 * needs our multicast looped back: yes unless every other node of the nodelist has an address
 * on the link and none of them is ours (an address of this host, or in 127.0.0.0/8 or ::1,
 * which the host answers whole). With no nodelist we cannot tell: yes.
 */
function mayShareHost(
  config: CorosyncConfig,
  self: number,
  peers: ReadonlyMap<number, string>,
  addresses: readonly LocalAddress[],
): boolean {
  const others = config.nodelist.filter((n) => n.nodeId !== self);
  if (others.length === 0 || peers.size < others.length) return true;
  const mine = new Set(addresses.map((a) => a.address));
  for (const a of peers.values()) {
    if (mine.has(a) || a === "::1" || (isIPv4(a) && a.startsWith("127."))) return true;
  }
  return false;
}

/** Per (link, peer): when an authentic packet last arrived; decides the links to use. */
export class LinkHealth {
  private readonly lastHeardMs = new Map<string, number>();
  /** What each peer last said about hearing us (bit i = link i; 0xff = no report). */
  private readonly reports = new Map<number, number>();
  constructor(
    private readonly linkNumbers: readonly number[],
    /** A link is down for a peer after this long without a packet from it on that link. */
    private readonly downAfterMs: number,
  ) {}

  heard(link: number, peer: number, nowMs: number, hearMask = 0xff): void {
    this.lastHeardMs.set(`${link}:${peer}`, nowMs);
    if (hearMask !== 0xff) this.reports.set(peer, hearMask);
  }

  /** Whether we hear `peer` on `link` (one direction). */
  hears(link: number, peer: number, nowMs: number): boolean {
    const t = this.lastHeardMs.get(`${link}:${peer}`);
    return t !== undefined && nowMs - t <= this.downAfterMs;
  }

  /** The mask to send `peer`: the links on which we hear it. */
  hearMask(peer: number, nowMs: number): number {
    let mask = 0;
    for (const l of this.linkNumbers) if (l < 8 && this.hears(l, peer, nowMs)) mask |= 1 << l;
    return mask;
  }

  /** Up both ways: we hear the peer on it and the peer did not say it cannot hear us there. */
  isUp(link: number, peer: number, nowMs: number): boolean {
    const report = this.reports.get(peer);
    const theyHearUs = report === undefined || (report & (1 << link)) !== 0;
    return theyHearUs && this.hears(link, peer, nowMs);
  }

  /** The links to send a packet for `peer` on: the best one up, else all of them. */
  linksFor(peer: number, nowMs: number): readonly number[] {
    const up = this.linkNumbers.find((l) => this.isUp(l, peer, nowMs));
    return up === undefined ? this.linkNumbers : [up];
  }

  /** For a multicast/broadcast to `peers`: the union of each peer's choice. */
  linksForAll(peers: Iterable<number>, nowMs: number): readonly number[] {
    const out = new Set<number>();
    let any = false;
    for (const p of peers) {
      any = true;
      for (const l of this.linksFor(p, nowMs)) out.add(l);
    }
    return any ? this.linkNumbers.filter((l) => out.has(l)) : this.linkNumbers;
  }
}
