/**
 * crm_mon's XML output (`--output-as=xml`, Pacemaker's XML API 2.25 layout) and a JSON
 * rendering of the same tree (`--output-as=json`: elements become objects with their
 * attributes, children grouped by element name in arrays).
 */
import { childElements, elem, firstChild, getAttr, printXml, type XmlElement } from "../cib/xml.js";
import type { OcfRc } from "../executor/codes.js";
import { ocfRcName } from "../executor/codes.js";
import type { Resource } from "../scheduler/model.js";
import { activeNodes } from "../scheduler/primitive.js";
import { agentName } from "../scheduler/status-text.js";
import { ctime, isoUtc, type MonModel, resourcesOn } from "./_crm_mon-model.js";

const API_VERSION = "2.25";
const b = (v: boolean): string => (v ? "true" : "false");

function summary(m: MonModel, nowS: number): XmlElement {
  const o = m.ws.options;
  const kids: XmlElement[] = [elem("stack", { type: m.dc ? "corosync" : "unknown" })];
  kids.push(
    m.dc
      ? elem("current_dc", {
          present: "true",
          version: m.version,
          name: m.dc.name,
          id: m.dc.id,
          with_quorum: b(m.quorate),
          mixed_version: "false",
        })
      : elem("current_dc", { present: "false" }),
  );
  kids.push(elem("last_update", { time: ctime(nowS) }));
  if (m.lastChange) {
    kids.push(
      elem("last_change", {
        time: m.lastChange.time,
        user: m.lastChange.user,
        client: m.lastChange.client,
        origin: m.lastChange.origin,
      }),
    );
  }
  kids.push(elem("nodes_configured", { number: String(m.nodesConfigured) }));
  kids.push(
    elem("resources_configured", {
      number: String(m.instances),
      disabled: String(m.disabled),
      blocked: "0",
    }),
  );
  kids.push(
    elem("cluster_options", {
      "stonith-enabled": b(o.stonithEnabled),
      "symmetric-cluster": b(o.symmetricCluster),
      "no-quorum-policy": o.noQuorumPolicy,
      "maintenance-mode": b(o.maintenanceMode),
      "stop-all-resources": b(o.stopAllResources),
      "stonith-timeout-ms": "60000",
      "priority-fencing-delay-ms": "0",
    }),
  );
  return elem("summary", {}, kids);
}

/** `expected="member"` in the node's state: the cluster expects it up. */
function expectedUp(m: MonModel, node: string): boolean {
  const status = firstChild(m.ws.cib, "status");
  const ns = status
    ? childElements(status, "node_state").find((n) => getAttr(n, "uname") === node)
    : undefined;
  return ns !== undefined && getAttr(ns, "expected") === "member";
}

function nodes(m: MonModel): XmlElement {
  return elem(
    "nodes",
    {},
    m.ws.nodes.map((n) =>
      elem("node", {
        name: n.uname,
        id: n.id,
        online: b(n.online),
        standby: b(n.standby),
        standby_onfail: "false",
        maintenance: b(n.maintenance),
        pending: b(n.pending),
        unclean: b(n.unclean),
        health: "green",
        ...(n.online ? { feature_set: "3.16.1" } : {}),
        shutdown: b(n.shutdown),
        expected_up: b(expectedUp(m, n.uname)),
        is_dc: b(m.dc?.name === n.uname),
        resources_running: String(resourcesOn(m.ws, n).length),
        type: "member",
      }),
    ),
  );
}

function resource(m: MonModel, r: Resource, inactive: boolean): XmlElement | undefined {
  if (r.kind === "primitive") {
    const on = activeNodes(m.ws, r);
    if (on.length === 0 && !inactive) return undefined;
    const failed = on.some((n) => r.history.get(n)?.failed === true);
    return elem(
      "resource",
      {
        id: r.id,
        resource_agent: agentName(r),
        role: on.length > 0 ? "Started" : "Stopped",
        ...(r.meta.has("target-role") || r.parent?.meta.has("target-role")
          ? { target_role: r.meta.get("target-role") ?? r.parent?.meta.get("target-role") ?? "" }
          : {}),
        active: b(on.length > 0),
        orphaned: b(r.orphan),
        blocked: "false",
        managed: b(r.managed),
        failed: b(failed),
        failure_ignored: "false",
        nodes_running_on: String(on.length),
      },
      on.map((n) =>
        elem("node", { name: n, id: m.ws.nodeByName.get(n)?.id ?? "", cached: "true" }),
      ),
    );
  }
  const kids = r.children
    .map((c) => resource(m, c, inactive))
    .filter((x): x is XmlElement => x !== undefined);
  if (kids.length === 0 && !inactive) return undefined;
  if (r.kind === "group") {
    return elem(
      "group",
      {
        id: r.id,
        number_resources: String(r.children.length),
        managed: b(r.managed),
        disabled: b(r.targetRole === "Stopped"),
      },
      kids,
    );
  }
  return elem(
    "clone",
    {
      id: r.id,
      multi_state: b(r.clone?.promotable === true),
      unique: b(r.clone?.unique === true),
      managed: b(r.managed),
      disabled: b(r.targetRole === "Stopped"),
      failed: "false",
      failure_ignored: "false",
    },
    kids,
  );
}

