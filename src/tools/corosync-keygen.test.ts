import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { corosyncKeygen } from "./corosync-keygen.js";
import type { ToolIo } from "./tool-io.js";

interface Captured {
  readonly io: ToolIo;
  readonly out: () => string;
  readonly errText: () => string;
}
function capture(): Captured {
  let out = "";
  let errText = "";
  const io: ToolIo = {
    env: {},
    cwd: "/",
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      errText += t;
    },
    readStdin: async () => "",
    stdinIsTTY: false,
    stdoutIsTTY: false,
  };
  return { io, out: () => out, errText: () => errText };
}

const dir = mkdtempSync(join(tmpdir(), "pacer-keygen-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await corosyncKeygen(args, c.io);
  return { code, out: c.out(), err: c.errText() };
}

describe("corosyncKeygen", () => {
  it("writes 256 bytes with mode 0400 and prints Corosync's lines", async () => {
    const path = join(dir, "authkey");
    const r = await run(["-k", path]);
    assert.equal(r.code, 0);
    assert.equal(
      r.out,
      "Corosync Cluster Engine Authentication key generator.\n" +
        "Gathering 2048 bits for key from /dev/urandom.\n" +
        `Writing corosync key to ${path}.\n`,
    );
    assert.equal(statSync(path).size, 256);
    assert.equal(statSync(path).mode & 0o777, 0o400);
  });

  it("overwrites an existing key and honours -s, --size= and -l", async () => {
    const path = join(dir, "sized");
    assert.equal((await run(["-l", "-s", "128", "-k", path])).code, 0);
    assert.equal((await run([`--size=200`, `--key-file=${path}`])).code, 0);
    assert.equal(statSync(path).size, 200);
  });

  it("rejects sizes outside 128..4096 with Corosync's message and exit 1", async () => {
    for (const s of ["100", "4097", "abc", "128x"]) {
      const r = await run(["-s", s, "-k", join(dir, "never")]);
      assert.deepEqual(r, {
        code: 1,
        out: "",
        err: "corosync-keygen: Unsupported key size (supported <128,4096>)\n\n",
      });
    }
    assert.equal(existsSync(join(dir, "never")), false);
  });

  it("reads key bytes from -r FILE", async () => {
    const path = join(dir, "zero");
    const r = await run(["-r", "/dev/zero", "-k", path]);
    assert.equal(r.code, 0);
    assert.match(r.out, /from \/dev\/zero\./);
    assert.deepEqual(readFileSync(path), Buffer.alloc(256));
  });

  it("reports a missing directory with exit 2 and a missing random source with exit 1", async () => {
    const r = await run(["-k", "/nonexistent-pacer/dir/key"]);
    assert.equal(r.code, 2);
    assert.equal(
      r.err,
      "corosync-keygen: Could not create /nonexistent-pacer/dir/key: No such file or directory\n",
    );
    const s = await run(["-r", "/nonexistent-pacer", "-k", join(dir, "x")]);
    assert.equal(s.code, 1);
    assert.equal(
      s.err,
      "corosync-keygen: Failed to open random source: No such file or directory\n",
    );
  });

  it("prints getopt's complaint and exit 1 on a bad flag", async () => {
    assert.deepEqual(await run(["-x"]), {
      code: 1,
      out: "Error parsing command line options.\n",
      err: "corosync-keygen: invalid option -- 'x'\n",
    });
    assert.deepEqual(await run(["-k"]), {
      code: 1,
      out: "Error parsing command line options.\n",
      err: "corosync-keygen: option requires an argument -- 'k'\n",
    });
  });

  const real = "/usr/sbin/corosync-keygen";
  it("matches the installed corosync-keygen byte for byte", {
    skip: !existsSync(real),
  }, async () => {
    const cases = [
      ["-h"],
      ["-s", "100"],
      ["-x"],
      ["-s", "300", "-k", "KEY"],
      ["-r", "/dev/zero", "-k", "KEY"],
    ];
    for (const args of cases) {
      const mine = join(dir, "mine");
      const theirs = join(dir, "theirs");
      const r = await run(args.map((a) => (a === "KEY" ? mine : a)));
      const t = spawnSync(
        real,
        args.map((a) => (a === "KEY" ? theirs : a)),
        { encoding: "utf8" },
      );
      assert.equal(r.code, t.status, `exit of ${args.join(" ")}`);
      assert.equal(r.out.replaceAll(mine, "KEY"), t.stdout.replaceAll(theirs, "KEY"));
      assert.equal(r.err, t.stderr.replace(real, "corosync-keygen"));
      if (args.includes("KEY")) {
        assert.equal(statSync(mine).size, statSync(theirs).size);
        assert.equal(statSync(mine).mode, statSync(theirs).mode);
        rmSync(mine);
        rmSync(theirs);
      }
    }
  });
});
