import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  deriveClusterKey,
  describeAuthkeyError,
  keyFingerprint,
  loadClusterAuthkey,
  readAuthkey,
  writeAuthkey,
} from "./authkey.js";

const dir = mkdtempSync(join(tmpdir(), "pacer-authkey-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("readAuthkey", () => {
  it("reads what writeAuthkey wrote, mode 0400", () => {
    const path = join(dir, "k1");
    const key = Buffer.alloc(256, 7);
    assert.deepEqual(writeAuthkey(path, key), { ok: true, value: null });
    assert.equal(statSync(path).mode & 0o777, 0o400);
    const r = readAuthkey(path);
    assert.ok(r.ok);
    assert.deepEqual(r.value, key);
  });

  it("says how to fix a missing or truncated key", () => {
    const missing = readAuthkey(join(dir, "nope"));
    assert.ok(!missing.ok);
    assert.match(
      describeAuthkeyError(missing.error),
      /No such file or directory; create it with corosync-keygen/,
    );
    const short = join(dir, "short");
    writeFileSync(short, Buffer.alloc(16));
    const r = readAuthkey(short);
    assert.ok(!r.ok);
    assert.equal(
      describeAuthkeyError(r.error),
      `authkey ${short} is 16 bytes, expected 128..4096; regenerate it with corosync-keygen`,
    );
  });
});

describe("loadClusterAuthkey", () => {
  it("prefers the command line, then keyfile, then the inline key, as corosync.conf(5)", () => {
    const file = join(dir, "k-precedence");
    writeAuthkey(file, Buffer.alloc(128, 3));
    const inline = "k".repeat(128);
    const fromPath = loadClusterAuthkey({ keyfile: "/nonexistent", key: inline }, { path: file });
    assert.ok(fromPath.ok);
    assert.deepEqual(fromPath.value, Buffer.alloc(128, 3));
    const fromKeyfile = loadClusterAuthkey({ keyfile: file, key: inline }, {});
    assert.ok(fromKeyfile.ok);
    assert.deepEqual(fromKeyfile.value, Buffer.alloc(128, 3));
    const fromInline = loadClusterAuthkey({ key: inline }, {});
    assert.ok(fromInline.ok);
    assert.equal(fromInline.value.toString(), inline);
    const short = loadClusterAuthkey({ key: "secret" }, {});
    assert.ok(!short.ok);
    assert.match(describeAuthkeyError(short.error), /totem\.key is 6 bytes/);
  });
});

describe("deriveClusterKey", () => {
  const a = Buffer.alloc(256, 1);
  const b = Buffer.alloc(256, 2);
  it("is deterministic, 32 bytes, and depends on key and cluster name", () => {
    const k = deriveClusterKey(a, { clusterName: "debian" });
    assert.equal(k.length, 32);
    assert.deepEqual(deriveClusterKey(a, { clusterName: "debian" }), k);
    assert.notDeepEqual(deriveClusterKey(b, { clusterName: "debian" }), k);
    assert.notDeepEqual(deriveClusterKey(a, { clusterName: "other" }), k);
  });
  it("gives a fingerprint unrelated to the packet key", () => {
    const f = keyFingerprint(a, { clusterName: "debian" });
    assert.match(f, /^[0-9a-f]{16}$/);
    assert.ok(!deriveClusterKey(a, { clusterName: "debian" }).toString("hex").includes(f));
  });
});
