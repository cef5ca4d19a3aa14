/**
 * pacer's wire protocol (version 1): the packets the protocol core exchanges, as structured
 * objects, with a compact binary codec. The transport encrypts/authenticates the encoded bytes;
 * decoding untrusted bytes never throws: malformed input is an error value.
 *
 * Layout: magic "PC" (2 bytes), version (u8), kind (u8), then the kind's fields in schema order.
 * Integers are unsigned LEB128 varints (≤ 2^53); bytes are varint length + raw bytes.
 *
 * @example
 * const bytes = encodeWire(w);
 * const back = decodeWire(bytes); // { ok: true, value } | { ok: false, error }
 */

import { err, ok, type Result } from "../../shared/result.js";
import type { NodeId, RingId } from "./api.js";

export const WIRE_VERSION = 1;
/** Upper bound on an encoded packet: larger datagrams are refused by encode and decode. */
export const WIRE_BYTES_MAX = 60_000;
/** Upper bound on any list in a packet (members, ranges, ...). */
export const WIRE_LIST_MAX = 4096;

/** A membership round: (coordinator, its incarnation, attempt), ordered lexicographically. */
export interface Round {
  readonly coordinator: NodeId;
  readonly incarnation: number;
  readonly attempt: number;
}
/** An inclusive range of global sequence numbers. */
export interface SeqRange {
  readonly lo: number;
  readonly hi: number;
}
/**
 * How the survivors of one old ring finish it: every gseq up to `safe` (the highest safe point
 * any of them knew: all members of the old ring held those), then, past it, exactly the
 * fragments that survivors hold of their own messages (`extra`), fetched from their senders.
 */
export interface RecoveryGroup {
  readonly ring: RingId;
  readonly safe: number;
  readonly extra: readonly SeqRange[];
  /** Who holds which extra ranges (each survivor, for its own messages). */
  readonly sources: readonly { readonly node: NodeId; readonly ranges: readonly SeqRange[] }[];
}
export interface WireQuorum {
  readonly quorate: boolean;
  readonly expectedVotes: number;
  readonly totalVotes: number;
  readonly quorum: number;
  readonly waitForAllSatisfied: boolean;
}
interface Common {
  readonly from: NodeId;
  /** The sender's incarnation: packets from an older incarnation are dropped. */
  readonly inc: number;
}
export type Wire =
  | (Common & {
      readonly kind: "heartbeat";
      readonly ring: RingId | null;
      /** Nodes the sender heard within the token timeout (bidirectional-link detection). */
      readonly hears: readonly NodeId[];
      readonly promise: Round | null;
      /** The round that formed the sender's ring (to spot members that did not install). */
      readonly ringRound: Round | null;
      readonly delivered: number;
      /** Sequencer only (others 0): the highest gseq ordered, and the stable point. */
      readonly lastOrdered: number;
      readonly stable: number;
    })
  | (Common & {
      readonly kind: "join-request";
      readonly round: Round;
      readonly invited: readonly NodeId[];
    })
  | (Common & {
      readonly kind: "join";
      readonly round: Round;
      readonly ring: RingId | null;
      readonly delivered: number;
      readonly held: readonly SeqRange[];
      /** The safe point the sender knows for its ring (every member held up to it). */
      readonly stable: number;
      /** gseqs past `stable` of the sender's own fragments that it holds. */
      readonly own: readonly SeqRange[];
      readonly highestSeq: number;
      readonly waitForAllSatisfied: boolean;
    })
  | (Common & {
      readonly kind: "install";
      readonly round: Round;
      readonly ring: RingId;
      readonly members: readonly NodeId[];
      readonly incarnations: readonly number[];
      readonly groups: readonly RecoveryGroup[];
      readonly quorum: WireQuorum;
    })
  | (Common & { readonly kind: "install-request"; readonly round: Round })
  | (Common & {
      readonly kind: "data";
      readonly ring: RingId;
      /** The sender's oldest fragment not yet seen ordered: where the sequencer starts. */
      readonly baseSeq: number;
      readonly senderSeq: number;
      readonly fragIndex: number;
      readonly fragCount: number;
      readonly payload: Uint8Array;
    })
  | (Common & {
      readonly kind: "ordered";
      readonly ring: RingId;
      readonly gseq: number;
      readonly stable: number;
      readonly sender: NodeId;
      readonly senderInc: number;
      readonly senderSeq: number;
      readonly fragIndex: number;
      readonly fragCount: number;
      readonly payload: Uint8Array;
    })
  /** A member's contiguous received prefix, to the sequencer. */
  | (Common & { readonly kind: "ack"; readonly ring: RingId; readonly received: number })
  | (Common & {
      readonly kind: "nack";
      readonly ring: RingId;
      readonly ranges: readonly SeqRange[];
    })
  | (Common & {
      readonly kind: "recover-request";
      readonly ring: RingId;
      readonly ranges: readonly SeqRange[];
    })
  | (Common & { readonly kind: "leave"; readonly ring: RingId | null });

