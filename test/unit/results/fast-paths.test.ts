/**
 * The fast paths of the results pipeline (scaled integers, flat grouping, ranking by table, the
 * stored columns) against the exact implementation they replace: same values to the last bit,
 * same key order, same errors.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { Aggregation } from "../../../src/contests/contests.schemas.js";
import type { PrizeSettings } from "../../../src/contests/prizes.js";
import { aggregateRound, aggregateWithTallies, criterionTallies, type Sheet } from "../../../src/results/aggregate.js";
import { aggregateRoundExact, criterionTalliesExact } from "../../../src/results/aggregate.exact.js";
import { tallyMap } from "../../../src/results/aggregate.fast.js";
import { computeResults, type ComputeInput, type ComputeOutput, type ResultRow } from "../../../src/results/compute.js";
import {
  compare,
  compareRatios,
  fraction,
  fromDecimalString,
  readScore,
  roundFloatHalfUp,
  roundFraction,
  roundRatio,
  scaledScore,
  SCORE_SCALE,
} from "../../../src/results/decimal.js";
import { prizeCounts, prizeForRank } from "../../../src/results/prizes.js";
import { rankEntries, rankEntriesExact, rankPositions, rankTable, type RankInput } from "../../../src/results/rank.js";
import { sheetColumns } from "../../../src/results/sheet-columns.js";
import { decodeResultRows, encodeResultRows } from "../../../src/results/stored.js";
import { encodeScores, scoreKeysOf, SHEET_END, SHEET_FIELD } from "../../../src/judging/score-values.js";
import { applyTimeDeduction, type TimeRules } from "../../../src/results/time-rules.js";
import { RunShares, TIE_KINDS, tieKindsOf, type TieKind } from "./tie-coverage.js";

/** What a call gives: its value, or its error's class and message. */
function outcome<T>(f: () => T): { value: T } | { error: string } {
  try {
    return { value: f() };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** Deep equality that also tells +0 from −0 and checks key order (through JSON). */
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).to.deep.equal(expected);
  expect(JSON.stringify(actual, mapsAsArrays)).to.equal(JSON.stringify(expected, mapsAsArrays));
}

function mapsAsArrays(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value] : value;
}

const MILLION = BigInt(SCORE_SCALE);

/** Scores as judges give them (steps 1, 0.5, 0.1, 0.01), with float noise, halves, and the odd value the fast path must refuse. */
const scoreArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 100 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 1000 }).map((t) => t / 10) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 200 }).map((h) => h / 2) },
  { weight: 2, arbitrary: fc.integer({ min: -5000, max: 10_000 }).map((c) => c / 100) },
  // Totals summed in floating point upstream: 38.7 + 27.9 + 17.3 + 8.3 = 92.19999999999999.
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.integer({ min: 0, max: 400 }).map((t) => t / 10),
        { minLength: 2, maxLength: 5 },
      )
      .map((xs) => xs.reduce((a, b) => a + b, 0)),
  },
  // Refused by the fast path: noise at the 7th decimal near a half, and huge values.
  { weight: 1, arbitrary: fc.constantFrom(1.0000005, 85.1234565, -2.5000005, 2e6, -3e9, 1e15, 123456.7890125) },
);

/** A round's sheets over few entries and judges (so groups, ties and judges with several sheets are common). */
function roundArb(
  options: { duplicates?: boolean; bad?: boolean; keys?: readonly string[] } = {},
): fc.Arbitrary<Sheet[]> {
  const keys = options.keys ?? ["a", "b", "c"];
  const sheet = fc.record({
    entry: fc.integer({ min: 0, max: 7 }),
    judge: fc.integer({ min: 0, max: 9 }),
    total: options.bad
      ? fc.oneof(
          { weight: 20, arbitrary: scoreArb },
          { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY) },
        )
      : scoreArb,
    // Mostly every key; sometimes one missing, sometimes one the rubric lacks.
    scores: fc.record(Object.fromEntries([...keys, "extra"].map((k) => [k, scoreArb])), {
      requiredKeys: keys.slice(0, 1),
    }),
  });
  const list = options.duplicates
    ? fc.array(sheet, { maxLength: 40 })
    : fc.uniqueArray(sheet, { selector: (s) => `${s.entry}/${s.judge}`, maxLength: 40 });
  return list.map((xs) =>
    xs.map((s) => ({ entryId: `e${s.entry}`, judgeId: `j${s.judge}`, total: s.total, scores: s.scores })),
  );
}

