import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCorosyncConf } from "../config/corosync-conf.js";
import type { LocalAddress } from "../config/local-node.js";
import { planLinks } from "./links.js";

function config(text: string) {
  const r = parseCorosyncConf(text, "c.conf");
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error));
  return r.value.config;
}
const here: LocalAddress[] = [
  { address: "192.168.50.3", netmask: "255.255.255.0", family: "IPv4" },
];
const nodelist =
  "nodelist {\n node {\n  nodeid: 1\n  ring0_addr: 192.168.50.3\n  ring1_addr: 10.0.0.3\n }\n" +
  " node {\n  nodeid: 2\n  ring0_addr: 192.168.50.4\n  ring1_addr: 10.0.0.4\n }\n}\n";

describe("planLinks", () => {
  it("plans the tutorial's multicast link from bindnetaddr, TTL 1", () => {
    const c = config(
      "totem {\n interface {\n  ringnumber: 0\n  bindnetaddr: 192.168.50.0\n  mcastaddr: 239.255.1.1\n" +
        "  mcastport: 5405\n }\n}\n",
    );
    const r = planLinks(c, { self: 1, addresses: here });
    assert.ok(r.ok);
    assert.deepEqual(r.value, [
      {
        linkNumber: 0,
        mode: "multicast",
        localAddr: "192.168.50.3",
        port: 5405,
        mcastaddr: "239.255.1.1",
        ttl: 1,
        peers: new Map(),
        multicastLoop: true,
      },
    ]);
  });
  it("turns multicast loop off only when no other node of the nodelist can be on this host", () => {
    const mcast = (nodes: string): ReturnType<typeof config> =>
      config(
        "totem {\n interface {\n  bindnetaddr: 192.168.50.0\n  mcastaddr: 239.255.1.1\n }\n}\n" +
          `nodelist {\n${nodes}}\n`,
      );
    const node = (id: number, addr?: string): string =>
      ` node {\n  nodeid: ${id}\n${addr ? `  ring0_addr: ${addr}\n` : ""} }\n`;
    const loop = (c: ReturnType<typeof config>, addresses = here): boolean | undefined => {
      const r = planLinks(c, { self: 1, addresses });
      assert.ok(r.ok, r.ok ? "" : r.error);
      return r.value[0]?.multicastLoop;
    };
    // The lab: the peer is another host.
    assert.equal(loop(mcast(node(1, "192.168.50.3") + node(2, "192.168.50.4"))), false);
    // A peer whose address is ours, or a loopback address, runs here: it needs our copies.
    assert.equal(loop(mcast(node(1, "192.168.50.3") + node(2, "192.168.50.3"))), true);
    const lo = mcast(node(1, "127.0.0.1") + node(2, "127.0.0.2"));
    assert.equal(loop(lo, [{ address: "127.0.0.1", netmask: "255.0.0.0", family: "IPv4" }]), true);
    // A peer without an address on the link may be anywhere.
    const twoLinks = config(
      "totem {\n interface {\n  linknumber: 0\n  mcastaddr: 239.255.1.1\n }\n" +
        " interface {\n  linknumber: 1\n  mcastaddr: 239.255.1.2\n }\n}\nnodelist {\n" +
        " node {\n  nodeid: 1\n  ring0_addr: 192.168.50.3\n  ring1_addr: 10.0.0.3\n }\n" +
        " node {\n  nodeid: 2\n  ring0_addr: 192.168.50.4\n }\n}\n",
    );
    const two = planLinks(twoLinks, { self: 1, addresses: here });
    assert.ok(two.ok, two.ok ? "" : two.error);
    assert.deepEqual(
      two.value.map((l) => l.multicastLoop),
      [false, true],
    );
    // A lone node (no peers listed) cannot tell either.
    assert.equal(loop(mcast(node(1, "192.168.50.3"))), true);
  });
  it("plans one unicast link per ringX_addr for udpu and knet, port from mcastport or 5405", () => {
    for (const transport of ["udpu", "knet"]) {
      const c = config(
        `totem {\n version: 2\n transport: ${transport}\n interface {\n  linknumber: 1\n  mcastport: 6000\n }\n}\n${nodelist}`,
      );
      const r = planLinks(c, { self: 2, addresses: [] });
      assert.ok(r.ok);
      assert.deepEqual(
        r.value.map((l) => [l.linkNumber, l.mode, l.localAddr, l.port, [...l.peers]]),
        [
          [0, "unicast", "192.168.50.4", 5405, [[1, "192.168.50.3"]]],
          [1, "unicast", "10.0.0.4", 6000, [[1, "10.0.0.3"]]],
        ],
      );
    }
  });
  it("says what is wrong: a node outside the nodelist, no address in bindnetaddr's network", () => {
    const c = config(`totem {\n version: 2\n transport: udpu\n}\n${nodelist}`);
    assert.deepEqual(planLinks(c, { self: 7, addresses: [] }), {
      ok: false,
      error: "node 7 is not in the nodelist; add it (nodeid: 7)",
    });
    const m = config(
      "totem {\n interface {\n  bindnetaddr: 172.16.0.0\n  mcastaddr: 239.255.1.1\n }\n}\n",
    );
    const r = planLinks(m, { self: 1, addresses: here });
    assert.ok(!r.ok);
    assert.match(r.error, /no local address in bindnetaddr 172\.16\.0\.0's network/);
  });
});
