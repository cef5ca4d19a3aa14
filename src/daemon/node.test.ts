import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { liveBackend } from "../cib/live-backend.js";
import { childElements, elem, firstChild, getAttr, printXml } from "../cib/xml.js";
import { configuration, setClusterProperty } from "../controller/cib-state.js";
import { activeResources } from "../controller/history.js";
import { miniSchedule } from "../controller/testing/mini-scheduler.js";
import { Executor } from "../executor/executor.js";
import { attrdUpdater } from "../tools/attrd_updater.js";
import { crmNode } from "../tools/crm_node.js";
import type { ToolIo } from "../tools/tool-io.js";
import { NodeDaemon } from "./node.js";
import { LocalBus } from "./testing/local-bus.js";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const NODES = [
  { id: 1, name: "node1" },
  { id: 2, name: "node2" },
  { id: 3, name: "node3" },
];

function io(env: Record<string, string>): ToolIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const errs: string[] = [];
  return {
    env,
    cwd: "/",
    out,
    err: errs,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    stdout: (t) => out.push(t),
    stderr: (t) => errs.push(t),
    readStdin: async () => "",
  };
}

async function until(what: string, cond: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function rawRequest(path: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let buf = "";
    c.on("connect", () => c.write(line));
    c.on("data", (d) => {
      buf += d.toString();
      if (buf.includes("\n")) {
        c.destroy();
        resolve(buf.trim());
      }
    });
    c.on("error", reject);
  });
}

