/**
 * The simulator's only source of randomness: xoshiro128** seeded through splitmix32, so one
 * 32-bit seed gives the same run on every machine. `fork` derives independent streams (one per
 * concern) so that adding a draw in one place does not shift every other draw.
 */
export interface Rng {
  /** Uniform in [0, 2^32). */
  u32(): number;
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Exponential with the given mean. */
  expo(mean: number): number;
  fork(label: string): Rng;
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** @example const rng = createRng(0x9e3779b9); rng.int(6) */
export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  if ((a | b | c | d) === 0) a = 1;
  const u32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const rng: Rng = {
    u32,
    float: () => u32() / 4294967296,
    int: (n) => Math.floor(rng.float() * n),
    range: (lo, hi) => lo + rng.int(hi - lo + 1),
    chance: (p) => p > 0 && rng.float() < p,
    pick: <T>(items: readonly T[]): T => {
      const x = items[rng.int(items.length)];
      if (x === undefined) throw new RangeError("pick from an empty list");
      return x;
    },
    expo: (mean) => -Math.log(1 - rng.float()) * mean,
    fork: (label) => createRng((u32() ^ hashLabel(label)) >>> 0),
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
