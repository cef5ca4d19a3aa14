/**
 * dc-deadtime: how long a DC that is forming a new cluster waits for the rest of the nodelist
 * before it writes the CIB and starts resources (Pacemaker waits `dc-deadtime` for a DC to
 * appear before electing one). Without the wait, a node that boots first and hears no peer
 * forms a ring alone and, with `no-quorum-policy=ignore`, starts resources that its peer will
 * also claim a moment later. See docs/decisions/0055-dc-deadtime.md.
 */
import { parseDurationMs } from "../scheduler/nvpairs.js";
import type { Member } from "./types.js";

/**
 * pacer's default. Pacemaker's is 20 s, most of its cold start; pacer's views are agreed by
 * the cluster layer within a heartbeat and a join of each other, so a peer that boots within
 * two seconds is waited for, and a peer that is really down costs two seconds, not twenty.
 */
export const DC_DEADTIME_DEFAULT_MS = 2000;
/** Upper bound on what the property may ask (Pacemaker accepts any; a day is absurd already). */
export const DC_DEADTIME_MAX_MS = 3_600_000;

/**
 * Pacemaker's interval syntax for dc-deadtime ("20s", "500ms", "2min", a bare number is
 * seconds; ISO 8601 "PT20S"), capped at DC_DEADTIME_MAX_MS; undefined when the text is not
 * one (an ISO "PT" without any field included).
 * @example dcDeadtimeMs("20s") // 20000
 */
export function dcDeadtimeMs(text: string | undefined): number | undefined {
  if (text === undefined || /^\s*pt\s*$/i.test(text)) return undefined;
  const ms = parseDurationMs(text);
  return ms === undefined ? undefined : Math.min(DC_DEADTIME_MAX_MS, ms);
}

/** Every node of the nodelist is a member of the view (an empty nodelist names nobody). */
export function nodelistComplete(nodelist: readonly Member[], members: readonly Member[]): boolean {
  return nodelist.every((n) => members.some((m) => m.name === n.name));
}

export interface HoldInput {
  /** Some member of the view (this node included) already belongs to a formed cluster. */
  readonly anySettled: boolean;
  readonly nodelistComplete: boolean;
  readonly nowMs: number;
  /** This node's first view + dc-deadtime. */
  readonly deadlineMs: number;
}

/**
 * Whether the DC of a just-joined view holds off: only while a cluster is being formed (no
 * member was part of one before: joining a running cluster never waits), some configured node
 * is still missing, and dc-deadtime has not run out.
 */
export function holdJoin(h: HoldInput): boolean {
  return !h.anySettled && !h.nodelistComplete && h.nowMs < h.deadlineMs;
}
