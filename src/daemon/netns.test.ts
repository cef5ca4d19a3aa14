/**
 * As root: two `pacer node` processes in their own network namespaces (a private cluster
 * network with the tutorial's multicast ring, a public network shared with a client
 * namespace), Debian's real `ocf:heartbeat:IPaddr2` managing a floating address. The address
 * answers pings from the client before and after the node holding it is cut off the network
 * (its links detached from the switch, the process keeps running). Skipped without root,
 * `ip` or the agent. Namespaces are named after this process so parallel runs do not meet.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { apiRequest } from "../cib/live-backend.js";
import { parseXml } from "../cib/xml.js";
import { activeResources } from "../controller/history.js";

const REPO = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
const AGENT = "/usr/lib/ocf/resource.d/heartbeat/IPaddr2";
const tag = `pn${process.pid % 100000}`;
const SW = `${tag}-sw`;
const CLIENT = `${tag}-cl`;
const NODES = [
  { name: "node1", id: 1, ns: `${tag}-n1`, pub: "192.168.1.10", priv: "192.168.50.3" },
  { name: "node2", id: 2, ns: `${tag}-n2`, pub: "192.168.1.11", priv: "192.168.50.4" },
];
const VIP = "192.168.1.100";

function why(): string | false {
  if (process.env.PACER_NETNS_TEST === "0") return "PACER_NETNS_TEST=0";
  if (process.getuid?.() !== 0) return "needs root (network namespaces)";
  if (spawnSync("ip", ["-V"]).status !== 0) return "needs iproute2";
  if (!existsSync(AGENT)) return "needs resource-agents (IPaddr2)";
  return false;
}

function ip(args: string[], ns?: string): void {
  const full = ns ? ["netns", "exec", ns, "ip", ...args] : args;
  const r = spawnSync("ip", full, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ip ${full.join(" ")}: ${r.stderr}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function pingOk(): boolean {
  const r = spawnSync("ip", ["netns", "exec", CLIENT, "ping", "-c", "1", "-W", "1", VIP]);
  return r.status === 0;
}

const skip = why();

describe("two pacer nodes in network namespaces with a real IPaddr2 VIP", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "pacer-netns-"));
  const procs = new Map<string, ChildProcess>();
  const sock = (n: string) => join(dir, n, "api.sock");
  const figures: Record<string, number | string> = {};

  function link(ns: string, short: string, inside: string, bridge: string, addr: string): void {
    ip(["link", "add", short, "netns", SW, "type", "veth", "peer", "name", inside, "netns", ns]);
    ip(["link", "set", short, "master", bridge, "up"], SW);
    ip(["addr", "add", addr, "dev", inside], ns);
    ip(["link", "set", inside, "up"], ns);
  }

  before(async () => {
    for (const ns of [SW, CLIENT, ...NODES.map((n) => n.ns)]) ip(["netns", "add", ns]);
    for (const ns of [SW, CLIENT, ...NODES.map((n) => n.ns)]) ip(["link", "set", "lo", "up"], ns);
    for (const br of ["pub", "priv"]) {
      ip(["link", "add", br, "type", "bridge", "mcast_snooping", "0", "forward_delay", "0"], SW);
      ip(["link", "set", br, "up"], SW);
    }
    for (const n of NODES) {
      link(n.ns, `${tag}${n.id}p`, "pub", "pub", `${n.pub}/24`);
      link(n.ns, `${tag}${n.id}c`, "priv", "priv", `${n.priv}/24`);
      ip(["route", "add", "224.0.0.0/4", "dev", "priv"], n.ns);
    }
    link(CLIENT, `${tag}cl`, "pub", "pub", "192.168.1.50/24");
    writeFileSync(join(dir, "authkey"), randomBytes(256), { mode: 0o400 });
    // The tutorial's ring: multicast on the private network; a nodelist names the nodes.
    writeFileSync(
      join(dir, "corosync.conf"),
      `totem {\n\tversion: 2\n\tcluster_name: debian\n` +
        "\ttransport: udp\n\tinterface {\n\t\tringnumber: 0\n\t\tbindnetaddr: 192.168.50.0\n" +
        "\t\tmcastaddr: 239.255.1.1\n\t\tmcastport: 5405\n\t}\n}\nnodelist {\n" +
        NODES.map(
          (n) =>
            `\tnode {\n\t\tname: ${n.name}\n\t\tnodeid: ${n.id}\n\t\tring0_addr: ${n.priv}\n\t}\n`,
        ).join("") +
        "}\nquorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n",
    );
    for (const n of NODES) {
      mkdirSync(join(dir, n.name), { recursive: true });
      const log = openSync(join(dir, n.name, "pacer.log"), "a");
      procs.set(
        n.name,
        spawn(
          "ip",
          [
            "netns",
            "exec",
            n.ns,
            process.execPath,
            join(REPO, "bin", "pacer"),
            "node",
            "--config",
            join(dir, "corosync.conf"),
            "--authkey",
            join(dir, "authkey"),
            "--state-dir",
            join(dir, n.name),
            "--name",
            n.name,
            "--api-socket",
            sock(n.name),
          ],
          { stdio: ["ignore", log, log] },
        ),
      );
    }
    for (let i = 0; i < 300; i++) {
      const r = await apiRequest(
        { PACER_API_SOCKET: sock("node1") },
        { op: "node-status" },
        { timeoutMs: 1000 },
      );
      if (r.ok && Array.isArray(r.value.members) && r.value.members.length === 2) return;
      await sleep(100);
    }
    throw new Error("the two nodes did not form a cluster");
  });

  after(() => {
    for (const p of procs.values()) p.kill("SIGKILL");
    spawnSync("sh", ["-c", "sleep 0.3"]);
    for (const ns of [SW, CLIENT, ...NODES.map((n) => n.ns)]) spawnSync("ip", ["netns", "del", ns]);
    process.stdout.write(`${JSON.stringify({ bench: "netns-vip", ...figures })}\n`);
    rmSync(dir, { recursive: true, force: true });
  });

  async function holder(): Promise<string | undefined> {
    for (const n of NODES) {
      const r = await apiRequest(
        { PACER_API_SOCKET: sock(n.name) },
        { op: "cib-query" },
        { timeoutMs: 1000 },
      );
      if (!r.ok) continue;
      const cib = parseXml(String(r.value.cib), "cib");
      if (cib.ok && activeResources(cib.value, n.name).includes("failover-ip")) return n.name;
    }
    return undefined;
  }

  it("brings the VIP up with crm and answers the client", async () => {
    const env = { ...process.env, PACER_API_SOCKET: sock("node1") };
    for (const args of [
      ["configure", "property", "stonith-enabled=false"],
      ["configure", "property", "no-quorum-policy=ignore"],
      [
        "configure",
        "primitive",
        "failover-ip",
        "ocf:heartbeat:IPaddr2",
        "params",
        `ip=${VIP}`,
        "cidr_netmask=24",
        "nic=pub",
        "op",
        "monitor",
        "interval=10s",
      ],
    ]) {
      const r = spawnSync(process.execPath, [join(REPO, "bin", "crm"), ...args], {
        env,
        encoding: "utf8",
      });
      assert.equal(r.status, 0, `crm ${args.join(" ")}: ${r.stdout}${r.stderr}`);
    }
    const t0 = Date.now();
    while (!pingOk()) {
      if (Date.now() - t0 > 30000) throw new Error("the VIP never answered");
      await sleep(100);
    }
    figures.commit_to_vip_answering_ms = Date.now() - t0;
  });

  it("answers again from the survivor after the holder is cut off", async () => {
    // The address answers as soon as the agent adds it; the start result follows.
    let h = await holder();
    for (let i = 0; i < 100 && h === undefined; i++) {
      await sleep(100);
      h = await holder();
    }
    assert.ok(h, "someone holds the VIP");
    const n = NODES.find((x) => x.name === h) as (typeof NODES)[number];
    const t0 = Date.now();
    ip(["link", "set", `${tag}${n.id}p`, "nomaster"], SW);
    ip(["link", "set", `${tag}${n.id}c`, "nomaster"], SW);
    while (!pingOk()) {
      if (Date.now() - t0 > 30000) throw new Error("the VIP did not come back");
      await sleep(50);
    }
    figures.cut_to_vip_answering_ms = Date.now() - t0;
    figures.cut = h;
  });
});
