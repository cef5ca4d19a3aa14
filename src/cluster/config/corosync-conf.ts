/**
 * corosync.conf → `CorosyncConfig`: reads the syntax tree with the key tables of `_schema.ts`,
 * applies the rules corosync.conf(5) and votequorum(5) state (two_node implies wait_for_all,
 * a node needs ring0_addr, nodeids are unique and non-zero, ...), and reports every problem
 * with file:line:col. Unknown keys and sections are warnings, not errors: Corosync ignores
 * them too, and a typo should not stop a node from starting.
 */
import { isIPv4 } from "node:net";
import { err, ok, type Result } from "../../shared/result.js";
import {
  interfaceKeys,
  loggingKeys,
  nodeKeys,
  parseBool,
  quorumKeys,
  ringAddrLink,
  topSections,
  totemKeys,
  type ValueKind,
} from "./_schema.js";
import { type ConfKey, type ConfSection, type Position, parseConfTree } from "./conf-tree.js";
import type {
  ConfIssue,
  CorosyncConfig,
  InterfaceConfig,
  LoggingConfig,
  NodeConfig,
  QuorumConfig,
  TotemConfig,
  Transport,
} from "./types.js";

export interface ConfLoad {
  readonly config: CorosyncConfig;
  readonly warnings: readonly ConfIssue[];
}

/** Nodes in a nodelist at most (votequorum and pacer's protocol limits are far above 64). */
export const nodesMax = 256;

type Values = Map<string, { readonly key: ConfKey; readonly value: string | number | boolean }>;

class Collector {
  readonly issues: ConfIssue[] = [];
  constructor(readonly file: string) {}
  add(severity: ConfIssue["severity"], at: Position, detail: string): void {
    this.issues.push({ severity, file: this.file, line: at.line, col: at.col, detail });
  }
  hasErrors(): boolean {
    return this.issues.some((i) => i.severity === "error");
  }
}

/**
 * Parses and checks a corosync.conf text.
 * @example
 * const r = parseCorosyncConf(text, "/etc/corosync/corosync.conf");
 * if (!r.ok) for (const i of r.error) console.error(formatConfIssue(i));
 */
export function parseCorosyncConf(text: string, file: string): Result<ConfLoad, ConfIssue[]> {
  const tree = parseConfTree(text, file);
  if (!tree.ok) {
    const e = tree.error;
    return err([{ severity: "error", file, line: e.line, col: e.col, detail: e.detail }]);
  }
  const c = new Collector(file);
  const sections = topLevel(tree.value, c);
  const totem = readTotem(sections.get("totem"), tree.value.at, c);
  const nodelist = readNodelist(sections.get("nodelist"), c);
  const quorum = readQuorum(sections.get("quorum"), c);
  const logging = readLogging(sections.get("logging"), c);
  crossCheck({ totem, nodelist, quorum, sections }, c);
  const issues = [...c.issues].sort((a, b) => a.line - b.line || a.col - b.col);
  if (c.hasErrors()) return err(issues);
  const config: CorosyncConfig = { file, totem, nodelist, quorum, logging, tree: tree.value };
  return ok({ config, warnings: issues });
}

function topLevel(root: ConfSection, c: Collector): Map<string, ConfSection> {
  const out = new Map<string, ConfSection>();
  for (const item of root.items) {
    if (item.kind === "key") {
      c.add("warning", item.at, `key "${item.name}" outside any section; ignored`);
      continue;
    }
    if (!(topSections as readonly string[]).includes(item.name)) {
      c.add("warning", item.at, `unknown section "${item.name}"; ignored`);
      continue;
    }
    if (out.has(item.name)) {
      c.add("error", item.at, `second "${item.name}" section; merge it into the first one`);
      continue;
    }
    out.set(item.name, item);
  }
  return out;
}

/** Reads the keys of one section against a table; sub-sections are returned untouched. */
function readKeys(
  section: ConfSection,
  table: Readonly<Record<string, ValueKind>>,
  c: Collector,
): { values: Values; subsections: ConfSection[] } {
  const values: Values = new Map();
  const subsections: ConfSection[] = [];
  for (const item of section.items) {
    if (item.kind === "section") {
      subsections.push(item);
      continue;
    }
    const kind = table[item.name];
    if (kind === undefined) {
      c.add("warning", item.at, `unknown key "${item.name}" in ${section.name}; ignored`);
      continue;
    }
    const value = readValue(item, kind, c);
    if (value === undefined) continue;
    if (values.has(item.name)) {
      c.add("warning", item.at, `"${item.name}" set twice in ${section.name}; this one wins`);
    }
    values.set(item.name, { key: item, value });
  }
  return { values, subsections };
}

