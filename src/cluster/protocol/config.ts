/**
 * Effective protocol timers from a ProtocolConfig: pacer's defaults, then Corosync's rules
 * (corosync.conf(5)): the real token timeout grows by token_coefficient per node above two
 * when the nodelist has at least three nodes; consensus defaults to 1.2 × token.
 */
import type { NodeId, ProtocolConfig, ResolvedConfig } from "./api.js";

/** pacer's defaults; docs/protocol.md explains why they differ from Corosync's 3000 ms token. */
export const DEFAULTS = {
  tokenMs: 600,
  tokenCoefficientMs: 0,
  joinMs: 50,
  tokenRetransmitsBeforeLossConst: 4,
  maxMessages: 64,
  windowSize: 2048,
  fragmentBytes: 1100,
  pendingMessagesMax: 65_536,
  pendingBytesMax: 256 * 1024 * 1024,
} as const;

/** Hard ceilings: a config beyond them is a user error caught by the config parser. */
export const LIMITS = {
  nodesMax: 1024,
  tokenMsMax: 600_000,
  windowSizeMax: 8192,
  fragmentBytesMax: 16_000,
} as const;

/**
 * Applies defaults and Corosync's derivations.
 * @example resolveConfig({ nodes: [{ nodeid: 1 }, { nodeid: 2 }] }).tokenMs // 600
 */
export function resolveConfig(config: ProtocolConfig): ResolvedConfig {
  const nodes = [...config.nodes]
    .map((n) => ({ nodeid: n.nodeid as NodeId, votes: n.votes ?? 1 }))
    .sort((a, b) => a.nodeid - b.nodeid);
  if (nodes.length === 0 || nodes.length > LIMITS.nodesMax) {
    throw new RangeError(`nodelist must have 1..${LIMITS.nodesMax} nodes`);
  }
  for (let i = 1; i < nodes.length; i++) {
    if (nodes[i]?.nodeid === nodes[i - 1]?.nodeid) throw new RangeError("duplicate nodeid");
  }
  const baseToken = config.tokenMs ?? DEFAULTS.tokenMs;
  const coefficient = config.tokenCoefficientMs ?? DEFAULTS.tokenCoefficientMs;
  const tokenMs = Math.min(
    LIMITS.tokenMsMax,
    nodes.length >= 3 ? baseToken + (nodes.length - 2) * coefficient : baseToken,
  );
  const lossConst =
    config.tokenRetransmitsBeforeLossConst ?? DEFAULTS.tokenRetransmitsBeforeLossConst;
  const heartbeatMs = config.tokenRetransmitMs ?? Math.floor(tokenMs / (lossConst + 0.2));
  const twoNode = config.quorum?.twoNode ?? false;
  const totalVotes = nodes.reduce((s, n) => s + n.votes, 0);
  return {
    nodes,
    tokenMs,
    consensusMs: config.consensusMs ?? Math.floor(1.2 * tokenMs),
    joinMs: config.joinMs ?? DEFAULTS.joinMs,
    heartbeatMs: Math.max(1, heartbeatMs),
    retransmitMs: Math.max(10, Math.min(50, Math.floor(heartbeatMs / 3))),
    maxMessages: config.maxMessages ?? DEFAULTS.maxMessages,
    windowSize: Math.min(LIMITS.windowSizeMax, config.windowSize ?? DEFAULTS.windowSize),
    fragmentBytes: Math.min(
      LIMITS.fragmentBytesMax,
      config.fragmentBytes ?? DEFAULTS.fragmentBytes,
    ),
    pendingMessagesMax: Math.max(1, config.pendingMessagesMax ?? DEFAULTS.pendingMessagesMax),
    pendingBytesMax: Math.max(1, config.pendingBytesMax ?? DEFAULTS.pendingBytesMax),
    expectedVotes: config.quorum?.expectedVotes ?? totalVotes,
    twoNode,
    // votequorum(5): two_node implies wait_for_all unless wait_for_all is set explicitly.
    waitForAll: config.quorum?.waitForAll ?? twoNode,
  };
}
