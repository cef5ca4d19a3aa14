/**
 * The list of `pacer` subcommands. Each room adds one line here (and nothing else in
 * pacer.ts), e.g.:
 *   registerSubcommand("sim", { summary: "...", load: async () => (await import("../sim/cli.js")).simCli });
 */
import { registerSubcommand } from "./pacer.js";

registerSubcommand("version", {
  summary: "print pacer's version",
  load: async () => async (_argv, io) => {
    io.stdout("pacer 0.1.0\n");
    return 0;
  },
});

registerSubcommand("sandbox", {
  summary: "the tutorial's machines on one host: up|down|status|exec NODE -- CMD",
  load: async () => (await import("../sandbox/cli.js")).sandboxCli,
});

registerSubcommand("agents", {
  summary: "OCF agents: install [--root DIR] [--copy] | list | run AGENT ACTION [NAME=VALUE]...",
  load: async () => (await import("./pacer-agents.js")).pacerAgents,
});

registerSubcommand("sim", {
  summary:
    "run the deterministic cluster simulator (--seeds N [--from S] [--nodes K] | --seed S --trace)",
  load: async () => (await import("../sim/cli.js")).simCli,
});

registerSubcommand("cluster-node", {
  summary:
    "only the cluster layer (Corosync's role): --config F --authkey K --state-dir D --api-socket S [--nodeid N]",
  load: async () => (await import("../cluster/transport/standalone.js")).clusterNodeCli,
});

registerSubcommand("node", {
  summary: "the node daemon: cluster membership, CIB, controller, executor (corosync + pacemaker)",
  load: async () => (await import("../daemon/cli.js")).pacerNode,
});

registerSubcommand("demo", {
  summary: "a local 3-node cluster (no root): a web service fails over; --once exits after",
  load: async () => (await import("../sandbox/demo.js")).demoCli,
});
