import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildCmap } from "../cluster/config/cmap.js";
import { parseCorosyncConf } from "../cluster/config/corosync-conf.js";
import { type ClusterStatus, serveClusterStatus } from "../cluster/transport/status-api.js";
import {
  formatCmap,
  formatLinkStatus,
  formatMembership,
  formatNodeAddresses,
  formatQuorumStatus,
} from "./_corosync-format.js";
import { corosyncCfgtool } from "./corosync-cfgtool.js";
import { corosyncCmapctl } from "./corosync-cmapctl.js";
import { corosyncQuorumtool } from "./corosync-quorumtool.js";
import type { ToolIo } from "./tool-io.js";

const testdata = new URL("../../src/tools/testdata/corosync/", import.meta.url);
/** A golden file: the command's output (without the `$ cmd` and `[exit N]` lines) and exit. */
function golden(name: string): { text: string; exit: number } {
  const lines = readFileSync(new URL(name, testdata), "utf8").split("\n");
  const exitLine = lines.findLastIndex((l) => l.startsWith("[exit "));
  const exit = Number(/\[exit (\d+)\]/.exec(lines[exitLine] ?? "")?.[1]);
  return { text: `${lines.slice(1, exitLine).join("\n")}\n`.replace(/^\n$/, ""), exit };
}
const maskDate = (t: string): string => t.replace(/^Date: .*$/m, "Date: <masked>");

const liveConf = (() => {
  const r = parseCorosyncConf(
    readFileSync(
      new URL("../../src/cluster/config/testdata/live-cluster.conf", import.meta.url),
      "utf8",
    ),
    "corosync.conf",
  );
  assert.ok(r.ok);
  return r.value.config;
})();

const addr = (id: number): string => `192.168.50.${id + 2}`;
/** The live cluster's status as seen from `self`, with `members` in the view. */
function liveStatus(
  self: number,
  members: number[],
  ring: { rep: number; seq: number },
): ClusterStatus {
  const quorate = members.length === 2;
  return {
    localNodeId: self,
    transport: "udp",
    ringId: ring,
    quorumProvider: "corosync_votequorum",
    votequorum: {
      quorate,
      expectedVotes: 2,
      highestExpected: 2,
      totalVotes: members.length,
      quorum: 2,
      twoNode: false,
      waitForAll: false,
      lastManStanding: false,
      autoTieBreaker: false,
    },
    members: members.map((id) => ({ nodeId: id, votes: 1, name: `node${id}`, addrs: [addr(id)] })),
    links: [
      {
        linkNumber: 0,
        localAddr: addr(self),
        peers: [1, 2].map((id) => ({
          nodeId: id,
          addr: addr(id),
          state: id === self ? "localhost" : members.includes(id) ? "connected" : "disconnected",
        })),
      },
    ],
    cmap: buildCmap(liveConf, {
      localNodeId: self,
      localAddrs: new Map([[0, addr(self)]]),
      totem: {},
      members: [1, 2].map((id) => ({
        nodeId: id,
        addrs: [addr(id)],
        joinCount: 1,
        status: members.includes(id) ? "joined" : "left",
      })),
      expectedVotes: 2,
      twoNode: false,
      waitForAll: false,
      waitForAllStatus: false,
    }),
  };
}

const plain = { hex: false, showIp: false, parsable: false, order: "a" as const };

