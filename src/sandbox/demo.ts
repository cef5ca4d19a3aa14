/**
 * `pacer demo`: the README's first command. No root: a 3-node cluster of `pacer node`
 * processes on loopback, a web service behind a floating loopback address (ocf:pacer:LoopbackIP
 * + ocf:pacer:WebServer in a group), a live view, then node holding the service crashes
 * (SIGKILL of its daemon and of the services it ran) and the service moves. The failover time
 * is measured the way a client sees it: from the kill to the first HTTP answer from another
 * node. `--once` exits after the failover.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { apiRequest } from "../cib/live-backend.js";
import { getAttr, parseXml, type XmlElement } from "../cib/xml.js";
import { activeResources } from "../controller/history.js";
import { findNodeState } from "../controller/status.js";
import { ExitCode, type ToolIo, UserError } from "../tools/tool-io.js";
import { REPO_ROOT } from "./cli.js";
import { LoopbackSandbox, layoutLoopback } from "./loopback.js";

const NET = "127.77.0";
const VIP = `${NET}.100`;
const HTTP_PORT = 18080;
const RING_PORT = 15877;
const PROBE_INTERVAL_MS = 20;
const SETTLE_TIMEOUT_MS = 60_000;
const FAILOVER_TIMEOUT_MS = 30_000;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One HTTP GET with a short timeout; resolves to the body or undefined. */
function httpGet(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: "/", timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve(res.statusCode === 200 ? body : undefined));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

/** The node name the demo page names (WebServer serves "… <node> …"). */
function servedBy(body: string | undefined, names: readonly string[]): string | undefined {
  if (body === undefined) return undefined;
  return names.find((n) => new RegExp(`\\b${n}\\b`).test(body));
}

class Demo {
  readonly sb: LoopbackSandbox;
  readonly names: string[];
  private alive: Set<string>;

  constructor(
    dir: string,
    readonly io: ToolIo,
  ) {
    this.sb = new LoopbackSandbox(layoutLoopback(dir, 3, RING_PORT, NET), REPO_ROOT);
    this.names = this.sb.layout.nodes.map((n) => n.name);
    this.alive = new Set(this.names);
  }

  async cib(via: string): Promise<XmlElement | undefined> {
    const r = await apiRequest(this.sb.envFor(via), { op: "cib-query" }, { timeoutMs: 2000 });
    if (!r.ok) return undefined;
    const x = parseXml(String(r.value.cib ?? ""), "cib");
    return x.ok ? x.value : undefined;
  }

  /** Where `rsc` runs, according to the first live node that answers. */
  async where(rsc: string): Promise<string | undefined> {
    for (const via of this.alive) {
      const cib = await this.cib(via);
      if (!cib) continue;
      return this.names.find((n) => {
        const ns = findNodeState(cib, n);
        return (
          ns !== undefined &&
          getAttr(ns, "crmd") === "online" &&
          activeResources(cib, n).includes(rsc)
        );
      });
    }
    return undefined;
  }

  async waitJoined(): Promise<void> {
    const end = Date.now() + SETTLE_TIMEOUT_MS;
    while (Date.now() < end) {
      const st = await Promise.all(
        [...this.alive].map((n) =>
          apiRequest(this.sb.envFor(n), { op: "controller-status" }, { timeoutMs: 1000 }),
        ),
      );
      if (st.every((s) => s.ok && s.value.joined === true)) return;
      await sleep(100);
    }
    throw new UserError(
      "the demo cluster did not form within 60 s; see the logs in " +
        `${this.sb.layout.dir}/node*/pacer.log`,
      ExitCode.Error,
    );
  }

