/**
 * A node's `ClusterStatus` (what corosync-quorumtool/-cfgtool/-cmapctl print), from its
 * corosync.conf, its driver and the history of views it installed. `MemberHistory` keeps what
 * Corosync keeps in `runtime.members.*`: every node seen, its join count, joined or left.
 */
import { buildCmap } from "../config/cmap.js";
import { toProtocolConfig } from "../config/protocol-config.js";
import type { CorosyncConfig } from "../config/types.js";
import type { View } from "../protocol/api.js";
import { resolveConfig } from "../protocol/config.js";
import type { ClusterDriver } from "./driver.js";
import type { ClusterStatus, CmapEntry, LinkStatus } from "./status-api.js";

export class MemberHistory {
  private readonly members = new Map<number, { joinCount: number; status: "joined" | "left" }>();

  /** Records an installed view. */
  observe(view: View): void {
    const inView = new Set<number>(view.members);
    for (const id of view.members) {
      const m = this.members.get(id);
      if (m === undefined) this.members.set(id, { joinCount: 1, status: "joined" });
      else if (m.status === "left" || view.joined.includes(id)) {
        m.joinCount++;
        m.status = "joined";
      }
    }
    for (const [id, m] of this.members) if (!inView.has(id)) m.status = "left";
  }

  entries(): { nodeId: number; joinCount: number; status: "joined" | "left" }[] {
    return [...this.members]
      .map(([nodeId, m]) => ({ nodeId, ...m }))
      .sort((a, b) => a.nodeId - b.nodeId);
  }
}

/** Counters as `stats.pacer.transport.rx_auth_failed (u64) = 3` (snake_case, like Corosync's). */
export function transportStats(driver: ClusterDriver): CmapEntry[] {
  const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const entries: CmapEntry[] = Object.entries(driver.counters).map(([k, v]) => ({
    key: `stats.pacer.transport.${snake(k)}`,
    type: "u64",
    value: String(v),
  }));
  entries.push({
    key: "stats.pacer.transport.delivered",
    type: "u64",
    value: String(driver.deliveredCount),
  });
  entries.push({
    key: "stats.pacer.transport.max_tick_gap_ms",
    type: "u32",
    value: String(Math.round(driver.maxTickGapMs)),
  });
  return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * @example const status = buildClusterStatus(config, { self: 1, driver, history });
 */
export function buildClusterStatus(
  config: CorosyncConfig,
  live: { self: number; driver: ClusterDriver; history: MemberHistory },
): ClusterStatus {
  const { self, driver, history } = live;
  const resolved = resolveConfig(toProtocolConfig(config));
  const view = driver.view;
  const q = driver.quorum;
  const node = (id: number) => config.nodelist.find((n) => n.nodeId === id);
  const addrsOf = (id: number): string[] => {
    const n = node(id);
    return n === undefined ? [] : [...n.ringAddrs].sort((a, b) => a[0] - b[0]).map(([, a]) => a);
  };
  const memberIds = view === null ? [self] : [...view.members];
  const links: LinkStatus[] = driver.linkStates().map((l) => ({
    linkNumber: l.linkNumber,
    localAddr: l.localAddr,
    peers: [
      { nodeId: self, addr: l.localAddr, state: "localhost" as const },
      ...l.peers.map((p) => ({
        nodeId: p.nodeId,
        addr: p.addr ?? "",
        state: p.up ? ("connected" as const) : ("disconnected" as const),
      })),
    ].sort((a, b) => a.nodeId - b.nodeId),
  }));
  const expectedVotes = q?.expectedVotes ?? resolved.expectedVotes;
  return {
    localNodeId: self,
    transport: config.totem.transport,
    ringId: view === null ? null : { rep: view.ringId.rep, seq: view.ringId.seq },
    quorumProvider: config.quorum.provider ?? "corosync_votequorum",
    votequorum: {
      quorate: q?.quorate ?? false,
      expectedVotes,
      highestExpected: expectedVotes,
      totalVotes: q?.totalVotes ?? 0,
      quorum: q?.quorum ?? Math.floor(expectedVotes / 2) + 1,
      twoNode: q?.twoNode ?? resolved.twoNode,
      waitForAll: q?.waitForAll ?? resolved.waitForAll,
      lastManStanding: false,
      autoTieBreaker: false,
    },
    members: memberIds.map((id) => ({
      nodeId: id,
      votes: node(id)?.quorumVotes ?? 1,
      addrs: addrsOf(id),
      ...(node(id)?.name === undefined ? {} : { name: node(id)?.name as string }),
    })),
    links,
    stats: transportStats(driver),
    cmap: buildCmap(config, {
      localNodeId: self,
      localAddrs: new Map(driver.linkStates().map((l) => [l.linkNumber, l.localAddr])),
      totem: {
        token: resolved.tokenMs,
        consensus: resolved.consensusMs,
        join: resolved.joinMs,
        token_retransmit: resolved.heartbeatMs,
        max_messages: resolved.maxMessages,
        window_size: resolved.windowSize,
      },
      members: history.entries().map((m) => ({ ...m, addrs: addrsOf(m.nodeId) })),
      expectedVotes,
      twoNode: resolved.twoNode,
      waitForAll: resolved.waitForAll,
      waitForAllStatus: q?.waitForAll === true && !q.waitForAllSatisfied,
    }),
  };
}
