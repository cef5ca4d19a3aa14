/**
 * `crm_mon`: the cluster's status, as Pacemaker 2.1's crm_mon prints it. Reads the CIB where
 * every tool does (CIB_shadow, CIB_file, else the live cluster through the api socket), lets
 * the scheduler unpack it, and prints text (`-1`, `-n`, `-r`, `-f`), XML or JSON. Without
 * `-1` on a terminal it refreshes every `--interval` seconds until interrupted.
 */
import { openCib } from "../cib/open.js";
import { printXml } from "../cib/xml.js";
import { clusterProperty } from "../controller/cib-state.js";
import { unpack } from "../scheduler/unpack.js";
import { monModel } from "./_crm_mon-model.js";
import { formatMonText } from "./_crm_mon-text.js";
import { monXml, monXmlError, xmlToJson } from "./_crm_mon-xml.js";
import { parseGlibArgs } from "./_getopt.js";
import { ExitCode, type ToolIo, UserError } from "./tool-io.js";

const SPECS = [
  { long: "one-shot", short: "1", value: false },
  { long: "verbose", short: "V", value: false },
  { long: "group-by-node", short: "n", value: false },
  { long: "inactive", short: "r", value: false },
  { long: "failcounts", short: "f", value: false },
  { long: "output-as", value: true },
  { long: "as-xml", short: "X", value: false },
  { long: "interval", short: "i", value: true },
  { long: "help", short: "h", value: false },
] as const;

const STONITH_ERRORS = [
  "(unpack_resources) \terror: Resource start-up disabled since no STONITH resources have been defined",
  "(unpack_resources) \terror: Either configure some or disable STONITH with the stonith-enabled option",
  "(unpack_resources) \terror: NOTE: Clusters with shared data need STONITH to ensure data integrity",
];

interface MonOptions {
  readonly as: "text" | "xml" | "json";
  readonly oneShot: boolean;
  readonly verbose: boolean;
  readonly byNode: boolean;
  readonly inactive: boolean;
  readonly failCounts: boolean;
  readonly intervalS: number;
}

function options(argv: readonly string[]): MonOptions {
  const p = parseGlibArgs(argv, SPECS);
  if (!p.ok) throw new UserError(p.error, ExitCode.Usage);
  const has = (l: string) => p.value.options.some((o) => o.long === l);
  const val = (l: string) => p.value.options.filter((o) => o.long === l).at(-1)?.value;
  const as = has("as-xml") ? "xml" : (val("output-as") ?? "text");
  if (as !== "text" && as !== "xml" && as !== "json") {
    throw new UserError(`Invalid --output-as value '${as}'; use text, xml or json`, ExitCode.Usage);
  }
  const interval = Number.parseFloat(val("interval") ?? "5");
  return {
    as,
    oneShot: has("one-shot") || has("help"),
    verbose: has("verbose"),
    byNode: has("group-by-node"),
    inactive: has("inactive"),
    failCounts: has("failcounts"),
    intervalS: Number.isFinite(interval) && interval > 0 ? interval : 5,
  };
}

/** One screen (or document); returns the exit code. */
async function once(o: MonOptions, io: ToolIo, render: (t: string) => void): Promise<number> {
  const backend = await openCib(io.env);
  const r = await backend.read();
  const nowS = Math.floor(Date.now() / 1000);
  if (!r.ok) {
    const errors = [
      "error: Could not connect to launcher: Connection refused",
      "crm_mon: Connection to cluster failed: Connection refused",
    ];
    if (o.as === "xml") render(monXmlError(102, "Not connected", errors));
    else if (o.as === "json")
      render(
        `${JSON.stringify({ status: { code: 102, message: "Not connected", errors } }, null, 2)}\n`,
      );
    else io.stderr(`${errors.join("\n")}\n`);
    return ExitCode.Disconnect;
  }
  const cib = r.value;
  const ws = unpack(cib, { now: nowS });
  const m = monModel(cib, ws);
  const live = backend.kind === "live";
  const stonith = clusterProperty(cib, "stonith-enabled") !== "false";
  const hasFencing = ws.resources.some((x) => x.cls === "stonith");
  if (o.verbose && stonith && !hasFencing) io.stderr(`${STONITH_ERRORS.join("\n")}\n`);
  if (o.as === "text") {
    render(
      formatMonText(m, {
        live,
        nowS,
        inactive: o.inactive,
        byNode: o.byNode,
        failCounts: o.failCounts,
      }),
    );
  } else {
    const doc = monXml(m, { nowS, live, inactive: o.inactive });
    render(o.as === "xml" ? printXml(doc) : `${JSON.stringify(xmlToJson(doc), null, 2)}\n`);
  }
  return ExitCode.Ok;
}

/** @example await crmMon(["-1"], io) */
export async function crmMon(argv: readonly string[], io: ToolIo): Promise<number> {
  const o = options(argv);
  if (argv.includes("-h") || argv.includes("--help")) {
    io.stdout(
      "Usage:\n  crm_mon [OPTION?]\n\nProvides a summary of cluster's current state.\n\n" +
        "  -1, --one-shot       Display the cluster status once and exit\n" +
        "  -n, --group-by-node  Group resources by node\n" +
        "  -r, --inactive       Display inactive resources\n" +
        "  -f, --failcounts     Display resource fail counts\n" +
        "  -i, --interval=SEC   Update frequency (default 5)\n" +
        "  --output-as=FORMAT   text (default), xml or json\n",
    );
    return ExitCode.Ok;
  }
  const interactive = o.as === "text" && !o.oneShot && io.stdoutIsTTY;
  if (!interactive) return once(o, io, (t) => io.stdout(t));
  for (;;) {
    const code = await once(o, io, (t) => io.stdout(`\x1b[H\x1b[2J${t}`));
    if (code !== ExitCode.Ok) return code;
    await new Promise((r) => setTimeout(r, o.intervalS * 1000));
  }
}
