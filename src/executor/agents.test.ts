import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { get } from "node:http";
import { type AddressInfo, createServer } from "node:net";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isAlive, type Scratch, scratch, waitFor } from "./_testing.js";
import { OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import type { AgentSpec, OpRequest } from "./types.js";

const WEB: AgentSpec = { class: "ocf", provider: "pacer", type: "WebServer" };
const LIP: AgentSpec = { class: "ocf", provider: "pacer", type: "LoopbackIP" };
const ADDRESS = "127.0.0.42";

function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, address, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

describe("ocf:pacer:WebServer and ocf:pacer:LoopbackIP", () => {
  let s: Scratch;
  let port: number;
  before(async () => {
    s = scratch();
    port = await freePort(ADDRESS);
  });
  after(() => s.cleanup());

  it("serves a page naming its node on a loopback address, then stops", async () => {
    const ex = new Executor({
      nodeName: "node3",
      baseEnv: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
    });
    const pidfile = join(s.dir, "web.pid");
    const op = (action: OpRequest["action"], intervalMs = 0): OpRequest => ({
      resourceId: "web",
      agent: WEB,
      action,
      intervalMs,
      params: { address: ADDRESS, port: String(port), pidfile },
    });
    assert.equal((await ex.exec(op("monitor"))).rc, OcfRc.NotRunning);
    const start = await ex.exec(op("start"));
    assert.equal(start.rc, OcfRc.Ok, start.stderr);
    const page = await fetchText(`http://${ADDRESS}:${port}/`);
    assert.equal(page.status, 200);
    assert.match(page.body, /Hello from node3/);
    const pid = Number(readFileSync(pidfile, "utf8"));
    assert.equal((await ex.exec(op("monitor"))).rc, OcfRc.Ok);

    // A second server on the same port fails to start, with the reason.
    const clash = await ex.exec({
      ...op("start"),
      resourceId: "web2",
      params: { address: ADDRESS, port: String(port), pidfile: join(s.dir, "web2.pid") },
    });
    assert.equal(clash.rc, OcfRc.Error);
    assert.match(clash.exitReason, /cannot listen|EADDRINUSE/);

    assert.equal((await ex.exec(op("stop"))).rc, OcfRc.Ok);
    assert.equal(isAlive(pid), false, "the server process is gone");
    assert.equal((await ex.exec(op("monitor"))).rc, OcfRc.NotRunning);
    assert.equal(
      (await ex.exec({ ...op("validate-all"), params: { port: "70000" } })).rc,
      OcfRc.NotConfigured,
    );
  });

  it("stops with the node that started it, so a survivor can take the port over", async () => {
    const pidfile = join(s.dir, "owned.pid");
    const params = { address: ADDRESS, port: String(port), pidfile };
    // A stand-in node daemon: its own process runs the executor that starts the server.
    const script = `
      import { Executor } from ${JSON.stringify(new URL("./executor.js", import.meta.url).href)};
      const ex = new Executor({ nodeName: "node1" });
      const r = await ex.exec({ resourceId: "web", agent: { class: "ocf", provider: "pacer", type: "WebServer" }, action: "start", params: ${JSON.stringify(params)} });
      process.stdout.write(String(r.rc) + "\\n");
      setInterval(() => {}, 1000);
    `;
    const node = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const rc = await new Promise<string>((resolve) =>
      node.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
    );
    assert.equal(rc, "0");
    const serverPid = Number(readFileSync(pidfile, "utf8"));
    assert.ok(isAlive(serverPid));
    node.kill("SIGKILL");
    assert.ok(await waitFor(() => !isAlive(serverPid), 10_000), "the server went with its node");
    const survivor = new Executor({ nodeName: "node2" });
    const params2 = { ...params, pidfile: join(s.dir, "owned2.pid") };
    const start = await survivor.exec({
      resourceId: "web",
      agent: WEB,
      action: "start",
      params: params2,
    });
    assert.equal(start.rc, OcfRc.Ok, start.exitReason);
    assert.match((await fetchText(`http://${ADDRESS}:${port}/`)).body, /Hello from node2/);
    assert.equal(
      (await survivor.exec({ resourceId: "web", agent: WEB, action: "stop", params: params2 })).rc,
      OcfRc.Ok,
    );
  });

  it("moves a loopback address claim between nodes", async () => {
    const claimDir = join(s.dir, "claims");
    const on = (node: string) => new Executor({ nodeName: node });
    const op = (action: OpRequest["action"], intervalMs = 0): OpRequest => ({
      resourceId: "vip",
      agent: LIP,
      action,
      intervalMs,
      params: { ip: "127.0.0.42", claim_dir: claimDir },
    });
    const n1 = on("node1");
    const n2 = on("node2");
    assert.equal((await n1.exec(op("monitor"))).rc, OcfRc.NotRunning);
    assert.equal((await n1.exec(op("start"))).rc, OcfRc.Ok);
    assert.equal((await n1.exec(op("monitor"))).rc, OcfRc.Ok);
    assert.equal((await n2.exec(op("monitor"))).rc, OcfRc.NotRunning);
    // node1 is lost without stopping; node2 takes the address over.
    assert.equal((await n2.exec(op("start"))).rc, OcfRc.Ok);
    assert.equal(readFileSync(join(claimDir, "127.0.0.42"), "utf8").trim(), "node2");
    assert.equal((await n1.exec(op("monitor"))).rc, OcfRc.NotRunning);
    // node1's late stop leaves node2's claim alone.
    assert.equal((await n1.exec(op("stop"))).rc, OcfRc.Ok);
    assert.equal((await n2.exec(op("monitor"))).rc, OcfRc.Ok);
    const bad = await n1.exec({
      ...op("start"),
      params: { ip: "192.168.1.100", claim_dir: claimDir },
    });
    assert.equal(bad.rc, OcfRc.NotConfigured);
    assert.match(bad.exitReason, /127\.0\.0\.0\/8/);
  });
});
