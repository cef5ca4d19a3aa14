/**
 * votequorum(5) semantics, computed by a ring's representative when it forms the ring and
 * carried in the install, so that every member of one ring reports the same quorum.
 *
 * - expected votes: `expected_votes`, else the nodelist's total; raised to the votes present
 *   when more are present (votequorum never lets expected be below the live total);
 * - quorum: floor(expected / 2) + 1, except `two_node` with 2 expected votes: 1;
 * - `wait_for_all` (implied by two_node): not quorate until all nodelist nodes were members of
 *   one view at once. The flag is sticky per incarnation and a view inherits it from any
 *   member that had it (a restarted node joining a running cluster is not held back).
 */
import type { NodeId, QuorumState, ResolvedConfig } from "./api.js";

export interface QuorumInput {
  readonly members: readonly NodeId[];
  /** Some member already saw all nodes together (or this view contains them all). */
  readonly anyMemberSatisfied: boolean;
}

/**
 * @example computeQuorum(cfg, { members: [1, 2], anyMemberSatisfied: false }).quorate
 */
export function computeQuorum(cfg: ResolvedConfig, input: QuorumInput): QuorumState {
  const votesOf = new Map(cfg.nodes.map((n) => [n.nodeid as number, n.votes]));
  let totalVotes = 0;
  for (const m of input.members) totalVotes += votesOf.get(m) ?? 0;
  const expectedVotes = Math.max(cfg.expectedVotes, totalVotes);
  const quorum = cfg.twoNode && expectedVotes === 2 ? 1 : Math.floor(expectedVotes / 2) + 1;
  const present = new Set<number>(input.members);
  const allSeen = cfg.nodes.every((n) => present.has(n.nodeid));
  const waitForAllSatisfied = input.anyMemberSatisfied || allSeen;
  const quorate = totalVotes >= quorum && (!cfg.waitForAll || waitForAllSatisfied);
  return {
    quorate,
    expectedVotes,
    totalVotes,
    quorum,
    twoNode: cfg.twoNode,
    waitForAll: cfg.waitForAll,
    waitForAllSatisfied,
  };
}
