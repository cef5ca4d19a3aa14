/**
 * Reads a transition graph in Pacemaker's XML form (`<transition_graph>` of `<synapse>`s, as
 * `crm_simulate -G` saves it and the scheduler hands it to the controller) into the flat
 * shape the controller executes. Instance parameters are the action's non-`CRM_meta_`
 * attributes; `CRM_meta_*` become meta attributes; the target rc and the timeout come from
 * `CRM_meta_op_target_rc` and `CRM_meta_timeout`.
 */
import { childElements, firstChild, getAttr, type XmlElement } from "../cib/xml.js";
import { err, ok, type Result } from "../shared/result.js";
import type { GraphAction, GraphResource, TransitionGraph } from "./graph.js";

const ACTION_KINDS: Readonly<Record<string, GraphAction["type"]>> = {
  rsc_op: "rsc_op",
  pseudo_event: "pseudo",
  crm_event: "crm_event",
};

const DEFAULT_TIMEOUT_MS = 20_000;

function actionElement(synapse: XmlElement): XmlElement | undefined {
  const set = firstChild(synapse, "action_set");
  return set ? childElements(set).find((c) => c.name in ACTION_KINDS) : undefined;
}

function parseAction(el: XmlElement, inputs: number[]): Result<GraphAction, string> {
  const id = Number(getAttr(el, "id"));
  if (!Number.isInteger(id)) return err(`<${el.name}> without a numeric id`);
  const prim = firstChild(el, "primitive");
  const longId = prim ? getAttr(prim, "long-id") : undefined;
  // `id` is what the node knows (an anonymous clone instance's bare id); `long-id` the
  // scheduler's instance name.
  const resource: GraphResource | null = prim
    ? {
        id: getAttr(prim, "id") ?? longId ?? "",
        ...(longId !== undefined ? { longId } : {}),
        class: getAttr(prim, "class") ?? "",
        provider: getAttr(prim, "provider") ?? "",
        type: getAttr(prim, "type") ?? "",
      }
    : null;
  const params: Record<string, string> = {};
  const meta: Record<string, string> = {};
  const attrs = firstChild(el, "attributes");
  for (const [k, v] of attrs?.attrs ?? []) {
    if (k.startsWith("CRM_meta_")) meta[k.slice("CRM_meta_".length)] = v;
    else if (k !== "crm_feature_set") params[k] = v;
  }
  const intervalMs = Number(meta.interval ?? "0") || 0;
  const operation = getAttr(el, "operation") ?? "";
  return ok({
    id,
    type: ACTION_KINDS[el.name] ?? "pseudo",
    operation,
    operationKey: getAttr(el, "operation_key") ?? operation,
    resource,
    node: getAttr(el, "on_node") ?? null,
    intervalMs,
    timeoutMs: Number(meta.timeout ?? "") || DEFAULT_TIMEOUT_MS,
    // Probes expect "not running" (7); Pacemaker writes it as CRM_meta_op_target_rc.
    targetRc:
      Number(meta.op_target_rc ?? (operation === "monitor" && intervalMs === 0 ? "7" : "0")) || 0,
    params,
    meta,
    inputs,
  });
}

/**
 * @example const g = graphFromXml(parsedTransitionGraph); g.ok && g.value.actions.length
 */
export function graphFromXml(graph: XmlElement): Result<TransitionGraph, string> {
  if (graph.name !== "transition_graph")
    return err(`expected <transition_graph>, got <${graph.name}>`);
  const actions: GraphAction[] = [];
  for (const synapse of childElements(graph, "synapse")) {
    const el = actionElement(synapse);
    if (!el) return err(`synapse ${getAttr(synapse, "id") ?? "?"} has no action`);
    const inputs: number[] = [];
    const inputsEl = firstChild(synapse, "inputs");
    for (const trigger of inputsEl ? childElements(inputsEl, "trigger") : []) {
      for (const t of childElements(trigger)) inputs.push(Number(getAttr(t, "id")));
    }
    const a = parseAction(el, inputs);
    if (!a.ok) return a;
    actions.push(a.value);
  }
  const recheck = getAttr(graph, "recheck-by");
  const recheckAtS = recheck !== undefined && Number(recheck) > 0 ? Number(recheck) : null;
  return ok({ actions, recheckAtS });
}
