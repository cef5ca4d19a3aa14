import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { sharedDir } from "../testing/shared-dir.js";
import { actionLine, executionOrder } from "./execute.js";
import { graphXml } from "./graph.js";
import { schedule, type Transition } from "./schedule.js";

const CASE = join(sharedDir(), "pcmk-scheduler", "cases", "clone", "promoted-pseudo");

function run(notifications: boolean): Transition {
  const parsed = parseXml(readFileSync(`${CASE}.xml`, "utf8"), "promoted-pseudo.xml");
  assert.ok(parsed.ok);
  return schedule(parsed.value, { notifications });
}

const norm = (l: string) => l.replace(/\s+/g, " ").trim();

describe("clone notifications", { skip: !existsSync(`${CASE}.xml`) }, () => {
  it("run in crm_simulate 2.1.5's order around stop, start and promote (notify=true)", () => {
    const expected = readFileSync(`${CASE}.summary`, "utf8")
      .split("Executing Cluster Transition:")[1]
      ?.split("Revised Cluster Status:")[0]
      ?.split("\n")
      .map(norm)
      .filter((l) => l.startsWith("*"));
    const got = executionOrder(run(true)).map((a) => norm(actionLine(a)));
    assert.deepEqual(got, expected);
  });
  it("carry the notify lists an agent reads as CRM_meta_notify_*", () => {
    const xml = graphXml(run(true));
    const op =
      /<rsc_op [^>]*operation_key="drbd_float:0_pre_notify_promote_0"[\s\S]*?<\/rsc_op>/.exec(
        xml,
      )?.[0];
    assert.ok(op, "no pre-promote notification in the graph");
    assert.match(op, /operation="notify"/);
    for (const [k, v] of [
      ["CRM_meta_notify_type", "pre"],
      ["CRM_meta_notify_operation", "promote"],
      ["CRM_meta_notify_promote_resource", "drbd_float:0"],
      ["CRM_meta_notify_promote_uname", "sambuca.linbit"],
      ["CRM_meta_notify_stop_resource", "drbd_float:0"],
      ["CRM_meta_notify_master_resource", " "],
      ["CRM_meta_notify_slave_resource", "drbd_float:0"],
      ["CRM_meta_notify_all_uname", "raki.linbit sambuca.linbit"],
    ]) {
      assert.match(op, new RegExp(`${k}="${v}"`), k);
    }
  });
  it("are left out unless asked for", () => {
    const lines = executionOrder(run(false)).map((a) => actionLine(a));
    assert.ok(lines.every((l) => !l.includes("notif")));
  });
});