function failures(m: MonModel): XmlElement | undefined {
  if (m.failures.length === 0) return undefined;
  return elem(
    "failures",
    {},
    m.failures.map((f) =>
      elem("failure", {
        op_key: `${f.rsc}_${f.task}_${f.intervalMs}`,
        node: f.node,
        exitstatus: f.rcText,
        exitreason: f.reason,
        exitcode: String(f.rc),
        call: f.callId,
        status: f.opStatus === 0 ? "complete" : "error",
        "last-rc-change": isoUtc(f.lastRcChangeS),
        queued: f.queueMs,
        exec: f.execMs,
        interval: String(f.intervalMs),
        task: f.task,
      }),
    ),
  );
}

function operation(op: XmlElement): XmlElement {
  const interval = Number(getAttr(op, "interval") ?? "0");
  const rc = Number(getAttr(op, "rc-code") ?? "0");
  return elem("operation_history", {
    call: getAttr(op, "call-id") ?? "",
    task:
      interval === 0 && getAttr(op, "operation") === "monitor"
        ? "probe"
        : (getAttr(op, "operation") ?? ""),
    rc: String(rc),
    rc_text: ocfRcName(rc as OcfRc) ?? "error",
    ...(interval > 0 ? { interval: `${interval}ms` } : {}),
    "last-rc-change": ctime(Number(getAttr(op, "last-rc-change") ?? "0")),
    "exec-time": `${getAttr(op, "exec-time") ?? "0"}ms`,
    "queue-time": `${getAttr(op, "queue-time") ?? "0"}ms`,
  });
}

/** Each node's operation history, as crm_mon shows it (probes finding nothing left out). */
function nodeHistory(m: MonModel): XmlElement {
  const out: XmlElement[] = [];
  const status = firstChild(m.ws.cib, "status");
  for (const ns of status ? childElements(status, "node_state") : []) {
    const node = getAttr(ns, "uname") ?? "";
    if (m.ws.nodeByName.get(node)?.online !== true) continue;
    const lrm = firstChild(ns, "lrm");
    const list = lrm ? firstChild(lrm, "lrm_resources") : undefined;
    const rscs: XmlElement[] = [];
    for (const lr of list ? childElements(list, "lrm_resource") : []) {
      const id = getAttr(lr, "id") ?? "";
      const ops = childElements(lr, "lrm_rsc_op")
        .filter(
          (o) =>
            !(
              getAttr(o, "operation") === "monitor" &&
              getAttr(o, "interval") === "0" &&
              getAttr(o, "rc-code") === "7"
            ),
        )
        .sort((a, b) => Number(getAttr(a, "call-id")) - Number(getAttr(b, "call-id")));
      if (ops.length === 0) continue;
      const fc = m.failCounts.find((f) => f.node === node && f.rsc === id);
      const r = m.ws.byId.get(id);
      rscs.push(
        elem(
          "resource_history",
          {
            id,
            orphan: b(r === undefined || r.orphan),
            "migration-threshold": String(r?.migrationThreshold ?? 1000000),
            ...(fc ? { "fail-count": fc.count, "last-failure": ctime(fc.lastFailureS) } : {}),
          },
          ops.map(operation),
        ),
      );
    }
    if (rscs.length > 0) out.push(elem("node", { name: node }, rscs));
  }
  return elem("node_history", {}, out);
}

/** The `<pacemaker-result>` element for a successful query. */
export function monXml(
  m: MonModel,
  o: { nowS: number; live: boolean; inactive: boolean },
): XmlElement {
  const kids: XmlElement[] = [];
  if (o.live) {
    kids.push(
      elem("pacemakerd", {
        sys_from: "pacemakerd",
        state: "running",
        last_updated: isoUtc(o.nowS),
      }),
    );
  }
  kids.push(summary(m, o.nowS), nodes(m));
  const res = m.ws.resources
    .map((r) => resource(m, r, o.inactive))
    .filter((x): x is XmlElement => x !== undefined);
  if (res.length > 0) kids.push(elem("resources", {}, res));
  // Pacemaker opens <node_history> at the first online node: with none online, no element.
  if ([...m.ws.nodes].some((n) => n.online)) kids.push(nodeHistory(m));
  const f = failures(m);
  if (f) kids.push(f);
  kids.push(elem("status", { code: "0", message: "OK" }));
  return elem(
    "pacemaker-result",
    { "api-version": API_VERSION, request: "crm_mon --output-as=xml" },
    kids,
  );
}

/** The error document crm_mon prints when it cannot reach the cluster. */
export function monXmlError(code: number, message: string, errors: readonly string[]): string {
  return printXml(
    elem("pacemaker-result", { "api-version": API_VERSION, request: "crm_mon --output-as=xml" }, [
      elem("status", { code: String(code), message }, [
        elem(
          "errors",
          {},
          errors.map((e) => elem("error", {}, [{ type: "text", text: e }])),
        ),
      ]),
    ]),
  );
}

type Json = { [k: string]: string | Json[] | Json };

/** XML element → JSON object: attributes as fields, children by name as arrays. */
export function xmlToJson(el: XmlElement): Json {
  const out: Json = {};
  for (const [k, v] of el.attrs) out[k] = v;
  for (const c of el.children) {
    if (c.type !== "element") continue;
    const list = (out[c.name] as Json[] | undefined) ?? [];
    list.push(xmlToJson(c));
    out[c.name] = list;
  }
  return out;
}