function readValue(
  key: ConfKey,
  kind: ValueKind,
  c: Collector,
): string | number | boolean | undefined {
  const v = key.value;
  switch (kind.kind) {
    case "accepted":
    case "string":
      return v;
    case "bool": {
      const b = parseBool(v);
      if (b === undefined)
        c.add("error", key.valueAt, `${key.name}: "${v}" is not yes/no (or 1/0)`);
      return b;
    }
    case "enum":
      if (kind.values.includes(v)) return v;
      c.add("error", key.valueAt, `${key.name}: "${v}" is not one of ${kind.values.join(", ")}`);
      return undefined;
    case "int": {
      const n = /^\d+$/.test(v) ? Number(v) : Number.NaN;
      if (Number.isSafeInteger(n) && n >= kind.min && n <= kind.max) return n;
      c.add(
        "error",
        key.valueAt,
        `${key.name}: "${v}" is not an integer in ${kind.min}..${kind.max}`,
      );
      return undefined;
    }
  }
}

function num(values: Values, name: string): number | undefined {
  const v = values.get(name)?.value;
  return typeof v === "number" ? v : undefined;
}
function text(values: Values, name: string): string | undefined {
  const v = values.get(name)?.value;
  return typeof v === "string" ? v : undefined;
}
function flag(values: Values, name: string): boolean | undefined {
  const v = values.get(name)?.value;
  return typeof v === "boolean" ? v : undefined;
}

function readTotem(section: ConfSection | undefined, fileAt: Position, c: Collector): TotemConfig {
  if (section === undefined) {
    c.add("error", fileAt, 'no "totem" section; add: totem { version: 2 cluster_name: NAME }');
    return {
      version: 2,
      transport: "knet",
      cryptoCipher: "none",
      cryptoHash: "none",
      interfaces: [],
    };
  }
  const { values, subsections } = readKeys(section, totemKeys, c);
  if (!values.has("version")) c.add("warning", section.at, 'totem: no "version: 2"; assuming 2');
  const interfaces = readInterfaces(subsections, c);
  const secauth = flag(values, "secauth") === true;
  const cipher = (text(values, "crypto_cipher") ??
    (secauth ? "aes256" : "none")) as TotemConfig["cryptoCipher"];
  const hash = (text(values, "crypto_hash") ??
    (secauth ? "sha256" : "none")) as TotemConfig["cryptoHash"];
  if (cipher !== "none" && hash === "none") {
    const at = values.get("crypto_cipher")?.key.at ?? section.at;
    c.add(
      "error",
      at,
      "crypto_cipher requires crypto_hash (corosync.conf(5)); set crypto_hash: sha256",
    );
  }
  return {
    version: num(values, "version") ?? 2,
    transport: (text(values, "transport") ?? defaultTransport(interfaces)) as Transport,
    cryptoCipher: cipher,
    cryptoHash: hash,
    interfaces,
    ...opt("clusterName", text(values, "cluster_name")),
    ...opt("keyfile", text(values, "keyfile")),
    ...opt("key", text(values, "key")),
    ...opt("tokenMs", num(values, "token")),
    ...opt("tokenCoefficientMs", num(values, "token_coefficient")),
    ...opt("consensusMs", num(values, "consensus")),
    ...opt("joinMs", num(values, "join")),
    ...opt("mergeMs", num(values, "merge")),
    ...opt("netmtu", num(values, "netmtu")),
    ...opt("ipVersion", text(values, "ip_version") as TotemConfig["ipVersion"]),
  };
}

/**
 * Corosync 3 defaults to knet, but a file written for Corosync 1/2 (the tutorial's) declares
 * multicast with `mcastaddr` and no transport: the user means udp multicast, so give them that.
 */
function defaultTransport(interfaces: readonly InterfaceConfig[]): Transport {
  return interfaces.some((i) => i.mcastaddr !== undefined) ? "udp" : "knet";
}

