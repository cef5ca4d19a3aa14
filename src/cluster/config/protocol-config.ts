/**
 * corosync.conf → the protocol core's `ProtocolConfig`: the nodelist with its votes, the totem
 * timers the user set (unset ones take pacer's defaults inside the core), and votequorum's
 * options.
 */
import type { ProtocolConfig } from "../protocol/api.js";
import type { CorosyncConfig } from "./types.js";

/** @example toProtocolConfig(config).nodes.map((n) => n.nodeid) // [1, 2] */
export function toProtocolConfig(config: CorosyncConfig): ProtocolConfig {
  const t = config.totem;
  const q = config.quorum;
  return {
    nodes: config.nodelist.map((n) => ({
      nodeid: n.nodeId,
      votes: n.quorumVotes,
      ...(n.name === undefined ? {} : { name: n.name }),
    })),
    ...(t.tokenMs === undefined ? {} : { tokenMs: t.tokenMs }),
    ...(t.tokenCoefficientMs === undefined ? {} : { tokenCoefficientMs: t.tokenCoefficientMs }),
    ...(t.consensusMs === undefined ? {} : { consensusMs: t.consensusMs }),
    ...(t.joinMs === undefined ? {} : { joinMs: t.joinMs }),
    quorum: {
      twoNode: q.twoNode,
      waitForAll: q.waitForAll,
      ...(q.expectedVotes === undefined ? {} : { expectedVotes: q.expectedVotes }),
    },
  };
}
