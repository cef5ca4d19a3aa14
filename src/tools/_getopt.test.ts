import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { has, lastValue, type OptionSpec, parseGlibArgs } from "./_getopt.js";

const SPECS: readonly OptionSpec[] = [
  { long: "resource", short: "r", value: true },
  { long: "locate", short: "W", value: false },
  { long: "quiet", short: "Q", value: false },
];

describe("parseGlibArgs", () => {
  it("accepts GLib's forms of an option value", () => {
    for (const argv of [["-r", "x"], ["-rx"], ["--resource", "x"], ["--resource=x"]]) {
      const r = parseGlibArgs(argv, SPECS);
      assert.ok(r.ok);
      assert.equal(lastValue(r.value, "resource"), "x");
    }
  });

  it("splits bundled short flags", () => {
    const r = parseGlibArgs(["-WQr", "vip"], SPECS);
    assert.ok(r.ok);
    assert.ok(has(r.value, "locate") && has(r.value, "quiet"));
    assert.equal(lastValue(r.value, "resource"), "vip");
  });

  it("reports unknown options and missing values in GLib's or getopt's words", () => {
    assert.deepEqual(parseGlibArgs(["--bogus"], SPECS), {
      ok: false,
      error: "Unknown option --bogus",
    });
    assert.deepEqual(parseGlibArgs(["-r"], SPECS), { ok: false, error: "Missing argument for -r" });
    assert.deepEqual(parseGlibArgs(["-r"], SPECS, { style: "getopt" }), {
      ok: false,
      error: "option requires an argument -- 'r'",
    });
  });

  it("never throws on arbitrary words", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 8 }), (argv) => {
        const r = parseGlibArgs(argv, SPECS);
        assert.equal(typeof r.ok, "boolean");
      }),
    );
  });
});