const methodArb = fc.constantFrom<Aggregation>("trimmed", "mean", "zscore");

/** n / d (d > 0) rounded half away from zero to an integer, in BigInt. */
function roundBigRatio(n: bigint, d: bigint): bigint {
  const magnitude = ((n < 0n ? -n : n) * 2n + d) / (2n * d);
  return n < 0n ? -magnitude : magnitude;
}

/**
 * The public vote by hand, in integers: with the judges' score S (2 decimals, S100 = S × 100), the
 * weight p% and v of the leader's M votes, final = (100 − p)% × S + p% × (100 v / M), so
 * final × 100 = ((100 − p) × S100 × M + 10000 × p × v) / (100 × M), rounded half up.
 */
function referenceVote(
  score: number,
  votes: number,
  maxVotes: number,
  weight: number,
): { score: number; points: number } {
  // The score as the decimal it prints as (at most 2 decimals), in hundredths.
  const [whole, fraction = ""] = String(score).split(".");
  const s100 = BigInt(`${whole}${fraction.padEnd(2, "0")}`);
  const p = BigInt(Math.round(weight * 100));
  const m = BigInt(maxVotes);
  const v = BigInt(votes);
  const final100 =
    m === 0n ? roundBigRatio((100n - p) * s100, 100n) : roundBigRatio((100n - p) * s100 * m + 10000n * p * v, 100n * m);
  const points100 = m === 0n ? 0n : roundBigRatio(10000n * v, m);
  // Hundredths to the nearest float by way of decimal text: Number(final100) alone would round twice for large scores.
  const hundredths = (n: bigint) => (n === 0n ? 0 : Number(`${n}e-2`));
  return { score: hundredths(final100), points: hundredths(points100) };
}

/** The pipeline as it was before the fast paths (reference implementations throughout). */
function referenceCompute(input: ComputeInput): ComputeOutput {
  const eligible = new Map(input.entries.map((e) => [e.id, e]));
  const sheets = (input.sheets as readonly Sheet[]).filter((s) => eligible.has(s.entryId));
  const aggregates = aggregateRoundExact(sheets, input.aggregation);
  const tallies = criterionTalliesExact(
    sheets,
    input.criteria.map((c) => c.key),
  );
  const weight = input.publicVoteWeight ?? 0;
  const maxVotes = Math.max(0, ...[...aggregates.keys()].map((id) => eligible.get(id)!.publicVotes ?? 0));
  const scored = [...aggregates.values()].map((agg) => {
    const entry = eligible.get(agg.entryId)!;
    const votes = entry.publicVotes ?? 0;
    const vote = weight > 0 ? referenceVote(agg.score, votes, maxVotes, weight) : null;
    const seconds = input.timeRules && entry.talkSeconds != null ? entry.talkSeconds : null;
    const timed =
      seconds !== null ? applyTimeDeduction(vote ? vote.score : agg.rawScore, seconds, input.timeRules!) : null;
    return {
      agg,
      entry,
      score: timed ? timed.score : vote ? vote.score : agg.score,
      publicVote: vote ? { votes, maxVotes, points: vote.points, weight } : null,
      timeDeduction: timed ? { ...timed.deduction, seconds: seconds! } : null,
    };
  });
  const ranked = rankEntriesExact(
    scored.map((s) => ({ entryId: s.entry.id, score: s.score, criteria: tallies.get(s.entry.id)! })),
  );
  const prizes = prizeCounts(input.prizes, ranked.length);
  const byId = new Map(scored.map((s) => [s.entry.id, s]));
  const results = ranked.map((r): ResultRow => {
    const s = byId.get(r.entryId)!;
    const criterion = r.tieBrokenBy === null ? null : input.criteria[r.tieBrokenBy];
    return {
      entryId: r.entryId,
      code: s.entry.code,
      title: s.entry.title,
      score: s.score,
      rank: r.rank,
      prize: prizeForRank(r.rank, prizes),
      judges: s.agg.judges,
      detail: {
        method: s.agg.method,
        totals: s.agg.kept,
        dropped: s.agg.dropped,
        aggregate: s.agg.score,
        publicVote: s.publicVote,
        timeDeduction: s.timeDeduction,
        tieBrokenBy: criterion ? { key: criterion.key, label: criterion.label } : null,
        tiedWith: r.tiedWith.map((id) => byId.get(id)!.entry.code),
      },
    };
  });
  return {
    results,
    counts: prizeCounts(input.prizes, ranked.length),
    unranked: input.entries
      .filter((e) => !aggregates.has(e.id))
      .map((e) => ({ entryId: e.id, code: e.code, title: e.title })),
  };
}

