import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { cibArb } from "./_arbitraries.js";
import { atomicWrite, loadPersistedCib, onDiskDigest, persistCib } from "./persist.js";
import { parseXml, printXml } from "./xml.js";

function parse(text: string) {
  const r = parseXml(text, "t");
  assert.ok(r.ok);
  if (!r.ok) throw new Error("unreachable");
  return r.value;
}

describe("atomicWrite", () => {
  it("replaces the content, keeps an existing file's mode, leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pacer-persist-"));
    const path = join(dir, "cib.xml");
    assert.ok((await atomicWrite(path, "one", { mode: 0o640 })).ok);
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assert.ok((await atomicWrite(path, "two", { mode: 0o600 })).ok);
    assert.equal(readFileSync(path, "utf8"), "two");
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ["cib.xml"]);
  });
  it("reports an unwritable directory as a value", async () => {
    const r = await atomicWrite("/nonexistent/dir/cib.xml", "x");
    assert.ok(!r.ok && r.error.kind === "io");
  });
  it("a kill -9 during a write loop leaves the old or the new file, never a torn one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pacer-kill-"));
    const path = join(dir, "cib.xml");
    // Big enough that a write spans many syscalls; each version is uniform so tearing shows.
    const versions = ["a", "b", "c"].map((ch) => `<cib>${ch.repeat(512 * 1024)}</cib>\n`);
    writeFileSync(path, versions[0] as string);
    const persistJs = new URL("./persist.js", import.meta.url).href;
    // The child reports each finished write on stdout; the kill lands a random moment after
    // the first report, so it always hits a running write loop (even on a loaded machine).
    const child = `
      const { atomicWrite } = await import(${JSON.stringify(persistJs)});
      const v = ${JSON.stringify(versions.map((t) => t.slice(5, 6)))};
      for (let i = 1; ; i++) {
        const ch = v[i % v.length];
        await atomicWrite(${JSON.stringify(path)}, "<cib>" + ch.repeat(512 * 1024) + "</cib>\\n");
        process.stdout.write("w");
      }`;
    const seed = Date.now() % 100000;
    let rng = seed;
    const next = (): number => {
      rng = (rng * 1103515245 + 12345) % 2147483648;
      return rng / 2147483648;
    };
    const seen = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const p = spawn(process.execPath, ["--input-type=module", "-e", child], {
        stdio: ["ignore", "pipe", "ignore"],
      });
      const exited = new Promise((r) => p.on("exit", r));
      await new Promise<void>((r) => p.stdout.once("data", () => r()));
      await new Promise((r) => setTimeout(r, Math.floor(next() * 60)));
      p.kill("SIGKILL");
      await exited;
      const text = readFileSync(path, "utf8");
      assert.ok(versions.includes(text), `torn file after kill in round ${round} (seed ${seed})`);
      seen.add(text);
    }
    // The child really was writing when killed (else the property says nothing).
    assert.ok(
      [...seen].some((t) => t !== versions[0]),
      `no write happened before the kills (seed ${seed})`,
    );
  });
});

describe("onDiskDigest", () => {
  it("matches cibadmin --md5-sum of Pacemaker 2.1.5 on known documents", () => {
    assert.equal(
      onDiskDigest(parse('<cib a="1"><x b="2"/></cib>')),
      "5368df942b4b8135f440327428acd37f",
    );
    assert.equal(onDiskDigest(parse("<cib><!-- c --></cib>")), "adae4ba471301c8c358d235ede19445c");
    assert.equal(onDiskDigest(parse(`<cib><y c="'"/></cib>`)), "dce92c1a3de26ae0ddf1ded8941bd6b3");
    assert.equal(
      onDiskDigest(parse('<cib><y c="&amp;"/></cib>')),
      "e2ee17a5fadf046ec506436be44037b1",
    );
    assert.equal(onDiskDigest(parse("<cib><y>text</y></cib>")), "022e15df4da029ba012c648581c7ce45");
  });
  const hasCibadmin = spawnSync("cibadmin", ["--version"]).status === 0;
  it("agrees with the installed cibadmin -5 on generated CIBs", {
    skip: !hasCibadmin && "cibadmin not installed",
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "pacer-md5-"));
    const file = join(dir, "cib.xml");
    fc.assert(
      fc.property(cibArb({ mixed: false }), (cib) => {
        writeFileSync(file, printXml(cib));
        const real = spawnSync("cibadmin", ["-5", "-x", file], { encoding: "utf8" });
        assert.equal(onDiskDigest(parse(printXml(cib))), real.stdout.trim());
      }),
      { numRuns: 25 },
    );
  });
});

describe("persistCib / loadPersistedCib", () => {
  it("writes cib.xml and its digest, reads them back, and refuses a changed file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pacer-ondisk-"));
    const cib = parse('<cib epoch="3" num_updates="0" admin_epoch="0"><configuration/></cib>');
    const digest = await persistCib(dir, cib);
    assert.ok(digest.ok);
    assert.equal(readFileSync(join(dir, "cib.xml.sig"), "utf8"), onDiskDigest(cib));
    const back = await loadPersistedCib(dir);
    assert.ok(back.ok);
    if (back.ok) assert.deepEqual(back.value, cib);
    writeFileSync(join(dir, "cib.xml"), printXml(cib).replace('epoch="3"', 'epoch="4"'));
    const changed = await loadPersistedCib(dir);
    assert.ok(!changed.ok && changed.error.kind === "invalid");
    assert.match(changed.ok ? "" : JSON.stringify(changed.error), /does not match cib\.xml\.sig/);
  });
});
