import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ExecStatus, OcfRc } from "./codes.js";
import {
  opDigest,
  opDigestParameters,
  parametersDigest,
  restartDigest,
  secureDigest,
} from "./digest.js";
import type { OpResult } from "./types.js";

// Digests Pacemaker 2.1.5 wrote in ../shared/live-outputs (the tutorial's resources).
const VIP = { ip: "192.168.1.100", cidr_netmask: "24", nic: "fo-pub" };
const HTTPD = {
  configfile: "/etc/apache2/apache2.conf",
  statusurl: "http://127.0.0.1/server-status",
};

describe("opDigest", () => {
  it("matches Pacemaker's op-digest for one-shot operations", () => {
    assert.equal(
      opDigest(VIP, { intervalMs: 0, timeoutMs: 20_000 }),
      "b12051f87383ac548aecc176ce7d72f9",
    );
    // httpd's start and stop had timeout=60s: one-shot digests do not cover the timeout.
    assert.equal(
      opDigest(HTTPD, { intervalMs: 0, timeoutMs: 60_000 }),
      "6269129cadaeb7ea59648d9489634861",
    );
  });

  it("matches Pacemaker's op-digest for recurring monitors (timeout included)", () => {
    const monitor = { intervalMs: 10_000, timeoutMs: 20_000 };
    assert.equal(opDigest(VIP, monitor), "87f787b1664d4d514f9a7e4283780679");
    assert.equal(opDigest(HTTPD, monitor), "6b0efdc6f127e47adb4b4355f22f72f9");
    assert.notEqual(opDigest(HTTPD, { ...monitor, timeoutMs: 30_000 }), opDigest(HTTPD, monitor));
  });

  it("leaves meta attributes and the feature set out", () => {
    const withMeta = { ...VIP, CRM_meta_on_node: "node1", crm_feature_set: "3.16.1" };
    assert.deepEqual(opDigestParameters(withMeta, { intervalMs: 0, timeoutMs: 1 }), VIP);
  });

  it("digests an empty parameter set as Pacemaker does", () => {
    assert.equal(parametersDigest({}), "f2317cad3d54cec5d7d7aa7d0bf35cf8");
  });

  it("works from an executor result", () => {
    const r: OpResult = {
      resourceId: "failover-ip",
      agent: { class: "ocf", provider: "heartbeat", type: "IPaddr2" },
      action: "monitor",
      intervalMs: 10_000,
      timeoutMs: 20_000,
      callId: 37,
      rc: OcfRc.Ok,
      status: ExecStatus.Done,
      exitReason: "",
      stdout: "",
      stderr: "",
      runAtMs: 0,
      rcChangedAtMs: 0,
      execMs: 184,
      queueMs: 0,
      params: VIP,
    };
    assert.equal(opDigest(r.params, r), "87f787b1664d4d514f9a7e4283780679");
  });
});

describe("restartDigest and secureDigest", () => {
  // ../shared/pcmk-scheduler core/restart-with-extra-op-params: ocf:pacemaker:Dummy with
  // op-force-restart="  envfile op_sleep passwd state  " and op-secure-params="  passwd  ".
  const params = { passwd: "whatever", fake: "foo" };
  it("matches Pacemaker's op-restart-digest and op-secure-digest", () => {
    assert.equal(parametersDigest(params), "457016173e548c394dcf3896e3066412");
    assert.equal(
      restartDigest(params, ["envfile", "op_sleep", "passwd", "state"]),
      "5de129d7fe42dbcfe537f2c63b1921b6",
    );
    assert.equal(secureDigest(params, ["passwd"]), "e989cbe4a0e9492305ffdc8c6391ffee");
  });
});