export type WireKind = Wire["kind"];

type FieldType =
  | "uint"
  | "bool"
  | "bytes"
  | "ring"
  | "ring?"
  | "round"
  | "round?"
  | "ids"
  | "uints"
  | "ranges"
  | "groups"
  | "quorum";

const COMMON: readonly [string, FieldType][] = [
  ["from", "uint"],
  ["inc", "uint"],
];
/** Field order per kind; the index in this table is the kind byte. Append only. */
const SCHEMA: readonly [WireKind, readonly [string, FieldType][]][] = [
  [
    "heartbeat",
    [
      ["ring", "ring?"],
      ["hears", "ids"],
      ["promise", "round?"],
      ["ringRound", "round?"],
      ["delivered", "uint"],
      ["lastOrdered", "uint"],
      ["stable", "uint"],
    ],
  ],
  [
    "join-request",
    [
      ["round", "round"],
      ["invited", "ids"],
    ],
  ],
  [
    "join",
    [
      ["round", "round"],
      ["ring", "ring?"],
      ["delivered", "uint"],
      ["held", "ranges"],
      ["stable", "uint"],
      ["own", "ranges"],
      ["highestSeq", "uint"],
      ["waitForAllSatisfied", "bool"],
    ],
  ],
  [
    "install",
    [
      ["round", "round"],
      ["ring", "ring"],
      ["members", "ids"],
      ["incarnations", "uints"],
      ["groups", "groups"],
      ["quorum", "quorum"],
    ],
  ],
  ["install-request", [["round", "round"]]],
  [
    "data",
    [
      ["ring", "ring"],
      ["baseSeq", "uint"],
      ["senderSeq", "uint"],
      ["fragIndex", "uint"],
      ["fragCount", "uint"],
      ["payload", "bytes"],
    ],
  ],
  [
    "ordered",
    [
      ["ring", "ring"],
      ["gseq", "uint"],
      ["stable", "uint"],
      ["sender", "uint"],
      ["senderInc", "uint"],
      ["senderSeq", "uint"],
      ["fragIndex", "uint"],
      ["fragCount", "uint"],
      ["payload", "bytes"],
    ],
  ],
  [
    "ack",
    [
      ["ring", "ring"],
      ["received", "uint"],
    ],
  ],
  [
    "nack",
    [
      ["ring", "ring"],
      ["ranges", "ranges"],
    ],
  ],
  [
    "recover-request",
    [
      ["ring", "ring"],
      ["ranges", "ranges"],
    ],
  ],
  ["leave", [["ring", "ring?"]]],
];
const KIND_INDEX = new Map<WireKind, number>(SCHEMA.map(([k], i) => [k, i]));

/** One scratch buffer for all encodes (single-threaded; `done` copies the bytes out). */
let scratch = new Uint8Array(4096);

