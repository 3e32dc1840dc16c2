/**
 * Ranking of a round's entries (DESIGN §3, "Ranking"; §4: standard competition ranks 1, 2, 2, 4).
 *
 * Higher final score first; equal scores are ordered by the first rubric criterion's mean over all
 * of the entry's sheets, then the second's, and so on; entries still equal share a rank. Means are
 * compared exactly (cross-multiplied BigInt fractions): 0.3/3 and 0.1/1 are the same mean even
 * though 0.3 / 3 === 0.09999999999999999 in floating point.
 */
import { compare, div, fraction, readScore, type Fraction } from "./decimal.js";

export interface RankInput {
  entryId: string;
  /** The final score, already rounded to 2 decimals. */
  score: number;
  /** Per criterion, in rubric order, over all of the entry's sheets (untrimmed). */
  criteria: readonly { sum: number; count: number }[];
}

export interface Ranked {
  entryId: string;
  rank: number;
  /**
   * Index of the criterion that placed this entry below the entry just above it with the same
   * score; null when the score alone decided, or when the two are fully tied.
   */
  tieBrokenBy: number | null;
  /** The other entries sharing this rank, in output order. */
  tiedWith: string[];
}

interface Keyed {
  input: RankInput;
  /** Criterion means; null for a criterion nobody scored, which sorts after any mean. */
  means: (Fraction | null)[];
}

function keyOf(input: RankInput): Keyed {
  if (!Number.isFinite(input.score)) {
    throw new RangeError(`entry ${input.entryId}: score is not a finite number`);
  }
  const means = input.criteria.map(({ sum, count }, i) => {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`entry ${input.entryId}: criterion ${i} count must be a whole number`);
    }
    return count === 0 ? null : div(readScore(sum), fraction(BigInt(count)));
  });
  return { input, means };
}

function compareMeans(a: Fraction | null, b: Fraction | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return compare(b, a); // higher mean first
}

/**
 * Negative when a ranks ahead of b, 0 when they share a rank; `criterion` is the index that
 * decided between equal scores (null when the score decided or nothing did).
 */
function compareKeyed(a: Keyed, b: Keyed): { order: number; criterion: number | null } {
  if (a.input.score !== b.input.score) {
    return { order: a.input.score > b.input.score ? -1 : 1, criterion: null };
  }
  // A shorter criteria list is padded with "nobody scored it".
  const length = Math.max(a.means.length, b.means.length);
  for (let i = 0; i < length; i++) {
    const order = compareMeans(a.means[i] ?? null, b.means[i] ?? null);
    if (order !== 0) return { order, criterion: i };
  }
  return { order: 0, criterion: null };
}

/**
 * Rank entries best first. Fully tied entries share a rank and are listed by entryId (code-unit
 * order), so the output does not depend on the input order. Throws a RangeError for a duplicate
 * entryId, a non-finite score or a bad count.
 */
export function rankEntries(items: readonly RankInput[]): Ranked[] {
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.entryId)) throw new RangeError(`entry ${item.entryId} is listed twice`);
    ids.add(item.entryId);
  }
  const sorted = items.map(keyOf).sort((a, b) => {
    const { order } = compareKeyed(a, b);
    if (order !== 0) return order;
    return a.input.entryId < b.input.entryId ? -1 : a.input.entryId > b.input.entryId ? 1 : 0;
  });

  const ranked: Ranked[] = [];
  let groupStart = 0;
  for (let i = 0; i < sorted.length; i++) {
    const current = sorted[i]!;
    let tieBrokenBy: number | null = null;
    if (i > 0) {
      const { order, criterion } = compareKeyed(sorted[i - 1]!, current);
      if (order !== 0) groupStart = i;
      tieBrokenBy = criterion;
    }
    // Competition rank: one more than the number of entries strictly ahead.
    ranked.push({ entryId: current.input.entryId, rank: groupStart + 1, tieBrokenBy, tiedWith: [] });
  }
  // Fill tiedWith per group of equal rank.
  for (let start = 0; start < ranked.length; ) {
    let end = start;
    while (end < ranked.length && ranked[end]!.rank === ranked[start]!.rank) end++;
    const group = ranked.slice(start, end).map((r) => r.entryId);
    for (let i = start; i < end; i++) {
      ranked[i]!.tiedWith = group.filter((id) => id !== ranked[i]!.entryId);
    }
    start = end;
  }
  return ranked;
}
