import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { firstChild, parseXml, printXml, walkElements, type XmlElement } from "../cib/xml.js";
import { Scratch } from "./_harness.js";
import { parseObject } from "./crm-parser.js";
import { logicalLines, tokenize } from "./lexer.js";
import { quoteValue } from "./printer.js";

function configurationOf(cibText: string): string {
  const doc = parseXml(cibText, "cib.xml");
  assert.ok(doc.ok);
  const conf = firstChild(doc.value, "configuration");
  assert.ok(conf);
  // Same configuration = same elements and attributes; attribute order and the order of
  // top-level resources and of constraints are not meaningful (show sorts them by id).
  for (const el of walkElements(conf)) el.attrs.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const name of ["resources", "constraints"]) {
    const sec = firstChild(conf, name);
    if (sec)
      sec.children.sort((a, b) => (printXml(a as XmlElement) < printXml(b as XmlElement) ? -1 : 1));
  }
  return printXml(conf as XmlElement);
}

describe("tokenize", () => {
  it("keeps quoted blanks inside one word and drops the quotes", () => {
    const r = tokenize(`primitive p Dummy params a="x y" b='c "d"' e=f\\ g`);
    assert.ok(r.ok);
    assert.deepEqual(r.value, ["primitive", "p", "Dummy", "params", "a=x y", 'b=c "d"', "e=f g"]);
  });
  it("reports an unclosed quote with its column", () => {
    const r = tokenize(`a "b`);
    assert.ok(!r.ok);
    assert.equal(r.error.col, 3);
  });
});

describe("logicalLines", () => {
  it("joins backslash continuations as configure show prints them", () => {
    const lines = logicalLines("primitive a Dummy \\\n\top monitor interval=10s\nshow\n");
    assert.deepEqual(lines.slice(0, 2), [
      [1, "primitive a Dummy  op monitor interval=10s"],
      [3, "show"],
    ]);
  });
});

describe("quoteValue", () => {
  it("quotes only values with characters outside word characters, dots and dashes", () => {
    assert.equal(quoteValue("192.168.0.100"), "192.168.0.100");
    assert.equal(quoteValue("/etc/apache2/apache2.conf"), '"/etc/apache2/apache2.conf"');
    assert.equal(quoteValue(""), '""');
    assert.equal(quoteValue('x"y'), '"x\\"y"');
  });
});

describe("parseObject", () => {
  it("renders crmsh's syntax errors", () => {
    const r = parseObject(["location", "l1", "d1", "100:"]);
    assert.ok(!r.ok);
    assert.equal(r.error.message, "Expected identifier");
  });
  it("takes a bare type as ocf:heartbeat", () => {
    const r = parseObject(["primitive", "d1", "Dummy"]);
    assert.ok(r.ok && r.value.type === "primitive");
    assert.deepEqual(r.value.type === "primitive" && r.value.agent, {
      cls: "ocf",
      provider: "heartbeat",
      type: "Dummy",
    });
  });
});

