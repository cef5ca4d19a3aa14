/**
 * Operation digests: Pacemaker records an MD5 of an operation's parameters with each
 * result (op-digest); a different digest for the current definition means the resource
 * must restart to pick up the change.
 */
import type { Resource, WorkingSet } from "./model.js";

/** The reason a running resource must restart on `node`, or undefined. */
export function definitionChanged(_ws: WorkingSet, _rsc: Resource, _node: string): string | undefined {
  return undefined;
}

/** The op-digest recorded for an operation's result. */
export function operationDigest(_rsc: Resource, _task: string, _intervalMs: number): string {
  return "";
}
