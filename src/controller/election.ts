/**
 * DC election and the join winner. Both are deterministic functions of what every member
 * of a view has seen in the same agreed order, so no election messages are needed: every
 * node computes the same DC and the same winning CIB (docs/decisions/0050-dc-election-and-join.md).
 */
import type { CibVersion } from "../cib/backend.js";
import { assert } from "../shared/assert.js";
import { compareVersions } from "./cib-state.js";
import type { Member, View } from "./types.js";

/**
 * The DC of a view: the member with the lowest node id. Pacemaker elects by comparing
 * uptime and version among candidates; with a fixed rule the DC only moves when the old one
 * leaves or a lower id joins, which keeps elections free and traceable.
 * @example electDc({ ringSeq: 4, members: [{id: 2, name: "b"}, {id: 1, name: "a"}],
 *   quorate: true }).name === "a"
 */
export function electDc(view: View): Member {
  assert(view.members.length > 0, "a view has at least its installer as member");
  let best = view.members[0] as Member;
  for (const m of view.members) if (m.id < best.id) best = m;
  return best;
}

export interface Announce {
  readonly member: Member;
  readonly version: CibVersion;
  readonly digest: string;
}

/**
 * Pacemaker's join rule: the CIB with the highest (admin_epoch, epoch, num_updates) wins.
 * Ties go to the DC's own copy, then to the lowest node id, so every member picks the same.
 */
export function joinWinner(announces: readonly Announce[], dc: Member): Announce {
  assert(announces.length > 0, "the join has at least the DC's announce");
  let best: Announce | undefined;
  for (const a of announces) {
    if (best === undefined) {
      best = a;
      continue;
    }
    const c = compareVersions(a.version, best.version);
    const preferTie =
      a.member.id === dc.id || (best.member.id !== dc.id && a.member.id < best.member.id);
    if (c > 0 || (c === 0 && preferTie)) best = a;
  }
  return best as Announce;
}
