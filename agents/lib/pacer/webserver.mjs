#!/usr/bin/env node
// The web service behind ocf:pacer:WebServer: a small static file server for demos on a
// loopback address (no root, no dependencies). Two modes:
//   serve --address A --port P [--docroot DIR] [--pidfile F] [--node NAME] [--owner-pid PID]
//   probe --url URL [--timeout-ms N]   exit 0 if the URL answers 200, 1 otherwise
// Without a docroot it serves one page naming the node it runs on, so a failover is visible.
import { createServer, get } from "node:http";
import { rmSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { parseArgs } from "node:util";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".json": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

function defaultPage(node, address, port) {
  return `<!doctype html>
<html><head><title>pacer demo</title></head>
<body><h1>Hello from ${node}</h1>
<p>ocf:pacer:WebServer on ${address}:${port}, managed by pacer.</p></body></html>
`;
}

async function serve(opts) {
  const port = Number(opts.port);
  const address = opts.address ?? "127.0.0.1";
  const node = opts.node ?? "this node";
  const root = opts.docroot ? resolve(opts.docroot) : undefined;
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    if (!root) {
      res.writeHead(200, { "content-type": TYPES[".html"] }).end(defaultPage(node, address, port));
      return;
    }
    const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end("forbidden\n");
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  server.on("error", (e) => {
    process.stderr.write(`webserver: cannot listen on ${address}:${port}: ${e.message}\n`);
    process.exit(1);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  watchOwner(Number(opts["owner-pid"] ?? 0), stop);
  server.listen(port, address, async () => {
    // The pid file appears only once the socket listens: the agent's start waits for it.
    if (opts.pidfile) {
      await writeFile(`${opts.pidfile}.tmp`, `${process.pid}\n`);
      await rename(`${opts.pidfile}.tmp`, opts.pidfile);
      process.on("exit", () => rmSync(opts.pidfile, { force: true }));
    }
  });
}

// With an owner (the pacer node that started us), exit when it is gone: in a loopback
// cluster a killed node's services must go with it, as they would with a machine.
function watchOwner(pid, stop) {
  if (!Number.isInteger(pid) || pid <= 1) return;
  setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch (e) {
      if (e.code === "ESRCH") stop();
    }
  }, 250);
}

function probe(opts) {
  const timeoutMs = Number(opts["timeout-ms"] ?? 5000);
  const req = get(opts.url, { timeout: timeoutMs }, (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  });
  req.on("timeout", () => {
    process.stderr.write(`webserver: ${opts.url} did not answer within ${timeoutMs} ms\n`);
    process.exit(1);
  });
  req.on("error", (e) => {
    process.stderr.write(`webserver: ${opts.url}: ${e.message}\n`);
    process.exit(1);
  });
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    address: { type: "string" },
    port: { type: "string" },
    docroot: { type: "string" },
    pidfile: { type: "string" },
    node: { type: "string" },
    "owner-pid": { type: "string" },
    url: { type: "string" },
    "timeout-ms": { type: "string" },
  },
});
if (positionals[0] === "serve" && values.port) await serve(values);
else if (positionals[0] === "probe" && values.url) probe(values);
else {
  process.stderr.write("usage: webserver.mjs serve --address A --port P [--docroot D] [--pidfile F] | probe --url URL\n");
  process.exit(2);
}
