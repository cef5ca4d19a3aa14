/**
 * Golden test against Pacemaker 2.1.5 / crmsh 4.4.1: what the real tools printed on a live
 * 2-node cluster in 13 states (testdata/live-outputs/, copied from ../shared/live-outputs).
 * Each state's `cibadmin -Q` is fed to pacer's tool through CIB_file (the offline form of the
 * same query: `-L` becomes `-x FILE` for crm_verify and crm_simulate). crm_node asks the
 * daemon for the membership, so it gets a socket answering `node-status` with the membership
 * the same state's corosync-quorumtool and corosync-cmapctl captures show. In S0-not-running
 * nothing answers: no CIB_file, no socket, and the tools must fail as Pacemaker's did.
 *
 * A case listed in testdata/live-outputs/known-differences.txt must still differ (the list
 * may only shrink); every other case must match after masking what varies between runs.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cibadmin } from "./cibadmin.js";
import { crm } from "./crm.js";
import { crmAttribute } from "./crm_attribute.js";
import { crmFailcount } from "./crm_failcount.js";
import { crmMon } from "./crm_mon.js";
import { crmNode } from "./crm_node.js";
import { crmResource } from "./crm_resource.js";
import { crmSimulate } from "./crm_simulate.js";
import { crmVerify } from "./crm_verify.js";
import { type Tool, type ToolIo, UserError } from "./tool-io.js";

// The captures print local time of a UTC machine; crm_mon (via crm status) prints local time.
process.env.TZ = "UTC";
const testdata = new URL("../../src/tools/testdata/live-outputs/", import.meta.url);
const STATES = readdirSync(testdata, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

interface Case {
  readonly slug: string;
  readonly name: string;
  readonly tool: Tool;
  /** argv given the CIB file (undefined in S0-not-running: the live form). */
  readonly argv: (cib: string | undefined) => string[];
  readonly source: "cib-file" | "membership";
  /** Tells apart two forms of one captured command (e.g. `-L` with CIB_file, and `-x FILE`). */
  readonly form?: string;
}

const CASES: readonly Case[] = [
  { slug: "cibadmin_-Q", name: "cibadmin", tool: cibadmin, argv: () => ["-Q"], source: "cib-file" },
  {
    slug: "crm_resource_--list",
    name: "crm_resource",
    tool: crmResource,
    argv: () => ["--list"],
    source: "cib-file",
  },
  {
    slug: "crm_resource_--locate_-r_failover-ip",
    name: "crm_resource",
    tool: crmResource,
    argv: () => ["--locate", "-r", "failover-ip"],
    source: "cib-file",
  },
  {
    slug: "crm_resource_--why_-r_httpd",
    name: "crm_resource",
    tool: crmResource,
    argv: () => ["--why", "-r", "httpd"],
    source: "cib-file",
  },
  {
    slug: "crm_failcount_-r_httpd_-N_node1_-G",
    name: "crm_failcount",
    tool: crmFailcount,
    argv: () => ["-r", "httpd", "-N", "node1", "-G"],
    source: "cib-file",
  },
  {
    slug: "crm_attribute_--node_node2_--name_standby_--query",
    name: "crm_attribute",
    tool: crmAttribute,
    argv: () => ["--node", "node2", "--name", "standby", "--query"],
    source: "cib-file",
  },
  {
    slug: "crm_verify_-L_-V",
    name: "crm_verify",
    tool: crmVerify,
    argv: (cib) => (cib === undefined ? ["-L", "-V"] : ["-x", cib, "-V"]),
    source: "cib-file",
  },
  {
    slug: "crm_simulate_-L_-s",
    name: "crm_simulate",
    tool: crmSimulate,
    argv: (cib) => (cib === undefined ? ["-L", "-s"] : ["-x", cib, "-s"]),
    source: "cib-file",
  },
  // The captured command as typed: with CIB_file set, -L reads that file (as Pacemaker's does).
  {
    slug: "crm_verify_-L_-V",
    name: "crm_verify",
    tool: crmVerify,
    argv: () => ["-L", "-V"],
    source: "cib-file",
    form: "CIB_file",
  },
  {
    slug: "crm_simulate_-L_-s",
    name: "crm_simulate",
    tool: crmSimulate,
    argv: () => ["-L", "-s"],
    source: "cib-file",
    form: "CIB_file",
  },
  {
    slug: "crm_configure_show",
    name: "crm",
    tool: crm,
    argv: () => ["configure", "show"],
    source: "cib-file",
  },
  { slug: "crm_status", name: "crm", tool: crm, argv: () => ["status"], source: "cib-file" },
  ...(
    [
      ["crm_mon_-1", ["-1"]],
      ["crm_mon_-1_-V", ["-1", "-V"]],
      ["crm_mon_--one-shot_-V", ["--one-shot", "-V"]],
      ["crm_mon_-1_-n", ["-1", "-n"]],
      ["crm_mon_-1_-r_-f", ["-1", "-r", "-f"]],
      ["crm_mon_--output-as=xml", ["--output-as=xml"]],
    ] as const
  ).map(
    ([slug, argv]): Case => ({
      slug,
      name: "crm_mon",
      tool: crmMon,
      argv: () => [...argv],
      source: "cib-file",
    }),
  ),
  {
    slug: "crm_node_-l",
    name: "crm_node",
    tool: crmNode,
    argv: () => ["-l"],
    source: "membership",
  },
  {
    slug: "crm_node_-p",
    name: "crm_node",
    tool: crmNode,
    argv: () => ["-p"],
    source: "membership",
  },
  {
    slug: "crm_node_-n",
    name: "crm_node",
    tool: crmNode,
    argv: () => ["-n"],
    source: "membership",
  },
  {
    slug: "crm_node_-q",
    name: "crm_node",
    tool: crmNode,
    argv: () => ["-q"],
    source: "membership",
  },
];

