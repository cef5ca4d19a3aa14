/**
 * The api socket's rules (docs/decisions/0053-api-socket.md): who may connect, and that no
 * request a client can send (malformed, oversized, interrupted, too many) crashes the server
 * or stops it answering the next client.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createConnection, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { apiLimits } from "./api-protocol.js";
import { startApiServer } from "./api-server.js";

/** Sends raw bytes (in the given chunks) and collects every answer line until the server closes or `lines` came. */
function exchange(path: string, chunks: string[], lines = 1): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = createConnection(path);
    let buf = "";
    const done = () => {
      c.destroy();
      resolve(buf.split("\n").filter((l) => l !== ""));
    };
    c.on("connect", () => {
      for (const ch of chunks) c.write(ch);
    });
    c.on("data", (d) => {
      buf += d.toString();
      if (buf.split("\n").length - 1 >= lines) done();
    });
    c.on("end", done);
    c.on("error", reject);
  });
}

function haclientGid(): number | undefined {
  const r = spawnSync("getent", ["group", "haclient"], { encoding: "utf8" });
  const gid = Number(r.stdout.split(":")[2]);
  return r.status === 0 && Number.isInteger(gid) ? gid : undefined;
}

describe("api server", () => {
  const dir = mkdtempSync(join(tmpdir(), "pacer-api-test-"));
  const path = join(dir, "run", "api.sock");
  let server: Server;
  const errors: string[] = [];
  const seen: string[] = [];

  before(async () => {
    server = await startApiServer({
      path,
      handler: async (req) => {
        seen.push(req.op);
        if (req.op === "cleanup") throw new Error("handler bug");
        if (req.op === "node-status") await new Promise((r) => setTimeout(r, 200));
        return { ok: true, op: req.op };
      },
      onError: (d) => errors.push(d),
    });
  });

  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is never world-accessible: 0600 for its owner, root:haclient 0660 as root", () => {
    const st = statSync(path);
    const mode = st.mode & 0o777;
    if (process.getuid?.() === 0 && haclientGid() !== undefined) {
      assert.equal(mode, 0o660);
      assert.equal(st.uid, 0);
      assert.equal(st.gid, haclientGid());
    } else {
      assert.equal(mode, 0o600);
    }
  });

  it("answers garbage with an error line and keeps the connection usable", async () => {
    const out = await exchange(
      path,
      [
        "not json\n",
        "[]\n",
        '{"op":5}\n',
        '{"op":"cib-replace","cib":123}\n',
        '{"op":"attr","node":"n1","name":"a b","value":"1"}\n',
        '{"op":"attr","node":"n1","name":"a","value":"1","lifetime":"always"}\n',
        '{"op":"cib-query","client":"rm -rf /"}\n',
        '{"op":"__proto__"}\n',
        "\u0000\u00ff\n",
        '{"op":"cib-query"}\n',
      ],
      10,
    );
    assert.equal(out.length, 10);
    for (const line of out.slice(0, 9)) {
      const a = JSON.parse(line) as { ok: boolean; code: number; error: string };
      assert.equal(a.ok, false, line);
      assert.equal(a.code, 64, line);
    }
    assert.deepEqual(JSON.parse(out[9] ?? ""), { ok: true, op: "cib-query" });
  });

  it("reassembles a request split across packets", async () => {
    const out = await exchange(path, ['{"op":"cib-', 'query"}', "\n"]);
    assert.deepEqual(JSON.parse(out[0] ?? ""), { ok: true, op: "cib-query" });
  });

  it("closes a connection whose line grows past the limit, then serves the next client", async () => {
    const big = "x".repeat(1024 * 1024);
    const chunks = Array.from({ length: apiLimits.requestBytesMax / big.length + 1 }, () => big);
    const t0 = performance.now();
    const out = await exchange(path, chunks).catch((e: NodeJS.ErrnoException) => [e.code ?? ""]);
    // The server answers and closes; a client still writing may see EPIPE/ECONNRESET first.
    assert.ok(
      out[0]?.includes("request too large") || ["EPIPE", "ECONNRESET"].includes(out[0] ?? ""),
      String(out[0]),
    );
    const next = await exchange(path, ['{"op":"cib-query"}\n']);
    assert.deepEqual(JSON.parse(next[0] ?? ""), { ok: true, op: "cib-query" });
    // Linear in the bytes received (0.2 s here); rescanning the buffer per chunk took 37 s.
    assert.ok(performance.now() - t0 < 10_000, `${Math.round(performance.now() - t0)} ms`);
  });

  it("bounds the requests one connection may have in flight", async () => {
    const n = apiLimits.inFlightPerConnectionMax + 4;
    const out = await exchange(path, ['{"op":"node-status"}\n'.repeat(n)], n);
    assert.ok(out.some((l) => l.includes("too many requests")));
  });

  it("turns a handler failure into an internal-error answer, not a crash", async () => {
    const out = await exchange(path, ['{"op":"cleanup"}\n']);
    assert.deepEqual(JSON.parse(out[0] ?? ""), { ok: false, error: "internal error", code: 70 });
    assert.deepEqual(errors, ["handler bug"]);
  });

  it("survives a client that leaves before its answer", async () => {
    await new Promise<void>((resolve) => {
      const c = createConnection(path);
      c.on("connect", () => {
        c.write('{"op":"node-status"}\n');
        c.destroy();
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    const out = await exchange(path, ['{"op":"cib-query"}\n']);
    assert.deepEqual(JSON.parse(out[0] ?? ""), { ok: true, op: "cib-query" });
  });

  it("refuses connect() to a user outside root and haclient (as root)", {
    skip: process.getuid?.() !== 0 ? "needs root to switch to an unprivileged user" : false,
  }, () => {
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "run"), 0o755);
    const script =
      `const c=require("net").createConnection(${JSON.stringify(path)});` +
      `c.on("error",e=>{console.log(e.code);process.exit(0)});` +
      `c.on("connect",()=>{console.log("CONNECTED");process.exit(0)});`;
    const nobody = spawnSync(process.execPath, ["-e", script], {
      uid: 65534,
      gid: 65534,
      encoding: "utf8",
    });
    assert.match(nobody.stdout, /EACCES/);
    const gid = haclientGid();
    if (gid !== undefined) {
      const member = spawnSync(process.execPath, ["-e", script], {
        uid: 65534,
        gid,
        encoding: "utf8",
      });
      assert.match(member.stdout, /CONNECTED/);
    }
  });
});
