/**
 * The icmap that `corosync-cmapctl` shows, built from a parsed corosync.conf plus the node's
 * runtime facts. Key names and types follow Corosync 3.1.7's output (see
 * src/tools/testdata/corosync/): configuration keys as written (`totem.token (u32)`), with
 * Corosync's quirks kept: `bindnetaddr` shows the node's own address on that link, and a
 * Corosync 2 `ringnumber` appears as `totem.interface.ringnumber (str)`. Corosync-internal keys
 * pacer has no equivalent for (`internal_configuration.*`, `runtime.services.*`, `resources.*`)
 * are not invented.
 */
import type { CmapEntry, CmapType } from "../transport/status-api.js";
import type { ConfSection } from "./conf-tree.js";
import type { CorosyncConfig } from "./types.js";

/** Types Corosync gives configuration keys (others are `str`); `*` matches one path element. */
const keyTypes: ReadonlyArray<readonly [RegExp, CmapType]> = [
  [
    /^totem\.(version|token|token_coefficient|consensus|join|merge|downcheck|fail_recv_const|seqno_unchanged_const|send_join|hold|token_retransmit|token_retransmits_before_loss_const|max_messages|window_size|miss_count_const|netmtu|token_warning|max_network_delay|heartbeat_failures_allowed|knet_pmtud_interval|knet_mtu|knet_compression_threshold)$/,
    "u32",
  ],
  [/^totem\.config_version$/, "u64"],
  [/^totem\.knet_compression_level$/, "i32"],
  [/^totem\.interface\.\d+\.(mcastport)$/, "u16"],
  [/^totem\.interface\.\d+\.(ttl)$/, "u8"],
  [/^totem\.interface\.\d+\.(knet_link_priority)$/, "u8"],
  [
    /^totem\.interface\.\d+\.(knet_ping_interval|knet_ping_timeout|knet_ping_precision|knet_pong_count)$/,
    "u32",
  ],
  [/^nodelist\.node\.\d+\.(nodeid|quorum_votes)$/, "u32"],
  [/^quorum\.(expected_votes|votes|last_man_standing_window)$/, "u32"],
  [
    /^quorum\.(two_node|wait_for_all|last_man_standing|auto_tie_breaker|allow_downscale|expected_votes_tracking)$/,
    "u8",
  ],
];

function typeOf(key: string): CmapType {
  for (const [re, t] of keyTypes) if (re.test(key)) return t;
  return "str";
}

export interface CmapMember {
  readonly nodeId: number;
  /** Addresses by link number. */
  readonly addrs: readonly string[];
  readonly joinCount: number;
  readonly status: "joined" | "left";
}

export interface CmapRuntime {
  readonly localNodeId: number;
  /** This node's address per link number (for `bindnetaddr`). */
  readonly localAddrs: ReadonlyMap<number, string>;
  /** Effective totem timers (`runtime.config.totem.*`), e.g. { token: 600, consensus: 720 }. */
  readonly totem: Readonly<Record<string, number>>;
  /** Every node seen since start (`runtime.members.*`). */
  readonly members: readonly CmapMember[];
  readonly expectedVotes: number;
  readonly twoNode: boolean;
  readonly waitForAll: boolean;
  readonly waitForAllStatus: boolean;
}

/**
 * @example buildCmap(config, runtime).find((e) => e.key === "totem.cluster_name")?.value
 */
export function buildCmap(config: CorosyncConfig, runtime: CmapRuntime): CmapEntry[] {
  const out = new Map<string, CmapEntry>();
  const put = (key: string, value: string | number, type: CmapType = typeOf(key)): void => {
    out.set(key, { key, type, value: String(value) });
  };
  for (const item of config.tree.items) {
    if (
      item.kind === "section" &&
      ["totem", "quorum", "logging", "system", "resources", "nozzle"].includes(item.name)
    ) {
      section(item, item.name, put);
    }
  }
  nodelist(config, runtime, put);
  // knet shows every link of the local node; udp/udpu only the configured interfaces.
  const knet = config.totem.transport === "knet";
  for (const [link, addr] of runtime.localAddrs) {
    if (knet || config.totem.interfaces.some((i) => i.linkNumber === link)) {
      put(`totem.interface.${link}.bindnetaddr`, addr);
    }
  }

  for (const [name, ms] of Object.entries(runtime.totem))
    put(`runtime.config.totem.${name}`, ms, "u32");
  for (const m of runtime.members) {
    const ip = m.addrs.map((a, i) => `r(${i}) ip(${a}) `).join("");
    put(`runtime.members.${m.nodeId}.config_version`, 0, "u64");
    put(`runtime.members.${m.nodeId}.ip`, ip, "str");
    put(`runtime.members.${m.nodeId}.join_count`, m.joinCount, "u32");
    put(`runtime.members.${m.nodeId}.status`, m.status, "str");
  }
  put("runtime.votequorum.ev_barrier", runtime.expectedVotes, "u32");
  put("runtime.votequorum.this_node_id", runtime.localNodeId, "u32");
  put("runtime.votequorum.two_node", runtime.twoNode ? 1 : 0, "u8");
  if (runtime.waitForAll)
    put("runtime.votequorum.wait_for_all_status", runtime.waitForAllStatus ? 1 : 0, "u8");
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

type Put = (key: string, value: string | number, type?: CmapType) => void;

function section(s: ConfSection, prefix: string, put: Put): void {
  for (const item of s.items) {
    if (item.kind === "key") {
      put(`${prefix}.${item.name}`, item.value);
      continue;
    }
    if (prefix === "totem" && item.name === "interface") {
      interfaceSection(item, put);
    } else if (prefix === "logging" && item.name === "logger_subsys") {
      const subsys = item.items.find((i) => i.kind === "key" && i.name === "subsys");
      const name = subsys?.kind === "key" ? subsys.value : "unknown";
      for (const k of item.items) {
        if (k.kind === "key" && k.name !== "subsys")
          put(`logging.logger_subsys.${name}.${k.name}`, k.value);
      }
    }
  }
}

function interfaceSection(s: ConfSection, put: Put): void {
  const keys = s.items.filter((i) => i.kind === "key");
  const link =
    keys.find((k) => k.name === "linknumber") ?? keys.find((k) => k.name === "ringnumber");
  const index = link?.kind === "key" ? link.value : "0";
  for (const k of keys) {
    if (k.kind !== "key" || k.name === "linknumber") continue;
    // Corosync 3 keeps the obsolete ringnumber outside the per-link subtree, as a string.
    if (k.name === "ringnumber") put("totem.interface.ringnumber", k.value, "str");
    else put(`totem.interface.${index}.${k.name}`, k.value);
  }
}

function nodelist(config: CorosyncConfig, runtime: CmapRuntime, put: Put): void {
  const nodes = config.tree.items.find((i) => i.kind === "section" && i.name === "nodelist");
  if (nodes?.kind !== "section") return;
  const pos = config.nodelist.findIndex((n) => n.nodeId === runtime.localNodeId);
  if (pos >= 0) put("nodelist.local_node_pos", pos, "u32");
  let index = 0;
  for (const node of nodes.items) {
    if (node.kind !== "section" || node.name !== "node") continue;
    for (const k of node.items)
      if (k.kind === "key") put(`nodelist.node.${index}.${k.name}`, k.value);
    index++;
  }
}
