/**
 * /etc/corosync/authkey: the cluster's shared secret, as `corosync-keygen` writes it (256
 * random bytes, mode 0400). pacer never uses the key bytes directly: `deriveClusterKey`
 * turns them into the packet key with HKDF-SHA256, binding the cluster name, so that two
 * clusters that (wrongly) share an authkey still cannot read or inject each other's packets,
 * and a key compromise of one derived key does not reveal the authkey.
 */
import { hkdfSync, randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { err, ok, type Result } from "../../shared/result.js";

export const defaultAuthkeyPath = "/etc/corosync/authkey";
/** corosync-keygen's default and accepted range (corosync-keygen(8): "<128, 4096>"). */
export const authkeyBytesDefault = 256;
export const authkeyBytesMin = 128;
export const authkeyBytesMax = 4096;
/** AES-256-GCM key size. */
export const clusterKeyBytes = 32;
/** Bumped when the derivation changes: nodes on different derivations must not talk. */
export const keyDerivationVersion = 1;

export type AuthkeyError =
  | { readonly kind: "io"; readonly path: string; readonly code: string; readonly detail: string }
  | { readonly kind: "size"; readonly path: string; readonly bytes: number };

/** One line for a user: what, where, how to fix. */
export function describeAuthkeyError(e: AuthkeyError): string {
  switch (e.kind) {
    case "io":
      return e.code === "ENOENT"
        ? `cannot read authkey ${e.path}: ${e.detail}; create it with corosync-keygen and copy it to every node`
        : `cannot read authkey ${e.path}: ${e.detail}`;
    case "size":
      return `authkey ${e.path} is ${e.bytes} bytes, expected ${authkeyBytesMin}..${authkeyBytesMax}; regenerate it with corosync-keygen`;
  }
}

/**
 * Reads an authkey file. Only the size is checked: the content is random bytes.
 * @example const key = readAuthkey("/etc/corosync/authkey");
 */
export function readAuthkey(path: string = defaultAuthkeyPath): Result<Buffer, AuthkeyError> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = errnoCode(e);
    return err({ kind: "io", path, code, detail: strerror(code) });
  }
  if (bytes.length < authkeyBytesMin || bytes.length > authkeyBytesMax) {
    return err({ kind: "size", path, bytes: bytes.length });
  }
  return ok(bytes);
}

/**
 * The AES-256-GCM packet key of a cluster: HKDF-SHA256 over the authkey, with the cluster
 * name (and the derivation version) in the info, so a different name gives a different key.
 * @example const key = deriveClusterKey(authkey, { clusterName: "debian" });
 */
export function deriveClusterKey(authkey: Uint8Array, opts: { clusterName: string }): Buffer {
  const salt = Buffer.from("pacer cluster transport", "utf8");
  const info = Buffer.from(
    `pacer/v${keyDerivationVersion} packet-key cluster=${opts.clusterName}`,
    "utf8",
  );
  return Buffer.from(hkdfSync("sha256", authkey, salt, info, clusterKeyBytes));
}

/**
 * A short public fingerprint of a derived key (for logs: "nodes with different keys"),
 * derived separately so it reveals nothing about the packet key.
 */
export function keyFingerprint(authkey: Uint8Array, opts: { clusterName: string }): string {
  const info = Buffer.from(
    `pacer/v${keyDerivationVersion} fingerprint cluster=${opts.clusterName}`,
  );
  return Buffer.from(hkdfSync("sha256", authkey, Buffer.alloc(0), info, 8)).toString("hex");
}

/**
 * The authkey a node uses, with corosync.conf(5)'s precedence: an explicit path (command
 * line), then `totem.keyfile`, then the inline `totem.key`, then /etc/corosync/authkey.
 * @example const key = loadClusterAuthkey(config.totem, {});
 */
export function loadClusterAuthkey(
  totem: { readonly keyfile?: string; readonly key?: string },
  opts: { path?: string | undefined },
): Result<Buffer, AuthkeyError> {
  if (opts.path !== undefined) return readAuthkey(opts.path);
  if (totem.keyfile !== undefined) return readAuthkey(totem.keyfile);
  if (totem.key !== undefined) {
    const bytes = Buffer.from(totem.key, "utf8");
    if (bytes.length < authkeyBytesMin || bytes.length > authkeyBytesMax) {
      return err({ kind: "size", path: "corosync.conf totem.key", bytes: bytes.length });
    }
    return ok(bytes);
  }
  return readAuthkey(defaultAuthkeyPath);
}

/** Where key bytes come from: a file such as /dev/urandom (corosync-keygen -r), or the CSPRNG. */
export type RandomSource =
  | { readonly kind: "csprng" }
  | { readonly kind: "file"; readonly path: string };

export function readRandom(source: RandomSource, bytes: number): Result<Buffer, AuthkeyError> {
  if (source.kind === "csprng") return ok(randomBytes(bytes));
  try {
    const fd = openSync(source.path, "r");
    try {
      const out = Buffer.alloc(bytes);
      let have = 0;
      // A device such as /dev/random may return short reads; a regular file may be too short.
      for (let tries = 0; have < bytes && tries < bytes; tries++) {
        const n = readSyncChunk(fd, out, have);
        if (n === 0) break;
        have += n;
      }
      if (have < bytes) return err({ kind: "size", path: source.path, bytes: have });
      return ok(out);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    const code = errnoCode(e);
    return err({ kind: "io", path: source.path, code, detail: strerror(code) });
  }
}

function readSyncChunk(fd: number, out: Buffer, offset: number): number {
  // position null: read sequentially, as devices need.
  return readSync(fd, out, offset, out.length - offset, null);
}

/**
 * Writes a key atomically with mode 0400 (temp file in the same directory, fsync, rename),
 * so that a crash never leaves a half-written authkey.
 */
export function writeAuthkey(path: string, key: Uint8Array): Result<null, AuthkeyError> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  try {
    const fd = openSync(tmp, "wx", 0o400);
    try {
      writeSync(fd, key);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    return ok(null);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file was never created: nothing to clean
    }
    const code = errnoCode(e);
    return err({ kind: "io", path, code, detail: strerror(code) });
  }
}

function errnoCode(e: unknown): string {
  if (e instanceof Error && "code" in e && typeof e.code === "string") return e.code;
  throw e; // not an operating error: a bug
}

const messages: Readonly<Record<string, string>> = {
  ENOENT: "No such file or directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  EISDIR: "Is a directory",
  ENOTDIR: "Not a directory",
  EROFS: "Read-only file system",
  ENOSPC: "No space left on device",
  EEXIST: "File exists",
  EIO: "Input/output error",
};

/** The C library's wording for an errno code, as Corosync's tools print it. */
export function strerror(code: string): string {
  return messages[code] ?? code;
}
