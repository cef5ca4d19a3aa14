import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Scratch, scratch, waitFor } from "./_testing.js";
import { ExecStatus, OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import type { AgentSpec, OpRequest, OpResult } from "./types.js";

const DUMMY: AgentSpec = { class: "ocf", provider: "pacer", type: "Dummy" };

function monitorCalls(envfile: string): number {
  if (!existsSync(envfile)) return 0;
  return (readFileSync(envfile, "utf8").match(/^### monitor ###$/gm) ?? []).length;
}

describe("Executor recurring monitors", () => {
  let s: Scratch;
  let ex: Executor;
  const events: OpResult[] = [];
  before(() => {
    s = scratch();
    ex = new Executor({ nodeName: "node1", onRecurring: (r) => events.push(r) });
  });
  after(() => {
    ex.close();
    s.cleanup();
  });

  it("reports the first result, then only changes, and detects a failure", async () => {
    const state = join(s.dir, "rec.state");
    const envfile = join(s.dir, "rec.env");
    const params = { state, envfile };
    const start = await ex.exec({ resourceId: "rec", agent: DUMMY, action: "start", params });
    assert.equal(start.rc, OcfRc.Ok);
    const req: OpRequest = {
      resourceId: "rec",
      agent: DUMMY,
      action: "monitor",
      intervalMs: 150,
      params,
    };
    const first = await ex.exec(req);
    assert.equal(first.rc, OcfRc.Ok);
    assert.deepEqual(ex.recurringKeys(), ["rec_monitor_150"]);
    assert.equal(events.length, 1, "the first result is reported");
    assert.ok(await waitFor(() => monitorCalls(envfile) >= 4, 15_000), "the monitor recurs");
    assert.equal(events.length, 1, "unchanged results are not reported");

    writeFileSync(`${state}.rc`, "1\n");
    assert.ok(await waitFor(() => events.length >= 2, 15_000), "the failure is reported");
    const failed = events[1];
    assert.equal(failed?.rc, OcfRc.Error);
    assert.equal(failed?.status, ExecStatus.Done);
    assert.match(failed?.exitReason ?? "", /injected failure/);
    assert.equal(failed?.callId, first.callId, "a recurring op keeps its call id");
    assert.equal(failed?.intervalMs, 150);

    rmSync(`${state}.rc`);
    assert.ok(await waitFor(() => events.length >= 3, 15_000), "the recovery is reported");
    assert.equal(events[2]?.rc, OcfRc.Ok);

    assert.equal(ex.stopRecurring("rec", "monitor", 150), true);
    assert.deepEqual(ex.recurringKeys(), []);
    const calls = monitorCalls(envfile);
    await new Promise((r) => setTimeout(r, 400));
    assert.ok(monitorCalls(envfile) <= calls + 1, "no monitor runs after the cancel");
    assert.equal(events.length, 3);
  });

  it("stamps last-rc-change with the run that changed the rc", async () => {
    let now = 1_000_000;
    const seen: OpResult[] = [];
    const ex2 = new Executor({
      wallClockMs: () => (now += 1000),
      onRecurring: (r) => seen.push(r),
    });
    const state = join(s.dir, "lrc.state");
    const envfile = join(s.dir, "lrc.env");
    const params = { state, envfile };
    await ex2.exec({ resourceId: "lrc", agent: DUMMY, action: "start", params });
    const first = await ex2.exec({
      resourceId: "lrc",
      agent: DUMMY,
      action: "monitor",
      intervalMs: 120,
      params,
    });
    await waitFor(() => monitorCalls(envfile) >= 3, 15_000);
    writeFileSync(`${state}.rc`, "7");
    await waitFor(() => seen.length >= 2, 15_000);
    ex2.close();
    const changed = seen[1];
    assert.ok(changed && changed.rcChangedAtMs > first.rcChangedAtMs);
    assert.equal(changed?.rcChangedAtMs, changed?.runAtMs);
  });

  it("never runs a monitor cancelled while it waited for its resource", async () => {
    const envfile = join(s.dir, "q.env");
    const params = { state: join(s.dir, "q.state"), envfile, op_sleep: "0.3" };
    const start = ex.exec({ resourceId: "q", agent: DUMMY, action: "start", params });
    const mon = ex.exec({
      resourceId: "q",
      agent: DUMMY,
      action: "monitor",
      intervalMs: 200,
      params,
    });
    assert.equal(ex.stopRecurring("q", "monitor", 200), true);
    assert.equal((await start).rc, OcfRc.Ok);
    assert.equal((await mon).status, ExecStatus.Cancelled);
    assert.equal(monitorCalls(envfile), 0);
    await ex.exec({ resourceId: "q", agent: DUMMY, action: "stop", params });
  });

  it("cancels a resource's recurring monitors when it is stopped", async () => {
    const params = { state: join(s.dir, "st.state") };
    await ex.exec({ resourceId: "st", agent: DUMMY, action: "start", params });
    await ex.exec({ resourceId: "st", agent: DUMMY, action: "monitor", intervalMs: 100, params });
    await ex.exec({
      resourceId: "other",
      agent: DUMMY,
      action: "monitor",
      intervalMs: 100,
      params: { state: join(s.dir, "o.state") },
    });
    const before = events.length;
    assert.equal(
      (await ex.exec({ resourceId: "st", agent: DUMMY, action: "stop", params })).rc,
      OcfRc.Ok,
    );
    assert.deepEqual(ex.recurringKeys(), ["other_monitor_100"]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      events.filter((e) => e.resourceId === "st").length,
      events.filter((e, i) => i < before && e.resourceId === "st").length,
      "no monitor result after the stop",
    );
    ex.stopAllRecurring("other");
  });

  it("refuses intervals below the minimum", async () => {
    const r = await ex.exec({ resourceId: "x", agent: DUMMY, action: "monitor", intervalMs: 5 });
    assert.equal(r.status, ExecStatus.Invalid);
    assert.deepEqual(ex.recurringKeys(), []);
  });
});
