/**
 * Turns a SandboxPlan into `ip` command batches (pure), so the layout is testable without root.
 * Executed by sandbox.ts with `ip -batch -` (one process per batch, fast).
 */
import type { SandboxPlan } from "./plan.js";

/** A batch for `ip -batch -`, run in `netns` (undefined = the host's namespace). */
export interface IpBatch {
  readonly netns?: string;
  readonly lines: readonly string[];
}

export function namespacesOf(plan: SandboxPlan): string[] {
  return [plan.switchNs, ...plan.nodes.map((n) => n.ns), plan.client.ns];
}

/** Batches that build the whole network; run in order after `ip netns add` of every namespace. */
export function upBatches(plan: SandboxPlan): IpBatch[] {
  const host: string[] = [];
  const sw: string[] = ["link set lo up"];
  const perNs = new Map<string, string[]>();
  for (const [i, br] of [plan.publicBridge, plan.privateBridge].entries()) {
    // Flood multicast (the tutorial's mcast ring) and forward at once; pin the MAC so that it
    // does not change when a port is detached during failover tests.
    sw.push(`link add ${br} type bridge mcast_snooping 0 forward_delay 0 stp_state 0`);
    sw.push(`link set ${br} address 02:5a:00:00:00:0${i + 1}`);
    sw.push(`link set ${br} up`);
  }
  const attach = (ns: string, short: string, ifname: string, bridge: string, addrs: string[]) => {
    host.push(`link add ${short} netns ${plan.switchNs} type veth peer name ${ifname} netns ${ns}`);
    sw.push(`link set ${short} master ${bridge} up`);
    const lines = perNs.get(ns) ?? ["link set lo up"];
    for (const a of addrs) lines.push(`addr add ${a} dev ${ifname}`);
    lines.push(`link set ${ifname} up`);
    perNs.set(ns, lines);
  };
  for (const n of plan.nodes) {
    attach(n.ns, `${plan.prefix}-n${n.id}-pub`, "pub", plan.publicBridge, [`${n.publicIp}/24`]);
    attach(n.ns, `${plan.prefix}-n${n.id}-prv`, "priv", plan.privateBridge, [`${n.privateIp}/24`]);
    const lines = perNs.get(n.ns) ?? [];
    lines.push("route add 224.0.0.0/4 dev priv");
    for (const net of plan.publicExtraNets) lines.push(`route add ${net} dev pub`);
  }
  attach(plan.client.ns, `${plan.prefix}-cl-pub`, "pub", plan.publicBridge, [
    `${plan.client.publicIp}/24`,
    ...plan.client.extraIps.map((ip) => `${ip}/24`),
  ]);
  return [
    { lines: host },
    { netns: plan.switchNs, lines: sw },
    ...[...perNs].map(([netns, lines]) => ({ netns, lines })),
  ];
}

/** `cut`: detach a node's switch ports (the node keeps carrier, as in a power loss). */
export function cutBatch(plan: SandboxPlan, nodeId: number, heal: boolean): IpBatch {
  const pub = `${plan.prefix}-n${nodeId}-pub`;
  const prv = `${plan.prefix}-n${nodeId}-prv`;
  const lines = heal
    ? [
        `link set ${pub} master ${plan.publicBridge}`,
        `link set ${prv} master ${plan.privateBridge}`,
      ]
    : [`link set ${pub} nomaster`, `link set ${prv} nomaster`];
  return { netns: plan.switchNs, lines };
}
