/**
 * fast-check arbitraries for CIB-shaped trees, shared by this room's property tests.
 * Trees mix id'd and id-less elements, duplicate ids among siblings, comments and text, so
 * the diff/patch and codec properties see the awkward cases, not only tidy CIBs.
 */
import fc from "fast-check";
import type { XmlElement, XmlNode } from "./xml.js";

const NAMES = ["primitive", "group", "nvpair", "op", "rsc_location", "node", "meta_attributes"];
const ATTR_NAMES = ["name", "value", "type", "class", "score", "interval", "uname"];

const idArb = fc.constantFrom("a", "b", "c", "d1", "x'y", 'q"r', "rsc-1");
const valueArb = fc.oneof(
  fc.constantFrom("0", "INFINITY", "Started", "10s", "true"),
  fc.string({ maxLength: 6 }).filter((s) => !/[\uD800-\uDFFF]/.test(s)),
);

function attrsArb(): fc.Arbitrary<[string, string][]> {
  return fc
    .tuple(
      fc.option(idArb, { nil: undefined }),
      fc.uniqueArray(fc.tuple(fc.constantFrom(...ATTR_NAMES), valueArb), {
        selector: (a) => a[0],
        maxLength: 3,
      }),
    )
    .map(([id, rest]) => (id === undefined ? rest : [["id", id] as [string, string], ...rest]));
}

/** Non-blank text without surrounding whitespace (the codec trims text between elements). */
const textArb = fc
  .stringMatching(/^[A-Za-z0-9&<>'"][A-Za-z0-9 &<>'".-]{0,6}$/)
  .filter((t) => t.trim() === t);

/** Comment text as XML allows it (no "--", not ending with "-"). */
const commentArb = fc.stringMatching(/^ ?[a-z0-9 ]{0,8}$/).filter((t) => !t.includes("--"));

/**
 * Random elements `depth` levels deep. With `withMixed`, text nodes appear beside elements
 * (the CIB has none; pretty-printing such mixed content is not lossless, only the tree is).
 */
export function elementArb(depth: number, withMixed = true): fc.Arbitrary<XmlElement> {
  const comment = commentArb.map((text): XmlNode => ({ type: "comment", text }));
  const text = textArb.map((t): XmlNode => ({ type: "text", text: t }));
  const leaf = withMixed ? fc.oneof(comment, text) : comment;
  const children: fc.Arbitrary<XmlNode[]> =
    depth === 0
      ? fc.constant([])
      : fc.array(
          fc.oneof(
            { weight: 6, arbitrary: elementArb(depth - 1, withMixed) as fc.Arbitrary<XmlNode> },
            { weight: 1, arbitrary: leaf },
          ),
          { maxLength: 4 },
        );
  return fc
    .record({ name: fc.constantFrom(...NAMES), attrs: attrsArb(), children })
    .map(
      (r): XmlElement => ({ type: "element", name: r.name, attrs: r.attrs, children: r.children }),
    );
}

/** A `<cib>` with version attributes and random configuration/status content. */
export function cibArb(opts: { mixed?: boolean } = {}): fc.Arbitrary<XmlElement> {
  const mixed = opts.mixed ?? true;
  return fc
    .record({
      epoch: fc.nat(20),
      numUpdates: fc.nat(20),
      config: fc.array(elementArb(3, mixed), { maxLength: 4 }),
      status: fc.array(elementArb(2, mixed), { maxLength: 2 }),
    })
    .map(
      (r): XmlElement => ({
        type: "element",
        name: "cib",
        attrs: [
          ["crm_feature_set", "3.16.1"],
          ["validate-with", "pacemaker-3.9"],
          ["epoch", String(r.epoch)],
          ["num_updates", String(r.numUpdates)],
          ["admin_epoch", "0"],
        ],
        children: [
          {
            type: "element",
            name: "configuration",
            attrs: [],
            children: [{ type: "element", name: "resources", attrs: [], children: r.config }],
          },
          { type: "element", name: "status", attrs: [], children: r.status },
        ],
      }),
    );
}

/** One random edit: which node (by pre-order index, modulo), what to do, and material. */
export interface Edit {
  readonly at: number;
  readonly op: "delete" | "insert" | "move" | "set-attr" | "unset-attr" | "reverse";
  readonly n: number;
  readonly el: XmlElement;
  readonly value: string;
}

export function editArb(mixed = true): fc.Arbitrary<Edit> {
  return fc.record({
    at: fc.nat(1000),
    op: fc.constantFrom("delete", "insert", "move", "set-attr", "unset-attr", "reverse"),
    n: fc.nat(1000),
    el: elementArb(1, mixed),
    value: valueArb,
  });
}

function elementsOf(root: XmlElement): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    out.push(e);
    for (const c of e.children) if (c.type === "element") walk(c);
  };
  walk(root);
  return out;
}

/** Applies edits in place to a copy's descendants (the root element itself stays). */
export function applyEdits(root: XmlElement, edits: readonly Edit[]): void {
  for (const e of edits) {
    const all = elementsOf(root);
    const target = all[e.at % all.length] as XmlElement;
    const k = target.children.length;
    switch (e.op) {
      case "delete":
        if (k > 0 && target !== root) target.children.splice(e.n % k, 1);
        break;
      case "insert":
        target.children.splice(e.n % (k + 1), 0, structuredClone(e.el));
        break;
      case "move":
        if (k > 1) {
          const [moved] = target.children.splice(e.n % k, 1);
          if (moved) target.children.splice((e.n * 7) % k, 0, moved);
        }
        break;
      case "set-attr":
        if (target !== root) {
          const name = ATTR_NAMES[e.n % ATTR_NAMES.length] as string;
          const at = target.attrs.find(([a]) => a === name);
          if (at) at[1] = e.value;
          else target.attrs.push([name, e.value]);
        }
        break;
      case "unset-attr":
        if (target.attrs.length > 0 && target !== root)
          target.attrs.splice(e.n % target.attrs.length, 1);
        break;
      case "reverse":
        target.attrs.reverse();
        break;
    }
  }
}

/**
 * Makes a tree addressable the way Pacemaker addresses it: ids unique in the whole tree and
 * free of quotes,
 * id-less elements unique by name among their siblings, no comments or text.
 */
export function tidyForPacemaker(root: XmlElement): XmlElement {
  const seen = new Set<string>();
  const walk = (e: XmlElement): void => {
    e.children = e.children.filter((c) => c.type === "element");
    for (const c of e.children) {
      if (c.type !== "element") continue;
      const id = c.attrs.find(([k]) => k === "id")?.[1];
      // Quotes are not valid in an XML ID and Pacemaker's path lookup cannot match them.
      if (id !== undefined && (seen.has(id) || /['"]/.test(id))) {
        c.attrs = c.attrs.filter(([k]) => k !== "id");
      } else if (id !== undefined) seen.add(id);
    }
    const count = new Map<string, number>();
    for (const c of e.children)
      if (c.type === "element") count.set(c.name, (count.get(c.name) ?? 0) + 1);
    e.children = e.children.filter(
      (c) => c.type === "element" && (c.attrs.some(([k]) => k === "id") || count.get(c.name) === 1),
    );
    for (const c of e.children) if (c.type === "element") walk(c);
  };
  walk(root);
  return root;
}
