/**
 * Ranking of a round's entries (DESIGN §3, "Ranking"; §4: standard competition ranks 1, 2, 2, 4).
 *
 * Higher final score first; equal scores are ordered by the first rubric criterion's mean over all
 * of the entry's sheets, then the second's, and so on; entries still equal share a rank. Means are
 * compared exactly (cross-multiplied): 0.3/3 and 0.1/1 are the same mean even though
 * 0.3 / 3 === 0.09999999999999999 in floating point. Sums are read as integer millionths in safe JS
 * integers whenever they fit, else as BigInt fractions (rankEntriesExact, the reference).
 */
import { compare, compareRatios, div, fraction, readScore, scaledScore, type Fraction } from "./decimal.js";

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
 * An entry's key on scaled integers: per criterion the sum in millionths and the count (0: nobody
 * scored it), and the mean as the nearest float (−∞ for nobody). Rounding to the nearest float is
 * monotonic, so two means whose floats differ are ordered as their floats; only equal floats need
 * the exact cross-multiplication.
 */
interface FastKeyed {
  /** Position in the input. */
  index: number;
  entryId: string;
  score: number;
  sums: number[];
  counts: number[];
  means: number[];
}

/** keyOf on scaled integers; null when a sum cannot be read fast (the caller takes the reference). */
function fastKeyOf(input: RankInput, index: number): FastKeyed | null {
  if (!Number.isFinite(input.score)) {
    throw new RangeError(`entry ${input.entryId}: score is not a finite number`);
  }
  const n = input.criteria.length;
  const sums = new Array<number>(n);
  const counts = new Array<number>(n);
  const means = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const { sum, count } = input.criteria[i];
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`entry ${input.entryId}: criterion ${i} count must be a whole number`);
    }
    counts[i] = count;
    if (count === 0) {
      sums[i] = 0;
      means[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const scaled = scaledScore(sum);
    if (scaled === null) return null;
    sums[i] = scaled;
    means[i] = scaled / count;
  }
  return { index, entryId: input.entryId, score: input.score, sums, counts, means };
}

class Overflow extends Error {}

/**
 * Criterion i decides between a and b (equal scores): negative when a goes first, 0 when their
 * means are equal. Throws Overflow when a cross product could pass 2^53.
 */
function criterionOrder(a: FastKeyed, b: FastKeyed, i: number): number {
  const ma = i < a.means.length ? a.means[i] : Number.NEGATIVE_INFINITY;
  const mb = i < b.means.length ? b.means[i] : Number.NEGATIVE_INFINITY;
  if (ma !== mb) return ma > mb ? -1 : 1;
  if (ma === Number.NEGATIVE_INFINITY) return 0; // nobody scored it, on either side
  // Higher mean first: compare b's mean with a's.
  const c = compareRatios(b.sums[i], b.counts[i], a.sums[i], a.counts[i]);
  if (c === null) throw new Overflow();
  return c;
}

/** compareKeyed on the fast keys: the order, and the deciding criterion in `decided.criterion`. */
function fastOrder(a: FastKeyed, b: FastKeyed, decided: { criterion: number | null }): number {
  decided.criterion = null;
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  const length = Math.max(a.means.length, b.means.length);
  for (let i = 0; i < length; i++) {
    const order = criterionOrder(a, b, i);
    if (order !== 0) {
      decided.criterion = i;
      return order;
    }
  }
  return 0;
}

/**
 * What rankEntries decides, by position in the input: `order` lists input positions best first;
 * `rank` and `tieBrokenBy` are parallel to `order`. Entries of equal rank are adjacent in `order`,
 * and each one's tiedWith is the others of its run.
 */
export interface RankPositions {
  order: number[];
  rank: number[];
  tieBrokenBy: (number | null)[];
}

/** rankPositions on scaled integers; null when some sum or product does not fit (rare: huge or noisy sums). */
function fastRank(items: readonly RankInput[]): RankPositions | null {
  const keyed = new Array<FastKeyed>(items.length);
  for (let i = 0; i < items.length; i++) {
    // Validates as the reference does, up to the first sum it cannot read (the reference then
    // goes over every item again, and throws what it throws).
    const k = fastKeyOf(items[i], i);
    if (k === null) return null;
    keyed[i] = k;
  }
  const decided = { criterion: null as number | null };
  try {
    keyed.sort((a, b) => {
      const o = fastOrder(a, b, decided);
      if (o !== 0) return o;
      return a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0;
    });
    const n = keyed.length;
    const positions: RankPositions = {
      order: new Array<number>(n),
      rank: new Array<number>(n),
      tieBrokenBy: new Array<number | null>(n),
    };
    let groupStart = 0;
    for (let i = 0; i < n; i++) {
      const current = keyed[i];
      let tieBrokenBy: number | null = null;
      if (i > 0) {
        if (fastOrder(keyed[i - 1], current, decided) !== 0) groupStart = i;
        tieBrokenBy = decided.criterion;
      }
      positions.order[i] = current.index;
      positions.rank[i] = groupStart + 1;
      positions.tieBrokenBy[i] = tieBrokenBy;
    }
    return positions;
  } catch (err) {
    if (err instanceof Overflow) return null;
    throw err;
  }
}

/**
 * rankPositions for distinct entries whose criterion sums are at hand as integer millionths (a
 * TallyTable of aggregate.fast.ts, row k for entry k): the same answer as rankPositions of inputs whose
 * sums are those values ÷ 10^6 as floats, without building them. Null when something does not fit
 * (a non-finite score, a sum over 10^12 millionths, a cross product past 2^53): the caller then
 * takes rankPositions, which throws what the reference throws.
 */