describe("results fast paths agree with the exact implementation", () => {
  describe("decimal.ts", () => {
    const anyNumber = fc.oneof(scoreArb, fc.double({ min: -2e6, max: 2e6, noNaN: true }), fc.double());

    it("scaledScore is readScore in millionths, or null", () => {
      fc.assert(
        fc.property(anyNumber, (x) => {
          const scaled = scaledScore(x);
          if (scaled === null) return;
          expect(Number.isSafeInteger(scaled)).to.equal(true);
          expect(compare(fraction(BigInt(scaled), MILLION), readScore(x))).to.equal(0);
        }),
        { numRuns: 5000 },
      );
    });

    it("scaledScore handles whole, tenth, hundredth and noisy scores up to 10^6", () => {
      fc.assert(
        fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.constantFrom(1, 10, 100, 1000), (n, d) => {
          expect(scaledScore(n / d)).to.not.equal(null);
          expect(scaledScore((n % 1000) / d)).to.not.equal(null);
        }),
      );
      expect(scaledScore(38.7 + 27.9 + 17.3 + 8.3)).to.equal(92_200_000);
      expect(Object.is(scaledScore(-0), 0)).to.equal(true);
    });

    it("roundRatio is roundFraction of the same ratio, or null", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.integer({ min: -1e9, max: 1e9 }),
            fc.maxSafeInteger(),
            fc.integer().map((i) => i * 1e6),
          ),
          fc.oneof(
            fc.integer({ min: 1, max: 1000 }),
            fc.integer({ min: 1, max: 2 ** 40 }).map((k) => k * 1e6),
          ),
          fc.integer({ min: 0, max: 15 }),
          (num, den, places) => {
            if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den)) return;
            const fast = roundRatio(num, den, places);
            if (fast === null) return;
            expect(Object.is(fast, roundFraction(fraction(BigInt(num), BigInt(den)), places))).to.equal(true);
          },
        ),
        { numRuns: 5000 },
      );
    });

    it("compareRatios is compare of the same fractions, or null", () => {
      const int = fc.oneof(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.maxSafeInteger(),
        fc.constant(Number.MIN_SAFE_INTEGER),
      );
      const den = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 2 ** 31 }));
      fc.assert(
        fc.property(int, den, int, den, (a, b, c, d) => {
          const fast = compareRatios(a, b, c, d);
          if (fast === null) return;
          expect(fast).to.equal(compare(fraction(BigInt(a), BigInt(b)), fraction(BigInt(c), BigInt(d))));
        }),
        { numRuns: 5000 },
      );
    });

    it("roundFloatHalfUp's integer path rounds as the decimal snapped at snapPlaces", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.double({ min: -1e7, max: 1e7, noNaN: true }),
            scoreArb,
            fc.integer({ min: -1e9, max: 1e9 }).map((k) => k / 200 + 1e-10),
          ),
          fc.integer({ min: 0, max: 8 }),
          fc.integer({ min: 1, max: 12 }),
          (x, places, extra) => {
            const snap = Math.min(20, places + extra);
            const exact = roundFraction(fromDecimalString(x.toFixed(snap)), places);
            expect(Object.is(roundFloatHalfUp(x, places, snap), exact)).to.equal(true);
          },
        ),
        { numRuns: 5000 },
      );
    });
  });

  describe("aggregate.ts", () => {
    it("aggregateRound equals aggregateRoundExact (values, order, errors) for every method", () => {
      fc.assert(
        fc.property(roundArb({ duplicates: true, bad: true }), methodArb, (sheets, method) => {
          expectSame(
            outcome(() => aggregateRound(sheets, method)),
            outcome(() => aggregateRoundExact(sheets, method)),
          );
        }),
        { numRuns: 3000 },
      );
    });

    it("agrees on rounds of many sheets per judge (z-scores) and on entries with many judges", () => {
      const big = fc.uniqueArray(
        fc.record({ entry: fc.integer({ min: 0, max: 30 }), judge: fc.integer({ min: 0, max: 25 }), total: scoreArb }),
        { selector: (s) => `${s.entry}/${s.judge}`, minLength: 20, maxLength: 300 },
      );
      fc.assert(
        fc.property(big, methodArb, (gen, method) => {
          const sheets = gen.map((s) => ({
            entryId: `e${s.entry}`,
            judgeId: `j${s.judge}`,
            total: s.total,
            scores: {},
          }));
          expectSame(
            outcome(() => aggregateRound(sheets, method)),
            outcome(() => aggregateRoundExact(sheets, method)),
          );
        }),
        { numRuns: 300 },
      );
    });

    it("criterionTallies equals criterionTalliesExact", () => {
      fc.assert(
        fc.property(
          roundArb({ duplicates: true }),
          fc.constantFrom(["a", "b", "c"], ["c", "a"], [], ["a", "zz"]),
          (sheets, keys) => {
            expectSame(
              outcome(() => criterionTallies(sheets, keys)),
              outcome(() => criterionTalliesExact(sheets, keys)),
            );
          },
        ),
        { numRuns: 3000 },
      );
    });

    it("throws what the reference throws for malformed sheets, whatever their order", () => {
      const ok = (entryId: string, judgeId: string): Sheet => ({
        entryId,
        judgeId,
        total: 80,
        scores: { a: 40, b: 40 },
      });
      const malformed = [
        { entryId: "e2", judgeId: "j1", total: 80, scores: null as unknown as Record<string, number> },
        { entryId: "e2", judgeId: "j2", total: 80, scores: { a: Number.NaN } },
        { entryId: "e2", judgeId: "j3", total: Number.NaN, scores: {} },
        null as unknown as Sheet,
      ];
      fc.assert(
        fc.property(
          fc.shuffledSubarray([ok("e1", "j1"), ok("e1", "j2"), ok("e3", "j1"), ...malformed], { minLength: 1 }),
          methodArb,
          (sheets, method) => {
            expectSame(
              outcome(() => aggregateRound(sheets, method)),
              outcome(() => aggregateRoundExact(sheets, method)),
            );
            expectSame(
              outcome(() => criterionTallies(sheets, ["a", "b"])),
              outcome(() => criterionTalliesExact(sheets, ["a", "b"])),
            );
            const input: ComputeInput = {
              criteria: [{ key: "a", label: "a" }],
              aggregation: method,
              prizes: { mode: "count", first: 1, second: 1, third: 1 },
              timeRules: null,
              entries: ["e1", "e2", "e3"].map((id) => ({ id, code: id, title: id })),
              sheets,
            };
            expectSame(
              outcome(() => computeResults(input)),
              outcome(() => referenceCompute(input)),
            );
          },
        ),
        { numRuns: 500 },
      );
    });

    it("aggregateWithTallies equals aggregateRound then criterionTallies", () => {
      fc.assert(
        fc.property(roundArb({ duplicates: true, bad: true }), methodArb, (sheets, method) => {
          const keys = ["a", "b", "c"];
          const got = outcome(() => {
            const { aggregates, tallies } = aggregateWithTallies(sheets, method, keys);
            return { aggregates, tallies: tallies instanceof Map ? tallies : tallyMap(tallies) };
          });
          const want = outcome(() => ({
            aggregates: [...aggregateRoundExact(sheets, method).values()],
            tallies: criterionTalliesExact(sheets, keys),
          }));
          expectSame(got, want);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe("rank.ts", () => {
    /**
     * Scores in hundredths and criterion sums in tenths, few distinct values: ties on everything are
     * common. Mostly three criteria (sometimes fewer: a shorter list is padded with "nobody scored
     * it"); half of the entries are twins of an earlier one (same score, the first `from` criteria
     * copied, the rest drawn afresh), so ties by the 2nd and 3rd criterion and full ties occur in
     * most runs; some values the fast path must refuse or that make both throw.
     */
    const rankCriterionArb = fc.oneof(
      {
        weight: 16,
        arbitrary: fc
          .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }))
          .map(([halves, count]) => ({ sum: (halves * count) / 2, count })),
      },
      {
        weight: 8,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 4 }))
          .map(([tenths, count]) => ({ sum: (tenths * count) / 10, count })),
      },
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 4 }))
          .map(([tenths, count]) => ({ sum: tenths / 10, count })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          { sum: 0.3, count: 3 },
          { sum: 0.1, count: 1 },
          { sum: 3e12, count: 2 },
          { sum: 1, count: 1.5 },
          { sum: 2e6, count: 9e9 },
        ),
      },
    );
    const itemsArb = fc
      .uniqueArray(
        fc.record({
          id: fc.string({ minLength: 1, maxLength: 3 }),
          score: fc.oneof(
            { weight: 19, arbitrary: fc.integer({ min: 0, max: 2 }).map((i) => 80 + i * 0.25) },
            { weight: 1, arbitrary: fc.constantFrom(Number.NaN, 85.123) },
          ),
          criteria: fc.oneof(
            { weight: 4, arbitrary: fc.array(rankCriterionArb, { minLength: 3, maxLength: 3 }) },
            { weight: 1, arbitrary: fc.array(rankCriterionArb, { minLength: 0, maxLength: 2 }) },
          ),
          twin: fc.option(fc.record({ of: fc.nat(), from: fc.integer({ min: 1, max: 3 }) }), { freq: 2 }),
        }),
        { selector: (r) => r.id, minLength: 2, maxLength: 14 },
      )
      .map((rows) => {
        const items: RankInput[] = [];
        for (const [k, r] of rows.entries()) {
          const base = r.twin !== null && k > 0 ? items[r.twin.of % k] : null;
          if (base === null) items.push({ entryId: r.id, score: r.score, criteria: r.criteria });
          else
            items.push({
              entryId: r.id,
              score: base.score,
              criteria: [...base.criteria.slice(0, r.twin!.from), ...r.criteria.slice(r.twin!.from)],
            });
        }
        return items;
      });

    it("rankEntries equals rankEntriesExact (values and errors)", function () {
      const coverage = new RunShares(TIE_KINDS);
      fc.assert(
        fc.property(itemsArb, (items) => {
          const exact = outcome(() => rankEntriesExact(items));
          if ("value" in exact)
            coverage.record(
              tieKindsOf({ rank: exact.value.map((r) => r.rank), tieBrokenBy: exact.value.map((r) => r.tieBrokenBy) }),
            );
          else coverage.record([]);
          expectSame(
            outcome(() => rankEntries(items)),
            exact,
          );
        }),
        { numRuns: 3000 },
      );
      coverage.showIn(this).expectAtLeast(0.3);
    });

    it("rankTable equals rankPositions of the same sums as floats, and answers unless a sum is too big", function () {
      /**
       * Rows of `width` cells [sum in millionths, count]. Mostly means of 0.5 or 1 over 1 to 4
       * judges, sometimes nobody, sometimes any sum up to 10^12; two scores. Half of the rows are
       * twins of an earlier row (same score, the first `from` cells copied, as is or over twice the
       * judges), so ties by the 2nd and 3rd criterion and full ties are common. One run in seven
       * plants a sum past 10^12, which rankTable must refuse (null) and only then.
       */
      const cellArb = fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }))
            .map(([m, c]): [number, number] => [m * 500_000 * c, c]),
        },
        { weight: 1, arbitrary: fc.constant<[number, number]>([0, 0]) },
        { weight: 1, arbitrary: fc.tuple(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 5 })) },
      );
      const tableArb = fc.tuple(fc.constantFrom(3, 3, 3, 2, 1), fc.integer({ min: 2, max: 14 })).chain(([width, n]) =>
        fc.record({
          width: fc.constant(width),
          rows: fc.array(
            fc.record({
              score: fc.constantFrom(80, 80.5),
              cells: fc.array(cellArb, { minLength: width, maxLength: width }),
              twin: fc.option(
                fc.record({ of: fc.nat(), from: fc.integer({ min: 1, max: width }), doubled: fc.boolean() }),
                { freq: 2 },
              ),
            }),
            { minLength: n, maxLength: n },
          ),
          huge: fc.option(fc.tuple(fc.nat(), fc.constantFrom(2e12, -3e12)), { freq: 7 }),
        }),
      );
      const coverage = new RunShares(TIE_KINDS);
      fc.assert(
        fc.property(tableArb, ({ width, rows, huge }) => {
          const scores: number[] = [];
          const cells: [number, number][] = [];
          for (const [k, row] of rows.entries()) {
            const base = row.twin !== null && k > 0 ? row.twin.of % k : null;
            scores.push(base === null ? row.score : scores[base]);
            for (let i = 0; i < width; i++) {
              if (base === null || i >= row.twin!.from) {
                cells.push(row.cells[i]);
                continue;
              }
              const [s, c] = cells[base * width + i];
              cells.push(row.twin!.doubled && Math.abs(s) <= 5e11 ? [s * 2, c * 2] : [s, c]);
            }
          }
          if (huge !== null) cells[huge[0] % cells.length] = [huge[1], 3];
          const n = scores.length;
          const ids = scores.map((_, k) => `e${(k * 7) % 11}-${k}`);
          const sums = Float64Array.from(cells.map(([s, c]) => (c === 0 ? 0 : s)));
          const counts = Float64Array.from(cells.map(([, c]) => c));
          const fast = rankTable(ids, scores, width, sums, counts);
          const items = ids.map((entryId, k) => ({
            entryId,
            score: scores[k],
            criteria: Array.from({ length: width }, (_, i) => ({
              sum: sums[k * width + i] / SCORE_SCALE,
              count: counts[k * width + i],
            })),
          }));
          const reference = rankPositions(items);
          coverage.record(tieKindsOf(reference));
          // Counts ≤ 8 and sums ≤ 10^12: no cross product passes 2^53, so only a too-big sum gives null.
          expect(fast === null, "rankTable refuses exactly the tables with a sum past 10^12").to.equal(
            cells.some(([s, c]) => c !== 0 && Math.abs(s) > 1e12),
          );
          if (fast !== null) {
            expect(fast.order.length).to.equal(n);
            expectSame(fast, reference);
          }
        }),
        { numRuns: 3000 },
      );
      coverage.showIn(this).expectAtLeast(0.3);
    });
  });

  describe("compute.ts", () => {
    const timeRules: TimeRules = {
      minSeconds: 180,
      underPenalty: 2,
      targetSeconds: 240,
      graceSeconds: 15,
      overPenalty: 2,
      cutoffSeconds: 250,
    };
    const inputArb = fc.record({
      sheets: roundArb({ duplicates: true, bad: true }),
      // Entries e0…e9 (e8, e9 never have sheets; some listed entries are left out, some listed twice).
      entries: fc.subarray([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3]),
      talk: fc.array(fc.option(fc.integer({ min: 150, max: 300 })), { minLength: 11, maxLength: 11 }),
      timed: fc.boolean(),
      // Vote counts (often equal or 0, so ties and an all-zero vote occur) and a weight of whole percents, often 0.
      votes: fc.array(fc.option(fc.oneof(fc.constantFrom(0, 1, 3), fc.nat(5000))), { minLength: 11, maxLength: 11 }),
      weight: fc.oneof(
        fc.constant(0),
        fc.integer({ min: 1, max: 30 }).map((p) => p / 100),
      ),
      method: methodArb,
      prizes: fc.oneof(
        fc.constant<PrizeSettings>({ mode: "ratio", first: 0.1, second: 0.2, third: 0.3 }),
        fc
          .tuple(fc.nat(3), fc.nat(3), fc.nat(3))
          .map(([a, b, c]): PrizeSettings => ({ mode: "count", first: a, second: b, third: c })),
        fc.constant({ mode: "ratio", first: 2, second: 0, third: 0 }),
      ),
    });

    it("computeResults equals the reference pipeline (results, counts, unranked, errors)", () => {
      fc.assert(
        fc.property(inputArb, (g) => {
          const input: ComputeInput = {
            criteria: [
              { key: "a", label: "甲" },
              { key: "b", label: "乙" },
              { key: "c", label: "丙" },
            ],
            aggregation: g.method,
            prizes: g.prizes,
            timeRules: g.timed ? timeRules : null,
            publicVoteWeight: g.weight,
            entries: g.entries.map((i, k) => ({
              id: `e${i}`,
              code: `C-${i}-${k}`,
              title: `作品 ${i}`,
              talkSeconds: g.talk[k] ?? null,
              publicVotes: g.votes[k] ?? null,
            })),
            sheets: g.sheets,
          };
          expectSame(
            outcome(() => computeResults(input)),
            outcome(() => referenceCompute(input)),
          );
        }),
        { numRuns: 2000 },
      );
    });

    it("computeResults from the database's text (sheet columns) equals the reference on the same sheets", () => {
      const keys = ["a", "b", "c"];
      let columnsRead = 0;
      fc.assert(
        fc.property(inputArb, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (g, asJson) => {
          // As submittedSheetsText writes them: compact scores where the keys are the rubric's (or at times the JSON), in any order.
          // Each (entry, judge) once (the database's unique index), with a total.
          const pairs = new Set<string>();
          const sheets = g.sheets.filter((sheet) => {
            const pair = `${sheet.entryId}/${sheet.judgeId}`;
            if (pairs.has(pair) || !Number.isFinite(sheet.total)) return false;
            pairs.add(pair);
            return true;
          });
          const text = sheets
            .map((sheet, k) => {
              const compact = encodeScores(sheet.scores);
              const scores =
                compact.keys === scoreKeysOf(keys) && !asJson[k] ? compact.values : JSON.stringify(sheet.scores);
              // SQLite prints a whole REAL as "87.0".
              const total = String(sheet.total) + (Number.isInteger(sheet.total) && k % 2 === 1 ? ".0" : "");
              return [sheet.entryId, sheet.judgeId, total, scores].join(SHEET_FIELD);
            })
            .join(SHEET_END);
          // The reference reads the text apart, one object a sheet, in (entry, judge) order as the database's index keeps them.
          const read: Sheet[] = sheets.map((sheet) => ({ ...sheet, scores: { ...sheet.scores } }));
          read.sort((x, y) =>
            x.entryId !== y.entryId
              ? x.entryId < y.entryId
                ? -1
                : 1
              : x.judgeId < y.judgeId
                ? -1
                : x.judgeId > y.judgeId
                  ? 1
                  : 0,
          );
          const input: ComputeInput = {
            criteria: keys.map((key) => ({ key, label: key })),
            aggregation: g.method,
            prizes: g.prizes,
            timeRules: g.timed ? timeRules : null,
            publicVoteWeight: g.weight,
            entries: g.entries.map((i, k) => ({
              id: `e${i}`,
              code: `C-${i}-${k}`,
              title: `作品 ${i}`,
              talkSeconds: g.talk[k] ?? null,
              publicVotes: g.votes[k] ?? null,
            })),
            sheets: read,
          };
          const columns = sheetColumns(text, keys);
          if (columns !== null) columnsRead++;
          expectSame(
            outcome(() => computeResults({ ...input, sheets: columns ?? read })),
            outcome(() => referenceCompute(input)),
          );
        }),
        { numRuns: 2000 },
      );
      // Most rounds are read as columns; the others (noise past the 6th decimal, huge values) as objects.
      expect(columnsRead).to.be.above(500);
    });

    it("computeResults equals the reference pipeline on rounds full of ties (by the 2nd and 3rd criterion, and full ties)", function () {
      /**
       * Fresh entries get 1 to 5 sheets of small scores; a twin copies an earlier entry's sheets
       * and then moves one point within one sheet: from b to c (same total, same a mean: the tie is
       * for b to break), from c to the off-rubric d (a deduction-like key: same total, a and b: c
       * breaks it), or nowhere (a full tie). Whatever the aggregation, the twins' scores are equal.
       */
      const sheetArb = fc.record({
        a: fc.integer({ min: 2, max: 4 }),
        b: fc.integer({ min: 2, max: 4 }),
        c: fc.integer({ min: 2, max: 4 }),
        d: fc.integer({ min: 1, max: 3 }),
      });
      const roundArb = fc.array(
        fc.record({
          sheets: fc.array(sheetArb, { minLength: 1, maxLength: 5 }),
          twin: fc.option(fc.record({ of: fc.nat(), move: fc.constantFrom("b→c", "c→d", "none"), sheet: fc.nat() }), {
            freq: 3,
          }),
        }),
        { minLength: 2, maxLength: 10 },
      );
      const coverage = new RunShares(TIE_KINDS);
      fc.assert(
        fc.property(roundArb, methodArb, (gen, method) => {
          const perEntry: { a: number; b: number; c: number; d: number }[][] = [];
          for (const [k, e] of gen.entries()) {
            if (e.twin === null || k === 0) {
              perEntry.push(e.sheets);
              continue;
            }
            const copy = perEntry[e.twin.of % k].map((s) => ({ ...s }));
            const s = copy[e.twin.sheet % copy.length];
            if (e.twin.move === "b→c") [s.b, s.c] = [s.b - 1, s.c + 1];
            if (e.twin.move === "c→d") [s.c, s.d] = [s.c - 1, s.d + 1];
            perEntry.push(copy);
          }
          const sheets: Sheet[] = perEntry.flatMap((list, k) =>
            list.map((s, j) => ({ entryId: `e${k}`, judgeId: `j${j}`, total: s.a + s.b + s.c + s.d, scores: s })),
          );
          const input: ComputeInput = {
            criteria: [
              { key: "a", label: "甲" },
              { key: "b", label: "乙" },
              { key: "c", label: "丙" },
            ],
            aggregation: method,
            prizes: { mode: "count", first: 1, second: 2, third: 2 },
            timeRules: null,
            entries: perEntry.map((_, k) => ({ id: `e${k}`, code: `C-${k}`, title: `作品 ${k}` })),
            sheets,
          };
          const got = outcome(() => computeResults(input));
          if ("value" in got) {
            const rows = got.value.results;
            coverage.record(
              rows.flatMap((r): TieKind[] =>
                r.detail.tieBrokenBy?.key === "b"
                  ? ["2nd criterion"]
                  : r.detail.tieBrokenBy?.key === "c"
                    ? ["3rd criterion"]
                    : r.detail.tiedWith.length > 0
                      ? ["full tie"]
                      : [],
              ),
            );
            // The tie chain by hand, on whole-number sums (not through the code under test): among
            // equal scores the first criterion whose mean differs decides, the higher mean first.
            const sheetsOf = (code: string) => perEntry[Number(code.slice(2))];
            for (let i = 1; i < rows.length; i++) {
              const [above, me] = [rows[i - 1], rows[i]];
              if (above.score !== me.score) {
                expect(above.score).to.be.greaterThan(me.score);
                expect([me.rank, me.detail.tieBrokenBy]).to.deep.equal([i + 1, null]);
                continue;
              }
              const [x, y] = [sheetsOf(above.code), sheetsOf(me.code)];
              const sum = (list: typeof x, key: "a" | "b" | "c") => list.reduce((t, s) => t + s[key], 0);
              // mean(x) − mean(y) has the sign of sum(x) × count(y) − sum(y) × count(x).
              const deciding = (["a", "b", "c"] as const).find(
                (key) => sum(x, key) * y.length !== sum(y, key) * x.length,
              );
              if (deciding === undefined) {
                expect([me.rank, me.detail.tieBrokenBy, me.detail.tiedWith.includes(above.code)]).to.deep.equal([
                  above.rank,
                  null,
                  true,
                ]);
              } else {
                expect(sum(x, deciding) * y.length).to.be.greaterThan(sum(y, deciding) * x.length);
                expect([me.rank, me.detail.tieBrokenBy?.key]).to.deep.equal([i + 1, deciding]);
              }
            }
          } else coverage.record([]);
          expectSame(
            got,
            outcome(() => referenceCompute(input)),
          );
        }),
        { numRuns: 1000 },
      );
      coverage.showIn(this).expectAtLeast(0.3);
    });

    it("stored columns give back the computed rows exactly, through JSON", () => {
      fc.assert(
        fc.property(inputArb, (g) => {
          const input: ComputeInput = {
            criteria: [
              { key: "a", label: "甲" },
              { key: "b", label: "乙" },
            ],
            aggregation: g.method,
            prizes: { mode: "ratio", first: 0.2, second: 0.3, third: 0.3 },
            timeRules: g.timed ? timeRules : null,
            publicVoteWeight: g.weight,
            entries: [...new Set(g.entries)].map((i) => ({
              id: `e${i}`,
              code: `C-${i}`,
              title: `作品 ${i}`,
              talkSeconds: g.talk[i] ?? null,
              publicVotes: g.votes[i] ?? null,
            })),
            sheets: g.sheets,
          };
          const out = outcome(() => computeResults(input));
          if (!("value" in out)) return;
          const rows = out.value.results;
          const viaJson = JSON.parse(JSON.stringify(encodeResultRows(rows))) as unknown;
          expect(JSON.stringify(decodeResultRows(viaJson))).to.equal(JSON.stringify(rows));
          expect(decodeResultRows(viaJson)).to.deep.equal(JSON.parse(JSON.stringify(rows)));
        }),
        { numRuns: 1000 },
      );
    });

    it("stored columns keep a tiedWith that is not the rest of its rank, and read results stored as plain rows", () => {
      const row = (code: string, rank: number, tiedWith: string[]): ResultRow => ({
        entryId: `id-${code}`,
        code,
        title: code,
        score: 80,
        rank,
        prize: null,
        judges: 3,
        detail: {
          method: "mean",
          totals: [80, 80, 80],
          dropped: null,
          aggregate: 80,
          publicVote: null,
          timeDeduction: null,
          tieBrokenBy: null,
          tiedWith,
        },
      });
      const odd = [row("A", 1, ["B"]), row("B", 1, []), row("C", 3, [])];
      expect(decodeResultRows(JSON.parse(JSON.stringify(encodeResultRows(odd))))).to.deep.equal(odd);
      expect(decodeResultRows(JSON.parse(JSON.stringify(odd)))).to.deep.equal(odd);
    });
  });
});
