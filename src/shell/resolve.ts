/**
 * crmsh's command-name matching: an exact name wins; else a unique prefix; else a unique
 * "fuzzy" match where the typed letters appear in order in the name, starting with its
 * first letter (`pmt` -> `primitive`, `lst` -> `list`). Ambiguity means no match.
 */
export interface NameCandidate {
  /** A name that may be typed (a command name or one of its aliases). */
  readonly name: string;
  /** The command it stands for. */
  readonly target: string;
}

function unique(found: readonly NameCandidate[]): NameCandidate | undefined {
  const targets = new Set(found.map((c) => c.target));
  return targets.size === 1 ? found[0] : undefined;
}

function isSubsequence(typed: string, name: string): boolean {
  if (typed[0] !== name[0]) return false;
  let j = 0;
  for (const ch of name) if (ch === typed[j]) j++;
  return j >= typed.length;
}

/**
 * @example resolveName("sho", [{ name: "show", target: "show" }])?.target === "show"
 */
export function resolveName(
  typed: string,
  candidates: readonly NameCandidate[],
): NameCandidate | undefined {
  if (typed === "") return undefined;
  const exact = candidates.find((c) => c.name === typed);
  if (exact) return exact;
  const byPrefix = unique(candidates.filter((c) => c.name.startsWith(typed)));
  if (byPrefix) return byPrefix;
  if (typed.length < 2) return undefined;
  return unique(candidates.filter((c) => isSubsequence(typed, c.name)));
}