function readInterfaces(subsections: readonly ConfSection[], c: Collector): InterfaceConfig[] {
  const out: InterfaceConfig[] = [];
  for (const s of subsections) {
    if (s.name !== "interface") {
      c.add("warning", s.at, `unknown section "${s.name}" in totem; ignored`);
      continue;
    }
    const { values, subsections: nested } = readKeys(s, interfaceKeys, c);
    for (const n of nested)
      c.add("warning", n.at, `unknown section "${n.name}" in interface; ignored`);
    const linkNumber = num(values, "linknumber") ?? num(values, "ringnumber") ?? 0;
    if (out.some((i) => i.linkNumber === linkNumber)) {
      c.add(
        "error",
        s.at,
        `second interface with link number ${linkNumber}; give each a linknumber`,
      );
      continue;
    }
    out.push({
      linkNumber,
      ...opt("bindnetaddr", text(values, "bindnetaddr")),
      ...opt("mcastaddr", text(values, "mcastaddr")),
      ...opt("mcastport", num(values, "mcastport")),
      ...opt("ttl", num(values, "ttl")),
      ...opt("broadcast", flag(values, "broadcast")),
    });
    checkAddresses(values, c);
  }
  return out.sort((a, b) => a.linkNumber - b.linkNumber);
}

function checkAddresses(values: Values, c: Collector): void {
  const bind = values.get("bindnetaddr");
  if (bind && !isIpLiteral(String(bind.value))) {
    c.add("error", bind.key.valueAt, `bindnetaddr: "${bind.value}" is not an IP address`);
  }
  const mcast = values.get("mcastaddr");
  if (mcast && !isMulticast(String(mcast.value))) {
    c.add(
      "error",
      mcast.key.valueAt,
      `mcastaddr: "${mcast.value}" is not a multicast address (224.0.0.0/4 or ff00::/8)`,
    );
  }
}

function readNodelist(section: ConfSection | undefined, c: Collector): NodeConfig[] {
  if (section === undefined) return [];
  const out: NodeConfig[] = [];
  const at: Position[] = [];
  for (const item of section.items) {
    if (item.kind === "key" || item.name !== "node") {
      c.add(
        "warning",
        item.at,
        `nodelist may hold only "node { }" sections; "${item.name}" ignored`,
      );
      continue;
    }
    if (out.length >= nodesMax) {
      c.add("error", item.at, `more than ${nodesMax} nodes in nodelist`);
      break;
    }
    const node = readNode(item, c);
    if (node) {
      out.push(node);
      at.push(item.at);
    }
  }
  checkUnique(out, at, c);
  return out;
}

function readNode(section: ConfSection, c: Collector): NodeConfig | undefined {
  const table: Record<string, ValueKind> = { ...nodeKeys };
  for (const item of section.items) {
    if (item.kind === "key" && ringAddrLink(item.name) !== undefined)
      table[item.name] = { kind: "string" };
  }
  const { values, subsections } = readKeys(section, table, c);
  for (const n of subsections)
    c.add("warning", n.at, `unknown section "${n.name}" in node; ignored`);
  const ringAddrs = new Map<number, string>();
  for (const [name, v] of values) {
    const link = ringAddrLink(name);
    if (link !== undefined) ringAddrs.set(link, String(v.value));
  }
  const ring0 = ringAddrs.get(0);
  if (ring0 === undefined) {
    c.add("error", section.at, "node without ring0_addr; every node needs ring0_addr: ADDRESS");
    return undefined;
  }
  const nodeId = num(values, "nodeid") ?? nodeIdFromIpv4(ring0);
  if (nodeId === undefined) {
    c.add(
      "error",
      section.at,
      `node ${ring0}: no nodeid (needed unless ring0_addr is IPv4); add nodeid: N`,
    );
    return undefined;
  }
  return {
    nodeId,
    ringAddrs,
    quorumVotes: num(values, "quorum_votes") ?? 1,
    ...opt("name", text(values, "name")),
  };
}

/** Corosync's rule when nodeid is absent: the IPv4 address as a 32-bit number. */
function nodeIdFromIpv4(addr: string): number | undefined {
  if (!isIPv4(addr)) return undefined;
  const n = addr.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
  return n === 0 ? undefined : n;
}

/** Reports a repeated nodeid or name at the second node's `node {` line. */
function checkUnique(nodes: readonly NodeConfig[], at: readonly Position[], c: Collector): void {
  const ids = new Map<number, Position>();
  const names = new Map<string, Position>();
  nodes.forEach((n, i) => {
    const here = at[i] ?? { line: 1, col: 1 };
    const firstId = ids.get(n.nodeId);
    if (firstId !== undefined) {
      c.add(
        "error",
        here,
        `nodeid ${n.nodeId} already used by the node at line ${firstId.line}; give each node its own`,
      );
    } else ids.set(n.nodeId, here);
    if (n.name === undefined) return;
    const firstName = names.get(n.name);
    if (firstName !== undefined) {
      c.add(
        "error",
        here,
        `node name "${n.name}" already used by the node at line ${firstName.line}`,
      );
    } else names.set(n.name, here);
  });
}