class Writer {
  private buf = scratch;
  len = 0;
  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    if (size <= WIRE_BYTES_MAX * 2) scratch = next;
  }
  u8(v: number): void {
    this.room(1);
    this.buf[this.len++] = v;
  }
  uint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`wire: bad uint ${v}`);
    let x = v;
    this.room(8);
    while (x >= 0x80) {
      this.buf[this.len++] = (x % 0x80) | 0x80;
      x = Math.floor(x / 0x80);
    }
    this.buf[this.len++] = x;
  }
  bytes(b: Uint8Array): void {
    this.uint(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

class DecodeError extends Error {}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  u8(): number {
    const v = this.buf[this.pos++];
    if (v === undefined) throw new DecodeError("truncated");
    return v;
  }
  uint(): number {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(v)) throw new DecodeError("integer too large");
        return v;
      }
      mul *= 0x80;
    }
    throw new DecodeError("varint too long");
  }
  count(): number {
    const n = this.uint();
    if (n > WIRE_LIST_MAX) throw new DecodeError(`list of ${n} exceeds ${WIRE_LIST_MAX}`);
    return n;
  }
  bytes(): Uint8Array {
    const n = this.uint();
    if (this.pos + n > this.buf.length) throw new DecodeError("truncated bytes");
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  atEnd(): boolean {
    return this.pos === this.buf.length;
  }
}

function writeField(w: Writer, t: FieldType, v: unknown): void {
  switch (t) {
    case "uint":
      w.uint(v as number);
      return;
    case "bool":
      w.u8(v === true ? 1 : 0);
      return;
    case "bytes":
      w.bytes(v as Uint8Array);
      return;
    case "ring": {
      const r = v as RingId;
      w.uint(r.rep);
      w.uint(r.seq);
      return;
    }
    case "ring?":
      if (v === null) {
        w.u8(0);
        return;
      }
      w.u8(1);
      writeField(w, "ring", v);
      return;
    case "round": {
      const r = v as Round;
      w.uint(r.coordinator);
      w.uint(r.incarnation);
      w.uint(r.attempt);
      return;
    }
    case "round?":
      if (v === null) {
        w.u8(0);
        return;
      }
      w.u8(1);
      writeField(w, "round", v);
      return;
    case "ids":
    case "uints": {
      const a = v as readonly number[];
      w.uint(a.length);
      for (const x of a) w.uint(x);
      return;
    }
    case "ranges": {
      const a = v as readonly SeqRange[];
      w.uint(a.length);
      for (const r of a) {
        w.uint(r.lo);
        w.uint(r.hi);
      }
      return;
    }
    case "groups":
      writeGroups(w, v as readonly RecoveryGroup[]);
      return;
    case "quorum": {
      const q = v as WireQuorum;
      w.u8(q.quorate ? 1 : 0);
      w.uint(q.expectedVotes);
      w.uint(q.totalVotes);
      w.uint(q.quorum);
      w.u8(q.waitForAllSatisfied ? 1 : 0);
      return;
    }
  }
}

function writeGroups(w: Writer, groups: readonly RecoveryGroup[]): void {
  w.uint(groups.length);
  for (const g of groups) {
    writeField(w, "ring", g.ring);
    w.uint(g.safe);
    writeField(w, "ranges", g.extra);
    w.uint(g.sources.length);
    for (const s of g.sources) {
      w.uint(s.node);
      writeField(w, "ranges", s.ranges);
    }
  }
}

function readBool(r: Reader): boolean {
  const b = r.u8();
  if (b > 1) throw new DecodeError("bad boolean");
  return b === 1;
}

function readId(r: Reader): NodeId {
  const v = r.uint();
  if (v < 1 || v > 0x7fffffff) throw new DecodeError(`bad node id ${v}`);
  return v as NodeId;
}

