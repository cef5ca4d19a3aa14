/**
 * Commands the tutorial runs on its Debian VMs that mean something else in a sandbox node:
 * `service corosync restart` starts pacer's node daemon (which plays Corosync's and
 * Pacemaker's roles), `scp FILE node2:DIR` copies into node2's private view. Each shim is a
 * two-line sh script that hands over to `pacer sandbox _service|_scp`.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function writeShims(dir: string, repoRoot: string): void {
  mkdirSync(dir, { recursive: true });
  const pacer = join(repoRoot, "bin", "pacer");
  const shims: Record<string, string> = {
    service: `#!/bin/sh\nexec ${pacer} sandbox _service "$@"\n`,
    scp: `#!/bin/sh\nexec ${pacer} sandbox _scp "$@"\n`,
  };
  for (const [name, body] of Object.entries(shims)) {
    const file = join(dir, name);
    writeFileSync(file, body);
    chmodSync(file, 0o755);
  }
}