const NOT_RUNNING = "S0-not-running";
const dir = mkdtempSync(join(tmpdir(), "live-outputs-test-"));
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A capture: its body (output, stdout and stderr interleaved) and exit code. */
function recorded(state: string, slug: string): { body: string; exit: number } {
  const lines = readFileSync(new URL(`${state}/${slug}.txt`, testdata), "utf8").split("\n");
  lines.pop(); // the file's final newline
  const exit = Number(/^\[exit (\d+)\]$/.exec(lines.pop() ?? "")?.[1]);
  // Every output line ended with a newline before the `[exit N]` line.
  return {
    body: lines
      .slice(1)
      .map((l) => `${l}\n`)
      .join(""),
    exit,
  };
}

/**
 * Masks what varies between runs (testdata/live-outputs/README.md, "what varies"): clock
 * text, the pacemakerd line only a live crm_mon prints, version strings, CIB counters and
 * timing attributes; and crmsh's colour escapes (printed even off a terminal; crmsh's
 * SPEC.md lets pacer print plain).
 */
function mask(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: crmsh's colours start with ESC
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split("\n")
      .filter((l) => !/^Status of pacemakerd: |^ {2}<pacemakerd /.test(l))
      .map((l) =>
        l
          .replace(/(Last updated: ).*/, "$1<time>")
          .replace(/(<last_(?:update|change) time=")[^"]*"/, '$1<time>"')
          .replace(/(Last change: +).*/, "$1<time>")
          .replace(/(\) at )[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d [\d:]{8} \d{4}$/, "$1<time>")
          .replace(/\(version [^)]*\)/, "(version <v>)")
          .replace(/dc-version=\S+/, "dc-version=<v>")
          .replace(
            /\b(cib-last-written|last-rc-change|exec-time|queue-time|epoch|num_updates|call-id|transition-key|transition-magic|crm_feature_set|last-failure-[^=]*|last_update|last-failure)(=")[^"]*"/g,
            '$1$2<v>"',
          )
          .replace(/(name="dc-version" value=")[^"]*"/, '$1<v>"'),
      )
      .join("\n")
  );
}

/** Runs a tool in-process as bin/ would: stdout and stderr into one stream, UserError → one line. */
async function run(
  c: Case,
  argv: string[],
  env: Record<string, string>,
): Promise<{ out: string; code: number }> {
  let out = "";
  const io: ToolIo = {
    env: { ...env, TZ: "UTC" },
    cwd: dir,
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      out += t;
    },
    readStdin: async () => "",
    stdinIsTTY: false,
    stdoutIsTTY: false,
  };
  try {
    return { code: await c.tool(argv, io), out };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { code: e.exitCode, out: `${out}${c.name}: ${e.message}\n` };
  }
}