describe("formatQuorumStatus", () => {
  const cases: Array<[string, ClusterStatus]> = [
    ["live-S1-corosync-quorumtool_-s.txt", liveStatus(1, [1, 2], { rep: 1, seq: 9 })],
    ["live-S5-corosync-quorumtool_-s.txt", liveStatus(2, [2], { rep: 2, seq: 13 })],
    ["live-S5-node1-view-corosync-quorumtool_-s.txt", liveStatus(1, [1], { rep: 1, seq: 13 })],
    ["live-S5b-healed-corosync-quorumtool_-s.txt", liveStatus(1, [1, 2], { rep: 1, seq: 17 })],
  ];
  for (const [file, status] of cases) {
    it(`matches corosync-quorumtool -s in ${file}`, () => {
      const g = golden(file);
      const r = formatQuorumStatus(status, { ...plain, now: new Date() });
      assert.equal(maskDate(r.text), maskDate(g.text));
      assert.equal(r.exitCode, g.exit);
    });
  }

  const single = (vq: Partial<ClusterStatus["votequorum"]>): ClusterStatus => {
    const s = liveStatus(1, [1], { rep: 1, seq: 5 });
    return {
      ...s,
      members: [{ nodeId: 1, votes: 1, name: "node1", addrs: ["127.0.0.1"] }],
      votequorum: { ...s.votequorum, ...vq },
    };
  };
  it("matches -H, -p and -i of a real single node", () => {
    const s = single({});
    const now = new Date();
    assert.equal(
      maskDate(formatQuorumStatus(s, { ...plain, hex: true, now }).text),
      maskDate(golden("real-1node-udpu-qt-sH.txt").text),
    );
    assert.equal(
      maskDate(formatQuorumStatus(s, { ...plain, parsable: true, now }).text),
      maskDate(golden("real-1node-udpu-qt-sp.txt").text),
    );
    assert.equal(
      maskDate(formatQuorumStatus(s, { ...plain, showIp: true, now }).text),
      maskDate(golden("real-1node-udpu-qt-si.txt").text),
    );
  });
  it("prints the flags in Corosync's order", () => {
    const twoNode = single({ twoNode: true, quorate: true, quorum: 1 });
    const g = golden("real-1node-twonode-qt-s.txt");
    assert.equal(
      maskDate(
        formatQuorumStatus(
          { ...twoNode, ringId: { rep: 1, seq: 15 } },
          { ...plain, now: new Date() },
        ).text,
      ),
      maskDate(g.text),
    );
    const flags = single({
      quorate: true,
      quorum: 1,
      expectedVotes: 1,
      highestExpected: 1,
      waitForAll: true,
      lastManStanding: true,
      autoTieBreaker: true,
    });
    assert.equal(
      maskDate(
        formatQuorumStatus({ ...flags, ringId: { rep: 1, seq: 20 } }, { ...plain, now: new Date() })
          .text,
      ),
      maskDate(golden("real-1node-flags-qt-s.txt").text),
    );
  });
});

describe("formatMembership", () => {
  it("matches corosync-quorumtool -l (live S1, S5) and -l -p (real)", () => {
    assert.equal(
      formatMembership(liveStatus(1, [1, 2], { rep: 1, seq: 9 }), plain),
      golden("live-S1-corosync-quorumtool_-l.txt").text,
    );
    assert.equal(
      formatMembership(liveStatus(2, [2], { rep: 2, seq: 13 }), plain),
      golden("live-S5-corosync-quorumtool_-l.txt").text,
    );
    const s = liveStatus(1, [1], { rep: 1, seq: 5 });
    assert.equal(
      formatMembership(s, { ...plain, parsable: true }),
      golden("real-1node-udpu-qt-lp.txt").text,
    );
  });
});

describe("formatLinkStatus", () => {
  it("matches corosync-cfgtool -s in S1, S5 and S5-node1-view", () => {
    assert.equal(
      formatLinkStatus(liveStatus(1, [1, 2], { rep: 1, seq: 9 }), { brief: false }),
      golden("live-S1-corosync-cfgtool_-s.txt").text,
    );
    assert.equal(
      formatLinkStatus(liveStatus(2, [2], { rep: 2, seq: 13 }), { brief: false }),
      golden("live-S5-corosync-cfgtool_-s.txt").text,
    );
    assert.equal(
      formatLinkStatus(liveStatus(1, [1], { rep: 1, seq: 13 }), { brief: false }),
      golden("live-S5-node1-view-corosync-cfgtool_-s.txt").text,
    );
  });
  it("matches -s -b of a real single node (udpu)", () => {
    const s = { ...liveStatus(1, [1], { rep: 1, seq: 5 }), transport: "udpu" as const };
    const links = [
      {
        linkNumber: 0,
        localAddr: "127.0.0.1",
        peers: [
          { nodeId: 1, addr: "127.0.0.1", state: "localhost" as const },
          { nodeId: 2, addr: "127.0.0.2", state: "disconnected" as const },
        ],
      },
    ];
    assert.equal(
      formatLinkStatus({ ...s, links }, { brief: true }),
      golden("real-1node-udpu-cfg-sb.txt").text,
    );
    assert.equal(
      formatLinkStatus({ ...s, links }, { brief: false }),
      golden("real-1node-udpu-cfg-s.txt").text,
    );
  });
});

