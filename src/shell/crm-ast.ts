/**
 * The crm configuration language as data: what `configure primitive ...` and friends
 * describe, before ids are assigned and XML is built (cib-build.ts).
 */

/** name=value pairs in typed order; a name typed without `=` has value null. */
export type NvList = [string, string | null][];

export interface AttrSet {
  readonly kind: "params" | "meta" | "utilization";
  /** `$id=...` given for the set; else generated. */
  readonly id?: string;
  /** `@REF` reference to another set (id-ref). */
  readonly idRef?: string;
  readonly nv: NvList;
}

export interface OpDef {
  readonly kind: "op";
  readonly name: string;
  readonly nv: NvList;
  /** `op_params ...` after the op: its instance attributes. */
  readonly params: NvList;
  /** `op_meta ...` after the op: its meta attributes. */
  readonly meta: NvList;
}

export type PrimitivePart = AttrSet | OpDef;

export interface AgentSpec {
  readonly cls: string;
  readonly provider?: string;
  readonly type: string;
}

export interface PrimitiveDef {
  readonly type: "primitive";
  readonly id: string;
  readonly agent: AgentSpec;
  readonly description?: string;
  readonly parts: readonly PrimitivePart[];
}

export interface ContainerDef {
  readonly type: "group" | "clone" | "ms";
  readonly id: string;
  readonly children: readonly string[];
  readonly description?: string;
  readonly parts: readonly AttrSet[];
}

export interface ExprDef {
  readonly attribute: string;
  readonly operation: string;
  readonly value?: string;
  /** string|integer|number|version as typed before the operator (`integer:gt`). */
  readonly valueType?: string;
}

export interface DateExprDef {
  readonly operation: "gt" | "lt" | "in_range";
  readonly start?: string;
  readonly end?: string;
}

export interface RuleDef {
  readonly id?: string;
  readonly role?: string;
  /** "INFINITY", "-INFINITY" or an integer; absent when scoreAttribute is set. */
  readonly score?: string;
  readonly scoreAttribute?: string;
  readonly booleanOp?: "and" | "or";
  readonly exprs: readonly (ExprDef | ({ readonly date: true } & DateExprDef))[];
}

export interface LocationDef {
  readonly type: "location";
  readonly id: string;
  readonly rsc: string;
  readonly rscPattern?: boolean;
  readonly role?: string;
  readonly resourceDiscovery?: string;
  readonly score?: string;
  readonly scoreAttribute?: string;
  readonly node?: string;
  readonly rules: readonly RuleDef[];
}

export interface SetRef {
  readonly id: string;
  /** colocation: role; order: action. */
  readonly qualifier?: string;
}

/** One resource set of a constraint: `( a b )` is sequential=false, `[ a b ]` require-all=false. */
export interface ResourceSetDef {
  readonly refs: readonly SetRef[];
  readonly bracket: "none" | "paren" | "square";
  readonly attrs: NvList;
}

export interface ColocationDef {
  readonly type: "colocation";
  readonly id: string;
  readonly score?: string;
  readonly scoreAttribute?: string;
  readonly sets: readonly ResourceSetDef[];
  readonly options: NvList;
}

export interface OrderDef {
  readonly type: "order";
  readonly id: string;
  readonly kind?: string;
  readonly score?: string;
  readonly sets: readonly ResourceSetDef[];
  readonly options: NvList;
}

export interface PropertySetDef {
  readonly type: "property" | "rsc_defaults" | "op_defaults";
  /** `property $id=NAME ...` or `property NAME: ...` (the form `show` prints). */
  readonly setId?: string;
  readonly nv: NvList;
}

export interface NodeDef {
  readonly type: "node";
  readonly uname: string;
  /** `node ID: UNAME` (the form `show` prints). */
  readonly nodeId?: string;
  readonly nodeType?: string;
  readonly description?: string;
  readonly parts: readonly AttrSet[];
}

export type CrmObject =
  | PrimitiveDef
  | ContainerDef
  | LocationDef
  | ColocationDef
  | OrderDef
  | PropertySetDef
  | NodeDef;

/** The words that start an object definition in the configure level. */
export const OBJECT_KEYWORDS = [
  "node",
  "primitive",
  "group",
  "clone",
  "ms",
  "master",
  "location",
  "colocation",
  "collocation",
  "order",
  "property",
  "rsc_defaults",
  "op_defaults",
] as const;
