/**
 * What keys each corosync.conf section may hold, and how a value is read. Keys that
 * corosync.conf(5) documents but pacer does not act on (knet tuning, system scheduling) are
 * "accepted": no warning, since the file is valid for Corosync. Anything else warns.
 */

export type ValueKind =
  | { readonly kind: "int"; readonly min: number; readonly max: number }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "bool" } // yes/no, on/off, 1/0 (votequorum(5) uses 1/0)
  | { readonly kind: "string" }
  | { readonly kind: "accepted" };

const u32 = { kind: "int", min: 0, max: 0xffffffff } as const;
const ms = { kind: "int", min: 0, max: 3_600_000 } as const;
const bool = { kind: "bool" } as const;
const str = { kind: "string" } as const;
const accepted = { kind: "accepted" } as const;

export const totemKeys: Readonly<Record<string, ValueKind>> = {
  version: { kind: "int", min: 2, max: 2 },
  cluster_name: str,
  transport: { kind: "enum", values: ["udp", "udpu", "knet"] },
  crypto_cipher: { kind: "enum", values: ["none", "aes256", "aes192", "aes128"] },
  crypto_hash: { kind: "enum", values: ["none", "md5", "sha1", "sha256", "sha384", "sha512"] },
  crypto_model: accepted,
  secauth: bool,
  keyfile: str,
  key: str,
  token: { kind: "int", min: 10, max: 3_600_000 },
  token_coefficient: ms,
  consensus: ms,
  join: ms,
  merge: ms,
  netmtu: { kind: "int", min: 576, max: 65536 },
  ip_version: { kind: "enum", values: ["ipv4", "ipv6", "ipv4-6", "ipv6-4"] },
  config_version: accepted,
  clear_node_high_bit: accepted,
  token_warning: accepted,
  token_retransmit: accepted,
  hold: accepted,
  token_retransmits_before_loss_const: accepted,
  send_join: accepted,
  downcheck: accepted,
  fail_recv_const: accepted,
  seqno_unchanged_const: accepted,
  heartbeat_failures_allowed: accepted,
  max_network_delay: accepted,
  window_size: accepted,
  max_messages: accepted,
  miss_count_const: accepted,
  link_mode: accepted,
  block_unlisted_ips: accepted,
  cancel_token_hold_on_retransmit: accepted,
  knet_pmtud_interval: accepted,
  knet_mtu: accepted,
  knet_compression_model: accepted,
  knet_compression_threshold: accepted,
  knet_compression_level: accepted,
  nodeid: accepted,
  rrp_mode: accepted,
};

export const interfaceKeys: Readonly<Record<string, ValueKind>> = {
  linknumber: { kind: "int", min: 0, max: 7 },
  ringnumber: { kind: "int", min: 0, max: 7 },
  bindnetaddr: str,
  mcastaddr: str,
  mcastport: { kind: "int", min: 1, max: 65535 },
  ttl: { kind: "int", min: 0, max: 255 },
  broadcast: bool,
  knet_link_priority: accepted,
  knet_ping_interval: accepted,
  knet_ping_timeout: accepted,
  knet_ping_precision: accepted,
  knet_pong_count: accepted,
  knet_transport: accepted,
};

export const nodeKeys: Readonly<Record<string, ValueKind>> = {
  nodeid: { kind: "int", min: 1, max: 0xffffffff },
  name: str,
  quorum_votes: u32,
};

export const quorumKeys: Readonly<Record<string, ValueKind>> = {
  provider: { kind: "enum", values: ["corosync_votequorum"] },
  expected_votes: { kind: "int", min: 1, max: 0xffffffff },
  two_node: bool,
  wait_for_all: bool,
  last_man_standing: bool,
  last_man_standing_window: ms,
  auto_tie_breaker: bool,
  auto_tie_breaker_node: accepted,
  allow_downscale: accepted,
  expected_votes_tracking: accepted,
  votes: u32,
  device: accepted,
};

export const loggingKeys: Readonly<Record<string, ValueKind>> = {
  to_stderr: bool,
  to_logfile: bool,
  to_syslog: bool,
  logfile: str,
  debug: { kind: "enum", values: ["off", "on", "trace"] },
  timestamp: { kind: "enum", values: ["off", "on", "hires"] },
  fileline: accepted,
  function_name: accepted,
  blackbox: accepted,
  logfile_priority: accepted,
  syslog_facility: accepted,
  syslog_priority: accepted,
  logger_subsys: accepted, // a sub-section, accepted as a whole
  subsys: accepted,
  tags: accepted,
};

/** Top-level sections corosync.conf(5) documents; pacer reads the first four. */
export const topSections = [
  "totem",
  "nodelist",
  "quorum",
  "logging",
  "system",
  "resources",
  "nozzle",
  "uidgid",
  "qb",
] as const;

/** `ring0_addr` .. `ring7_addr`: the link number, or undefined for any other name. */
export function ringAddrLink(key: string): number | undefined {
  const m = /^ring([0-7])_addr$/.exec(key);
  return m ? Number(m[1]) : undefined;
}

export function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (v === "yes" || v === "on" || v === "1") return true;
  if (v === "no" || v === "off" || v === "0") return false;
  return undefined;
}