describe("NodeDaemon (3 daemons in one process, in-memory cluster layer)", () => {
  const dir = mkdtempSync(join(tmpdir(), "pacer-node-test-"));
  const bus = new LocalBus(NODES);
  const daemons = new Map<string, NodeDaemon>();
  const sock = (n: string) => join(dir, n, "api.sock");

  before(async () => {
    for (const n of NODES) {
      const stateDir = join(dir, n.name);
      const executor = new Executor({
        nodeName: n.name,
        haVars: { HA_VARRUN: stateDir, HA_RSCTMP: stateDir },
      });
      const d = new NodeDaemon({
        stateDir,
        apiSocket: sock(n.name),
        clusterName: "test",
        cluster: bus.layer(n.name),
        executor,
        scheduler: {
          schedule: async (cib, nowS) => miniSchedule(cib, nowS),
          close: async () => {},
        },
        log: pino({ level: "silent" }),
        onExit: () => executor.close(),
      });
      daemons.set(n.name, d);
      await d.start();
    }
    bus.installView();
    await until("join", () => [...daemons.values()].every((d) => d.ctrl.joined));
  });

  after(async () => {
    for (const d of daemons.values()) await d.stop(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates the api socket for its owner only", () => {
    const mode = statSync(sock("node1")).mode & 0o777;
    assert.ok(mode === 0o600 || mode === 0o660, `mode ${mode.toString(8)}`);
  });

  it("answers crm_node as Pacemaker does", async () => {
    const t = io({ PACER_API_SOCKET: sock("node2") });
    assert.equal(await crmNode(["-l"], t), 0);
    assert.equal(t.out.join(""), "1 node1 member\n2 node2 member\n3 node3 member\n");
    const p = io({ PACER_API_SOCKET: sock("node2") });
    await crmNode(["-p"], p);
    assert.equal(p.out.join(""), "node1 node2 node3 \n");
    const n = io({ PACER_API_SOCKET: sock("node2") });
    await crmNode(["-n"], n);
    assert.equal(n.out.join(""), "node2\n");
    const q = io({ PACER_API_SOCKET: sock("node2") });
    assert.equal(await crmNode(["-q"], q), 0);
    assert.equal(q.out.join(""), "1\n");
  });

  it("commits a configuration through any node and runs the resource with a real agent", async () => {
    const live = liveBackend({ PACER_API_SOCKET: sock("node3") });
    const r = await live.read();
    assert.ok(r.ok);
    const cib = r.value;
    setClusterProperty(cib, "stonith-enabled", "false");
    const resources = firstChild(configuration(cib), "resources");
    assert.ok(resources);
    resources.children.push(
      elem("primitive", { id: "d1", class: "ocf", provider: "pacer", type: "Dummy" }, [
        elem("operations", {}, [elem("op", { id: "d1-mon", name: "monitor", interval: "1s" })]),
      ]),
    );
    const c = await live.commit(cib);
    assert.ok(c.ok, JSON.stringify(c));
    const dc = daemons.get("node1") as NodeDaemon;
    await until("d1 started", () => activeResources(dc.ctrl.cib, "node1").includes("d1"));
    const digests = new Set([...daemons.values()].map((d) => printXml(d.ctrl.cib)));
    await until(
      "same CIB everywhere",
      () => new Set([...daemons.values()].map((d) => printXml(d.ctrl.cib))).size === 1,
    );
    assert.ok(digests.size >= 1);
    assert.ok(existsSync(join(dir, "node1", "Dummy-d1.state")), "the agent's state file exists");
    // Persistence is asynchronous (temp file, fsync, rename): wait for it.
    const file = join(dir, "node2", "cib.xml");
    await until(
      "configuration persisted on node2",
      () => existsSync(file) && readFileSync(file, "utf8").includes('id="d1"'),
    );
  });

  it("refuses malformed requests without harm", async () => {
    const path = sock("node1");
    assert.match(await rawRequest(path, "not json\n"), /"ok":false.*not JSON/);
    assert.match(await rawRequest(path, '{"op":"rm -rf"}\n'), /unknown op/);
    assert.match(await rawRequest(path, '{"op":"attr","node":5}\n'), /attr needs node/);
    assert.match(await rawRequest(path, '{"op":"controller-status"}\n'), /"ok":true/);
  });

  it("records a node attribute and a cleanup through the DC", async () => {
    const t = await rawRequest(
      sock("node2"),
      '{"op":"attr","node":"node3","name":"standby","value":"on","lifetime":"forever"}\n',
    );
    assert.match(t, /"ok":true/);
    const nodes = firstChild(configuration((daemons.get("node1") as NodeDaemon).ctrl.cib), "nodes");
    const n3 = nodes
      ? childElements(nodes, "node").find((n) => getAttr(n, "uname") === "node3")
      : undefined;
    assert.ok(n3 && printXml(n3).includes('name="standby" value="on"'));
    const bad = await rawRequest(sock("node2"), '{"op":"cleanup","resource":"nope"}\n');
    assert.match(bad, /"code":105/);
  });

  it("turns a tool's status changes into attribute and cleanup requests", async () => {
    const live = liveBackend({ PACER_API_SOCKET: sock("node2") });
    const r = await live.read();
    assert.ok(r.ok);
    const status = firstChild(r.value, "status");
    const ns = status
      ? childElements(status, "node_state").find((n) => getAttr(n, "uname") === "node2")
      : undefined;
    assert.ok(ns);
    ns.children.push(
      elem("transient_attributes", { id: "2" }, [
        elem("instance_attributes", { id: "status-2" }, [
          elem("nvpair", { id: "status-2-x", name: "x", value: "1" }),
        ]),
      ]),
    );
    const c = await live.commit(r.value);
    assert.ok(c.ok, JSON.stringify(c));
    const dc = daemons.get("node1") as NodeDaemon;
    assert.match(printXml(dc.ctrl.cib), /name="x" value="1"/);
  });

  it("sets, queries and removes a transient attribute with attrd_updater", async () => {
    const env = { PACER_API_SOCKET: sock("node3") };
    assert.equal(await attrdUpdater(["-n", "pingd", "-U", "100"], io(env)), 0);
    const q = io(env);
    assert.equal(await attrdUpdater(["-n", "pingd", "-Q"], q), 0);
    assert.equal(q.out.join(""), 'name="pingd" host="node3" value="100"\n');
    assert.equal(await attrdUpdater(["-n", "pingd", "-D"], io(env)), 0);
    const gone = io(env);
    assert.equal(await attrdUpdater(["-n", "pingd", "-Q"], gone), 105);
    assert.match(gone.err.join(""), /attribute does not exist/);
  });

  it("keeps unprivileged users off the socket and lets haclient in, when run as root", {
    skip: process.getuid?.() !== 0 ? "needs root to switch to an unprivileged user" : false,
  }, () => {
    // Open the directories so that only the socket's own mode stands in the way.
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "node1"), 0o755);
    assert.equal(statSync(sock("node1")).mode & 0o777, 0o660);
    const script =
      `const c=require("net").createConnection(${JSON.stringify(sock("node1"))});` +
      `c.on("error",e=>{console.log(e.code);process.exit(0)});` +
      `c.on("connect",()=>{console.log("CONNECTED");process.exit(0)});`;
    const r = spawnSync(process.execPath, ["-e", script], {
      uid: 65534,
      gid: 65534,
      encoding: "utf8",
    });
    assert.match(r.stdout, /EACCES/);
    // The same user in group haclient may connect.
    const group = spawnSync("getent", ["group", "haclient"], { encoding: "utf8" }).stdout;
    const gid = Number(group.split(":")[2]);
    if (Number.isInteger(gid)) {
      const member = spawnSync(process.execPath, ["-e", script], {
        uid: 65534,
        gid,
        encoding: "utf8",
      });
      assert.match(member.stdout, /CONNECTED/);
    }
  });
  it("lets an unprivileged user neither read nor change the CIB through the tools (as root)", {
    skip: process.getuid?.() !== 0 ? "needs root to switch to an unprivileged user" : false,
  }, async () => {
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "node1"), 0o755);
    const before = printXml(daemons.get("node1")?.ctrl.cib ?? elem("cib"));
    const asNobody = (tool: string, ...args: string[]) =>
      spawnSync(process.execPath, [join(REPO, "bin", tool), ...args], {
        uid: 65534,
        gid: 65534,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", PACER_API_SOCKET: sock("node1") },
      });
    const attempts = [
      asNobody("cibadmin", "-Q"),
      asNobody("crm_mon", "-1"),
      asNobody("crm_attribute", "--node", "node2", "--name", "intruder", "--update", "1"),
      asNobody(
        "cibadmin",
        "-C",
        "-o",
        "resources",
        "-X",
        '<primitive id="x" class="ocf" provider="pacer" type="Dummy"/>',
      ),
    ];
    for (const r of attempts) {
      assert.notEqual(r.status, 0, r.stdout);
      assert.doesNotMatch(r.stdout, /<cib|intruder/);
      assert.ok(r.stderr.trim().split("\n").length <= 2, r.stderr); // cibadmin adds "Init failed"
      assert.doesNotMatch(r.stderr, /internal error|at .*\.js:/, r.stderr);
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(printXml(daemons.get("node1")?.ctrl.cib ?? elem("cib")), before);
  });
});
