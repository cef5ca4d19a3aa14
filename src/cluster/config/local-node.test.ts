import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCorosyncConf } from "./corosync-conf.js";
import { findLocalNode, type LocalAddress, pickBindAddress } from "./local-node.js";

const v4 = (address: string, netmask: string): LocalAddress => ({
  address,
  netmask,
  family: "IPv4",
});
const host = [
  v4("127.0.0.1", "255.0.0.0"),
  v4("192.168.50.4", "255.255.255.0"),
  v4("10.1.2.3", "255.255.0.0"),
];

describe("pickBindAddress", () => {
  it("takes the local address in bindnetaddr's network (the tutorial's 192.168.50.0)", () => {
    assert.equal(pickBindAddress("192.168.50.0", host), "192.168.50.4");
    assert.equal(pickBindAddress("10.1.0.0", host), "10.1.2.3");
    assert.equal(pickBindAddress("127.0.0.0", host), "127.0.0.1");
  });
  it("takes bindnetaddr itself when it is local, nothing when no network matches", () => {
    assert.equal(pickBindAddress("192.168.50.4", host), "192.168.50.4");
    assert.equal(pickBindAddress("192.168.51.0", host), undefined);
    assert.equal(pickBindAddress("fe80::1", host), undefined);
  });
});

describe("findLocalNode", () => {
  const r = parseCorosyncConf(
    "totem {\n version: 2\n transport: udpu\n}\nnodelist {\n node {\n  name: node1.example.com\n  nodeid: 1\n" +
      "  ring0_addr: 192.168.50.3\n }\n node {\n  name: node2\n  nodeid: 2\n  ring0_addr: 192.168.50.4\n }\n}\n",
    "c.conf",
  );
  assert.ok(r.ok);
  const config = r.value.config;
  it("matches the hostname, its short form, or a short nodelist name (corosync.conf(5) order)", () => {
    assert.equal(findLocalNode(config, { hostname: "node2", addresses: [] })?.nodeId, 2);
    assert.equal(findLocalNode(config, { hostname: "node2.lab", addresses: [] })?.nodeId, 2);
    assert.equal(findLocalNode(config, { hostname: "node1", addresses: [] })?.nodeId, 1);
  });
  it("falls back to a ringX_addr that is a local address", () => {
    assert.equal(findLocalNode(config, { hostname: "other", addresses: host })?.nodeId, 2);
    assert.equal(findLocalNode(config, { hostname: "other", addresses: [] }), undefined);
  });
});
