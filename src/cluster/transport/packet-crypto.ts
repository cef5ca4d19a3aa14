/**
 * pacer's datagram envelope: every packet on the wire is AES-256-GCM sealed, with a clear
 * header that is authenticated as associated data.
 *
 *   off  size  field
 *   0    1     magic 0x50 ("P")
 *   1    1     envelope version (1)
 *   2    1     link number the sender used
 *   3    1     links on which the sender hears the destination (bit i = link i; unicast only,
 *               0xff = "no report", as on multicast where one datagram serves every node)
 *   4    4     sender node id (u32 BE)
 *   8    4     destination node id, 0 = every node (multicast carries unicast too)
 *   12   8     sender incarnation (u64 BE; strictly larger on every start of the sender)
 *   20   8     sequence number (u64 BE; 1, 2, 3... per sender incarnation)
 *   28   n     ciphertext of an encoded Wire (src/cluster/protocol/wire.ts)
 *   28+n 16    GCM tag
 *
 * Nonces never repeat under one key: each (sender, incarnation) gets its own key, derived with
 * HKDF from the cluster key, and the nonce is the sequence number. Opening never throws on
 * untrusted bytes: every failure is a reason, counted by the caller.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  type KeyObject,
} from "node:crypto";

export const envelopeMagic = 0x50;
export const envelopeVersion = 1;
export const headerBytes = 28;
export const tagBytes = 16;
/** UDP payload limit we accept or produce (the Wire codec's own bound is below it). */
export const packetBytesMax = 65_000;
/** Session keys cached at most (per sender incarnation; the oldest goes first). */
export const sessionKeysMax = 4096;

export interface EnvelopeHeader {
  readonly link: number;
  /** Bit i: the sender hears the destination on link i (0xff: no report). */
  readonly hearMask: number;
  readonly sender: number;
  readonly dest: number;
  readonly incarnation: number;
  readonly seq: number;
}

export type OpenFailure = "malformed" | "auth-failed";

export type Opened =
  | { readonly ok: true; readonly header: EnvelopeHeader; readonly plaintext: Buffer }
  | { readonly ok: false; readonly reason: OpenFailure };

/**
 * Keys of one cluster: derives and caches per-sender-incarnation session keys. Keys are kept
 * as KeyObjects: node:crypto then skips re-importing the key bytes on every packet (a quarter
 * of a cipher's set-up cost, measured).
 */
export class EnvelopeKeys {
  private readonly cache = new Map<string, KeyObject>();
  constructor(private readonly clusterKey: Buffer) {
    if (clusterKey.length !== 32) throw new RangeError("cluster key must be 32 bytes");
  }

  sessionKey(sender: number, incarnation: number): KeyObject {
    const id = `${sender}:${incarnation}`;
    const hit = this.cache.get(id);
    if (hit !== undefined) return hit;
    const info = Buffer.from(`pacer/v1 session sender=${sender} incarnation=${incarnation}`);
    return createSecretKey(
      Buffer.from(hkdfSync("sha256", this.clusterKey, Buffer.alloc(0), info, 32)),
    );
  }

  /** Keeps a key that authenticated a packet, so the next packet skips HKDF. */
  remember(sender: number, incarnation: number, key: KeyObject): void {
    const id = `${sender}:${incarnation}`;
    if (this.cache.has(id)) return;
    if (this.cache.size >= sessionKeysMax) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(id, key);
  }
}

const twoTo32 = 2 ** 32;

/** Writes a safe integer as u64 BE without BigInt (BigInt conversions were a hot spot). */
function writeU64(b: Buffer, value: number, offset: number): void {
  b.writeUInt32BE(Math.floor(value / twoTo32), offset);
  b.writeUInt32BE(value >>> 0, offset + 4);
}

/** Reads a u64 BE; undefined above Number.MAX_SAFE_INTEGER. */
function readU64(b: Buffer, offset: number): number | undefined {
  const hi = b.readUInt32BE(offset);
  if (hi > 0x1fffff) return undefined;
  return hi * twoTo32 + b.readUInt32BE(offset + 4);
}

/**
 * The nonce of `seq`, written into one shared buffer: createCipheriv/createDecipheriv copy the
 * IV before they return, so the buffer is free again by the next call.
 */
