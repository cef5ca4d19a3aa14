/**
 * Score arithmetic as Pacemaker defines it: scores are integers saturated at ±INFINITY
 * (1,000,000), and -INFINITY wins over +INFINITY ("can never" beats "must").
 */
export const INFINITY = 1_000_000;
export type Score = number;

/** Parses a score string: "INFINITY", "+INFINITY", "-INFINITY", integers; else 0. */
export function parseScore(text: string | undefined, fallback: Score = 0): Score {
  if (text === undefined) return fallback;
  const t = text.trim();
  if (t === "") return fallback;
  const lower = t.toLowerCase();
  if (lower === "infinity" || lower === "+infinity") return INFINITY;
  if (lower === "-infinity") return -INFINITY;
  // Pacemaker maps node-health colours onto scores via cluster options; plain colours here.
  if (lower === "red") return -INFINITY;
  if (lower === "yellow" || lower === "green") return 0;
  const m = /^([+-]?\d+)/.exec(t);
  if (!m || m[1] === undefined) return fallback;
  return clampScore(Number(m[1]));
}

export function clampScore(n: number): Score {
  if (n >= INFINITY) return INFINITY;
  if (n <= -INFINITY) return -INFINITY;
  return Math.trunc(n);
}

/** Adds two scores: -INFINITY dominates, then +INFINITY, else a saturated sum. */
export function addScores(a: Score, b: Score): Score {
  if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
  if (a >= INFINITY || b >= INFINITY) return INFINITY;
  return clampScore(a + b);
}

/** Prints a score as Pacemaker does ("INFINITY", "-INFINITY", or the integer). */
export function formatScore(s: Score): string {
  if (s >= INFINITY) return "INFINITY";
  if (s <= -INFINITY) return "-INFINITY";
  return String(s);
}