/** node1 of real-knet-two-links.conf with node2 down (what the real-1node-knet2 files show). */
function knetStatus(): ClusterStatus {
  const r = parseCorosyncConf(
    readFileSync(
      new URL("../../src/cluster/config/testdata/real-knet-two-links.conf", import.meta.url),
      "utf8",
    ),
    "corosync.conf",
  );
  assert.ok(r.ok);
  const base = liveStatus(1, [1], { rep: 1, seq: 0x19 });
  const links = [0, 1].map((l) => ({
    linkNumber: l,
    localAddr: `127.0.${l}.1`,
    peers: [
      { nodeId: 1, addr: `127.0.${l}.1`, state: "localhost" as const },
      { nodeId: 2, addr: `127.0.${l}.2`, state: "disconnected" as const },
    ],
  }));
  return {
    ...base,
    transport: "knet",
    links,
    members: [{ nodeId: 1, votes: 1, name: "node1", addrs: ["127.0.0.1", "127.0.1.1"] }],
    cmap: buildCmap(r.value.config, {
      localNodeId: 1,
      localAddrs: new Map([
        [0, "127.0.0.1"],
        [1, "127.0.1.1"],
      ]),
      totem: {},
      members: [{ nodeId: 1, addrs: ["127.0.0.1", "127.0.1.1"], joinCount: 1, status: "joined" }],
      expectedVotes: 2,
      twoNode: false,
      waitForAll: false,
      waitForAllStatus: false,
    }),
  };
}

describe("knet with two links (real corosync 3.1.7 outputs)", () => {
  it("cfgtool -s shows the local address and the link's IP transport", () => {
    assert.equal(
      formatLinkStatus(knetStatus(), { brief: false }),
      golden("real-1node-knet2-cfg-s.txt").text,
    );
  });
  it("cfgtool -a NODEID lists the node's addresses, or fails for an unknown node", () => {
    assert.deepEqual(formatNodeAddresses(knetStatus(), 1), {
      out: golden("real-1node-knet2-cfg-a1.txt").text,
      err: "",
      exitCode: 0,
    });
    assert.deepEqual(formatNodeAddresses(knetStatus(), 9), {
      out: "",
      err: golden("real-1node-knet2-cfg-a9.txt").text,
      exitCode: 1,
    });
  });
  it("quorumtool -a shows every address (-i) or the name and empty entries", () => {
    const s = knetStatus();
    assert.equal(
      maskDate(formatQuorumStatus(s, { ...plain, allAddresses: true, now: new Date() }).text),
      maskDate(golden("real-1node-knet2-qt-as.txt").text),
    );
    assert.equal(
      formatMembership(s, { ...plain, allAddresses: true, showIp: true }),
      golden("real-1node-knet2-qt-ail.txt").text,
    );
  });
  it("cmapctl totem shows bindnetaddr for every link", () => {
    assert.equal(
      formatCmap(knetStatus().cmap, ["totem"]),
      golden("real-1node-knet2-cmapctl-totem.txt").text,
    );
  });
});

describe("buildCmap", () => {
  it("matches a real corosync-cmapctl for a udp two_node file with ringnumber", () => {
    const r = parseCorosyncConf(
      readFileSync(
        new URL("../../src/cluster/config/testdata/real-udp-two-node.conf", import.meta.url),
        "utf8",
      ),
      "corosync.conf",
    );
    assert.ok(r.ok);
    const entries = buildCmap(r.value.config, {
      localNodeId: 1,
      localAddrs: new Map([[0, "10.77.0.5"]]),
      totem: {},
      members: [{ nodeId: 1, addrs: ["10.77.0.5"], joinCount: 1, status: "joined" }],
      expectedVotes: 2,
      twoNode: true,
      waitForAll: true,
      waitForAllStatus: true,
    });
    const keep = /^(totem|quorum|nodelist|runtime\.members|runtime\.votequorum|logging)/;
    const mine = entries
      .map((e) => `${e.key} (${e.type}) = ${e.value}`)
      .filter((l) => keep.test(l));
    const real = golden("real-1node-udp-twonode-cmapctl.txt")
      .text.split("\n")
      .filter((l) => keep.test(l));
    assert.deepEqual(mine, real);
  });
});

