import type { Advancement } from "../judging/judging.service.js";

/** A ranked result as advancement reads it. */
export interface Ranked {
  rank: number;
  score: number;
}

export interface AdvancementOutcome<T extends Ranked> {
  /** Those who advance, in ranking order. */
  finalists: T[];
  /** Top N only: entries sharing the last advancing rank let more than N through ("第3名有2件并列，共4件入围"). */
  tieAtCut: { rank: number; tied: number; advancing: number } | null;
  /** Threshold only: entries scoring exactly the threshold, which do not advance ("above" is strict, DESIGN §2). */
  atThreshold: number;
}

/**
 * Who advances from a round's ranked results (DESIGN §2), pure: the top N by standard competition
 * rank, so entries sharing the rank at the cut all advance; or every entry scoring strictly above the
 * threshold.
 */
export function advancing<T extends Ranked>(ranked: readonly T[], rule: Advancement): AdvancementOutcome<T> {
  if ("top" in rule) {
    const finalists = ranked.filter((r) => r.rank <= rule.top);
    const cut = finalists.length > 0 ? Math.max(...finalists.map((r) => r.rank)) : undefined;
    const tied = finalists.filter((r) => r.rank === cut).length;
    return {
      finalists,
      tieAtCut:
        cut !== undefined && finalists.length > rule.top ? { rank: cut, tied, advancing: finalists.length } : null,
      atThreshold: 0,
    };
  }
  return {
    finalists: ranked.filter((r) => r.score > rule.threshold),
    tieAtCut: null,
    atThreshold: ranked.filter((r) => r.score === rule.threshold).length,
  };
}
