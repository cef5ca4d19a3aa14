import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { lastEnvBlock, type Scratch, scratch } from "./_testing.js";
import { ExecStatus, OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import { pacerToolsDir } from "./locate.js";
import type { AgentSpec, OpRequest } from "./types.js";

const PACER_DUMMY: AgentSpec = { class: "ocf", provider: "pacer", type: "Dummy" };
const PCMK_DUMMY: AgentSpec = { class: "ocf", provider: "pacemaker", type: "Dummy" };
const PACER_STATEFUL: AgentSpec = { class: "ocf", provider: "pacer", type: "Stateful" };

const EXIT_AGENT = `#!/bin/sh
case "$1" in
  meta-data) echo '<resource-agent name="Exit"/>'; exit 0 ;;
esac
[ -n "$OCF_RESKEY_reason" ] && echo "ocf-exit-reason:$OCF_RESKEY_reason" >&2
[ -n "$OCF_RESKEY_signal" ] && kill -"$OCF_RESKEY_signal" $$
exit "$OCF_RESKEY_rc"
`;

// Prints 200 KB on stdout and stderr; the exit reason comes last, after what is kept.
const CHATTY_AGENT = `#!/bin/sh
i=0
while [ $i -lt 2000 ]; do
  echo "line $i: ....................................................................................."
  i=$((i + 1))
done | tee /dev/stderr
echo "ocf-exit-reason:said at the very end" >&2
exit 1
`;

// Two exit reasons: Pacemaker reports the last one (checked with crm_resource --validate).
const TWO_REASONS_AGENT = `#!/bin/sh
echo "ocf-exit-reason:first reason" >&2
echo "ocf-exit-reason:second reason" >&2
exit 6
`;

// Logs through heartbeat's shell functions, as Debian's agents do.
const HB_LOG_AGENT = `#!/bin/sh
. "\${OCF_FUNCTIONS_DIR}/ocf-shellfuncs"
ocf_log info "hello from \${OCF_RESOURCE_INSTANCE}"
ocf_exit_reason "something went %s" "wrong"
exit $OCF_ERR_CONFIGURED
`;

const CIB_ONE_NODE = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config/><nodes><node id="1" uname="node1"/></nodes><resources/><constraints/></configuration>
  <status/>
</cib>
`;

// Two resources each wait for the other's marker: only parallel execution lets both finish.
const RENDEZVOUS_AGENT = `#!/bin/sh
touch "$OCF_RESKEY_dir/$OCF_RESOURCE_INSTANCE"
i=0
while [ ! -f "$OCF_RESKEY_dir/$OCF_RESKEY_peer" ]; do
  i=$((i + 1)); [ $i -gt 400 ] && exit 1; sleep 0.05
done
exit 0
`;

describe("Executor (OCF agents)", () => {
  let s: Scratch;
  let ex: Executor;
  before(() => {
    s = scratch({
      Exit: EXIT_AGENT,
      Rendezvous: RENDEZVOUS_AGENT,
      Chatty: CHATTY_AGENT,
      HbLog: HB_LOG_AGENT,
      TwoReasons: TWO_REASONS_AGENT,
    });
    ex = new Executor({
      nodeName: "node1",
      nodeUuid: "1",
      apiSocket: "/run/pacer/test.sock",
      baseEnv: { PATH: process.env.PATH, OCF_RESKEY_leak: "x" },
    });
  });
  after(() => {
    ex.close();
    s.cleanup();
  });

  function dummyOp(action: OpRequest["action"], extra: Partial<OpRequest> = {}): OpRequest {
    return {
      resourceId: "d1",
      agent: PACER_DUMMY,
      action,
      timeoutMs: 10_000,
      params: { state: join(s.dir, "d1.state") },
      ...extra,
    };
  }

  it("runs ocf:pacer:Dummy through probe, start, monitor, stop", async () => {
    const rcs: number[] = [];
    for (const action of ["monitor", "start", "monitor", "stop", "monitor"] as const) {
      const r = await ex.exec(dummyOp(action));
      assert.equal(r.status, ExecStatus.Done, `${action}: ${r.exitReason} ${r.stderr}`);
      rcs.push(r.rc);
    }
    assert.deepEqual(rcs, [7, 0, 0, 0, 7]);
  });

  it("runs Pacemaker's own ocf:pacemaker:Dummy with its shell functions", async () => {
    const op = (action: OpRequest["action"]): OpRequest => ({
      resourceId: "pd",
      agent: PCMK_DUMMY,
      action,
      timeoutMs: 10_000,
      params: { state: join(s.dir, "pd.state") },
    });
    const ex2 = new Executor({ nodeName: "node1", ocfRoot: "/usr/lib/ocf" });
    const rcs: number[] = [];
    for (const action of ["monitor", "start", "monitor", "stop", "monitor"] as const) {
      const r = await ex2.exec(op(action));
      assert.equal(r.status, ExecStatus.Done, r.stderr);
      rcs.push(r.rc);
    }
    assert.deepEqual(rcs, [7, 0, 0, 0, 7]);
    const md = await ex2.exec(op("meta-data"));
    assert.match(md.stdout, /<resource-agent name="Dummy"/);
  });

  it("gives the agent the full OCF environment", async () => {
    const envfile = join(s.dir, "env.txt");
    const r = await ex.exec(
      dummyOp("monitor", {
        params: { state: join(s.dir, "env.state"), envfile, fake: "abc", OCF_CHECK_LEVEL: "0" },
        meta: { "clone-max": "3", notify: "true", CRM_meta_on_node_uuid: "7" },
        timeoutMs: 15_000,
      }),
    );
    assert.equal(r.rc, OcfRc.NotRunning);
    const env = lastEnvBlock(readFileSync(envfile, "utf8"));
    const want: Record<string, string> = {
      OCF_ROOT: "/usr/lib/ocf",
      OCF_FUNCTIONS_DIR: "/usr/lib/ocf/lib/heartbeat",
      OCF_RA_VERSION_MAJOR: "1",
      OCF_RA_VERSION_MINOR: "1",
      OCF_RESOURCE_INSTANCE: "d1",
      OCF_RESOURCE_TYPE: "Dummy",
      OCF_RESOURCE_PROVIDER: "pacer",
      OCF_RESKEY_fake: "abc",
      OCF_CHECK_LEVEL: "0",
      OCF_RESKEY_CRM_meta_timeout: "15000",
      OCF_RESKEY_CRM_meta_interval: "0",
      OCF_RESKEY_CRM_meta_name: "monitor",
      OCF_RESKEY_CRM_meta_clone_max: "3",
      OCF_RESKEY_CRM_meta_notify: "true",
      OCF_RESKEY_CRM_meta_on_node: "node1",
      OCF_RESKEY_CRM_meta_on_node_uuid: "7",
      OCF_EXIT_REASON_PREFIX: "ocf-exit-reason:",
      HA_LOGFACILITY: "none",
      OCF_RESKEY_crm_feature_set: "3.16.1",
    };
    for (const [k, v] of Object.entries(want)) assert.equal(env.get(k), v, k);
    assert.equal(env.get("OCF_RESKEY_leak"), undefined, "OCF_* of the daemon do not leak");
    assert.equal(env.get("PACER_API_SOCKET"), "/run/pacer/test.sock");
    const tools = pacerToolsDir();
    if (tools) {
      assert.equal(env.get("PATH")?.split(":")[0], tools, "pacer's tools come first");
      assert.equal(env.get("HA_SBIN_DIR"), tools, "heartbeat's ${HA_SBIN_DIR}/crm_attribute too");
    }
    const params = { state: join(s.dir, "env.state"), envfile };
    await ex.exec({ resourceId: "d1", agent: PACER_DUMMY, action: "monitor", params });
    const next = lastEnvBlock(readFileSync(envfile, "utf8"));
    assert.equal(next.get("OCF_RESKEY_CRM_meta_on_node_uuid"), "1", "the executor's node id");
    assert.equal(next.get("OCF_RESKEY_CRM_meta_clone_max"), undefined, "nothing carries over");
    assert.equal(next.get("OCF_RESKEY_CRM_meta_timeout"), "20000", "the default timeout");
  });

  it("sets every OCF variable Pacemaker's own services library sets", {
    skip: !existsSync("/usr/sbin/crm_resource"),
  }, async () => {
    // crm_resource --validate runs the agent through Pacemaker's libcrmservice, as execd does.
    const theirs = join(s.dir, "pcmk-env.txt");
    const ours = join(s.dir, "our-env.txt");
    const state = join(s.dir, "cmp.state");
    const args = ["--validate", "--class", "ocf", "--provider", "pacemaker", "--agent", "Dummy"];
    const opts = ["--option", `state=${state}`, "--option", `envfile=${theirs}`];
    const run = spawnSync("/usr/sbin/crm_resource", [...args, ...opts], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    const agent: AgentSpec = { class: "ocf", provider: "pacemaker", type: "Dummy" };
    const params = { state, envfile: ours };
    await ex.exec({ resourceId: "test", agent, action: "validate-all", params });
    const pcmk = lastEnvBlock(readFileSync(theirs, "utf8"));
    const mine = lastEnvBlock(readFileSync(ours, "utf8"));
    // crm_resource's own extras: validate output format and agent tracing to its stderr.
    const toolOnly = new Set(["OCF_OUTPUT_FORMAT", "OCF_TRACE_FILE"]);
    for (const [name, value] of pcmk) {
      if (!name.startsWith("OCF_") || toolOnly.has(name)) continue;
      assert.ok(mine.has(name), `${name} is set`);
      if (!name.startsWith("OCF_RESKEY_CRM_meta_") && name !== "OCF_RESKEY_envfile") {
        assert.equal(mine.get(name), value, name);
      }
    }
  });

  it("lets heartbeat's ocf_log and ocf_exit_reason work without syslog", async () => {
    // The scratch OCF root borrows Debian's heartbeat library, as a real OCF root has it.
    mkdirSync(join(s.ocfRoot, "lib"), { recursive: true });
    symlinkSync("/usr/lib/ocf/lib/heartbeat", join(s.ocfRoot, "lib", "heartbeat"));
    const exT = new Executor({ ocfRoot: s.ocfRoot });
    const agent: AgentSpec = { class: "ocf", provider: "test", type: "HbLog" };
    const r = await exT.exec({ resourceId: "hb", agent, action: "start" });
    assert.equal(r.rc, OcfRc.NotConfigured, r.stderr);
    assert.match(r.stderr, /INFO: hello from hb/, "ha_log wrote to stderr, not to syslog");
    assert.equal(r.exitReason, "something went wrong");
  });

  it("maps exit codes and keeps the exit reason", async () => {
    const exT = new Executor({ ocfRoot: s.ocfRoot, nodeName: "node1" });
    const agent: AgentSpec = { class: "ocf", provider: "test", type: "Exit" };
    const cases: Array<[string, number]> = [
      ["0", 0],
      ["1", 1],
      ["2", 2],
      ["3", 3],
      ["4", 4],
      ["5", 5],
      ["6", 6],
      ["7", 7],
      ["8", 8],
      ["9", 9],
      ["190", 190],
      ["191", 191],
      ["42", 1],
      ["255", 1],
    ];
    for (const [code, want] of cases) {
      const r = await exT.exec({
        resourceId: `e${code}`,
        agent,
        action: "start",
        params: { rc: code, reason: `why ${code}` },
      });
      assert.equal(r.rc, want, `exit ${code}`);
      assert.equal(r.status, ExecStatus.Done);
      assert.equal(r.exitReason, `why ${code}`);
    }
    const killed = await exT.exec({
      resourceId: "k",
      agent,
      action: "start",
      params: { rc: "0", signal: "KILL" },
    });
    assert.equal(killed.status, ExecStatus.Error);
    assert.equal(killed.rc, OcfRc.Error);
  });

  it("reports the last exit reason an agent printed, as Pacemaker does", async () => {
    const exT = new Executor({ ocfRoot: s.ocfRoot });
    const agent: AgentSpec = { class: "ocf", provider: "test", type: "TwoReasons" };
    const r = await exT.exec({ resourceId: "two", agent, action: "validate-all" });
    assert.equal(r.rc, OcfRc.NotConfigured);
    assert.equal(r.exitReason, "second reason");
  });

  it("bounds captured output but finds the exit reason after the bound", async () => {
    const exT = new Executor({ ocfRoot: s.ocfRoot });
    const agent: AgentSpec = { class: "ocf", provider: "test", type: "Chatty" };
    const r = await exT.exec({ resourceId: "chatty", agent, action: "start" });
    assert.equal(r.rc, OcfRc.Error);
    assert.equal(r.exitReason, "said at the very end");
    assert.ok(r.stdout.length < 70 * 1024, `stdout kept ${r.stdout.length}`);
    assert.match(r.stdout, /\[pacer: \d+ more bytes dropped\]\n$/);
    const md = await exT.exec({ resourceId: "chatty", agent, action: "meta-data" });
    assert.ok(md.stdout.length > 190_000, "meta-data output is kept whole");
  });

  it("reports parameters the OS cannot pass as an error, without throwing", async () => {
    const r = await ex.exec(dummyOp("start", { params: { state: "x", fake: "a\0b" } }));
    assert.equal(r.status, ExecStatus.Error);
    assert.equal(r.rc, OcfRc.Error);
  });

  it("refuses a request without a resource id", async () => {
    const r = await ex.exec({ resourceId: "", agent: PACER_DUMMY, action: "start" });
    assert.equal(r.status, ExecStatus.Invalid);
  });

  it("reports missing agents and unsafe names as not installed", async () => {
    for (const type of ["NoSuchAgent", "../../../bin/sh"]) {
      const r = await ex.exec({
        resourceId: "x",
        agent: { class: "ocf", provider: "pacer", type },
        action: "start",
      });
      assert.equal(r.rc, OcfRc.NotInstalled, type);
      assert.equal(r.status, ExecStatus.NotInstalled, type);
      assert.notEqual(r.exitReason, "");
    }
  });

  it("serializes operations on one resource (Dummy detects overlap)", async () => {
    const params = { state: join(s.dir, "ser.state"), op_sleep: "0.3" };
    await ex.exec({
      resourceId: "ser",
      agent: PACER_DUMMY,
      action: "start",
      params: { state: params.state },
    });
    const rs = await Promise.all(
      [1, 2, 3].map(() =>
        ex.exec({ resourceId: "ser", agent: PACER_DUMMY, action: "monitor", params }),
      ),
    );
    for (const r of rs) assert.equal(r.rc, OcfRc.Ok, r.exitReason);
    assert.deepEqual(
      rs.map((r) => r.callId).sort((a, b) => a - b),
      rs.map((r) => r.callId),
    );
  });

  it("runs different resources in parallel", async () => {
    const dir = join(s.dir, "rv");
    mkdirSync(dir);
    const agent: AgentSpec = { class: "ocf", provider: "test", type: "Rendezvous" };
    const exT = new Executor({ ocfRoot: s.ocfRoot });
    const [a, b] = await Promise.all([
      exT.exec({ resourceId: "a", agent, action: "start", params: { dir, peer: "b" } }),
      exT.exec({ resourceId: "b", agent, action: "start", params: { dir, peer: "a" } }),
    ]);
    assert.equal(a?.rc, OcfRc.Ok);
    assert.equal(b?.rc, OcfRc.Ok);
  });

  it("runs ocf:pacer:Stateful and sets promotion scores with crm_attribute", async () => {
    const bin = join(s.dir, "bin");
    mkdirSync(bin);
    const log = join(s.dir, "crm_attribute.log");
    writeFileSync(join(bin, "crm_attribute"), `#!/bin/sh\necho "$*" >> ${log}\n`);
    chmodSync(join(bin, "crm_attribute"), 0o755);
    const exS = new Executor({ nodeName: "node2", pathPrefix: [bin] });
    const op = (action: OpRequest["action"], intervalMs = 0): OpRequest => ({
      resourceId: "st:0",
      agent: PACER_STATEFUL,
      action,
      intervalMs,
      params: { state: join(s.dir, "st.state") },
    });
    const rcs: number[] = [];
    for (const a of [
      "monitor",
      "start",
      "monitor",
      "promote",
      "monitor",
      "demote",
      "stop",
    ] as const) {
      rcs.push((await exS.exec(op(a))).rc);
    }
    assert.deepEqual(rcs, [7, 0, 0, 0, 8, 0, 0]);
    // start, monitor (re-asserts), promote, monitor (re-asserts), demote, stop.
    assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), [
      "-N node2 -n master-st -l reboot -v 5 -q",
      "-N node2 -n master-st -l reboot -v 5 -q",
      "-N node2 -n master-st -l reboot -v 10 -q",
      "-N node2 -n master-st -l reboot -v 10 -q",
      "-N node2 -n master-st -l reboot -v 5 -q",
      "-N node2 -n master-st -l reboot -D -q",
    ]);
  });

  it("promotes Stateful through pacer's own crm_attribute (offline CIB)", {
    skip: pacerToolsDir() === undefined,
  }, async () => {
    const cib = join(s.dir, "cib.xml");
    writeFileSync(cib, CIB_ONE_NODE);
    const exS = new Executor({
      nodeName: "node1",
      baseEnv: { PATH: process.env.PATH, CIB_file: cib },
    });
    const params = { state: join(s.dir, "st3.state") };
    const op = (action: OpRequest["action"]): OpRequest => ({
      resourceId: "st3:1",
      agent: PACER_STATEFUL,
      action,
      params,
    });
    const score = () => /name="master-st3" value="(\d+)"/.exec(readFileSync(cib, "utf8"))?.[1];
    assert.equal((await exS.exec(op("start"))).rc, OcfRc.Ok);
    assert.equal(score(), "5");
    assert.equal((await exS.exec(op("promote"))).rc, OcfRc.Ok);
    assert.equal(score(), "10");
    assert.equal((await exS.exec(op("stop"))).rc, OcfRc.Ok);
    assert.equal(score(), undefined, "the score is deleted on stop");
  });

  it("starts Stateful even when crm_attribute is missing", async () => {
    const exS = new Executor({ baseEnv: { PATH: "/usr/bin:/bin" }, toolsDir: null });
    const params = { state: join(s.dir, "st2.state") };
    const r = await exS.exec({ resourceId: "st2", agent: PACER_STATEFUL, action: "start", params });
    assert.equal(r.rc, OcfRc.Ok);
    assert.match(r.stderr, /crm_attribute not found/);
    await exS.exec({ resourceId: "st2", agent: PACER_STATEFUL, action: "stop", params });
  });
});
