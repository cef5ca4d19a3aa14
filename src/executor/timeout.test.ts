import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { isAlive, type Scratch, scratch, waitFor } from "./_testing.js";
import { ExecStatus, OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import { executorLimits } from "./limits.js";
import { TIMEOUT_REASON } from "./outcome.js";
import type { AgentSpec } from "./types.js";

// Starts two background children in its process group, records every pid, ignores SIGTERM
// (as Pacemaker's Dummy does on purpose) and hangs: only SIGKILL to the group ends it all.
const HANG_AGENT = `#!/bin/sh
trap '' TERM
sleep 300 &
echo $! >> "$OCF_RESKEY_pids"
( trap '' TERM; sleep 300 ) &
echo $! >> "$OCF_RESKEY_pids"
echo $$ >> "$OCF_RESKEY_pids"
while :; do sleep 1; done
`;

// Exits on SIGTERM, leaving a child behind that does not.
const POLITE_AGENT = `#!/bin/sh
( trap '' TERM; sleep 300 ) &
echo $! >> "$OCF_RESKEY_pids"
echo $$ >> "$OCF_RESKEY_pids"
trap 'exit 1' TERM
while :; do sleep 0.05; done
`;

describe("Executor timeouts", () => {
  let s: Scratch;
  let ex: Executor;
  before(() => {
    s = scratch({ Hang: HANG_AGENT, Polite: POLITE_AGENT });
    ex = new Executor({ ocfRoot: s.ocfRoot });
  });
  after(() => {
    ex.close();
    s.cleanup();
  });

  for (const type of ["Hang", "Polite"]) {
    it(`kills the whole process group of an agent past its timeout (${type})`, async () => {
      const pids = join(s.dir, `${type}.pids`);
      const agent: AgentSpec = { class: "ocf", provider: "test", type };
      const r = await ex.exec({
        resourceId: type,
        agent,
        action: "start",
        timeoutMs: 800, // room for the agent to record its pids on a loaded host
        params: { pids },
      });
      assert.equal(r.status, ExecStatus.Timeout);
      assert.equal(r.rc, OcfRc.Error);
      assert.equal(r.exitReason, TIMEOUT_REASON);
      assert.ok(r.execMs >= 800, `exec-time ${r.execMs} covers the timeout`);
      assert.ok(r.execMs < 800 + executorLimits.killGraceMs + 5000, "killed in bounded time");
      const listed = readFileSync(pids, "utf8").trim().split("\n").map(Number);
      assert.ok(listed.length >= 2, "the agent recorded its processes");
      const gone = await waitFor(() => listed.every((p) => !isAlive(p)), 5000);
      assert.ok(gone, `no orphan remains of ${listed.join(",")}`);
    });
  }

  it("lets the next operation on the resource run after a timeout", async () => {
    const pids = join(s.dir, "next.pids");
    const hang: AgentSpec = { class: "ocf", provider: "test", type: "Polite" };
    const dummy: AgentSpec = { class: "ocf", provider: "pacer", type: "Dummy" };
    const ex2 = new Executor({ ocfRoot: s.ocfRoot });
    const [t, m] = await Promise.all([
      ex2.exec({ resourceId: "r", agent: hang, action: "start", timeoutMs: 200, params: { pids } }),
      ex2.exec({
        resourceId: "r",
        agent: dummy,
        action: "monitor",
        params: { state: join(s.dir, "r.state") },
      }),
    ]);
    assert.equal(t?.status, ExecStatus.Timeout);
    assert.equal(m?.rc, OcfRc.NotRunning);
    assert.ok((m?.queueMs ?? 0) >= 200, "the monitor waited for the timed-out start");
  });
});
