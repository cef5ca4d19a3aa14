/**
 * The sandbox's network plan, as pure data: which namespaces, links and addresses exist for
 * an N-node cluster laid out as the tutorial's (a public network and a private cluster
 * network per node, plus a client on the public network). `netns.ts` turns it into `ip`
 * commands. Addresses are used only inside the namespaces the sandbox creates.
 */
export interface SandboxPlan {
  readonly prefix: string;
  readonly nodes: readonly SandboxNode[];
  readonly client: {
    readonly ns: string;
    readonly publicIp: string;
    readonly extraIps: readonly string[];
  };
  readonly switchNs: string;
  readonly publicBridge: string;
  readonly privateBridge: string;
  /** Extra networks routed over the public bridge: the tutorial's VIP 192.168.0.100 lives there. */
  readonly publicExtraNets: readonly string[];
}

export interface SandboxNode {
  /** 1-based, also the corosync nodeid. */
  readonly id: number;
  readonly name: string;
  readonly ns: string;
  readonly publicIp: string;
  readonly privateIp: string;
}

export const SANDBOX_NODES_MAX = 8;

/**
 * @example planSandbox(2).nodes[0] → { id: 1, name: "node1", publicIp: "192.168.1.10", privateIp: "192.168.50.3", ... }
 */
export function planSandbox(nodeCount: number, prefix = "pacer"): SandboxPlan {
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > SANDBOX_NODES_MAX) {
    throw new RangeError(`node count must be 1..${SANDBOX_NODES_MAX}, got ${nodeCount}`);
  }
  const nodes: SandboxNode[] = [];
  for (let id = 1; id <= nodeCount; id++) {
    nodes.push({
      id,
      name: `node${id}`,
      ns: `${prefix}-node${id}`,
      // The tutorial's addresses: node1 192.168.1.10 / 192.168.50.3, node2 .11 / .4, ...
      publicIp: `192.168.1.${9 + id}`,
      privateIp: `192.168.50.${2 + id}`,
    });
  }
  return {
    prefix,
    nodes,
    client: { ns: `${prefix}-client`, publicIp: "192.168.1.50", extraIps: ["192.168.0.50"] },
    switchNs: `${prefix}-sw`,
    publicBridge: `${prefix}-br-pub`,
    privateBridge: `${prefix}-br-priv`,
    publicExtraNets: ["192.168.0.0/24"],
  };
}

/** The corosync.conf the tutorial writes (multicast on the private network), plus a nodelist. */
export function tutorialCorosyncConf(
  plan: SandboxPlan,
  opts: { readonly clusterName?: string } = {},
): string {
  const nodelist = plan.nodes
    .map(
      (n) =>
        `\tnode {\n\t\tname: ${n.name}\n\t\tnodeid: ${n.id}\n\t\tring0_addr: ${n.privateIp}\n\t}`,
    )
    .join("\n");
  return `totem {
\tversion: 2
\tcluster_name: ${opts.clusterName ?? "debian"}
\tinterface {
\t\tringnumber: 0
\t\tbindnetaddr: 192.168.50.0
\t\tmcastaddr: 239.255.1.1
\t\tmcastport: 5405
\t}
}
nodelist {
${nodelist}
}
quorum {
\tprovider: corosync_votequorum
${plan.nodes.length === 2 ? "\ttwo_node: 1\n" : ""}}
logging {
\tto_logfile: yes
\tlogfile: /var/log/pacer/pacer.log
\tto_syslog: no
}
`;
}
