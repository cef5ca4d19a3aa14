/**
 * The simulated network: per-packet loss, duplication, delay = minimum + exponential jitter
 * (which also reorders), and directed cuts for symmetric and one-way partitions.
 */
import type { Rng } from "./rng.js";

export interface NetFaults {
  lossRate: number;
  dupRate: number;
  delayMinMs: number;
  jitterMeanMs: number;
}

export interface NetStats {
  sent: number;
  dropped: number;
  cut: number;
  duplicated: number;
  bytes: number;
}

export class SimNetwork {
  /** Directed cuts "from>to". */
  private readonly cuts = new Set<string>();
  readonly stats: NetStats = { sent: 0, dropped: 0, cut: 0, duplicated: 0, bytes: 0 };

  constructor(
    private readonly rng: Rng,
    public faults: NetFaults,
  ) {}

  /** Delivery delays for one packet: [] if lost, two entries if duplicated. */
  route(from: number, to: number, bytes: number): number[] {
    this.stats.sent++;
    this.stats.bytes += bytes;
    if (this.cuts.has(`${from}>${to}`)) {
      this.stats.cut++;
      return [];
    }
    if (this.rng.chance(this.faults.lossRate)) {
      this.stats.dropped++;
      return [];
    }
    const copies = this.rng.chance(this.faults.dupRate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    const out: number[] = [];
    for (let i = 0; i < copies; i++) {
      out.push(this.faults.delayMinMs + this.rng.expo(this.faults.jitterMeanMs));
    }
    return out;
  }

  cut(from: number, to: number): void {
    this.cuts.add(`${from}>${to}`);
  }

  /** Splits nodes into groups that cannot talk to each other (both directions). */
  partition(groups: readonly (readonly number[])[]): void {
    for (const a of groups) {
      for (const b of groups) {
        if (a === b) continue;
        for (const x of a) for (const y of b) this.cut(x, y);
      }
    }
  }

  heal(): void {
    this.cuts.clear();
  }

  get partitioned(): boolean {
    return this.cuts.size > 0;
  }
}
