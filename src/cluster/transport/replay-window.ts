/**
 * Per-sender anti-replay: a sender numbers its packets 1, 2, 3... within one incarnation
 * (process start); the receiver accepts each (incarnation, seq) at most once. Packets may
 * arrive out of order within the last `replayWindowPackets`; older ones are refused. A higher
 * incarnation replaces the old one (the sender restarted); a lower one is stale.
 *
 * Only call `accept` after the packet authenticated: an attacker without the key must not be
 * able to move the window.
 */

/** How far out of order a packet may arrive and still be accepted (a power of 32). */
export const replayWindowPackets = 1024;
/** Senders tracked at most: the nodelist bounds them, this bounds a misconfigured cluster. */
export const replaySendersMax = 4096;

export type ReplayVerdict = "fresh" | "replayed" | "too-old" | "stale-incarnation";

interface SenderWindow {
  incarnation: number;
  highest: number;
  /** Bit i%W set: seq i seen, for i in (highest - W, highest]. */
  readonly seen: Uint32Array;
}

export class ReplayWindows {
  private readonly senders = new Map<number, SenderWindow>();

  /**
   * Records (sender, incarnation, seq) and says whether it is new.
   * @example windows.accept(2, 1700000000000, 1) // "fresh"
   */
  accept(sender: number, incarnation: number, seq: number): ReplayVerdict {
    let w = this.senders.get(sender);
    if (w !== undefined && incarnation < w.incarnation) return "stale-incarnation";
    if (w === undefined || incarnation > w.incarnation) {
      if (w === undefined && this.senders.size >= replaySendersMax) {
        const oldest = this.senders.keys().next().value;
        if (oldest !== undefined) this.senders.delete(oldest);
      }
      w = { incarnation, highest: 0, seen: new Uint32Array(replayWindowPackets / 32) };
      this.senders.set(sender, w);
    }
    if (seq > w.highest) {
      clearBetween(w, w.highest + 1, seq);
      w.highest = seq;
      setBit(w.seen, seq);
      return "fresh";
    }
    if (seq <= w.highest - replayWindowPackets) return "too-old";
    if (getBit(w.seen, seq)) return "replayed";
    setBit(w.seen, seq);
    return "fresh";
  }

  /** The incarnation currently accepted from `sender`, if any. */
  incarnationOf(sender: number): number | undefined {
    return this.senders.get(sender)?.incarnation;
  }
}

/** Clears the bits of seqs (from..to], which now enter the window as unseen. */
function clearBetween(w: SenderWindow, from: number, to: number): void {
  if (to - from >= replayWindowPackets) {
    w.seen.fill(0);
    return;
  }
  for (let s = from; s <= to; s++) clearBit(w.seen, s);
}

function index(seq: number): [number, number] {
  const bit = seq % replayWindowPackets;
  return [bit >>> 5, 1 << (bit & 31)];
}
function setBit(bits: Uint32Array, seq: number): void {
  const [i, m] = index(seq);
  bits[i] = (bits[i] ?? 0) | m;
}
function clearBit(bits: Uint32Array, seq: number): void {
  const [i, m] = index(seq);
  bits[i] = (bits[i] ?? 0) & ~m;
}
function getBit(bits: Uint32Array, seq: number): boolean {
  const [i, m] = index(seq);
  return ((bits[i] ?? 0) & m) !== 0;
}
