/**
 * Test support for tools: an in-memory ToolIo and a scratch folder holding a CIB file and a
 * shadow directory, so tools run in-process exactly as from bin/ with CIB_file set.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ToolIo } from "./tool-io.js";

export interface CapturedIo extends ToolIo {
  readonly out: () => string;
  readonly err: () => string;
}

export function captureIo(
  env: Readonly<Record<string, string | undefined>>,
  opts: { readonly cwd?: string; readonly stdin?: string } = {},
): CapturedIo {
  let out = "";
  let err = "";
  return {
    env,
    cwd: opts.cwd ?? process.cwd(),
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    readStdin: async () => opts.stdin ?? "",
    stdinIsTTY: false,
    stdoutIsTTY: false,
    out: () => out,
    err: () => err,
  };
}

export interface Scratch {
  readonly dir: string;
  readonly cibPath: string;
  readonly env: Record<string, string | undefined>;
  readCib(): string;
  cleanup(): void;
}

/** A scratch folder with `cib.xml` = `cibText` and an empty shadow directory. */
export function scratchCib(cibText: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "pacer-tools-"));
  const cibPath = join(dir, "cib.xml");
  writeFileSync(cibPath, cibText);
  return {
    dir,
    cibPath,
    env: { CIB_file: cibPath, CIB_shadow_dir: join(dir, "shadow"), PATH: process.env.PATH },
    readCib: () => readFileSync(cibPath, "utf8"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Two nodes, `vip` (IPaddr2) running on node1 and `web` (apache) on node2. */
export const TWO_NODE_CIB = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
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
    <resources>
      <primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="vip-instance_attributes">
          <nvpair id="vip-instance_attributes-ip" name="ip" value="192.168.0.100"/>
        </instance_attributes>
      </primitive>
      <primitive id="web" class="ocf" provider="heartbeat" type="apache"/>
    </resources>
    <constraints/>
  </configuration>
  <status>
    <node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="1"><lrm_resources>
        <lrm_resource id="vip" type="IPaddr2" class="ocf" provider="heartbeat">
          <lrm_rsc_op id="vip_last_0" operation_key="vip_start_0" operation="start" call-id="10" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" exec-time="50"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>
    <node_state id="2" uname="node2" in_ccm="true" crmd="online" join="member" expected="member">
      <lrm id="2"><lrm_resources>
        <lrm_resource id="web" type="apache" class="ocf" provider="heartbeat">
          <lrm_rsc_op id="web_last_0" operation_key="web_start_0" operation="start" call-id="20" rc-code="0" op-status="0" interval="0" last-rc-change="1700000000" exec-time="50"/>
        </lrm_resource>
      </lrm_resources></lrm>
    </node_state>
  </status>
</cib>
`;
