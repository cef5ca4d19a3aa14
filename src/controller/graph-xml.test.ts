import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { graphFromXml } from "./graph-xml.js";
import { Transition } from "./transition.js";

const here = new URL("../../src/controller/testdata/", import.meta.url);

describe("graphFromXml", () => {
  it("reads a graph Pacemaker's crm_simulate wrote and executes it in dependency order", () => {
    const xml = parseXml(readFileSync(new URL("pcmk-graph-994.xml", here), "utf8"), "g");
    assert.ok(xml.ok);
    const g = graphFromXml(xml.value);
    assert.ok(g.ok);
    const mon = g.value.actions.find((a) => a.operationKey === "postfix_9_monitor_120000");
    assert.equal(mon?.type, "rsc_op");
    assert.equal(mon?.intervalMs, 120000);
    assert.equal(mon?.node, "paul");
    assert.equal(mon?.resource?.type, "postfix");
    // Run the graph with every action succeeding: each starts only after its inputs.
    const t = new Transition(1, g.value);
    const order: string[] = [];
    for (let i = 0; i < 100 && !t.finished(); i++) {
      for (const a of t.ready()) {
        t.start(a.id, 0);
        order.push(a.operationKey);
        t.complete(a.id, true);
      }
    }
    assert.ok(t.finished());
    assert.equal(order.length, g.value.actions.length);
    assert.ok(order.indexOf("postfix_9_stop_0") < order.indexOf("postfix_9_start_0"));
    assert.ok(order.indexOf("postfix_9_start_0") < order.indexOf("postfix_9_monitor_120000"));
  });

  it("refuses something that is not a transition graph", () => {
    const xml = parseXml("<cib/>", "g");
    assert.ok(xml.ok);
    assert.equal(graphFromXml(xml.value).ok, false);
  });
});