function readQuorum(section: ConfSection | undefined, c: Collector): QuorumConfig {
  const values: Values = section ? readKeys(section, quorumKeys, c).values : new Map();
  const twoNode = flag(values, "two_node") ?? false;
  return {
    twoNode,
    waitForAll: flag(values, "wait_for_all") ?? twoNode,
    lastManStanding: flag(values, "last_man_standing") ?? false,
    lastManStandingWindowMs: num(values, "last_man_standing_window") ?? 10_000,
    autoTieBreaker: flag(values, "auto_tie_breaker") ?? false,
    ...opt("provider", text(values, "provider")),
    ...opt("expectedVotes", num(values, "expected_votes")),
    ...opt("votes", num(values, "votes")),
  };
}

function readLogging(section: ConfSection | undefined, c: Collector): LoggingConfig {
  const values: Values = section ? readKeys(section, loggingKeys, c).values : new Map();
  return {
    toStderr: flag(values, "to_stderr") ?? true,
    toLogfile: flag(values, "to_logfile") ?? false,
    toSyslog: flag(values, "to_syslog") ?? true,
    debug: (text(values, "debug") ?? "off") as LoggingConfig["debug"],
    timestamp: (text(values, "timestamp") ?? "hires") as LoggingConfig["timestamp"],
    ...opt("logfile", text(values, "logfile")),
  };
}

function crossCheck(
  parts: {
    totem: TotemConfig;
    nodelist: readonly NodeConfig[];
    quorum: QuorumConfig;
    sections: Map<string, ConfSection>;
  },
  c: Collector,
): void {
  const { totem, nodelist, quorum, sections } = parts;
  const totemAt = sections.get("totem")?.at ?? { line: 1, col: 1 };
  if (totem.transport !== "udp" && !sections.has("nodelist") && sections.has("totem")) {
    c.add(
      "error",
      totemAt,
      `transport ${totem.transport} needs a nodelist { node { ring0_addr: ... nodeid: N } }`,
    );
  }
  if (totem.transport === "udp") {
    for (const i of totem.interfaces) {
      if (i.mcastaddr === undefined && i.broadcast !== true) {
        c.add(
          "error",
          totemAt,
          `interface ${i.linkNumber}: transport udp needs mcastaddr (e.g. 239.255.1.1)`,
        );
      }
    }
    if (totem.interfaces.length === 0 && sections.has("totem")) {
      c.add(
        "error",
        totemAt,
        "transport udp needs an interface { bindnetaddr mcastaddr mcastport } block",
      );
    }
  }
  const quorumAt = sections.get("quorum")?.at ?? totemAt;
  if (
    quorum.provider !== undefined &&
    quorum.expectedVotes === undefined &&
    nodelist.length === 0
  ) {
    c.add("error", quorumAt, "votequorum needs expected_votes or a nodelist (votequorum(5))");
  }
  if (quorum.twoNode && nodelist.length > 2) {
    c.add("warning", quorumAt, `two_node with ${nodelist.length} nodes: votequorum disables it`);
  }
  for (const n of nodelist) {
    for (const link of n.ringAddrs.keys()) {
      if (
        totem.transport === "udp" &&
        link > 0 &&
        !totem.interfaces.some((i) => i.linkNumber === link)
      ) {
        c.add(
          "warning",
          totemAt,
          `ring${link}_addr of node ${n.nodeId} has no interface with linknumber ${link}`,
        );
      }
    }
  }
}

function isIpLiteral(s: string): boolean {
  return isIPv4(s) || (/^[0-9a-fA-F:]+$/.test(s) && s.includes(":"));
}

function isMulticast(s: string): boolean {
  if (isIPv4(s)) {
    const first = Number(s.split(".")[0]);
    return first >= 224 && first <= 239;
  }
  return /^ff[0-9a-f]{2}:/i.test(s);
}

/** `{ [k]: v }` when v is defined, else `{}`: keeps optional fields absent (exactOptionalPropertyTypes). */
function opt<K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } {
  return v === undefined ? {} : ({ [k]: v } as { [P in K]?: V });
}
