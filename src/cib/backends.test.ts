import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { emptyCib, readVersion } from "./document.js";
import { fileBackend } from "./file-backend.js";
import { cibSource, openCib } from "./open.js";
import {
  commitShadow,
  createShadow,
  deleteShadow,
  diffShadow,
  listShadows,
  readShadow,
  resetShadow,
} from "./shadow.js";
import { shadowDir } from "./shadow-backend.js";
import { elem, firstChild, getAttr, printXml, setAttr } from "./xml.js";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "pacer-cib-"));
}

const START = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0" have-quorum="1">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="1" uname="node1"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="node1" crmd="online"/>
  </status>
</cib>
`;

describe("cibSource", () => {
  it("prefers CIB_shadow over CIB_file over live", () => {
    assert.deepEqual(cibSource({ CIB_shadow: "s", CIB_file: "/f" }), { kind: "shadow", name: "s" });
    assert.deepEqual(cibSource({ CIB_file: "/f" }), { kind: "file", path: "/f" });
    assert.deepEqual(cibSource({ CIB_file: "" }), { kind: "live" });
  });
  it("live without a daemon backend reports not-connected", async () => {
    const b = await openCib({});
    assert.equal(b.kind, "live");
    const r = await b.read();
    assert.ok(!r.ok && r.error.kind === "not-connected");
  });
});

describe("shadowDir", () => {
  it("uses CIB_shadow_dir, else Pacemaker's dir for root, else ~/.cib", () => {
    assert.equal(shadowDir({ CIB_shadow_dir: "/x" }, 1000), "/x");
    assert.equal(shadowDir({}, 0), "/var/lib/pacemaker/cib");
    assert.equal(shadowDir({ HOME: "/home/u" }, 1000), "/home/u/.cib");
  });
});

describe("fileBackend", () => {
  it("a configuration change bumps epoch and zeroes num_updates", async () => {
    const path = join(scratch(), "cib.xml");
    writeFileSync(path, START);
    const b = fileBackend(path);
    const r = await b.read();
    assert.ok(r.ok);
    if (!r.ok) return;
    firstChild(firstChild(r.value, "configuration") ?? elem("x"), "resources")?.children.push(
      elem("primitive", { id: "d1", class: "ocf", provider: "pacemaker", type: "Dummy" }),
    );
    const v = await b.commit(r.value);
    assert.deepEqual(v, { ok: true, value: { adminEpoch: 0, epoch: 2, numUpdates: 0 } });
    assert.match(readFileSync(path, "utf8"), /epoch="2" num_updates="0"/);
  });
  it("a status change bumps num_updates only; no change keeps versions", async () => {
    const path = join(scratch(), "cib.xml");
    writeFileSync(path, START);
    const b = fileBackend(path);
    const r = await b.read();
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.deepEqual(await b.commit(r.value), { ok: true, value: readVersion(r.value) });
    const ns = firstChild(firstChild(r.value, "status") ?? elem("x"), "node_state");
    if (ns) setAttr(ns, "crmd", "offline");
    const v = await b.commit(r.value);
    assert.deepEqual(v, { ok: true, value: { adminEpoch: 0, epoch: 1, numUpdates: 1 } });
  });
  it("refuses a document older than the stored one and leaves the file alone", async () => {
    const path = join(scratch(), "cib.xml");
    writeFileSync(path, START.replace('epoch="1"', 'epoch="11"'));
    const r = await fileBackend(path).commit(emptyCib({ epoch: 3 }));
    assert.ok(!r.ok && r.error.kind === "stale-update");
    assert.match(readFileSync(path, "utf8"), /epoch="11"/);
  });
  it("bump none writes versions as given", async () => {
    const path = join(scratch(), "cib.xml");
    writeFileSync(path, START.replace('epoch="1"', 'epoch="11"'));
    const r = await fileBackend(path).commit(emptyCib({ epoch: 3 }), { bump: "none" });
    assert.ok(r.ok);
    assert.equal(readFileSync(path, "utf8"), printXml(emptyCib({ epoch: 3 })));
  });
  it("reports a missing file and a syntax error as values", async () => {
    const dir = scratch();
    const miss = await fileBackend(join(dir, "nope.xml")).read();
    assert.ok(!miss.ok && miss.error.kind === "not-found");
    writeFileSync(join(dir, "bad.xml"), "<cib>\n<configuration>\n</cib>");
    const bad = await fileBackend(join(dir, "bad.xml")).read();
    assert.ok(!bad.ok && bad.error.kind === "xml-syntax" && bad.error.line === 3);
  });
});

describe("shadows", () => {
  function env(dir: string): Record<string, string> {
    writeFileSync(join(dir, "cib.xml"), START);
    return { CIB_file: join(dir, "cib.xml"), CIB_shadow_dir: join(dir, "shadow") };
  }
  it("create copies the active CIB into shadow.NAME with mode 0640; exists is refused", async () => {
    const dir = scratch();
    const e = env(dir);
    const c = await createShadow("s1", { env: e });
    assert.deepEqual(c, { ok: true, value: join(dir, "shadow", "shadow.s1") });
    assert.equal(readFileSync(join(dir, "shadow", "shadow.s1"), "utf8"), START);
    assert.equal(statSync(join(dir, "shadow", "shadow.s1")).mode & 0o777, 0o640);
    const again = await createShadow("s1", { env: e });
    assert.ok(!again.ok && again.error.kind === "shadow-exists");
    assert.ok((await createShadow("s1", { env: e, force: true })).ok);
  });
  it("create empty, list, delete", async () => {
    const dir = scratch();
    const e = env(dir);
    assert.deepEqual(await listShadows({ env: e }), { ok: true, value: [] });
    assert.ok((await createShadow("b", { env: e, empty: true })).ok);
    assert.ok((await createShadow("a", { env: e })).ok);
    assert.deepEqual(await listShadows({ env: e }), { ok: true, value: ["a", "b"] });
    const b = await readShadow("b", { env: e });
    assert.ok(b.ok && printXml(b.value) === printXml(emptyCib()));
    assert.ok((await deleteShadow("b", { env: e })).ok);
    const gone = await deleteShadow("b", { env: e });
    assert.ok(!gone.ok && gone.error.kind === "no-such-shadow");
    assert.deepEqual(await listShadows({ env: e }), { ok: true, value: ["a"] });
  });
  it("CIB_shadow wins over CIB_file; commit copies configuration, keeps status", async () => {
    const dir = scratch();
    const e = env(dir);
    assert.ok((await createShadow("s", { env: e })).ok);
    const sh = await openCib({ ...e, CIB_shadow: "s" });
    assert.equal(sh.kind, "shadow");
    const r = await sh.read();
    assert.ok(r.ok);
    if (!r.ok) return;
    firstChild(firstChild(r.value, "configuration") ?? elem("x"), "resources")?.children.push(
      elem("primitive", { id: "d1", class: "ocf", provider: "pacemaker", type: "Dummy" }),
    );
    firstChild(r.value, "status")?.children.splice(0);
    assert.ok((await sh.commit(r.value)).ok);
    assert.doesNotMatch(readFileSync(e.CIB_file ?? "", "utf8"), /d1/);
    const v = await commitShadow("s", { env: e });
    assert.deepEqual(v, { ok: true, value: { adminEpoch: 0, epoch: 3, numUpdates: 0 } });
    const live = readFileSync(e.CIB_file ?? "", "utf8");
    assert.match(live, /primitive id="d1"/);
    assert.match(live, /node_state id="1"/);
  });
  it("reset recreates from the active CIB; bad names are refused", async () => {
    const dir = scratch();
    const e = env(dir);
    const missing = await resetShadow("s", { env: e });
    assert.ok(!missing.ok && missing.error.kind === "no-such-shadow");
    assert.ok((await createShadow("s", { env: e, empty: true })).ok);
    assert.ok((await resetShadow("s", { env: e })).ok);
    const s = await readShadow("s", { env: e });
    assert.ok(s.ok && getAttr(s.value, "epoch") === "1");
    const bad = await createShadow("../x", { env: e });
    assert.ok(!bad.ok && bad.error.kind === "bad-shadow-name");
  });
});

describe("diffShadow", () => {
  it("reports no change for a fresh copy and a v2 patchset after an edit", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "cib.xml"), START);
    const e = { CIB_file: join(dir, "cib.xml"), CIB_shadow_dir: join(dir, "shadow") };
    assert.ok((await createShadow("s", { env: e })).ok);
    const same = await diffShadow("s", { env: e });
    assert.ok(same.ok && !same.value.changed);
    const sh = await openCib({ ...e, CIB_shadow: "s" });
    const r = await sh.read();
    assert.ok(r.ok);
    if (!r.ok) return;
    firstChild(firstChild(r.value, "configuration") ?? elem("x"), "resources")?.children.push(
      elem("primitive", { id: "d1", class: "ocf", provider: "pacemaker", type: "Dummy" }),
    );
    assert.ok((await sh.commit(r.value)).ok);
    const d = await diffShadow("s", { env: e });
    assert.ok(d.ok && d.value.changed);
    if (!d.ok) return;
    assert.deepEqual(d.value.target, { adminEpoch: 0, epoch: 2, numUpdates: 0 });
    assert.match(
      printXml(d.value.patchset),
      /operation="create" path="\/cib\/configuration\/resources"/,
    );
    const missing = await diffShadow("nope", { env: e });
    assert.ok(!missing.ok && missing.error.kind === "no-such-shadow");
  });
});
