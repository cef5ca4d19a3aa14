/**
 * Durable CIB files: atomic replace (temp file in the same directory, fsync, rename, fsync the
 * directory) so a crash leaves the old or the new content, never a torn file; and the on-disk
 * digest Pacemaker keeps beside cib.xml in cib.xml.sig.
 */
import { createHash } from "node:crypto";
import { constants, promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";
import { err, ok, type Result } from "../shared/result.js";
import type { CibError } from "./backend.js";
import { parseCibText } from "./load.js";
import { printXml, type XmlElement, type XmlNode } from "./xml.js";

export interface AtomicWriteOptions {
  /** File mode of a newly created file (an existing file keeps its mode). Default 0o644. */
  readonly mode?: number;
}

let tempCounter = 0;

async function fsyncDir(dir: string): Promise<void> {
  // Durability of the rename needs the directory entry flushed; some filesystems refuse
  // fsync on a directory handle (EINVAL/EISDIR), where rename is already durable enough.
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // best effort: see above
  } finally {
    await handle?.close();
  }
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await fs.stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/**
 * Replaces `path` with `text` atomically.
 * @example await atomicWrite("/var/lib/pacemaker/cib/cib.xml", printXml(cib));
 */
export async function atomicWrite(
  path: string,
  text: string,
  opts: AtomicWriteOptions = {},
): Promise<Result<void, CibError>> {
  const dir = dirname(path);
  const mode = (await existingMode(path)) ?? opts.mode ?? 0o644;
  tempCounter += 1;
  const temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${tempCounter}`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, "wx", mode);
    await handle.writeFile(text, "utf8");
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.chmod(temp, mode); // the umask may have narrowed the mode given to open
    await fs.rename(temp, path);
    await fsyncDir(dir);
    return ok(undefined);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    return err({ kind: "io", path, detail: ioDetail(e) });
  }
}

/** Node's error text without the stack: "ENOENT: no such file or directory". */
export function ioDetail(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg = e.message.replace(/, \w+ '.*'$/, "");
    return code !== undefined && !msg.startsWith(code) ? `${code}: ${msg}` : msg;
  }
  return String(e);
}

/** Reads a text file, turning Node's exceptions into a CibError value. */
export async function readText(path: string): Promise<Result<string, CibError>> {
  try {
    return ok(await fs.readFile(path, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return err({ kind: "not-found", what: path, hint: "check the path (CIB_file?)" });
    }
    return err({ kind: "io", path, detail: ioDetail(e) });
  }
}

const DIGEST_ESC: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

function digestNode(n: XmlNode, out: string[]): void {
  if (n.type === "comment") {
    out.push(`<!--${n.text}-->`);
    return;
  }
  if (n.type === "text") return; // Pacemaker's digest leaves text content out
  out.push(`<${n.name}`);
  for (const [k, v] of n.attrs)
    out.push(` ${k}="${v.replace(/[&<>"']/g, (c) => DIGEST_ESC[c] ?? c)}"`);
  if (n.children.every((c) => c.type === "text")) {
    out.push("/>");
    return;
  }
  out.push(">");
  for (const c of n.children) digestNode(c, out);
  out.push(`</${n.name}>`);
}

/**
 * The canonical text Pacemaker hashes for the on-disk digest: the tree printed without any
 * formatting whitespace or text content (comments stay), preceded by one space and followed
 * by a newline.
 */
export function digestText(cib: XmlElement): string {
  const out: string[] = [" "];
  digestNode(cib, out);
  out.push("\n");
  return out.join("");
}

/**
 * The on-disk digest (what `cibadmin --md5-sum` prints and cib.xml.sig holds): md5 in hex.
 * Checked against Pacemaker 2.1.5 on CIBs with comments, entities and text; attribute values
 * containing newlines or tabs are not guaranteed to match (see decision 0001).
 * @example onDiskDigest(cib) === "cfd02660671664f80d792e69e103fd7e"
 */
export function onDiskDigest(cib: XmlElement): string {
  return createHash("md5").update(digestText(cib)).digest("hex");
}

/** Names Pacemaker's CIB daemon uses in its directory (/var/lib/pacemaker/cib). */
export const CIB_FILE_NAME = "cib.xml";
export const CIB_SIG_FILE_NAME = "cib.xml.sig";

/**
 * Writes the daemon's on-disk CIB as Pacemaker lays it out: `cib.xml` and `cib.xml.sig`
 * (the on-disk digest), each replaced atomically, the digest last so that a crash between
 * the two shows up as a mismatch, never as a wrong CIB accepted.
 * @example await persistCib("/var/lib/pacemaker/cib", cib);
 */
export async function persistCib(dir: string, cib: XmlElement): Promise<Result<string, CibError>> {
  const digest = onDiskDigest(cib);
  const xml = await atomicWrite(join(dir, CIB_FILE_NAME), printXml(cib), { mode: 0o600 });
  if (!xml.ok) return xml;
  const sig = await atomicWrite(join(dir, CIB_SIG_FILE_NAME), digest, { mode: 0o600 });
  return sig.ok ? ok(digest) : sig;
}

/**
 * Reads the on-disk CIB and checks it against cib.xml.sig. A missing .sig is accepted (a CIB
 * placed by hand); a different digest is an error naming both, so the daemon can refuse it
 * and take the CIB from a peer.
 */
export async function loadPersistedCib(dir: string): Promise<Result<XmlElement, CibError>> {
  const path = join(dir, CIB_FILE_NAME);
  const text = await readText(path);
  if (!text.ok) return text;
  const parsed = parseCibText(text.value, path);
  if (!parsed.ok) return parsed;
  const sig = await readText(join(dir, CIB_SIG_FILE_NAME));
  if (!sig.ok) return sig.error.kind === "not-found" ? parsed : sig;
  const want = sig.value.trim();
  const have = onDiskDigest(parsed.value);
  if (want !== have) {
    return err({
      kind: "invalid",
      detail: `${path}: digest ${have} does not match ${CIB_SIG_FILE_NAME} (${want}); the file was changed or torn: restore it or let the cluster resync it`,
    });
  }
  return parsed;
}
