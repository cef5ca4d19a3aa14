/**
 * The body of the cluster worker thread (see cluster-host.ts): parses the config, opens the
 * links, runs the driver, and talks to the main thread with structured messages. Loaded only
 * as a worker; importing it on the main thread does nothing.
 */
import { isMainThread, type MessagePort, parentPort, workerData } from "node:worker_threads";
import { deriveClusterKey } from "../config/authkey.js";
import { parseCorosyncConf } from "../config/corosync-conf.js";
import { toProtocolConfig } from "../config/protocol-config.js";
import { type CorosyncConfig, formatConfIssue } from "../config/types.js";
import { createNode, nextTickMs, nodeId, step } from "../protocol/api.js";
import type { HostRequest, WorkerData, WorkerEvent } from "./cluster-host.js";
import { buildClusterStatus, MemberHistory } from "./cluster-status.js";
import { ClusterDriver } from "./driver.js";
import { planLinks } from "./links.js";
import { localAddresses } from "./local-addresses.js";
import { resolveRingAddrs } from "./resolve.js";
import { readNumberFile, writeNumberFileSync } from "./state-files.js";

async function main(data: WorkerData): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const post = (e: WorkerEvent, transfer: ArrayBuffer[] = []): void =>
    port.postMessage(e, transfer);
  const parsed = parseCorosyncConf(data.configText, data.configFile);
  if (!parsed.ok) {
    post({ kind: "failed", error: parsed.error.map(formatConfIssue).join("\n") });
    return;
  }
  const resolved = await resolveRingAddrs(parsed.value.config);
  if (!resolved.ok) {
    post({ kind: "failed", error: resolved.error });
    return;
  }
  const config = resolved.value;
  const links = planLinks(config, { self: data.self, addresses: localAddresses() });
  if (!links.ok) {
    post({ kind: "failed", error: links.error });
    return;
  }
  const seqFile = `${data.stateDir}/ring-seq`;
  const history = new MemberHistory();
  const started = await ClusterDriver.start({
    core: { createNode, step, nextTickMs },
    protocol: toProtocolConfig(config),
    self: nodeId(data.self),
    start: { incarnation: data.incarnation, ringSeq: readNumberFile(seqFile) ?? 0 },
    links: links.value,
    clusterKey: deriveClusterKey(data.authkey, { clusterName: config.totem.clusterName ?? "" }),
    persist: (ringSeq) => writeNumberFileSync(seqFile, ringSeq),
    onView: (view) => {
      history.observe(view);
      post({ kind: "view", view });
    },
    onQuorum: (quorum) => post({ kind: "quorum", quorum }),
    onDeliver: (d) => {
      const payload = new Uint8Array(d.payload); // a copy we may transfer
      post({ kind: "deliver", delivery: { ...d, payload } }, [payload.buffer as ArrayBuffer]);
    },
  });
  if (!started.ok) {
    post({ kind: "failed", error: started.error });
    return;
  }
  const driver = started.value;
  post({ kind: "started" });
  port.on("message", (req: HostRequest) =>
    answer(req, { post, port, driver, config, self: data.self, history }),
  );
}

function answer(
  req: HostRequest,
  ctx: {
    post: (e: WorkerEvent) => void;
    port: MessagePort;
    driver: ClusterDriver;
    config: CorosyncConfig;
    self: number;
    history: MemberHistory;
  },
): void {
  const { post, driver } = ctx;
  switch (req.kind) {
    case "broadcast":
      driver.broadcast(req.payload);
      return;
    case "status":
      post({ kind: "status", id: req.id, status: buildClusterStatus(ctx.config, ctx) });
      return;
    case "counters":
      post({
        kind: "counters",
        id: req.id,
        counters: { ...driver.counters },
        maxTickGapMs: driver.maxTickGapMs,
      });
      return;
    case "leave":
      driver.leave();
      post({ kind: "left" });
      ctx.port.close();
      return;
  }
}

if (!isMainThread && parentPort !== null) void main(workerData as WorkerData);
