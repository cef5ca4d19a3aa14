/**
 * The controller's vocabulary: what the cluster layer hands it (views, agreed-order messages),
 * what it hands back (effects), and the messages controllers exchange. The controller core is
 * sans-IO: the daemon (or the in-memory harness in ./testing/) executes effects in list order
 * and feeds events back in; time arrives inside events, never from a clock.
 */

import type { CibVersion } from "../cib/backend.js";
import type { XmlElement } from "../cib/xml.js";
import type { GraphAction, TransitionGraph } from "./graph.js";

/** A node as the cluster layer knows it: corosync nodeid and node name (uname). */
export interface Member {
  readonly id: number;
  readonly name: string;
}

/** One agreed membership view (Corosync's ring id + member list) and its quorum. */
export interface View {
  readonly ringSeq: number;
  readonly members: readonly Member[];
  readonly quorate: boolean;
}

/** What a node's executor reports about one operation (OCF rc, Pacemaker op-status). */
export interface OpResult {
  readonly resource: string;
  readonly operation: string;
  readonly intervalMs: number;
  readonly rc: number;
  /** Pacemaker's op-status: 0 done, 1 cancelled, 2 timed out, 4 error, 5 not installed... */
  readonly opStatus: number;
  readonly exitReason: string;
  readonly callId: number;
  readonly execMs: number;
  readonly queueMs: number;
  /** Wall-clock seconds (last-rc-change), supplied by the executor's driver. */
  readonly rcChangeS: number;
  /** transition-key of the action that asked for it; "" for recurring results after the first. */
  readonly transitionKey: string;
  readonly resourceClass: string;
  readonly provider: string;
  readonly type: string;
  readonly opDigest: string;
}

/** Changes a client may ask of the CIB; only the DC applies them. */
export type CibRequest =
  | { readonly op: "replace"; readonly cib: string; readonly bump: "auto" | "none" }
  | {
      readonly op: "attr";
      readonly node: string;
      readonly name: string;
      /** null deletes the attribute. */
      readonly value: string | null;
      readonly lifetime: "reboot" | "forever";
    }
  | { readonly op: "cleanup"; readonly resource: string | null; readonly node: string | null };

/** Messages between controllers, broadcast in agreed order (virtual synchrony). */
export type Message =
  | {
      readonly kind: "join-announce";
      readonly ringSeq: number;
      readonly version: CibVersion;
      readonly digest: string;
      /** The node's executor history: lrm_resource elements, printed (wire-text.ts). */
      readonly lrm: string;
      /** `lrm` is deflated (wire-text.ts). */
      readonly lrmZ?: true;
      /**
       * The sender already belongs to a formed cluster (its dc-deadtime wait is over): a DC
       * never holds a join that such a member is in (startup-hold.ts). Absent means true.
       */
      readonly settled?: boolean;
    }
  | {
      readonly kind: "cib-full";
      readonly ringSeq: number;
      readonly cib: string;
      /** `cib` is deflated (wire-text.ts). */
      readonly cibZ?: true;
    }
  | {
      readonly kind: "cib-diff";
      readonly from: CibVersion;
      readonly to: CibVersion;
      readonly digest: string;
      /** Pacemaker v2 patchset from `from` to `to` (see replication.ts). */
      readonly patch: CibPatch;
      readonly reqOrigin: string;
      /** `node/incarnation` of the request's sender; every member tracks them for dedupe. */
      readonly reqKey: string;
      readonly reqId: number;
    }
  | { readonly kind: "cib-sync-request"; readonly have: CibVersion }
  | {
      readonly kind: "cib-request";
      readonly reqId: number;
      readonly incarnation: number;
      /** The tool that asked (`update-client` of the change). */
      readonly client: string;
      readonly request: CibRequest;
    }
  | {
      readonly kind: "cib-reply";
      readonly to: string;
      readonly reqId: number;
      readonly error: string | null;
      readonly code: number;
    }
  | { readonly kind: "exec"; readonly to: string; readonly action: GraphAction }
  | { readonly kind: "op-result"; readonly result: OpResult }
  | { readonly kind: "shutdown-ok"; readonly to: string };

/** A change broadcast by the DC: a Pacemaker v2 patchset (`<diff format="2">`), printed. */
export type CibPatch = string;

/** What the controller reacts to. `nowMs` is monotonic, `wallS` wall-clock seconds. */
export type ControllerEvent =
  | { readonly kind: "view"; readonly view: View }
  | { readonly kind: "deliver"; readonly from: string; readonly msg: Message }
  | { readonly kind: "op-result"; readonly result: OpResult }
  | { readonly kind: "scheduled"; readonly seq: number; readonly graph: TransitionGraph }
  | { readonly kind: "tick" }
  /** The driver delivered a batch of messages: commit what they changed, once. */
  | { readonly kind: "flush" }
  | {
      readonly kind: "client-request";
      readonly reqId: number;
      readonly request: CibRequest;
      readonly client?: string;
    }
  | { readonly kind: "shutdown-request" };

/** What the controller asks its driver to do, executed in list order. */
export type Effect =
  | { readonly kind: "broadcast"; readonly msg: Message }
  | { readonly kind: "persist"; readonly cib: XmlElement }
  | { readonly kind: "schedule"; readonly seq: number; readonly cib: XmlElement }
  | { readonly kind: "execute"; readonly action: GraphAction }
  | { readonly kind: "cancel-recurring"; readonly resource: string | null }
  | {
      readonly kind: "client-reply";
      readonly reqId: number;
      readonly error: string | null;
      readonly code: number;
    }
  | {
      readonly kind: "log";
      readonly level: "info" | "warn" | "error";
      readonly msg: string;
      readonly fields?: Readonly<Record<string, string | number>>;
    }
  | { readonly kind: "exit" }
  /**
   * Feed a `flush` event at monotonic time `atMs` (results held back for one commit, the end
   * of a dc-deadtime hold). The driver may keep only the earliest: the controller asks again
   * at that flush for what is still due.
   */
  | { readonly kind: "wake"; readonly atMs: number };