describe("crm configure", () => {
  it("creates the tutorial's failover IP with crmsh's ids and shows it", async () => {
    const s = new Scratch();
    const made = await s.crm([
      "configure",
      "primitive",
      "failover-ip",
      "ocf:heartbeat:IPaddr2",
      "params",
      "ip=192.168.0.100",
      "op",
      "monitor",
      "interval=10s",
    ]);
    assert.equal(made.code, 0, made.stderr);
    assert.match(
      s.cib(),
      /<nvpair name="ip" value="192.168.0.100" id="failover-ip-instance_attributes-ip"\/>/,
    );
    const shown = await s.crm(["configure", "show", "failover-ip"]);
    assert.equal(
      shown.stdout,
      "primitive failover-ip IPaddr2 \\\n\tparams ip=192.168.0.100 \\\n\top monitor interval=10s\n",
    );
  });

  it("leaves the CIB byte for byte when a command is refused", async () => {
    const s = new Scratch();
    await s.crm(["configure", "primitive", "d1", "ocf:pacemaker:Dummy"]);
    const before = s.cib();
    const r = await s.crm([
      "configure",
      "primitive",
      "d2",
      "ocf:pacemaker:Dummy",
      "params",
      "nosuch=1",
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERROR: d2: parameter "nosuch" is not known/);
    assert.equal(s.cib(), before);
  });

  it("reports unknown commands with the level path", async () => {
    const s = new Scratch();
    const r = await s.crm(["configure", "frobnicate"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "ERROR: configure.frobnicate: No such command\n");
  });
});

const idArb = fc.constantFrom("a", "b", "c", "d", "e", "web-1", "db_2", "x.y");
const valueArb = fc.oneof(
  fc.stringMatching(/^[a-z0-9./:_ -]{0,12}$/),
  fc.constantFrom("", "a b", 'q"uote', "/etc/x.conf", "http://h/s?x=1"),
);

interface Model {
  readonly lines: string[];
  readonly primitives: string[];
}

function q(v: string): string {
  return `"${v.replace(/(["\\])/g, "\\$1")}"`;
}

/** A valid crm script: primitives, then groups/clones of free ones, then constraints. */
const scriptArb: fc.Arbitrary<Model> = fc
  .record({
    prims: fc.uniqueArray(idArb, { minLength: 1, maxLength: 5 }),
    fakes: fc.array(valueArb, { minLength: 5, maxLength: 5 }),
    intervals: fc.array(fc.constantFrom("10s", "20", "1m", "30s"), { minLength: 5, maxLength: 5 }),
    grouped: fc.integer({ min: 0, max: 3 }),
    cloneLast: fc.boolean(),
    scores: fc.array(fc.constantFrom("inf", "-inf", "100", "-5", "0"), {
      minLength: 3,
      maxLength: 3,
    }),
    prop: fc.constantFrom("ignore", "stop", "freeze"),
    stickiness: fc.integer({ min: 0, max: 1000 }),
  })
  .map((r) => {
    const lines: string[] = [];
    r.prims.forEach((p, i) => {
      const meta = i % 2 === 0 ? ` meta target-role=Started` : "";
      lines.push(
        `primitive ${p} ocf:pacemaker:Dummy params fake=${q(r.fakes[i] ?? "")}${meta} op monitor interval=${r.intervals[i]}`,
      );
    });
    const free: string[] = [...r.prims];
    let holder = free[0] as string;
    if (r.grouped >= 2 && free.length >= r.grouped) {
      const members = free.splice(0, r.grouped);
      lines.push(`group g1 ${members.join(" ")} meta target-role=Started`);
      holder = "g1";
      free.unshift("g1");
    }
    if (r.cloneLast && free.length > 1) {
      const last = free.pop() as string;
      lines.push(`clone cl-${last} ${last} meta interleave=true`);
      free.push(`cl-${last}`);
    }
    lines.push(`location loc-1 ${holder} ${r.scores[0]}: node1`);
    lines.push(`location loc-2 ${holder} rule ${r.scores[1]}: #uname eq node2 and pingd gt 0`);
    if (free.length >= 2) {
      lines.push(`colocation col-1 ${r.scores[2]}: ${free[0]} ${free[1]}`);
      lines.push(`order ord-1 Mandatory: ${free[0]} ${free[1]}:start`);
    }
    lines.push(`property no-quorum-policy=${r.prop}`);
    lines.push(`rsc_defaults resource-stickiness=${r.stickiness}`);
    return { lines, primitives: r.prims };
  });

describe("configure show / load replace", () => {
  it("re-reading what show printed gives the same configuration", async () => {
    await fc.assert(
      fc.asyncProperty(scriptArb, async (model) => {
        const s = new Scratch();
        const made = await s.crm(["configure"], `${model.lines.join("\n")}\n`);
        assert.equal(made.code, 0, `${model.lines.join("\n")}\n${made.stderr}`);
        const first = await s.crm(["configure", "show"]);
        const conf1 = configurationOf(s.cib());
        const file = join(s.dir, "saved.crm");
        writeFileSync(file, first.stdout);
        const loaded = await s.crm(["configure", "load", "replace", file]);
        assert.equal(loaded.code, 0, loaded.stderr);
        const second = await s.crm(["configure", "show"]);
        assert.equal(second.stdout, first.stdout);
        assert.equal(configurationOf(s.cib()), conf1);
      }),
      { numRuns: 25 },
    );
  });
});

const wordArb = fc.oneof(
  fc.constantFrom(
    "primitive",
    "group",
    "clone",
    "ms",
    "location",
    "colocation",
    "order",
    "property",
    "rsc_defaults",
    "node",
    "show",
    "delete",
    "rename",
    "modgroup",
    "rule",
    "op",
    "params",
    "meta",
    "inf:",
    "-inf:",
    "100:",
    "Mandatory:",
    "and",
    "or",
    "eq",
    "defined",
    "(",
    ")",
    "[",
    "]",
    "d1",
    "g1",
    "node1",
    "Dummy",
    "ocf:pacemaker:Dummy",
    "a:b:c:d",
    "x=1",
    "=",
    ":",
    '"',
    "'",
    "\\",
    "#uname",
    "role=Promoted",
    "$id=x",
    "@ref",
    "xml",
    "type:node",
  ),
  fc.string({ maxLength: 6 }),
);

describe("crm configure with random words", () => {
  it("never crashes: exit 0 or 1, errors as ERROR lines, a refused command writes nothing", async () => {
    const s = new Scratch();
    await s.crm(["configure", "primitive", "d1", "ocf:pacemaker:Dummy"]);
    await fc.assert(
      fc.asyncProperty(fc.array(wordArb, { minLength: 1, maxLength: 8 }), async (words) => {
        const before = s.cib();
        const r = await s.crm(["configure", ...words]);
        assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} for ${JSON.stringify(words)}`);
        for (const line of r.stderr.split("\n").filter((l) => l !== "")) {
          assert.match(line, /^(ERROR|WARNING|INFO): |^\s|^Init failed/, `stray line ${line}`);
        }
        if (r.code !== 0) {
          assert.match(r.stderr, /ERROR: /);
          // `delete A nosuch` deletes A and reports nosuch, as crmsh does.
          if (words[0] !== "delete") {
            assert.equal(s.cib(), before, `CIB changed by refused ${JSON.stringify(words)}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

const navArb = fc.constantFrom(
  "configure",
  "up",
  "end",
  "cd ..",
  "cd configure",
  "ls",
  "help",
  "quit",
  "commit",
  "verify",
  "show",
  "",
);

describe("crm scripts with random lines", () => {
  it("never crash and end with status 0 or 1", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            navArb,
            fc.array(wordArb, { maxLength: 6 }).map((w) => w.join(" ")),
          ),
          { maxLength: 8 },
        ),
        async (lines) => {
          const s = new Scratch();
          const r = await s.crm([], `${lines.join("\n")}\n`);
          assert.ok(r.code === 0 || r.code === 1, `exit ${r.code} for ${JSON.stringify(lines)}`);
          assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("crm configure edit", () => {
  it("replaces the edited objects and deletes the ones removed from the text", async () => {
    const s = new Scratch();
    await s.crm(
      ["configure"],
      "primitive a ocf:pacemaker:Dummy op monitor interval=10s\nlocation l1 a 10: node1\n",
    );
    const editor = "sed -i -e 's/interval=10s/interval=20s/' -e '/^location/d'";
    const r = await s.crm(["configure", "edit"], "", { EDITOR: editor });
    assert.equal(r.code, 0, r.stderr);
    const shown = await s.crm(["configure", "show", "type:primitive", "type:location"]);
    assert.equal(shown.stdout, "primitive a ocf:pacemaker:Dummy \\\n\top monitor interval=20s\n");
  });
});