export function rankTable(
  entryIds: readonly string[],
  scores: readonly number[],
  width: number,
  sums: Float64Array,
  counts: Float64Array,
): RankPositions | null {
  const n = entryIds.length;
  const means = new Float64Array(n * width);
  for (let k = 0; k < n; k++) if (!Number.isFinite(scores[k])) return null;
  for (let j = 0; j < n * width; j++) {
    const count = counts[j];
    // Up to 10^12 millionths, the float sum ÷ 10^6 reads back (readScore) as exactly this sum.
    if (count === 0) means[j] = Number.NEGATIVE_INFINITY;
    else if (Math.abs(sums[j]) <= 1e12) means[j] = sums[j] / count;
    else return null;
  }
  let decided: number | null = null;
  // As fastOrder: negative when a goes first; the deciding criterion in `decided`.
  const compareRows = (a: number, b: number): number => {
    decided = null;
    if (scores[a] !== scores[b]) return scores[a] > scores[b] ? -1 : 1;
    for (let i = 0; i < width; i++) {
      const ma = means[a * width + i];
      const mb = means[b * width + i];
      let order: number;
      if (ma !== mb) order = ma > mb ? -1 : 1;
      else if (ma === Number.NEGATIVE_INFINITY) order = 0;
      else {
        const c = compareRatios(sums[b * width + i], counts[b * width + i], sums[a * width + i], counts[a * width + i]);
        if (c === null) throw new Overflow();
        order = c;
      }
      if (order !== 0) {
        decided = i;
        return order;
      }
    }
    return 0;
  };
  const order = new Array<number>(n);
  for (let k = 0; k < n; k++) order[k] = k;
  try {
    order.sort((a, b) => {
      const o = compareRows(a, b);
      if (o !== 0) return o;
      const ia = entryIds[a];
      const ib = entryIds[b];
      return ia < ib ? -1 : ia > ib ? 1 : 0;
    });
    const positions: RankPositions = { order, rank: new Array<number>(n), tieBrokenBy: new Array<number | null>(n) };
    let groupStart = 0;
    for (let i = 0; i < n; i++) {
      let tieBrokenBy: number | null = null;
      if (i > 0) {
        if (compareRows(order[i - 1], order[i]) !== 0) groupStart = i;
        tieBrokenBy = decided;
      }
      positions.rank[i] = groupStart + 1;
      positions.tieBrokenBy[i] = tieBrokenBy;
    }
    return positions;
  } catch (err) {
    if (err instanceof Overflow) return null;
    throw err;
  }
}

function checkUnique(items: readonly RankInput[]): void {
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.entryId)) throw new RangeError(`entry ${item.entryId} is listed twice`);
    ids.add(item.entryId);
  }
}

/** rankEntries by input position, without building its objects (for computeResults). Same checks and errors. */
export function rankPositions(items: readonly RankInput[]): RankPositions {
  checkUnique(items);
  const fast = fastRank(items);
  if (fast !== null) return fast;
  const ranked = rankEntriesExact(items);
  const position = new Map(items.map((item, i) => [item.entryId, i]));
  return {
    order: ranked.map((r) => position.get(r.entryId)!),
    rank: ranked.map((r) => r.rank),
    tieBrokenBy: ranked.map((r) => r.tieBrokenBy),
  };
}

/**
 * Rank entries best first. Fully tied entries share a rank and are listed by entryId (code-unit
 * order), so the output does not depend on the input order. Throws a RangeError for a duplicate
 * entryId, a non-finite score or a bad count.
 */
export function rankEntries(items: readonly RankInput[]): Ranked[] {
  const { order, rank, tieBrokenBy } = rankPositions(items);
  return fillTies(
    order.map((p, i) => ({ entryId: items[p].entryId, rank: rank[i], tieBrokenBy: tieBrokenBy[i]!, tiedWith: [] })),
  );
}

/** rankEntries with BigInt fractions: the reference for the fast path. */
export function rankEntriesExact(items: readonly RankInput[]): Ranked[] {
  checkUnique(items);
  const sorted = items.map(keyOf).sort((a, b) => {
    const { order } = compareKeyed(a, b);
    if (order !== 0) return order;
    return a.input.entryId < b.input.entryId ? -1 : a.input.entryId > b.input.entryId ? 1 : 0;
  });

  const ranked: Ranked[] = [];
  let groupStart = 0;
  for (let i = 0; i < sorted.length; i++) {
    const current = sorted[i];
    let tieBrokenBy: number | null = null;
    if (i > 0) {
      const { order, criterion } = compareKeyed(sorted[i - 1], current);
      if (order !== 0) groupStart = i;
      tieBrokenBy = criterion;
    }
    // Competition rank: one more than the number of entries strictly ahead.
    ranked.push({ entryId: current.input.entryId, rank: groupStart + 1, tieBrokenBy, tiedWith: [] });
  }
  return fillTies(ranked);
}

function fillTies(ranked: Ranked[]): Ranked[] {
  // Fill tiedWith per group of equal rank.
  for (let start = 0; start < ranked.length;) {
    let end = start;
    while (end < ranked.length && ranked[end].rank === ranked[start].rank) end++;
    if (end === start + 1) {
      start = end; // alone at its rank: tiedWith stays []
      continue;
    }
    const group = ranked.slice(start, end).map((r) => r.entryId);
    for (let i = start; i < end; i++) {
      ranked[i].tiedWith = group.filter((id) => id !== ranked[i].entryId);
    }
    start = end;
  }
  return ranked;
}
