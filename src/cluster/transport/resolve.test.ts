import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCorosyncConf } from "../config/corosync-conf.js";
import { pickAddress, resolveRingAddrs } from "./resolve.js";

function conf(
  transport: string,
  addrs: string[],
  extra = "",
): Parameters<typeof resolveRingAddrs>[0] {
  const nodes = addrs
    .map((a, i) => `\tnode {\n\t\tnodeid: ${i + 1}\n\t\tring0_addr: ${a}\n\t}`)
    .join("\n");
  const r = parseCorosyncConf(
    `totem {\n\tversion: 2\n\ttransport: ${transport}\n${extra}\tinterface {\n\t\tlinknumber: 0\n\t\tmcastaddr: 239.1.1.1\n\t}\n}\nnodelist {\n${nodes}\n}\n`,
    "c.conf",
  );
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.error));
  return r.value.config;
}

describe("resolveRingAddrs", () => {
  const table: Record<string, { address: string; family: number }[]> = {
    alpha: [
      { address: "fd00::1", family: 6 },
      { address: "10.0.0.1", family: 4 },
    ],
    beta: [{ address: "10.0.0.2", family: 4 }],
  };
  const lookup = async (name: string) => {
    const hit = table[name];
    if (hit === undefined) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return hit;
  };

  it("keeps IP literals and resolves names by ip_version (udp: ipv4, udpu: ipv6-4)", async () => {
    const udp = await resolveRingAddrs(conf("udp", ["alpha", "10.9.9.9"]), { lookup });
    assert.ok(udp.ok);
    assert.deepEqual(
      udp.value.nodelist.map((n) => n.ringAddrs.get(0)),
      ["10.0.0.1", "10.9.9.9"],
    );
    const udpu = await resolveRingAddrs(conf("udpu", ["alpha", "beta"]), { lookup });
    assert.ok(udpu.ok);
    assert.deepEqual(
      udpu.value.nodelist.map((n) => n.ringAddrs.get(0)),
      ["fd00::1", "10.0.0.2"],
    );
  });

  it("says which name failed and how to fix it", async () => {
    const r = await resolveRingAddrs(conf("udpu", ["gamma"]), { lookup });
    assert.deepEqual(r, {
      ok: false,
      error:
        'node 1: cannot resolve ring0_addr "gamma" (ENOTFOUND); use an IP address or fix /etc/hosts',
    });
    const v6only = await resolveRingAddrs(conf("udpu", ["beta"], "\tip_version: ipv6\n"), {
      lookup,
    });
    assert.ok(!v6only.ok);
    assert.match(v6only.error, /has no ipv6 address/);
  });

  it("resolves localhost with the system resolver", async () => {
    const r = await resolveRingAddrs(conf("udp", ["localhost"]));
    assert.ok(r.ok);
    assert.equal(r.value.nodelist[0]?.ringAddrs.get(0), "127.0.0.1");
  });

  it("pickAddress follows the order of each ip_version", () => {
    const both = [
      { address: "::1", family: 6 },
      { address: "127.0.0.1", family: 4 },
    ];
    assert.equal(pickAddress(both, "ipv4-6"), "127.0.0.1");
    assert.equal(pickAddress(both, "ipv6-4"), "::1");
    assert.equal(pickAddress([{ address: "::1", family: 6 }], "ipv4"), undefined);
  });
});
