import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { OcfRc } from "./codes.js";
import { Executor } from "./executor.js";
import { lsbMetadataXml, parseLsbHeader } from "./generated-metadata.js";
import { listOcfAgents } from "./locate.js";
import { parseAgentMetadata, parseDurationMs } from "./metadata.js";
import type { AgentSpec } from "./types.js";

describe("parseDurationMs", () => {
  it("reads Pacemaker's duration units, seconds by default", () => {
    assert.equal(parseDurationMs("20"), 20_000);
    assert.equal(parseDurationMs("20s"), 20_000);
    assert.equal(parseDurationMs("500ms"), 500);
    assert.equal(parseDurationMs("2m"), 120_000);
    assert.equal(parseDurationMs("1h"), 3_600_000);
    assert.equal(parseDurationMs("1.5s"), 1500);
    assert.equal(parseDurationMs("soon"), undefined);
    assert.equal(parseDurationMs("10 fortnights"), undefined);
  });
});

describe("parseAgentMetadata", () => {
  it("reads the parameters and actions of Debian's ocf:heartbeat:IPaddr2", async () => {
    const ex = new Executor({ ocfRoot: "/usr/lib/ocf" });
    const agent: AgentSpec = { class: "ocf", provider: "heartbeat", type: "IPaddr2" };
    const r = await ex.exec({ resourceId: "IPaddr2", agent, action: "meta-data", timeoutMs: 5000 });
    assert.equal(r.rc, OcfRc.Ok, r.stderr);
    const md = parseAgentMetadata(r.stdout, "ocf:heartbeat:IPaddr2");
    assert.ok(md.ok, md.ok ? "" : md.error.detail);
    const { value } = md;
    assert.equal(value.name, "IPaddr2");
    const ip = value.parameters.find((p) => p.name === "ip");
    assert.ok(ip?.required, "ip is required");
    assert.ok(ip?.unique);
    for (const name of ["nic", "cidr_netmask", "broadcast", "iflabel"]) {
      assert.ok(
        value.parameters.some((p) => p.name === name),
        name,
      );
    }
    const start = value.actions.find((a) => a.name === "start");
    assert.equal(start?.timeoutMs, 20_000);
    const monitor = value.actions.find((a) => a.name === "monitor");
    assert.equal(monitor?.intervalMs, 10_000);
  });

  it("runs Debian's IPaddr2 unmodified: validate-all and its exit reasons", async () => {
    const ex = new Executor({ ocfRoot: "/usr/lib/ocf", nodeName: "node1" });
    const agent: AgentSpec = { class: "ocf", provider: "heartbeat", type: "IPaddr2" };
    const run = (params: Record<string, string>) =>
      ex.exec({ resourceId: "vip", agent, action: "validate-all", params, timeoutMs: 20_000 });
    const good = await run({ ip: "127.0.0.99", cidr_netmask: "8", nic: "lo" });
    assert.equal(good.rc, OcfRc.Ok, good.stderr);
    const missing = await run({});
    assert.equal(missing.rc, OcfRc.NotConfigured);
    assert.equal(missing.exitReason, "IP address (the ip parameter) is mandatory");
  });

  it("reads every agent pacer ships", async () => {
    const ex = new Executor();
    const types = listOcfAgents("/nonexistent").get("pacer") ?? [];
    assert.deepEqual(types, ["Dummy", "LoopbackIP", "Stateful", "WebServer"]);
    for (const type of types) {
      const agent: AgentSpec = { class: "ocf", provider: "pacer", type };
      const r = await ex.exec({ resourceId: type, agent, action: "meta-data" });
      const md = parseAgentMetadata(r.stdout, `ocf:pacer:${type}`);
      assert.ok(md.ok, md.ok ? "" : md.error.detail);
      assert.equal(md.value.name, type);
      assert.ok(
        md.value.actions.some((a) => a.name === "monitor"),
        type,
      );
      assert.ok(md.value.shortdesc.length > 0, type);
    }
  });

  it("caches meta-data per agent and reports agents that have none", async () => {
    const ex = new Executor();
    const agent: AgentSpec = { class: "ocf", provider: "pacer", type: "Stateful" };
    const a = await ex.metadata(agent);
    const b = await ex.metadata(agent);
    assert.ok(a.ok && b.ok);
    assert.equal(a.value, b.value, "the second answer comes from the cache");
    assert.ok(a.value.actions.some((x) => x.name === "promote"));
    const none = await ex.metadata({ class: "ocf", provider: "pacer", type: "Nope" });
    assert.ok(!none.ok && /ocf:pacer:Nope: meta-data failed/.test(none.error.detail));
  });

  it("reads a fence agent's meta-data", {
    skip: !existsSync("/usr/sbin/fence_dummy"),
  }, async () => {
    const md = await new Executor().metadata({ class: "stonith", type: "fence_dummy" });
    assert.ok(md.ok, md.ok ? "" : md.error.detail);
    assert.equal(md.value.shortdesc, "Dummy fence agent");
    assert.ok(md.value.parameters.some((p) => p.name === "status_file"));
    assert.ok(md.value.actions.some((a) => a.name === "monitor"));
  });

  it("reports malformed meta-data with a position", () => {
    const md = parseAgentMetadata("<resource-agent><parameters>", "ocf:x:y");
    assert.equal(md.ok, false);
    const wrong = parseAgentMetadata("<cib/>", "ocf:x:y");
    assert.ok(!wrong.ok && /expected <resource-agent>/.test(wrong.error.detail));
  });
});

describe("lsbMetadataXml", () => {
  const script = [
    "#!/bin/sh",
    "### BEGIN INIT INFO",
    "# Provides:          demo",
    "# Required-Start:    $network",
    "# Short-Description: Demo daemon",
    "# Description:       A demo daemon",
    "#                    over two lines.",
    "### END INIT INFO",
  ].join("\n");
  it("reads the LSB header", () => {
    const h = parseLsbHeader(script);
    assert.equal(h.provides, "demo");
    assert.equal(h.requiredStart, "$network");
    assert.equal(h.description, "A demo daemon over two lines.");
  });
  it("produces meta-data the OCF parser accepts", () => {
    const md = parseAgentMetadata(lsbMetadataXml("demo", script), "lsb:demo");
    assert.ok(md.ok);
    assert.equal(md.value.shortdesc, "Demo daemon");
    assert.ok(md.value.actions.some((a) => a.name === "status"));
  });
});
