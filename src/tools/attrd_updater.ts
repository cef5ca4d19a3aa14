/**
 * `attrd_updater`: query and update transient node attributes (the status section's
 * `transient_attributes`) through the local `pacer node`, as Pacemaker's attrd_updater does
 * through pacemaker-attrd. `-U` sets, `-D` removes, `-Q` queries (`-A` for every node).
 */
import { apiRequest } from "../cib/live-backend.js";
import { childElements, firstChild, getAttr, parseXml, type XmlElement } from "../cib/xml.js";
import { has, lastValue, parseGlibArgs } from "./_getopt.js";
import { ExitCode, type ToolIo, UserError } from "./tool-io.js";

const SPECS = [
  { long: "name", short: "n", value: true },
  { long: "update", short: "U", value: true },
  { long: "delete", short: "D", value: false },
  { long: "query", short: "Q", value: false },
  { long: "node", short: "N", value: true },
  { long: "all", short: "A", value: false },
  { long: "lifetime", short: "l", value: true },
  { long: "private", short: "p", value: false },
  { long: "delay", short: "d", value: true },
  { long: "verbose", short: "V", value: false },
  { long: "help", short: "h", value: false },
] as const;

const NOT_CONNECTED = "attrd_updater: Could not connect to attrd: Connection refused\n";

function values(cib: XmlElement, name: string): { host: string; value: string }[] {
  const out: { host: string; value: string }[] = [];
  const status = firstChild(cib, "status");
  for (const ns of status ? childElements(status, "node_state") : []) {
    for (const ta of childElements(ns, "transient_attributes")) {
      for (const set of childElements(ta, "instance_attributes")) {
        for (const nv of childElements(set, "nvpair")) {
          if (getAttr(nv, "name") === name) {
            out.push({ host: getAttr(ns, "uname") ?? "", value: getAttr(nv, "value") ?? "" });
          }
        }
      }
    }
  }
  return out;
}

/** @example await attrdUpdater(["-n", "foo", "-U", "1"], io) */
export async function attrdUpdater(argv: readonly string[], io: ToolIo): Promise<number> {
  const p = parseGlibArgs(argv, SPECS);
  if (!p.ok) throw new UserError(p.error, ExitCode.Usage);
  const args = p.value;
  if (has(args, "help")) {
    io.stdout("Usage:\n  attrd_updater -n NAME (-U VALUE | -D | -Q [-A]) [-N NODE]\n");
    return ExitCode.Ok;
  }
  const name = lastValue(args, "name");
  if (name === undefined) throw new UserError("-n/--name is required", ExitCode.Usage);
  const status = await apiRequest(io.env, { op: "node-status" }, { timeoutMs: 5000 });
  if (!status.ok) {
    io.stderr(NOT_CONNECTED);
    return ExitCode.Disconnect;
  }
  const self = (status.value.self as { name: string }).name;
  const node = lastValue(args, "node") ?? self;
  if (has(args, "query")) {
    const r = await apiRequest(io.env, { op: "cib-query" });
    const cib = r.ok && typeof r.value.cib === "string" ? parseXml(r.value.cib, "cib") : undefined;
    if (!cib?.ok) {
      io.stderr(NOT_CONNECTED);
      return ExitCode.Disconnect;
    }
    const found = values(cib.value, name).filter((v) => has(args, "all") || v.host === node);
    if (found.length === 0) {
      io.stderr(`attrd_updater: Could not query value of ${name}: attribute does not exist\n`);
      return ExitCode.NoSuch;
    }
    for (const v of found) io.stdout(`name="${name}" host="${v.host}" value="${v.value}"\n`);
    return ExitCode.Ok;
  }
  const update = lastValue(args, "update");
  if (update === undefined && !has(args, "delete")) {
    throw new UserError("one of -U, -D or -Q is required", ExitCode.Usage);
  }
  const r = await apiRequest(io.env, {
    op: "attr",
    node,
    name,
    value: update ?? null,
    lifetime: "reboot",
    client: "attrd_updater",
  });
  if (!r.ok) {
    if (r.error.kind === "not-connected") {
      io.stderr(NOT_CONNECTED);
      return ExitCode.Disconnect;
    }
    io.stderr(`attrd_updater: Could not update ${name}=${update ?? "(null)"}: ${r.error.detail}\n`);
    return r.error.code;
  }
  return ExitCode.Ok;
}
