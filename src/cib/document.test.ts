import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  bumpedVersion,
  classifyChange,
  compareVersions,
  emptyCib,
  ensureSection,
  findSection,
  formatLastWritten,
  readVersion,
  writeVersion,
} from "./document.js";
import { cloneElement, elem, firstChild, getAttr, parseXml, printXml, setAttr } from "./xml.js";

describe("emptyCib", () => {
  it("prints exactly as crm_shadow --create-empty writes it", () => {
    assert.equal(
      printXml(emptyCib()),
      `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="0" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`,
    );
  });
});

describe("findSection", () => {
  const cib = emptyCib();
  it("finds known scopes and returns the whole CIB for unknown ones", () => {
    assert.equal(findSection(cib, "resources")?.name, "resources");
    assert.equal(findSection(cib, "configuration")?.name, "configuration");
    assert.equal(findSection(cib, "status")?.name, "status");
    assert.equal(findSection(cib, "bogus"), cib);
    assert.equal(findSection(cib, undefined), cib);
  });
  it("returns undefined for a known but absent section", () => {
    assert.equal(findSection(cib, "rsc_defaults"), undefined);
  });
  it("ensureSection creates a missing section once", () => {
    const c = emptyCib();
    const a = ensureSection(c, "op_defaults");
    assert.equal(ensureSection(c, "op_defaults"), a);
    assert.equal(findSection(c, "op_defaults"), a);
  });
});

const versionArb = fc.record({
  adminEpoch: fc.nat(5),
  epoch: fc.nat(50),
  numUpdates: fc.nat(50),
});

describe("compareVersions", () => {
  it("orders admin_epoch, then epoch, then num_updates", () => {
    assert.ok(
      compareVersions(
        { adminEpoch: 1, epoch: 0, numUpdates: 0 },
        { adminEpoch: 0, epoch: 9, numUpdates: 9 },
      ) > 0,
    );
    assert.ok(
      compareVersions(
        { adminEpoch: 0, epoch: 2, numUpdates: 0 },
        { adminEpoch: 0, epoch: 1, numUpdates: 9 },
      ) > 0,
    );
    assert.ok(
      compareVersions(
        { adminEpoch: 0, epoch: 1, numUpdates: 1 },
        { adminEpoch: 0, epoch: 1, numUpdates: 2 },
      ) < 0,
    );
  });
  it("is antisymmetric and bumps always move forward", () => {
    fc.assert(
      fc.property(versionArb, versionArb, (a, b) => {
        // `+ 0` folds -0 into 0: equal versions compare as 0 both ways.
        assert.equal(Math.sign(compareVersions(a, b)), -Math.sign(compareVersions(b, a)) + 0);
        assert.ok(compareVersions(bumpedVersion(a, "configuration"), a) > 0);
        assert.ok(compareVersions(bumpedVersion(a, "status"), a) > 0);
        assert.equal(compareVersions(bumpedVersion(a, "none"), a), 0);
      }),
    );
  });
});

describe("readVersion", () => {
  it("round-trips through writeVersion and treats garbage as 0", () => {
    const c = emptyCib();
    writeVersion(c, { adminEpoch: 2, epoch: 7, numUpdates: 3 });
    assert.deepEqual(readVersion(c), { adminEpoch: 2, epoch: 7, numUpdates: 3 });
    setAttr(c, "epoch", "x");
    assert.equal(readVersion(c).epoch, 0);
  });
});

describe("classifyChange", () => {
  it("configuration edits are configuration changes", () => {
    const a = emptyCib();
    const b = cloneElement(a);
    firstChild(firstChild(b, "configuration") ?? elem("x"), "resources")?.children.push(
      elem("primitive", { id: "d1", class: "ocf", provider: "pacemaker", type: "Dummy" }),
    );
    assert.equal(classifyChange(a, b), "configuration");
  });
  it("status edits and <cib> attributes move only num_updates; cib-last-written is no change", () => {
    const a = emptyCib();
    const b = cloneElement(a);
    firstChild(b, "status")?.children.push(elem("node_state", { id: "1" }));
    assert.equal(classifyChange(a, b), "status");
    const c = cloneElement(a);
    setAttr(c, "have-quorum", "1");
    assert.equal(classifyChange(a, c), "status");
    const d = cloneElement(a);
    setAttr(d, "cib-last-written", "Wed Nov 25 12:33:29 2026");
    assert.equal(classifyChange(a, d), "none");
    setAttr(d, "admin_epoch", "1");
    assert.equal(classifyChange(a, d), "status");
  });
});

describe("formatLastWritten", () => {
  it("formats like ctime with a space-padded day", () => {
    const s = formatLastWritten(new Date(2026, 10, 5, 9, 3, 7));
    assert.equal(s, "Thu Nov  5 09:03:07 2026");
  });
});

describe("parse of a real CIB", () => {
  it("reads the version triple of Pacemaker's output", () => {
    const r = parseXml(
      '<cib crm_feature_set="3.16.1" epoch="5" num_updates="6" admin_epoch="0"><configuration/></cib>',
      "x",
    );
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.deepEqual(readVersion(r.value), { adminEpoch: 0, epoch: 5, numUpdates: 6 });
    assert.equal(getAttr(r.value, "crm_feature_set"), "3.16.1");
  });
});
