/**
 * The one interface through which tools and the crm shell read and change a CIB.
 * Backends: a file (`CIB_file`), a shadow copy (`CIB_shadow`, under `CIB_shadow_dir`), and
 * later the live cluster (the daemon's api socket). Implementations live beside this file
 * (file-backend.ts, shadow-backend.ts, live-backend.ts) and `openCib` picks one from the
 * environment exactly as Pacemaker's tools do: CIB_shadow wins over CIB_file, which wins over
 * the live cluster.
 */
import type { Result } from "../shared/result.js";
import type { XmlElement } from "./xml.js";

export type CibError =
  | {
      readonly kind: "xml-syntax";
      readonly file: string;
      readonly line: number;
      readonly col: number;
      readonly detail: string;
    }
  | { readonly kind: "not-found"; readonly what: string; readonly hint: string }
  | { readonly kind: "io"; readonly path: string; readonly detail: string }
  | { readonly kind: "invalid"; readonly detail: string }
  | { readonly kind: "not-connected"; readonly detail: string }
  | { readonly kind: "stale-update"; readonly detail: string };

export interface CibVersion {
  readonly adminEpoch: number;
  readonly epoch: number;
  readonly numUpdates: number;
}

export interface CommitOptions {
  /**
   * How versions move, as Pacemaker applies them: "auto" bumps `epoch` (and zeroes
   * `num_updates`) when the configuration section changed, else bumps `num_updates` when the
   * status changed; "none" writes the versions as given (cibadmin --replace of a whole CIB
   * with a higher version, shadow commit).
   */
  readonly bump?: "auto" | "none";
}

export interface CibBackend {
  readonly kind: "file" | "shadow" | "live";
  /** What a message should call this CIB: a path, `shadow 'NAME'`, or `live`. */
  readonly label: string;
  /** Reads the whole `<cib>` element (configuration + status). */
  read(): Promise<Result<XmlElement, CibError>>;
  /** Replaces the whole CIB atomically (temp file, fsync, rename for file backends). */
  commit(cib: XmlElement, opts?: CommitOptions): Promise<Result<CibVersion, CibError>>;
}
