import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseCorosyncConf } from "./corosync-conf.js";
import { formatConfIssue } from "./types.js";

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`corosync-conf.property.test: fast-check seed=${seed} (replay with FC_SEED=${seed})`);

interface Model {
  transport: "udpu" | "knet";
  clusterName: string;
  tokenMs: number | undefined;
  consensusMs: number | undefined;
  nodes: { id: number; name: string; addrs: string[] }[];
  twoNode: boolean;
  waitForAll: boolean | undefined;
  expectedVotes: number | undefined;
}

const ws = fc.constantFrom(" ", "\t", "  ", "\t\t", "        ");
const comment = fc.constantFrom("", "# a comment", "#...", "\t# indented comment");

const modelArb: fc.Arbitrary<Model> = fc.record({
  transport: fc.constantFrom("udpu" as const, "knet" as const),
  clusterName: fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/),
  tokenMs: fc.option(fc.integer({ min: 10, max: 60_000 }), { nil: undefined }),
  consensusMs: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
  nodes: fc
    .uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.integer({ min: 1, max: 3 }).map((links) => ({
            id,
            name: `node${id}`,
            addrs: Array.from(
              { length: links },
              (_, l) => `10.${l}.${Math.floor(id / 250)}.${(id % 250) + 1}`,
            ),
          })),
        ),
      ),
    ),
  twoNode: fc.boolean(),
  waitForAll: fc.option(fc.boolean(), { nil: undefined }),
  expectedVotes: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
});

/** Prints a model as corosync.conf text, with random indentation and comment lines. */
function print(m: Model, pad: readonly string[], notes: readonly string[]): string {
  let i = 0;
  const p = (): string => pad[i++ % pad.length] ?? " ";
  const c = (): string => notes[i++ % notes.length] ?? "";
  const lines: string[] = [
    c(),
    "totem {",
    `${p()}version: 2`,
    `${p()}cluster_name: ${m.clusterName}`,
    `${p()}transport: ${m.transport}`,
  ];
  if (m.tokenMs !== undefined) lines.push(`${p()}token: ${m.tokenMs}`);
  if (m.consensusMs !== undefined) lines.push(`${p()}consensus: ${m.consensusMs}`);
  lines.push(c(), "}", "nodelist {");
  for (const n of m.nodes) {
    lines.push(`${p()}node {`, `${p()}${p()}nodeid: ${n.id}`, `${p()}${p()}name: ${n.name}`);
    for (const [l, a] of n.addrs.entries()) lines.push(`${p()}${p()}ring${l}_addr: ${a}`);
    lines.push(`${p()}}`, c());
  }
  lines.push(
    "}",
    "quorum {",
    `${p()}provider: corosync_votequorum`,
    `${p()}two_node: ${m.twoNode ? 1 : 0}`,
  );
  if (m.waitForAll !== undefined) lines.push(`${p()}wait_for_all: ${m.waitForAll ? "yes" : "no"}`);
  if (m.expectedVotes !== undefined) lines.push(`${p()}expected_votes: ${m.expectedVotes}`);
  lines.push("}", c());
  return lines.join("\n");
}

describe("parseCorosyncConf (property)", () => {
  it("reads back what a model printed, whatever the indentation and comments", () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(ws, { minLength: 1, maxLength: 5 }),
        fc.array(comment, { minLength: 1, maxLength: 4 }),
        (m, pad, notes) => {
          const r = parseCorosyncConf(print(m, pad, notes), "gen.conf");
          if (!r.ok) assert.fail(r.error.map(formatConfIssue).join("\n"));
          const { config, warnings } = r.value;
          const expectWarn = m.twoNode && m.nodes.length > 2 ? 1 : 0;
          assert.equal(warnings.length, expectWarn, warnings.map(formatConfIssue).join("\n"));
          assert.equal(config.totem.transport, m.transport);
          assert.equal(config.totem.clusterName, m.clusterName);
          assert.equal(config.totem.tokenMs, m.tokenMs);
          assert.equal(config.totem.consensusMs, m.consensusMs);
          assert.deepEqual(
            config.nodelist.map((n) => [n.nodeId, n.name, [...n.ringAddrs.values()]]),
            m.nodes.map((n) => [n.id, n.name, n.addrs]),
          );
          assert.equal(config.quorum.twoNode, m.twoNode);
          assert.equal(config.quorum.waitForAll, m.waitForAll ?? m.twoNode);
          assert.equal(config.quorum.expectedVotes, m.expectedVotes);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it("points at the line of a corrupted value", () => {
    fc.assert(
      fc.property(modelArb, fc.nat(), (m, pick) => {
        const lines = print(m, [" "], [""]).split("\n");
        const numeric = lines
          .map((l, i) => [l, i] as const)
          .filter(([l]) => /^\s*(nodeid|token|consensus|expected_votes): /.test(l));
        const target = numeric[pick % Math.max(1, numeric.length)];
        if (target === undefined) return;
        lines[target[1]] = target[0].replace(/: .*/, ": oops");
        const r = parseCorosyncConf(lines.join("\n"), "gen.conf");
        assert.ok(!r.ok);
        assert.ok(
          r.error.some((e) => e.severity === "error" && e.line === target[1] + 1),
          r.error.map(formatConfIssue).join("\n"),
        );
      }),
      { seed, numRuns: 200 },
    );
  });
});
