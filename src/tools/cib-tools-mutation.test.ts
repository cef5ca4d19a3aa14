// Property: random mutations of a CIB's XML never crash cibadmin or crm_verify. Malformed input
// gives a clear error (file:line:col) and a non-zero exit; well-formed input gives Pacemaker's
// exit codes. Seeds print on failure (fast-check); replay with { seed, path }.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseXml } from "../cib/xml.js";
import { captureIo, TWO_NODE_CIB } from "./_test-io.js";
import { cibadmin } from "./cibadmin.js";
import { crmVerify } from "./crm_verify.js";

type Mutation =
  | { readonly kind: "delete"; readonly at: number; readonly len: number }
  | { readonly kind: "insert"; readonly at: number; readonly text: string }
  | { readonly kind: "duplicate"; readonly at: number; readonly len: number }
  | { readonly kind: "truncate"; readonly at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 40 }),
  }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.constantFrom(
      "<",
      ">",
      '"',
      "&",
      "</x>",
      "<primitive/>",
      'id="vip"',
      "<!--",
      "\u0000",
      "é",
      "]]>",
    ),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    at: fc.nat(),
    len: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

function mutate(text: string, ms: readonly Mutation[]): string {
  let t = text;
  for (const m of ms) {
    const at = t.length === 0 ? 0 : m.at % t.length;
    if (m.kind === "delete") t = t.slice(0, at) + t.slice(at + m.len);
    else if (m.kind === "insert") t = t.slice(0, at) + m.text + t.slice(at);
    else if (m.kind === "duplicate") t = t.slice(0, at + m.len) + t.slice(at);
    else t = t.slice(0, at);
  }
  return t;
}

const KNOWN_EXITS = new Set([0, 1, 64, 66, 70, 76, 78, 102, 103, 105, 107, 108]);

describe("cibadmin and crm_verify on mutated XML", () => {
  it("never crash; malformed XML gives one clear line and a non-zero exit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pacer-mutate-"));
    const file = join(dir, "cib.xml");
    await fc.assert(
      fc.asyncProperty(fc.array(mutationArb, { minLength: 1, maxLength: 4 }), async (ms) => {
        const text = mutate(TWO_NODE_CIB, ms);
        const wellFormed = parseXml(text, "x").ok;
        writeFileSync(file, text);
        const runs: [
          string,
          (a: string[], io: ReturnType<typeof captureIo>) => Promise<number>,
          string[],
        ][] = [
          ["crm_verify", crmVerify, ["-x", file, "-V"]],
          ["crm_verify", crmVerify, ["-L", "-V"]],
          ["cibadmin", cibadmin, ["-Q"]],
          ["cibadmin", cibadmin, ["-C", "-o", "resources", "-X", text]],
        ];
        for (const [name, tool, argv] of runs) {
          const io = captureIo({ CIB_file: file, PACER_API_SOCKET: join(dir, "none.sock") });
          const code = await tool(argv, io);
          assert.ok(
            KNOWN_EXITS.has(code),
            `${name} ${argv[0]}: unexpected exit ${code}: ${io.err()}`,
          );
          assert.doesNotMatch(io.err(), /internal error|at .+\.js:\d+/, `${name} crashed`);
          if (!wellFormed && name === "crm_verify" && argv[0] === "-x") {
            assert.notEqual(code, 0);
            assert.match(io.err(), /^crm_verify: .+:\d+:\d+: XML syntax error: [^\n]+\n$/);
          }
          if (!wellFormed && name === "cibadmin" && argv[0] === "-Q") {
            assert.notEqual(code, 0);
            assert.match(io.err(), /^Could not connect to the CIB: .+:\d+:\d+: XML syntax error/);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