function capture(env: Record<string, string>): {
  io: ToolIo;
  out: () => string;
  err: () => string;
} {
  let out = "";
  let errText = "";
  const io: ToolIo = {
    env,
    cwd: "/",
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      errText += t;
    },
    readStdin: async () => "",
    stdinIsTTY: false,
    stdoutIsTTY: false,
  };
  return { io, out: () => out, err: () => errText };
}

const dir = mkdtempSync(join(tmpdir(), "pacer-corosync-tools-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("corosync tools without a running node", () => {
  const env = { PACER_API_SOCKET: join(dir, "nothing.sock") };
  const cases: Array<[string, (a: readonly string[], io: ToolIo) => Promise<number>, string[]]> = [
    ["live-S0-not-running-corosync-quorumtool_-s.txt", corosyncQuorumtool, ["-s"]],
    ["live-S0-not-running-corosync-quorumtool_-l.txt", corosyncQuorumtool, ["-l"]],
    ["live-S0-not-running-corosync-cfgtool_-s.txt", corosyncCfgtool, ["-s"]],
    ["live-S0-not-running-corosync-cmapctl_grep.txt", corosyncCmapctl, []],
  ];
  for (const [file, tool, args] of cases) {
    it(`prints what Corosync prints when not running (${file})`, async () => {
      const c = capture(env);
      const code = await tool(args, c.io);
      const g = golden(file);
      assert.equal(c.out(), "");
      assert.equal(c.err(), g.text);
      assert.equal(code, g.exit);
    });
  }
});

describe("corosync tools against a node's status socket", () => {
  it("print the live S1 and S5 outputs, exit codes included", async () => {
    const sock = join(dir, "api.sock");
    let current = liveStatus(1, [1, 2], { rep: 1, seq: 9 });
    const server = serveClusterStatus(sock, () => current);
    await new Promise((r) => server.once("listening", r));
    try {
      const env = { PACER_API_SOCKET: sock };
      for (const [state, status] of [
        ["S1", current],
        ["S5", liveStatus(2, [2], { rep: 2, seq: 13 })],
      ] as const) {
        current = status;
        const q = capture(env);
        const code = await corosyncQuorumtool(["-s"], q.io);
        const g = golden(`live-${state}-corosync-quorumtool_-s.txt`);
        assert.equal(maskDate(q.out()), maskDate(g.text));
        assert.equal(code, g.exit);
        const c = capture(env);
        assert.equal(await corosyncCfgtool(["-s"], c.io), 0);
        assert.equal(c.out(), golden(`live-${state}-corosync-cfgtool_-s.txt`).text);
        const m = capture(env);
        assert.equal(await corosyncCmapctl([], m.io), 0);
        const grep = m
          .out()
          .split("\n")
          .filter((l) => /^(totem|quorum|nodelist|runtime.members)/.test(l));
        assert.equal(
          `${grep.join("\n")}\n`,
          golden(`live-${state}-corosync-cmapctl_grep.txt`).text,
        );
      }
      const g = capture(env);
      assert.equal(await corosyncCmapctl(["-g", "totem.cluster_name", "totem.nope"], g.io), 1);
      assert.equal(g.out(), "totem.cluster_name (str) = debian\n");
      assert.equal(g.err(), "Can't get key totem.nope. Error CS_ERR_NOT_EXIST\n");
      const q = capture(env);
      assert.equal(await corosyncCmapctl(["-q", "-g", "totem.cluster_name"], q.io), 0);
      assert.equal(q.out(), "debian\n");
      current = {
        ...current,
        stats: [{ key: "stats.pacer.transport.rx_auth_failed", type: "u64", value: "7" }],
      };
      const st = capture(env);
      assert.equal(await corosyncCmapctl(["-m", "stats"], st.io), 0);
      assert.equal(st.out(), "stats.pacer.transport.rx_auth_failed (u64) = 7\n");
    } finally {
      server.close();
    }
  });
});
