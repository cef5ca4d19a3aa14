/**
 * Test harness: runs `crm` in-process against a scratch CIB file, capturing output.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureIo } from "../tools/_test-io.js";
import { crm } from "./run.js";

/** The configure tier's start CIB: two nodes, stonith-enabled=false. */
export const START_CIB = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="cib-bootstrap-options-stonith-enabled" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="node1"/>
      <node id="2" uname="node2"/>
    </nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;

export interface CrmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), "pacer-crm-"));
  readonly cibPath = join(this.dir, "cib.xml");

  constructor(cib: string = START_CIB) {
    writeFileSync(this.cibPath, cib);
  }

  cib(): string {
    return readFileSync(this.cibPath, "utf8");
  }

  async crm(
    argv: readonly string[],
    stdin = "",
    extraEnv: Readonly<Record<string, string>> = {},
  ): Promise<CrmRun> {
    const io = captureIo(
      {
        ...process.env,
        CIB_file: this.cibPath,
        CIB_shadow_dir: join(this.dir, "shadow"),
        CIB_shadow: undefined,
        ...extraEnv,
      },
      { cwd: this.dir, stdin },
    );
    const code = await crm(argv, io);
    return { code, stdout: io.out(), stderr: io.err() };
  }
}
