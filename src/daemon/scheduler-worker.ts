/**
 * The scheduler's thread: receives `{ seq, cib, nowS }`, runs src/scheduler (pure, possibly
 * long for big configurations, hence off the main thread where heartbeats live) and answers
 * `{ seq, graph }` in the controller's shape, or `{ seq, error }`.
 */
import { parentPort } from "node:worker_threads";
import { parseXml } from "../cib/xml.js";
import { graphFromXml } from "../controller/graph-xml.js";
import { recheckAt } from "../controller/recheck.js";
import { graphXml } from "../scheduler/graph.js";
import { schedule } from "../scheduler/schedule.js";
import { withAnonymousInstances } from "./clone-instances.js";

interface Job {
  readonly seq: number;
  readonly cib: string;
  readonly nowS: number;
}

parentPort?.on("message", (job: Job) => {
  try {
    const cib = parseXml(job.cib, "cib");
    if (!cib.ok) throw new Error(`unparsable CIB: ${cib.error.detail}`);
    const t = schedule(cib.value, {
      now: job.nowS,
      // Clone notifications (notify actions name the instance, `st:0`; withAnonymousInstances
      // gives the executor the bare id).
      notifications: true,
    });
    const xml = parseXml(graphXml(t), "graph");
    if (!xml.ok) throw new Error("the scheduler printed an unparsable graph");
    const g = graphFromXml(xml.value);
    if (!g.ok) throw new Error(g.error);
    parentPort?.postMessage({
      seq: job.seq,
      graph: {
        ...withAnonymousInstances(g.value, cib.value),
        recheckAtS: recheckAt(cib.value, job.nowS),
      },
    });
  } catch (e) {
    parentPort?.postMessage({ seq: job.seq, error: e instanceof Error ? e.message : String(e) });
  }
});
