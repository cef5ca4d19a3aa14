/**
 * What the node daemon needs from the cluster layer (Corosync's role): agreed views with
 * quorum, agreed-order delivery of its own broadcasts, status for the corosync tools, and a
 * graceful leave. The transport room's driver is adapted to this in transport-adapter.ts;
 * keeping the seam narrow lets the daemon run over any driver (real UDP or simulated).
 */
import type { ClusterStatus } from "../cluster/transport/status-api.js";
import type { View } from "../controller/types.js";

export interface ClusterHandlers {
  /** A new view (or a quorum change of the current one). */
  onView(view: View): void;
  /** A message in agreed order, from the member named `from` (this node included). */
  onDeliver(from: string, payload: Uint8Array): void;
  /** After a batch of deliveries: the controller commits what the batch changed, once. */
  onBatchEnd(): void;
}

export interface ClusterLayer {
  /** This node's id and name as the nodelist gives them. */
  readonly self: { readonly id: number; readonly name: string };
  /** Every node of the nodelist (for `crm_node -l` and node entries). */
  readonly nodelist: readonly { readonly id: number; readonly name: string }[];
  start(handlers: ClusterHandlers): Promise<void>;
  broadcast(payload: Uint8Array): void;
  status(): ClusterStatus | null;
  /** Tells the members this node leaves, then closes sockets. */
  stop(): Promise<void>;
}
