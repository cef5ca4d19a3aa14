/**
 * Small durable numbers of the cluster layer (incarnation, ring sequence) in the state
 * directory: written atomically (temp file, fsync, rename) so a crash leaves the old or the new
 * value, never a torn one.
 */
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";

/** The number stored in `path`, or undefined when the file is missing or unreadable. */
export function readNumberFile(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, "utf8").trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Durable when it returns. @example writeNumberFileSync("/var/lib/pacer/cluster/ring-seq", 12) */
export function writeNumberFileSync(path: string, value: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, `${value}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
