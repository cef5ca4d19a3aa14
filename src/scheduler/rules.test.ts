import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXml } from "../cib/xml.js";
import { compareValues, evaluateRule } from "./rules.js";

function rule(xml: string) {
  const r = parseXml(xml, "rule.xml");
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}
const attrs = (o: Record<string, string>) => ({ nodeAttrs: new Map(Object.entries(o)) });

describe("evaluateRule", () => {
  it("evaluateRule matches #uname with eq and ne", () => {
    const eq = rule(
      '<rule id="r"><expression id="e" attribute="#uname" operation="eq" value="node1"/></rule>',
    );
    assert.equal(evaluateRule(eq, attrs({ "#uname": "node1" })), true);
    assert.equal(evaluateRule(eq, attrs({ "#uname": "node2" })), false);
    const ne = rule(
      '<rule id="r"><expression id="e" attribute="#uname" operation="ne" value="node1"/></rule>',
    );
    assert.equal(evaluateRule(ne, attrs({ "#uname": "node2" })), true);
  });
  it("evaluateRule combines expressions with boolean-op", () => {
    const and = rule(
      '<rule id="r" boolean-op="and"><expression id="a" attribute="x" operation="defined"/>' +
        '<expression id="b" attribute="y" operation="not_defined"/></rule>',
    );
    assert.equal(evaluateRule(and, attrs({ x: "1" })), true);
    assert.equal(evaluateRule(and, attrs({ x: "1", y: "2" })), false);
    const or = rule(
      '<rule id="r" boolean-op="or"><expression id="a" attribute="x" operation="eq" value="1"/>' +
        '<expression id="b" attribute="x" operation="eq" value="2"/></rule>',
    );
    assert.equal(evaluateRule(or, attrs({ x: "2" })), true);
    assert.equal(evaluateRule(or, attrs({ x: "3" })), false);
  });
  it("evaluateRule compares numbers by type and falls back to strings", () => {
    const gt = rule(
      '<rule id="r"><expression id="e" attribute="v" operation="gt" value="10"/></rule>',
    );
    assert.equal(evaluateRule(gt, attrs({ v: "9" })), false);
    assert.equal(evaluateRule(gt, attrs({ v: "11" })), true);
    const intEq = rule(
      '<rule id="r"><expression id="e" attribute="v" operation="eq" type="integer" value="3.6"/></rule>',
    );
    assert.equal(evaluateRule(intEq, attrs({ v: "3" })), true);
    const numEq = rule(
      '<rule id="r"><expression id="e" attribute="v" operation="eq" type="number" value="3.6"/></rule>',
    );
    assert.equal(evaluateRule(numEq, attrs({ v: "3" })), false);
  });
  it("compareValues orders versions and strings", () => {
    assert.equal(compareValues("version", "1.10", "1.9"), 1);
    assert.equal(compareValues("string", "abc", "ABD"), -1);
    assert.equal(compareValues("integer", "as10", "as2"), -1);
  });
});