interface Member {
  readonly id: number;
  readonly name: string;
}

/** The membership a state's corosync captures show, as the daemon's `node-status` answers it. */
function membershipOf(state: string): Record<string, unknown> {
  const members: Member[] = [];
  let self: Member | undefined;
  for (const l of recorded(state, "corosync-quorumtool_-l").body.split("\n")) {
    const m = /^\s+(\d+)\s+\d+\s+(\S+)( \(local\))?$/.exec(l);
    if (!m) continue;
    const member = { id: Number(m[1]), name: m[2] ?? "" };
    members.push(member);
    if (m[3] !== undefined) self = member;
  }
  const quorate = /^Quorate:\s+Yes$/m.test(recorded(state, "corosync-quorumtool_-s").body);
  const cmap = recorded(state, "corosync-cmapctl_grep").body;
  const nodelist: Member[] = [];
  for (const m of cmap.matchAll(/^nodelist\.node\.(\d+)\.name \(str\) = (\S+)$/gm)) {
    const id = new RegExp(`^nodelist\\.node\\.${m[1]}\\.nodeid \\(u32\\) = (\\d+)$`, "m").exec(
      cmap,
    );
    nodelist.push({ id: Number(id?.[1]), name: m[2] ?? "" });
  }
  return { ok: true, self, members, nodelist, quorate };
}

/** A socket that answers every request with `answer` (one JSON line), as the api socket does. */
async function serve(path: string, answer: Record<string, unknown>): Promise<void> {
  const server = createServer((socket) => {
    socket.on("data", () => socket.end(`${JSON.stringify(answer)}\n`));
    socket.on("error", () => socket.destroy());
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(path, resolve));
}

async function envFor(
  state: string,
  c: Case,
): Promise<{ env: Record<string, string>; cib?: string }> {
  const none = join(dir, "no-daemon.sock");
  if (state === NOT_RUNNING) return { env: { PACER_API_SOCKET: none } };
  if (c.source === "membership") {
    const sock = join(dir, `${state}.sock`);
    if (!servers.some((s) => s.address() === sock)) await serve(sock, membershipOf(state));
    return { env: { PACER_API_SOCKET: sock } };
  }
  const cib = join(dir, `${state}.xml`);
  writeFileSync(cib, recorded(state, "cibadmin_-Q").body);
  return {
    env: { CIB_file: cib, CIB_shadow_dir: join(dir, "shadows"), PACER_API_SOCKET: none },
    cib,
  };
}

/** `state slug` or `state slug form`: a line of known-differences.txt. */
function caseKey(state: string, c: Case): string {
  return c.form === undefined ? `${state} ${c.slug}` : `${state} ${c.slug} ${c.form}`;
}

function knownDifferences(): Set<string> {
  const text = readFileSync(new URL("known-differences.txt", testdata), "utf8");
  return new Set(
    text
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter((l) => l !== ""),
  );
}

const known = knownDifferences();

describe("live outputs of Pacemaker 2.1.5 and crmsh 4.4.1", () => {
  for (const state of STATES) {
    for (const c of CASES) {
      const key = caseKey(state, c);
      const listed = known.has(key);
      const form = c.form === undefined ? "" : ` (${c.form})`;
      const title = `${c.slug.replace(/_/g, " ")}${form} in ${state}`;
      it(`${title}${listed ? " (known difference)" : ""}`, async () => {
        const want = recorded(state, c.slug);
        const { env, cib } = await envFor(state, c);
        const got = await run(c, c.argv(state === NOT_RUNNING ? undefined : cib), env);
        const same = got.code === want.exit && mask(got.out) === mask(want.body);
        if (listed) {
          assert.ok(!same, `${key} matches now: remove it from known-differences.txt`);
          return;
        }
        assert.equal(mask(got.out), mask(want.body));
        assert.equal(got.code, want.exit);
      });
    }
  }

  it("lists only cases that exist in known-differences.txt", () => {
    const keys = new Set(STATES.flatMap((s) => CASES.map((c) => caseKey(s, c))));
    for (const k of known) assert.ok(keys.has(k), `known-differences.txt: no such case: ${k}`);
  });
});
