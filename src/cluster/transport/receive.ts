/**
 * The receive path for one datagram, without sockets: envelope → authentication → replay
 * window → Wire decoding. Everything that is not a fresh, authentic packet of a known peer is
 * counted by reason and dropped; nothing here throws on untrusted bytes. Cheap checks on the
 * clear header come first so that noise costs no decryption.
 */
import { decodeWire, type Wire } from "../protocol/wire.js";
import { type EnvelopeHeader, type EnvelopeKeys, openPacket, readHeader } from "./packet-crypto.js";
import { ReplayWindows } from "./replay-window.js";

/** Transport counters (shown by `pacer` status and tests); all monotonically increasing. */
export interface TransportCounters {
  rxDatagrams: number;
  rxAccepted: number;
  /** Not a pacer packet at all (short, bad magic/version, zero sender or seq). */
  rxMalformed: number;
  /** Failed authentication: a different authkey or cluster name, or tampered bytes. */
  rxAuthFailed: number;
  rxReplayed: number;
  rxTooOld: number;
  rxStaleIncarnation: number;
  /** Authentic, but the payload is not a valid Wire (or claims another sender). */
  rxWireInvalid: number;
  /** Sender not in the nodelist. */
  rxUnknownSender: number;
  /** Our own multicast, looped back (normal with IP_MULTICAST_LOOP). */
  rxLoopback: number;
  /**
   * Authentic packets carrying our node id from another incarnation: another process runs
   * with this node id (a configuration error), or an old packet of ours was replayed.
   */
  rxSelfConflict: number;
  /** A multicast packet addressed to another node (normal). */
  rxNotForUs: number;
  txDatagrams: number;
  txErrors: number;
}

export function createCounters(): TransportCounters {
  return {
    rxDatagrams: 0,
    rxAccepted: 0,
    rxMalformed: 0,
    rxAuthFailed: 0,
    rxReplayed: 0,
    rxTooOld: 0,
    rxStaleIncarnation: 0,
    rxWireInvalid: 0,
    rxUnknownSender: 0,
    rxLoopback: 0,
    rxSelfConflict: 0,
    rxNotForUs: 0,
    txDatagrams: 0,
    txErrors: 0,
  };
}

/** Packets a peer refused to accept as genuine: the "rejected" figure of the tests. */
export function rejectedCount(c: TransportCounters): number {
  return (
    c.rxMalformed +
    c.rxAuthFailed +
    c.rxReplayed +
    c.rxTooOld +
    c.rxStaleIncarnation +
    c.rxWireInvalid +
    c.rxUnknownSender +
    c.rxSelfConflict
  );
}

export interface Received {
  readonly header: EnvelopeHeader;
  readonly wire: Wire;
}

export class PacketReceiver {
  private readonly windows = new ReplayWindows();
  constructor(
    private readonly keys: EnvelopeKeys,
    private readonly self: number,
    /** Node ids allowed to send; null accepts any authentic sender (no nodelist). */
    private readonly senders: ReadonlySet<number> | null,
    /** Our incarnation: our node id with any other one is a conflict, not a loopback. */
    private readonly selfIncarnation: number,
    readonly counters: TransportCounters = createCounters(),
  ) {}

  /**
   * @example const r = receiver.receive(datagram); if (r) feed({ kind: "packet", wire: r.wire });
   */
  receive(datagram: Uint8Array): Received | undefined {
    const c = this.counters;
    c.rxDatagrams++;
    const header = readHeader(datagram);
    if (header === undefined) {
      c.rxMalformed++;
      return undefined;
    }
    if (header.sender === this.self) {
      if (header.incarnation === this.selfIncarnation) c.rxLoopback++;
      else if (openPacket(this.keys, datagram, header).ok) c.rxSelfConflict++;
      else c.rxAuthFailed++;
      return undefined;
    }
    if (header.dest !== 0 && header.dest !== this.self) {
      c.rxNotForUs++;
      return undefined;
    }
    if (this.senders !== null && !this.senders.has(header.sender)) {
      c.rxUnknownSender++;
      return undefined;
    }
    const opened = openPacket(this.keys, datagram, header);
    if (!opened.ok) {
      if (opened.reason === "malformed") c.rxMalformed++;
      else c.rxAuthFailed++;
      return undefined;
    }
    const verdict = this.windows.accept(header.sender, header.incarnation, header.seq);
    if (verdict !== "fresh") {
      if (verdict === "replayed") c.rxReplayed++;
      else if (verdict === "too-old") c.rxTooOld++;
      else c.rxStaleIncarnation++;
      return undefined;
    }
    const wire = decodeWire(opened.plaintext);
    if (!wire.ok || wire.value.from !== header.sender) {
      c.rxWireInvalid++;
      return undefined;
    }
    c.rxAccepted++;
    return { header, wire: wire.value };
  }
}
