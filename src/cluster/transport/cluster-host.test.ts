import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { View } from "../protocol/api.js";
import { ClusterHost } from "./cluster-host.js";
import type { Delivery } from "./driver.js";

const dir = mkdtempSync(join(tmpdir(), "pacer-cluster-host-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const port = 21_000 + Math.floor(Math.random() * 30_000);
const ids = [1, 2, 3];
const configText = `totem {\n\tversion: 2\n\tcluster_name: host${port}\n\ttransport: udpu\n\ttoken: 1000\n\tinterface {\n\t\tlinknumber: 0\n\t\tmcastport: ${port}\n\t}\n}\nnodelist {\n${ids
  .map((i) => `\tnode {\n\t\tnodeid: ${i}\n\t\tring0_addr: 127.0.0.${i}\n\t}`)
  .join("\n")}\n}\nquorum {\n\tprovider: corosync_votequorum\n}\n`;
const authkey = randomBytes(256);

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // the main thread is stuck: what a huge synchronous task looks like to the event loop
  }
}

describe("ClusterHost (cluster layer in a worker thread)", () => {
  it("keeps the view while the main thread is blocked for longer than token + consensus", async () => {
    const views = new Map<number, View[]>();
    const got = new Map<number, Delivery[]>();
    const hosts: ClusterHost[] = [];
    for (const id of ids) {
      views.set(id, []);
      got.set(id, []);
      const r = await ClusterHost.start({
        configText,
        configFile: "corosync.conf",
        authkey,
        self: id,
        stateDir: join(dir, `s${id}`),
        incarnation: Date.now(),
        onView: (v) => views.get(id)?.push(v),
        onDeliver: (d) => got.get(id)?.push(d),
      });
      if (!r.ok) assert.fail(r.error);
      hosts.push(r.value);
    }
    try {
      const t0 = Date.now();
      while (!ids.every((id) => views.get(id)?.at(-1)?.members.length === 3)) {
        if (Date.now() - t0 > 10_000) assert.fail("no 3-node view");
        await new Promise((r) => setTimeout(r, 10));
      }
      const before = ids.map((id) => views.get(id)?.length ?? 0);
      busyWait(2500); // token 1000 + consensus 1200 < 2500
      await new Promise((r) => setTimeout(r, 200)); // let queued events arrive
      const afterBlock = ids.map((id) => views.get(id)?.length ?? 0);
      const gaps = await Promise.all(hosts.map((h) => h.counters()));
      console.log(
        `cluster-host: main thread blocked 2500 ms; workers' longest tick gap ${Math.max(...gaps.map((g) => g.maxTickGapMs)).toFixed(1)} ms`,
      );
      assert.deepEqual(afterBlock, before, "no view change while the main thread was blocked");

      for (let k = 0; k < 100; k++) hosts[k % 3]?.broadcast(Buffer.from(`m${k}`));
      const t1 = Date.now();
      while (!ids.every((id) => (got.get(id)?.length ?? 0) >= 100)) {
        if (Date.now() - t1 > 10_000) assert.fail("deliveries missing");
        await new Promise((r) => setTimeout(r, 10));
      }
      const order = (id: number) => got.get(id)?.map((d) => Buffer.from(d.payload).toString());
      assert.deepEqual(order(2), order(1));
      assert.deepEqual(order(3), order(1));
      const s = await hosts[0]?.status();
      assert.equal(s?.members.length, 3);
      assert.equal(s?.votequorum.quorate, true);
    } finally {
      await Promise.all(hosts.map((h) => h.terminate()));
    }
  });
});
