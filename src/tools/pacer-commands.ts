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
  summary: "pacer's OCF agents: install [--root DIR] [--copy] | list",
  load: async () => (await import("./pacer-agents.js")).pacerAgents,
});
