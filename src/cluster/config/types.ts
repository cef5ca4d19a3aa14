/**
 * The meaning of a corosync.conf, typed. Field names follow corosync.conf(5) and
 * votequorum(5) (camelCase, units last). `undefined` means "not set in the file", so that
 * consumers can tell Corosync's defaults from a user's choice (pacer's own timing defaults
 * differ from Corosync's; see docs/decisions).
 */
import type { ConfSection } from "./conf-tree.js";

export type Transport = "udp" | "udpu" | "knet";
export type CryptoCipher = "none" | "aes256" | "aes192" | "aes128";
export type CryptoHash = "none" | "md5" | "sha1" | "sha256" | "sha384" | "sha512";

export interface InterfaceConfig {
  /** `linknumber`, or the Corosync 2 name `ringnumber` (the tutorial's); 0 when absent. */
  readonly linkNumber: number;
  readonly bindnetaddr?: string;
  readonly mcastaddr?: string;
  readonly mcastport?: number;
  readonly ttl?: number;
  readonly broadcast?: boolean;
}

export interface TotemConfig {
  readonly version: number;
  readonly clusterName?: string;
  readonly transport: Transport;
  readonly cryptoCipher: CryptoCipher;
  readonly cryptoHash: CryptoHash;
  readonly keyfile?: string;
  /** The shared key written inline (corosync.conf(5) `key`; `keyfile` wins over it). */
  readonly key?: string;
  readonly tokenMs?: number;
  readonly tokenCoefficientMs?: number;
  readonly consensusMs?: number;
  readonly joinMs?: number;
  readonly mergeMs?: number;
  readonly netmtu?: number;
  readonly ipVersion?: "ipv4" | "ipv6" | "ipv4-6" | "ipv6-4";
  readonly interfaces: readonly InterfaceConfig[];
}

export interface NodeConfig {
  readonly nodeId: number;
  readonly name?: string;
  /** ringX_addr by link number X. */
  readonly ringAddrs: ReadonlyMap<number, string>;
  readonly quorumVotes: number;
}

export interface QuorumConfig {
  readonly provider?: string;
  readonly expectedVotes?: number;
  readonly twoNode: boolean;
  /** Effective: `wait_for_all` if set, else `two_node` (votequorum(5): two_node implies it). */
  readonly waitForAll: boolean;
  readonly lastManStanding: boolean;
  readonly lastManStandingWindowMs: number;
  readonly autoTieBreaker: boolean;
  /** Deprecated `quorum { votes: }`; a node's `quorum_votes` wins. */
  readonly votes?: number;
}

export interface LoggingConfig {
  readonly toStderr: boolean;
  readonly toLogfile: boolean;
  readonly toSyslog: boolean;
  readonly logfile?: string;
  readonly debug: "off" | "on" | "trace";
  readonly timestamp: "off" | "on" | "hires";
}

export interface CorosyncConfig {
  readonly file: string;
  readonly totem: TotemConfig;
  readonly nodelist: readonly NodeConfig[];
  readonly quorum: QuorumConfig;
  readonly logging: LoggingConfig;
  /** The parsed tree, kept for `corosync-cmapctl` (which shows keys as written). */
  readonly tree: ConfSection;
}

/** A complaint about the file, positioned; `severity` says whether loading stops. */
export interface ConfIssue {
  readonly severity: "error" | "warning";
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly detail: string;
}

/** One line, as tools print it: `corosync.conf:12:3: error: ...`. */
export function formatConfIssue(issue: ConfIssue): string {
  return `${issue.file}:${issue.line}:${issue.col}: ${issue.severity}: ${issue.detail}`;
}