function readField(r: Reader, t: FieldType): unknown {
  switch (t) {
    case "uint":
      return r.uint();
    case "bool":
      return readBool(r);
    case "bytes":
      return r.bytes();
    case "ring":
      return { rep: readId(r), seq: r.uint() };
    case "ring?":
      return readBool(r) ? readField(r, "ring") : null;
    case "round":
      return { coordinator: readId(r), incarnation: r.uint(), attempt: r.uint() };
    case "round?":
      return readBool(r) ? readField(r, "round") : null;
    case "ids":
      return Array.from({ length: r.count() }, () => readId(r));
    case "uints":
      return Array.from({ length: r.count() }, () => r.uint());
    case "ranges":
      return Array.from({ length: r.count() }, () => {
        const lo = r.uint();
        const hi = r.uint();
        if (hi < lo) throw new DecodeError("range hi < lo");
        return { lo, hi };
      });
    case "groups":
      return Array.from({ length: r.count() }, () => ({
        ring: readField(r, "ring"),
        safe: r.uint(),
        extra: readField(r, "ranges"),
        sources: Array.from({ length: r.count() }, () => ({
          node: readId(r),
          ranges: readField(r, "ranges"),
        })),
      }));
    case "quorum":
      return {
        quorate: readBool(r),
        expectedVotes: r.uint(),
        totalVotes: r.uint(),
        quorum: r.uint(),
        waitForAllSatisfied: readBool(r),
      };
  }
}

/**
 * Encodes a packet. Throws only on a programmer error (a value out of range, or a packet
 * larger than WIRE_BYTES_MAX, which the core never builds).
 * @example const bytes = encodeWire({ kind: "leave", from: nodeId(1), inc: 3, ring: null });
 */
export function encodeWire(wire: Wire): Uint8Array {
  const kind = KIND_INDEX.get(wire.kind);
  const entry = kind === undefined ? undefined : SCHEMA[kind];
  if (kind === undefined || entry === undefined) throw new RangeError(`wire: kind ${wire.kind}`);
  const w = new Writer();
  w.u8(0x50);
  w.u8(0x43);
  w.u8(WIRE_VERSION);
  w.u8(kind);
  const rec = wire as unknown as Record<string, unknown>;
  for (const [name, t] of COMMON) writeField(w, t, rec[name]);
  for (const [name, t] of entry[1]) writeField(w, t, rec[name]);
  if (w.len > WIRE_BYTES_MAX) throw new RangeError(`wire: ${w.len} bytes > ${WIRE_BYTES_MAX}`);
  return w.done();
}

/** Why a packet was refused (the transport counts these per reason). */
export type WireError =
  | { readonly kind: "bad-magic" }
  | { readonly kind: "bad-version"; readonly version: number }
  | { readonly kind: "bad-kind"; readonly kindByte: number }
  | { readonly kind: "malformed"; readonly detail: string };

/**
 * Decodes untrusted bytes. Never throws.
 * @example const r = decodeWire(bytes); if (!r.ok) stats.malformed++;
 */
export function decodeWire(bytes: Uint8Array): Result<Wire, WireError> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x43) return err({ kind: "bad-magic" });
  if (bytes.length > WIRE_BYTES_MAX) return err({ kind: "malformed", detail: "too large" });
  const version = bytes[2] ?? 0;
  if (version !== WIRE_VERSION) return err({ kind: "bad-version", version });
  const kindByte = bytes[3] ?? 255;
  const entry = SCHEMA[kindByte];
  if (entry === undefined) return err({ kind: "bad-kind", kindByte });
  const r = new Reader(bytes);
  r.pos = 4;
  const out: Record<string, unknown> = { kind: entry[0] };
  try {
    for (const [name, t] of COMMON) out[name] = readField(r, t);
    if ((out.from as number) < 1 || (out.from as number) > 0x7fffffff) {
      return err({ kind: "malformed", detail: "bad sender id" });
    }
    for (const [name, t] of entry[1]) out[name] = readField(r, t);
  } catch (e) {
    if (e instanceof DecodeError) return err({ kind: "malformed", detail: e.message });
    throw e;
  }
  if (!r.atEnd()) return err({ kind: "malformed", detail: "trailing bytes" });
  return ok(out as unknown as Wire);
}