  crm(args: string[]): void {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "crm"), ...args], {
      encoding: "utf8",
      env: { ...process.env, ...this.sb.envFor([...this.alive][0] as string) },
    });
    this.io.stdout(`  $ crm ${args.join(" ")}\n`);
    if (r.status !== 0) {
      throw new UserError(`'crm ${args.join(" ")}' failed: ${(r.stderr || r.stdout).trim()}`);
    }
  }

  /** `crm_mon -1` as seen from a live node. */
  view(): void {
    const via = [...this.alive][0] as string;
    const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "crm_mon"), "-1"], {
      encoding: "utf8",
      env: { ...process.env, ...this.sb.envFor(via) },
    });
    const text = r.status === 0 ? r.stdout : `crm_mon failed: ${(r.stderr || r.stdout).trim()}\n`;
    this.io.stdout(`${text.replace(/\n+$/, "").replace(/^/gm, "  | ")}\n\n`);
  }

  /** A crash of `node`: its daemon and every service it started die at once. */
  crash(node: string): void {
    this.sb.kill(node, "SIGKILL");
    const run = join(this.sb.node(node).dir, "state", "run");
    let files: string[] = [];
    try {
      files = readdirSync(run).filter((f) => f.endsWith(".pid"));
    } catch {
      // nothing ran there
    }
    for (const f of files) {
      const pid = Number(readFileSync(join(run, f), "utf8").trim());
      try {
        if (pid > 0) process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    this.alive.delete(node);
  }
}

async function waitFor<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await f();
    if (v !== undefined) return v;
    await sleep(PROBE_INTERVAL_MS);
  }
  throw new UserError(`timed out after ${ms / 1000} s waiting for ${what}`);
}

export async function demoCli(argv: readonly string[], io: ToolIo): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      once: { type: "boolean", default: false },
      dir: { type: "string" },
    },
  });
  const dir = values.dir ?? join(io.env.TMPDIR ?? "/tmp", `pacer-demo-${process.getuid?.() ?? 0}`);
  const demo = new Demo(dir, io);
  const stop = () => demo.sb.stopAll();
  process.once("SIGINT", () => {
    stop();
    io.stdout("\ndemo stopped; cluster shut down\n");
    process.exit(0);
  });
  try {
    return await run(demo, io, values.once === true);
  } finally {
    stop();
  }
}

async function run(demo: Demo, io: ToolIo, once: boolean): Promise<number> {
  io.stdout(`pacer demo: 3 nodes on loopback (${NET}.1-3, state in ${demo.sb.layout.dir})\n\n`);
  demo.sb.prepare({ authkey: randomBytes(256) });
  const t0 = Date.now();
  for (const n of demo.names) demo.sb.start(n);
  await demo.waitJoined();
  io.stdout(
    `1. cluster formed in ${((Date.now() - t0) / 1000).toFixed(2)} s\n\n2. configure a web service behind a floating address (${VIP}):\n`,
  );
  demo.crm(["configure", "property", "stonith-enabled=false"]);
  demo.crm([
    "configure",
    "primitive",
    "vip",
    "ocf:pacer:LoopbackIP",
    "params",
    `ip=${VIP}`,
    "op",
    "monitor",
    "interval=2s",
  ]);
  demo.crm([
    "configure",
    "primitive",
    "web",
    "ocf:pacer:WebServer",
    "params",
    `address=${VIP}`,
    `port=${HTTP_PORT}`,
    "op",
    "monitor",
    "interval=2s",
  ]);
  demo.crm(["configure", "group", "website", "vip", "web"]);
  const first = await waitFor("the web service to answer", SETTLE_TIMEOUT_MS, async () =>
    servedBy(await httpGet(VIP, HTTP_PORT, 500), demo.names),
  );
  io.stdout(`\n3. http://${VIP}:${HTTP_PORT}/ answers from ${first}:\n`);
  demo.view();
  io.stdout(
    `4. crash ${first} (SIGKILL of its daemon and its services), probing every ${PROBE_INTERVAL_MS} ms...\n`,
  );
  const tKill = Date.now();
  demo.crash(first);
  const survivor = await waitFor(
    "the service to answer from a survivor",
    FAILOVER_TIMEOUT_MS,
    async () => {
      const by = servedBy(await httpGet(VIP, HTTP_PORT, 200), demo.names);
      return by !== undefined && by !== first ? by : undefined;
    },
  );
  const failoverS = (Date.now() - tKill) / 1000;
  io.stdout(
    `\n5. failover: the service answers from ${survivor} ${failoverS.toFixed(3)} s after the crash\n`,
  );
  io.stdout(
    "   (Pacemaker + Corosync at Debian's defaults: ~8 s for a VIP; see docs/performance.md)\n\n",
  );
  demo.view();
  if (once) return ExitCode.Ok;
  io.stdout("the cluster keeps running; the view refreshes every 2 s. Ctrl-C to stop.\n");
  for (;;) {
    await sleep(2000);
    io.stdout(`--- ${new Date().toISOString()} web on ${(await demo.where("web")) ?? "nowhere"}\n`);
    demo.view();
  }
}
