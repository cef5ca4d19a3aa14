/**
 * The scheduler's working set: a typed view of the CIB (configuration + status) that every
 * phase reads and the allocation/action phases annotate. Built by unpack.ts.
 */
import type { XmlElement } from "../cib/xml.js";
import type { Score } from "./scores.js";

export type Role = "Unknown" | "Stopped" | "Started" | "Unpromoted" | "Promoted";

export type OnFail = "ignore" | "block" | "stop" | "restart" | "standby" | "fence" | "demote";

export interface ClusterOptions {
  readonly stonithEnabled: boolean;
  readonly symmetricCluster: boolean;
  readonly noQuorumPolicy: "stop" | "ignore" | "freeze" | "demote" | "suicide";
  readonly startFailureIsFatal: boolean;
  readonly stopAllResources: boolean;
  readonly stopOrphanResources: boolean;
  readonly stonithAction: string;
  readonly startupFencing: boolean;
  readonly haveQuorum: boolean;
  readonly maintenanceMode: boolean;
}

export interface NodeInfo {
  readonly id: string;
  readonly uname: string;
  online: boolean;
  standby: boolean;
  unclean: boolean;
  shutdown: boolean;
  pending: boolean;
  maintenance: boolean;
  /** Set when the node is online but will be fenced (e.g. a resource's on-fail=fence). */
  fenceReason: string | undefined;
  /** Node has no node_state at all (never seen). */
  unseen: boolean;
  /** The membership reports the node (node_state in_ccm); a pending member can be probed. */
  inCcm?: boolean;
  readonly attrs: Map<string, string>;
  /** Resources allocated to this node so far (the tie-break between equal scores). */
  allocatedCount: number;
}

export interface OpDef {
  readonly id: string;
  readonly name: string;
  readonly intervalMs: number;
  readonly role: Role | undefined;
  readonly onFail: OnFail | undefined;
  readonly enabled: boolean;
  readonly timeoutMs: number | undefined;
  readonly xml: XmlElement;
}

/** One recorded operation (lrm_rsc_op) from the status section. */
export interface OpRecord {
  readonly id: string;
  readonly task: string;
  readonly intervalMs: number;
  readonly callId: number;
  readonly rc: number;
  readonly opStatus: number;
  readonly targetRc: number;
  readonly digest: string | undefined;
  readonly restartDigest: string | undefined;
  readonly lastRcChange: number;
  readonly xml: XmlElement;
}

/** What the history says about a resource on one node. */
export interface NodeHistory {
  readonly node: string;
  /** The lrm_resource id the history was recorded under. */
  readonly lrmId: string;
  role: Role;
  failed: boolean;
  /** on-fail=block or a stop failure without fencing: never touch again. */
  blocked: boolean;
  failureIgnored: boolean;
  /**
   * A failure here was recorded under parameters that have changed since: Pacemaker clears
   * the fail count on this node ("resource parameters have changed").
   */
  failCountCleared: boolean;
  notInstalled: boolean;
  /** At least one operation (probe or other) is recorded on this node. */
  probed: boolean;
  /** Pending (call-id -1) start/stop/promote. */
  pendingTask: string | undefined;
  onFail: OnFail | undefined;
  failedTask: string | undefined;
  readonly ops: OpRecord[];
  /** A hard error bans the resource from this node ("node") or from every node ("all"). */
  ban: "node" | "all" | undefined;
  /** The op that decided the role last (its digest is checked for definition changes). */
  lastStart: OpRecord | undefined;
}

export type ResourceKind = "primitive" | "group" | "clone";

export interface Resource {
  readonly id: string;
  readonly kind: ResourceKind;
  readonly parent: Resource | undefined;
  readonly children: Resource[];
  readonly xml: XmlElement | undefined;
  readonly meta: Map<string, string>;
  readonly params: Map<string, string>;
  readonly cls: string;
  readonly provider: string | undefined;
  readonly type: string;
  readonly ops: OpDef[];
  readonly orphan: boolean;
  /** Configuration id (for clone instances "child", while id is "child:0"). */
  readonly baseId: string;
  /** Clone instance number, for instances of a clone. */
  readonly instance: number | undefined;
  priority: number;
  stickiness: Score;
  targetRole: Role;
  managed: boolean;
  migrationThreshold: number;
  requires: "nothing" | "quorum" | "fencing" | "unfencing";
  readonly history: Map<string, NodeHistory>;
  readonly clone: CloneSettings | undefined;
}

export interface CloneSettings {
  readonly cloneMax: number;
  readonly cloneNodeMax: number;
  readonly cloneMin: number;
  readonly unique: boolean;
  readonly promotable: boolean;
  readonly promotedMax: number;
  readonly promotedNodeMax: number;
  readonly notify: boolean;
  readonly interleave: boolean;
  readonly ordered: boolean;
}

export interface LocationConstraint {
  readonly id: string;
  readonly rsc: string;
  readonly role: Role | undefined;
  /** Node scores this constraint contributes (after rule evaluation). */
  readonly scores: Map<string, Score>;
}

export interface ColocationConstraint {
  readonly id: string;
  /** The resource placed relative to the other ("rsc"). */
  readonly dependent: string;
  /** The resource it is placed with ("with-rsc"). */
  readonly primary: string;
  readonly score: Score;
  readonly dependentRole: Role | undefined;
  readonly primaryRole: Role | undefined;
  readonly nodeAttribute: string;
  readonly influence: boolean;
}

export type OrderKind = "Mandatory" | "Optional" | "Serialize";

export interface OrderConstraint {
  readonly id: string;
  readonly first: string;
  readonly then: string;
  readonly firstAction: string;
  readonly thenAction: string;
  readonly kind: OrderKind;
  readonly symmetrical: boolean;
  /** clone-one-or-more: only for require-all=false. */
  readonly requireAll: boolean;
}

export interface WorkingSet {
  readonly cib: XmlElement;
  readonly now: number;
  readonly options: ClusterOptions;
  readonly nodes: NodeInfo[];
  readonly nodeByName: Map<string, NodeInfo>;
  /** Top-level resources in configuration order (orphans last). */
  readonly resources: Resource[];
  readonly byId: Map<string, Resource>;
  readonly locations: LocationConstraint[];
  readonly colocations: ColocationConstraint[];
  readonly orders: OrderConstraint[];
  readonly warnings: string[];
  readonly dcUuid: string | undefined;
  /**
   * stonith-enabled without any fencing device: Pacemaker only probes, it neither starts,
   * stops nor fences anything.
   */
  frozen: boolean;
}