const nonceScratch = Buffer.alloc(12);
function nonceOf(seq: number): Buffer {
  writeU64(nonceScratch, seq, 4);
  return nonceScratch;
}

function writeHeader(h: EnvelopeHeader): Buffer {
  const b = Buffer.allocUnsafe(headerBytes);
  b[0] = envelopeMagic;
  b[1] = envelopeVersion;
  b[2] = h.link;
  b[3] = h.hearMask;
  b.writeUInt32BE(h.sender, 4);
  b.writeUInt32BE(h.dest, 8);
  writeU64(b, h.incarnation, 12);
  writeU64(b, h.seq, 20);
  return b;
}

/**
 * Seals a plaintext (an encoded Wire) into a datagram given as its parts (header, ciphertext,
 * tag), which a socket sends as one datagram without joining them first.
 * @example socket.send(sealPacketParts(keys, header, bytes), port, addr);
 */
export function sealPacketParts(
  keys: EnvelopeKeys,
  header: EnvelopeHeader,
  plaintext: Uint8Array,
): [Buffer, Buffer, Buffer] {
  if (plaintext.length + headerBytes + tagBytes > packetBytesMax) {
    throw new RangeError(`packet of ${plaintext.length} bytes exceeds ${packetBytesMax}`);
  }
  const head = writeHeader(header);
  const key = keys.sessionKey(header.sender, header.incarnation);
  keys.remember(header.sender, header.incarnation, key);
  const cipher = createCipheriv("aes-256-gcm", key, nonceOf(header.seq));
  cipher.setAAD(head);
  const body = cipher.update(plaintext);
  // GCM is a stream mode: final() has no bytes left to give, it computes the tag.
  const rest = cipher.final();
  return [head, rest.length === 0 ? body : Buffer.concat([body, rest]), cipher.getAuthTag()];
}

/**
 * Seals a plaintext (an encoded Wire) into a datagram.
 * @example sealPacket(keys, { link: 0, hearMask: 0xff, sender: 1, dest: 0, incarnation, seq: 1 }, bytes);
 */
export function sealPacket(
  keys: EnvelopeKeys,
  header: EnvelopeHeader,
  plaintext: Uint8Array,
): Buffer {
  return Buffer.concat(sealPacketParts(keys, header, plaintext));
}

/** Reads the clear header; undefined when the bytes cannot be one of our packets. */
export function readHeader(datagram: Uint8Array): EnvelopeHeader | undefined {
  if (datagram.length < headerBytes + tagBytes || datagram.length > packetBytesMax)
    return undefined;
  const b = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
  if (b[0] !== envelopeMagic || b[1] !== envelopeVersion) return undefined;
  const incarnation = readU64(b, 12);
  const seq = readU64(b, 20);
  const sender = b.readUInt32BE(4);
  if (sender === 0 || seq === 0 || seq === undefined || incarnation === undefined) return undefined;
  return {
    link: b[2] ?? 0,
    hearMask: b[3] ?? 0xff,
    sender,
    dest: b.readUInt32BE(8),
    incarnation,
    seq,
  };
}

/**
 * Authenticates and decrypts a datagram. Never throws on untrusted input.
 * @example const r = openPacket(keys, datagram); if (r.ok) decodeWire(r.plaintext);
 */
export function openPacket(
  keys: EnvelopeKeys,
  datagram: Uint8Array,
  /** The datagram's header when the caller has read it already (readHeader). */
  known?: EnvelopeHeader,
): Opened {
  const header = known ?? readHeader(datagram);
  if (header === undefined) return { ok: false, reason: "malformed" };
  const b = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length);
  const key = keys.sessionKey(header.sender, header.incarnation);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonceOf(header.seq));
    decipher.setAAD(b.subarray(0, headerBytes));
    decipher.setAuthTag(b.subarray(b.length - tagBytes));
    const body = decipher.update(b.subarray(headerBytes, b.length - tagBytes));
    const rest = decipher.final(); // throws on a tag mismatch
    const plaintext = rest.length === 0 ? body : Buffer.concat([body, rest]);
    keys.remember(header.sender, header.incarnation, key);
    return { ok: true, header, plaintext };
  } catch {
    // GCM tag mismatch: a foreign key, a tampered packet, or noise.
    return { ok: false, reason: "auth-failed" };
  }
}
