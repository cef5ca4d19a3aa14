/**
 * Test helper run inside a network namespace by cluster-netns.test.ts (`node
 * _netns-probe.js GROUP PORT IFACE_ADDR AUTHKEY_FILE CLUSTER_NAME SENDER FUZZ_COUNT`): joins the
 * cluster's multicast group, captures up to 50 packets the nodes send, replays them to the
 * group unchanged, then sends FUZZ_COUNT fuzzed datagrams (_fuzz.ts). Prints one JSON line:
 * `{"captured":N,"replayed":N,"fuzzed":N}`.
 */

import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { deriveClusterKey } from "../config/authkey.js";
import { droppedTotal, fuzzer, nodeCounters, sendPaced } from "./_fuzz.js";

const arg = (i: number): string => process.argv[2 + i] ?? "";
const [group, portText, iface, keyFile, cluster, sender, n, apiSocket] = [
  0, 1, 2, 3, 4, 5, 6, 7,
].map(arg) as [string, string, string, string, string, string, string, string];
const port = Number(portText);
const sock = createSocket({ type: "udp4", reuseAddr: true });
const captured: Buffer[] = [];
await new Promise<void>((r) => sock.bind({ port, address: group }, () => r()));
sock.addMembership(group, iface);
sock.setMulticastInterface(iface);
sock.on("message", (m, from) => {
  if (from.address !== iface && captured.length < 50) captured.push(m);
});
const t0 = Date.now();
while (captured.length < 50 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
const send = (b: Buffer): Promise<void> => new Promise((r) => sock.send(b, port, group, () => r()));
for (const p of captured) await send(p);
const next = fuzzer(
  deriveClusterKey(readFileSync(keyFile), { clusterName: cluster }),
  Number(sender),
);
const total = Number(n);
const counted = await sendPaced({
  total,
  next,
  send: (b) => sock.send(b, port, group),
  dropped: async () => droppedTotal(await nodeCounters(apiSocket)),
});
sock.close();
process.stdout.write(`${JSON.stringify({ captured: captured.length, fuzzed: total, counted })}\n`);
