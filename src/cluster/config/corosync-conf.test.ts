import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseConfTree } from "./conf-tree.js";
import { parseCorosyncConf } from "./corosync-conf.js";
import { formatConfIssue } from "./types.js";

const testdata = new URL("../../../src/cluster/config/testdata/", import.meta.url);
function fixture(name: string): string {
  return readFileSync(new URL(name, testdata), "utf8");
}
function load(text: string) {
  const r = parseCorosyncConf(text, "corosync.conf");
  if (!r.ok) assert.fail(r.error.map(formatConfIssue).join("\n"));
  return r.value;
}
function errors(text: string): string[] {
  const r = parseCorosyncConf(text, "corosync.conf");
  assert.equal(r.ok, false, "expected the file to be rejected");
  return r.ok ? [] : r.error.filter((i) => i.severity === "error").map(formatConfIssue);
}

describe("parseCorosyncConf", () => {
  it("reads the tutorial's totem block as udp multicast on link 0", () => {
    const { config, warnings } = load(fixture("tutorial.conf"));
    assert.equal(config.totem.transport, "udp");
    assert.deepEqual(config.totem.interfaces, [
      { linkNumber: 0, bindnetaddr: "192.168.50.0", mcastaddr: "239.255.1.1", mcastport: 5405 },
    ]);
    assert.deepEqual(warnings.map(formatConfIssue), [
      'corosync.conf:1:1: warning: totem: no "version: 2"; assuming 2',
    ]);
  });

  it("reads the live cluster's file (pcmk-cluster.sh) without warnings", () => {
    const { config, warnings } = load(fixture("live-cluster.conf"));
    assert.deepEqual(warnings, []);
    assert.equal(config.totem.clusterName, "debian");
    assert.equal(config.totem.cryptoCipher, "none");
    assert.equal(config.totem.tokenMs, undefined);
    assert.deepEqual(
      config.nodelist.map((n) => [n.nodeId, n.name, n.ringAddrs.get(0)]),
      [
        [1, "node1", "192.168.50.3"],
        [2, "node2", "192.168.50.4"],
      ],
    );
    assert.equal(config.quorum.provider, "corosync_votequorum");
    assert.equal(config.quorum.twoNode, false);
    assert.equal(config.quorum.waitForAll, false);
    assert.equal(config.logging.logfile, "/var/log/corosync/corosync.log");
    assert.equal(config.logging.toStderr, false);
  });

  it("reads Debian's default file (knet, logger_subsys) without errors", () => {
    const { config } = load(fixture("debian-default.conf"));
    assert.equal(config.totem.transport, "knet");
    assert.equal(config.nodelist[0]?.ringAddrs.get(0), "127.0.0.1");
  });

  it("makes two_node imply wait_for_all unless wait_for_all is set", () => {
    assert.equal(load(fixture("real-udp-two-node.conf")).config.quorum.waitForAll, true);
    const text = fixture("real-udp-two-node.conf").replace(
      "two_node: 1",
      "two_node: 1\n\twait_for_all: 0",
    );
    assert.equal(load(text).config.quorum.waitForAll, false);
  });

  it("honours token, token_coefficient, consensus and join", () => {
    const text =
      "totem {\n version: 2\n transport: udpu\n token: 1000\n token_coefficient: 0\n" +
      " consensus: 1500\n join: 60\n}\nnodelist {\n node {\n  ring0_addr: 10.0.0.1\n }\n}\n";
    const { config } = load(text);
    assert.equal(config.totem.tokenMs, 1000);
    assert.equal(config.totem.tokenCoefficientMs, 0);
    assert.equal(config.totem.consensusMs, 1500);
    assert.equal(config.totem.joinMs, 60);
    assert.equal(config.nodelist[0]?.nodeId, 0x0a000001, "nodeid from the IPv4 address");
  });

  it("reads several links: ring1_addr and interface linknumber 1", () => {
    const text =
      "totem {\n version: 2\n transport: udpu\n interface {\n  linknumber: 1\n }\n" +
      " interface {\n  linknumber: 0\n }\n}\nnodelist {\n node {\n  nodeid: 1\n" +
      "  ring0_addr: 127.0.0.1\n  ring1_addr: 127.0.1.1\n }\n}\n";
    const { config } = load(text);
    assert.deepEqual(
      config.totem.interfaces.map((i) => i.linkNumber),
      [0, 1],
    );
    assert.equal(config.nodelist[0]?.ringAddrs.get(1), "127.0.1.1");
  });

  it("warns on unknown keys and sections, with their position", () => {
    const text = "totem {\n\tversion: 2\n\ttokn: 300\n}\nfoo {\n}\n";
    const r = parseCorosyncConf(text, "c.conf");
    assert.ok(r.ok === false); // knet without nodelist
    assert.deepEqual(r.error.filter((i) => i.severity === "warning").map(formatConfIssue), [
      'c.conf:3:2: warning: unknown key "tokn" in totem; ignored',
      'c.conf:5:1: warning: unknown section "foo"; ignored',
    ]);
  });

  it("rejects bad values with file:line:col of the value", () => {
    const nodes = "nodelist {\n node {\n  ring0_addr: 10.0.0.1\n }\n}\n";
    assert.deepEqual(errors(`totem {\n  version: 2\n  token: fast\n}\n${nodes}`), [
      'corosync.conf:3:10: error: token: "fast" is not an integer in 10..3600000',
    ]);
    assert.deepEqual(errors(`totem {\n version: 2\n transport: tcp\n}\n${nodes}`), [
      'corosync.conf:3:13: error: transport: "tcp" is not one of udp, udpu, knet',
    ]);
  });

  it("rejects duplicate nodeids, a node without ring0_addr and cipher without hash", () => {
    const dup =
      "totem {\n version: 2\n transport: udpu\n}\nnodelist {\n node {\n  nodeid: 1\n" +
      "  ring0_addr: 10.0.0.1\n }\n node {\n  nodeid: 1\n  ring0_addr: 10.0.0.2\n }\n}\n";
    assert.deepEqual(errors(dup), [
      "corosync.conf:10:2: error: nodeid 1 already used by the node at line 6; give each node its own",
    ]);
    const noAddr =
      "totem {\n version: 2\n transport: udpu\n}\nnodelist {\n node {\n  nodeid: 1\n }\n}\n";
    assert.match(errors(noAddr)[0] ?? "", /^corosync\.conf:6:2: error: node without ring0_addr/);
    const cipher =
      "totem {\n version: 2\n transport: udpu\n crypto_cipher: aes256\n}\n" +
      "nodelist {\n node {\n  ring0_addr: 10.0.0.1\n }\n}\n";
    assert.match(errors(cipher)[0] ?? "", /:4:2: error: crypto_cipher requires crypto_hash/);
  });

  it("reports unbalanced braces where they are", () => {
    assert.deepEqual(errors("totem {\n version: 2\n"), [
      'corosync.conf:1:1: error: missing closing brace for section "totem" opened here',
    ]);
    assert.deepEqual(errors("totem {\n}\n}\n"), [
      "corosync.conf:3:1: error: unexpected closing brace",
    ]);
    assert.deepEqual(errors("totem {\n  version 2\n}\n"), [
      'corosync.conf:2:3: error: expected "key: value", "name {" or "}", found "version 2"',
    ]);
  });
});

describe("parseConfTree", () => {
  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        parseConfTree(text, "x");
        parseCorosyncConf(text, "x");
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on line soup made of corosync.conf fragments", () => {
    const piece = fc.constantFrom(
      "totem {",
      "}",
      "interface {",
      "nodelist {",
      "node {",
      "ring0_addr: 10.0.0.1",
      "nodeid: 3",
      "version: 2",
      "transport: udp",
      "mcastaddr: 239.1.1.1",
      "quorum {",
      "two_node: 1",
      "# c",
      "",
      "token: 99999999999",
      "key:",
      ": v",
      "a b {",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (lines) => {
        parseCorosyncConf(lines.join("\n"), "x");
      }),
      { numRuns: 500 },
    );
  });
});
