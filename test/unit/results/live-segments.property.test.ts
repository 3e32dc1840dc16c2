/**
 * The live final's segmented results (src/results/segments.ts through computeResults) against a
 * reference written apart: every score an integer number of hundredths, weights integer millionths,
 * everything else BigInt arithmetic, nothing shared with src/.
 */
import { expect } from "chai";
import fc from "fast-check";
import { computeResults } from "../../../src/results/compute.js";
import { decodeResultRows, encodeResultRows } from "../../../src/results/stored.js";
import { segmentAggregate, segmentTimeRules, type SegmentSheet } from "../../../src/results/segments.js";

// ---------------------------------------------------------------------------------------------
// The reference

interface RefSegment {
  key: string;
  label: string;
  weightMillionths: number;
  criteria: readonly string[];
  /** The time limit S, or null. */
  limit: number | null;
}

interface RefSheet {
  entryId: string;
  segment: string;
  judgeId: string;
  /** Criterion → hundredths. */
  scores: Record<string, number>;
}

interface RefRow {
  entryId: string;
  /** Hundredths. */
  score: bigint;
  rank: number;
  prize: "first" | "second" | "third" | null;
  judges: number;
  segments: (bigint | null)[];
  /** The dropped highest and lowest totals, in hundredths. */
  dropped: ([number, number] | null)[];
  deductions: number[];
  tieBrokenBy: string | null;
}

/** n / d rounded half away from zero to an integer (d > 0). */
function roundDiv(n: bigint, d: bigint): bigint {
  const a = n < 0n ? -n : n;
  const q = (2n * a + d) / (2n * d);
  return n < 0n ? -q : q;
}

function refDeduction(limit: number, seconds: number): number {
  // Under 75 % of the limit (rounded half up), or over the limit and 15 s of grace: 2 points each.
  const min = Number(roundDiv(BigInt(limit) * 3n, 4n));
  if (seconds < min) return -2;
  if (seconds > limit + 15) return -2;
  return 0;
}

function refResults(
  entries: string[],
  segments: RefSegment[],
  sheets: RefSheet[],
  trimmedAggregation: boolean,
  seconds: Record<string, Record<string, number | null>>,
  prizes: [number, number, number],
): { rows: RefRow[]; unranked: string[] } {
  const rows: (RefRow & { means: ({ n: bigint; d: bigint } | null)[] })[] = [];
  const unranked: string[] = [];
  for (const entryId of entries) {
    const mine = sheets.filter((s) => s.entryId === entryId);
    if (mine.length === 0) {
      unranked.push(entryId);
      continue;
    }
    let weighted = 0n; // hundredths × millionths
    let deductionsHundredths = 0n;
    const segScores: (bigint | null)[] = [];
    const dropped: ([number, number] | null)[] = [];
    const deductions: number[] = [];
    const means: ({ n: bigint; d: bigint } | null)[] = [];
    let judges = Infinity;
    for (const seg of segments) {
      const list = mine.filter((s) => s.segment === seg.key);
      judges = Math.min(judges, list.length);
      const totals = list.map((s) => seg.criteria.reduce((a, c) => a + BigInt(s.scores[c]), 0n));
      if (list.length === 0) {
        segScores.push(null);
        dropped.push(null);
      } else {
        let kept = totals;
        let drop: [number, number] | null = null;
        if (trimmedAggregation && totals.length >= 5) {
          const sorted = [...totals].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          kept = sorted.slice(1, -1);
          drop = [Number(sorted.at(-1)), Number(sorted[0])];
        }
        const score = roundDiv(
          kept.reduce((a, b) => a + b, 0n),
          BigInt(kept.length),
        );
        segScores.push(score);
        dropped.push(drop);
        weighted += BigInt(seg.weightMillionths) * score;
      }
      const measured = seg.limit === null ? null : (seconds[entryId]?.[seg.key] ?? null);
      const points = measured === null ? 0 : refDeduction(seg.limit!, measured);
      if (measured !== null) deductions.push(points);
      deductionsHundredths += BigInt(points * 100);
      for (const c of seg.criteria)
        means.push(
          list.length === 0 ? null : { n: list.reduce((a, s) => a + BigInt(s.scores[c]), 0n), d: BigInt(list.length) },
        );
    }
    rows.push({
      entryId,
      score: roundDiv(weighted + deductionsHundredths * 1_000_000n, 1_000_000n),
      rank: 0,
      prize: null,
      judges,
      segments: segScores,
      dropped,
      deductions,
      tieBrokenBy: null,
      means,
    });
  }
  const chain = segments.flatMap((s) => s.criteria.map((c) => `${s.key}.${c}`));
  // Negative: a first. Returns the deciding chain index too.
  const order = (a: (typeof rows)[number], b: (typeof rows)[number]): [number, number | null] => {
    if (a.score !== b.score) return [a.score > b.score ? -1 : 1, null];
    for (let k = 0; k < chain.length; k++) {
      const x = a.means[k];
      const y = b.means[k];
      if (x === null && y === null) continue;
      if (x === null) return [1, k];
      if (y === null) return [-1, k];
      const diff = x.n * y.d - y.n * x.d;
      if (diff !== 0n) return [diff > 0n ? -1 : 1, k];
    }
    return [0, null];
  };
  rows.sort((a, b) => order(a, b)[0] || (a.entryId < b.entryId ? -1 : 1));
  const n = rows.length;
  const bounds = [prizes[0], prizes[0] + prizes[1], prizes[0] + prizes[1] + prizes[2]].map((b) => Math.min(b, n));
  rows.forEach((r, i) => {
    if (i > 0) {
      const [o, k] = order(rows[i - 1], r);
      r.rank = o === 0 ? rows[i - 1].rank : i + 1;
      r.tieBrokenBy = k === null ? null : chain[k];
    } else r.rank = 1;
    r.prize = r.rank <= bounds[0] ? "first" : r.rank <= bounds[1] ? "second" : r.rank <= bounds[2] ? "third" : null;
  });
  return { rows: rows.map(({ means: _, ...row }) => row), unranked };
}

// ---------------------------------------------------------------------------------------------
// Generators

const WEIGHT_SETS = [
  [1_000_000],
  [500_000, 300_000, 100_000, 100_000],
  [333_333, 333_333, 333_334],
  [333_334, 666_666],
  [100_000, 200_000, 700_000],
  [500_000, 500_000],
];

/** Weights in millionths summing to 10^6: the usual sets, or a random split. */
const weightsArb = fc.oneof(
  fc.constantFrom(...WEIGHT_SETS),
  fc
    .array(fc.integer({ min: 1, max: 999_999 }), { minLength: 0, maxLength: 3 })
    .map((cuts) => [...new Set(cuts)].sort((a, b) => a - b))
    .map((cuts) => [...cuts, 1_000_000].map((c, i) => c - (i === 0 ? 0 : cuts[i - 1]))),
);

/** A limit S and a measured time near its edges: 0.75·S, S + 15, S + 30, each ± 1, or anywhere. */
const limitArb = fc.option(fc.integer({ min: 10, max: 3600 }), { nil: null });
const secondsNear = (limit: number) =>
  fc.oneof(
    fc
      .constantFrom(
        Math.floor((3 * limit) / 4),
        Math.ceil((3 * limit) / 4),
        limit + 14,
        limit + 15,
        limit + 16,
        limit + 29,
        limit + 30,
        limit + 31,
      )
      .chain((s) => fc.constantFrom(s - 1, s, s + 1)),
    fc.integer({ min: 0, max: limit + 30 }),
  );

/** Hundredths from a short list, so that totals tie often (at the top and at the bottom). */
const scoreArb = fc.constantFrom(700, 800, 850, 900, 1000, 905, 1);

interface Case {
  segments: RefSegment[];
  trimmed: boolean;
  entries: string[];
  /** An entry not among the rankable ones (withdrawn) whose sheets must be ignored. */
  withdrawn: string;
  sheets: RefSheet[];
  seconds: Record<string, Record<string, number | null>>;
  prizes: [number, number, number];
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    weights: weightsArb,
    trimmed: fc.boolean(),
    entryCount: fc.integer({ min: 1, max: 6 }),
    prizes: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(3)),
  })
  .chain(({ weights, trimmed, entryCount, prizes }) => {
    const entries = Array.from({ length: entryCount }, (_, i) => `e${i}`);
    const all = [...entries, "gone"];
    return fc
      .tuple(
        fc.tuple(
          ...weights.map((w, k) =>
            fc.record({
              // Two segments often share a rubric's keys (自主命题, 随机命题).
              criteria: fc.constantFrom(["a"], ["a", "b"], ["a", "b", "c"], ["x", "a"]),
              limit: limitArb,
              // 1..4 judges take the mean; 5+ are trimmed; a panel of 7 most often.
              judges: fc.constantFrom(1, 2, 3, 4, 5, 6, 7, 7, 7),
              key: fc.constant(`s${k}`),
              weight: fc.constant(w),
            }),
          ),
        ),
        fc.array(fc.boolean(), { minLength: entryCount, maxLength: entryCount }),
        // Now and then a finalist without any sheet (not ranked).
        fc.array(fc.nat(6), { minLength: entryCount, maxLength: entryCount }),
      )
      .chain(([segs, twins, absent]) => {
        const segments: RefSegment[] = segs.map((s) => ({
          key: s.key,
          label: `环节${s.key}`,
          weightMillionths: s.weight,
          criteria: s.criteria,
          limit: s.limit,
        }));
        const sheetArbs = all.flatMap((entryId) =>
          segs.flatMap((s) =>
            Array.from({ length: s.judges }, (_, j) =>
              fc
                .option(fc.tuple(...s.criteria.map(() => scoreArb)), { freq: 5, nil: null })
                .map((vals): RefSheet | null =>
                  vals === null
                    ? null
                    : {
                        entryId,
                        segment: s.key,
                        judgeId: `j${j}`,
                        scores: Object.fromEntries(s.criteria.map((c, i) => [c, vals[i]])),
                      },
                ),
            ),
          ),
        );
        const secondsArb = fc.tuple(
          ...all.map(() =>
            fc.tuple(...segs.map((s) => (s.limit === null ? fc.constant(null) : fc.option(secondsNear(s.limit))))),
          ),
        );
        return fc.tuple(fc.tuple(...sheetArbs), secondsArb).map(([maybe, secs]): Case => {
          let sheets = maybe.filter((s): s is RefSheet => s !== null && absent[entries.indexOf(s.entryId)] !== 0);
          // A twin copies the entry before it with the last segment's criterion values rotated
          // within each sheet: the same totals, so a tie broken (if at all) by a later segment's criterion.
          entries.forEach((entryId, i) => {
            if (i === 0 || !twins[i]) return;
            const last = segments.at(-1)!;
            sheets = sheets.filter((s) => s.entryId !== entryId);
            for (const s of sheets.filter((x) => x.entryId === entries[i - 1])) {
              const scores = { ...s.scores };
              if (s.segment === last.key) {
                const vals = last.criteria.map((c) => s.scores[c]);
                last.criteria.forEach((c, k) => (scores[c] = vals[(k + 1) % vals.length]));
              }
              sheets.push({ ...s, entryId, scores });
            }
          });
          // A twin keeps the times of the entry it copies.
          const times = secs.map((row) => [...row]);
          times.forEach((_, i) => {
            if (i > 0 && i < entries.length && twins[i]) times[i] = times[i - 1];
          });
          const seconds = Object.fromEntries(
            all.map((entryId, i) => [entryId, Object.fromEntries(segments.map((s, k) => [s.key, times[i][k]]))]),
          );
          return { segments, trimmed, entries, withdrawn: "gone", sheets, seconds, prizes };
        });
      });
  });

function run(c: Case) {
  const sheets: SegmentSheet[] = c.sheets.map((s) => ({
    entryId: s.entryId,
    judgeId: s.judgeId,
    segment: s.segment,
    scores: Object.fromEntries(Object.entries(s.scores).map(([k, v]) => [k, v / 100])),
    // As the app stores it: the float sum of the criteria (read back as the decimal it stands for).
    total: Object.values(s.scores).reduce((a, v) => a + v / 100, 0),
  }));
  return computeResults({
    criteria: [],
    aggregation: c.trimmed ? "trimmed" : "mean",
    prizes: { mode: "count", first: c.prizes[0], second: c.prizes[1], third: c.prizes[2] },
    timeRules: null,
    entries: c.entries.map((id) => ({ id, code: id.toUpperCase(), title: id, segmentSeconds: c.seconds[id] })),
    sheets: [],
    segments: c.segments.map((s) => ({
      key: s.key,
      label: s.label,
      weight: s.weightMillionths / 1_000_000,
      criteria: s.criteria.map((k) => ({ key: k, label: k })),
      timeRules: s.limit === null ? null : segmentTimeRules(s.limit),
    })),
    segmentSheets: sheets,
  });
}

const hundredths = (x: number) => BigInt(Math.round(x * 100));

describe("live final results by segment (property, against a reference written apart)", () => {
  it("scores, ranks, prizes, segment scores, dropped totals and deductions agree with the reference", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const out = run(c);
        const ref = refResults(
          c.entries,
          c.segments,
          c.sheets.filter((s) => s.entryId !== c.withdrawn),
          c.trimmed,
          c.seconds,
          c.prizes,
        );
        expect(out.unranked.map((u) => u.entryId)).to.deep.equal(ref.unranked);
        // Stored as columns and read back, the rows are the same (segments included).
        expect(decodeResultRows(JSON.parse(JSON.stringify(encodeResultRows(out.results))))).to.deep.equal(out.results);
        expect(out.results.map((r) => r.entryId)).to.deep.equal(ref.rows.map((r) => r.entryId));
        out.results.forEach((row, i) => {
          const want = ref.rows[i];
          // The score is the decimal it prints as: exact, never 85.00499999.
          expect(hundredths(row.score), row.entryId).to.equal(want.score);
          expect(String(row.score)).to.equal(String(Number(want.score) / 100));
          expect(row.rank).to.equal(want.rank);
          expect(row.prize).to.equal(want.prize);
          expect(row.judges).to.equal(want.judges);
          expect(row.detail.tieBrokenBy?.key ?? null).to.equal(want.tieBrokenBy);
          const segs = row.detail.segments!;
          expect(segs.map((s) => (s.score === null ? null : hundredths(s.score)))).to.deep.equal(want.segments);
          const dropped = segs.map((s) =>
            s.dropped ? [s.dropped.highest.total, s.dropped.lowest.total].map((t) => Math.round(t * 100)) : null,
          );
          expect(dropped).to.deep.equal(want.dropped);
          expect(segs.filter((s) => s.timeDeduction).map((s) => s.timeDeduction!.points)).to.deep.equal(
            want.deductions,
          );
        });
      }),
      { numRuns: 300 },
    );
  });

  it("the big screen's segment aggregate drops exactly one highest and one lowest of 7 totals, tied or not", () => {
    // Ties at the top and at the bottom: the judge dropped among equals is the smallest id (aggregate.ts).
    const totalsArb = fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 6001, max: 8999 }), { minLength: 1, maxLength: 5 }),
      )
      .map(([tops, bottoms, middle]) =>
        [...Array(tops).fill(9000), ...Array(bottoms).fill(6000), ...middle].slice(0, 7),
      )
      .chain((totals) => fc.shuffledSubarray(totals, { minLength: totals.length, maxLength: totals.length }));
    fc.assert(
      fc.property(totalsArb, (totals) => {
        const sheets = totals.map((t, i) => ({
          entryId: "e",
          judgeId: `j${i}`,
          total: t / 100,
          scores: { a: t / 100 },
        }));
        const agg = segmentAggregate(sheets, "trimmed")!;
        const ids = totals.map((_, i) => `j${i}`);
        if (totals.length < 5) {
          expect(agg.dropped).to.equal(null);
          expect(hundredths(agg.score)).to.equal(
            roundDiv(
              totals.reduce((a, b) => a + BigInt(b), 0n),
              BigInt(totals.length),
            ),
          );
          return;
        }
        const max = Math.max(...totals);
        const min = Math.min(...totals);
        const lowest = ids.filter((_, i) => totals[i] === min).sort()[0];
        const highest = ids.filter((id, i) => totals[i] === max && id !== lowest).sort()[0];
        expect(agg.dropped).to.deep.equal({
          highest: { judgeId: highest, total: max / 100 },
          lowest: { judgeId: lowest, total: min / 100 },
        });
        const kept = totals.reduce((a, b) => a + BigInt(b), 0n) - BigInt(max) - BigInt(min);
        expect(hundredths(agg.score)).to.equal(roundDiv(kept, BigInt(totals.length - 2)));
      }),
      { numRuns: 200 },
    );
  });

  it("weights are exact decimals: 0.1 × 80.85 + 0.9 × 80 is 80.085, which rounds half up to 80.09", () => {
    // In floats Math.round((0.1 * 80.85 + 0.9 * 80) * 100) / 100 is 80.08.
    const out = run({
      segments: [
        { key: "s0", label: "一", weightMillionths: 100_000, criteria: ["a"], limit: null },
        { key: "s1", label: "二", weightMillionths: 900_000, criteria: ["a"], limit: null },
      ],
      trimmed: true,
      entries: ["e0"],
      withdrawn: "gone",
      sheets: [
        { entryId: "e0", segment: "s0", judgeId: "j0", scores: { a: 8085 } },
        { entryId: "e0", segment: "s1", judgeId: "j0", scores: { a: 8000 } },
      ],
      seconds: {},
      prizes: [1, 0, 0],
    });
    expect(out.results[0].score).to.equal(80.09);
  });

  it("no sheet at all: null; the time rules of 240 s are the explainer's 180 / 255 / 270", () => {
    expect(segmentAggregate([], "trimmed")).to.equal(null);
    expect(segmentTimeRules(240)).to.deep.include({ minSeconds: 180, targetSeconds: 240, cutoffSeconds: 270 });
    expect(segmentTimeRules(10).minSeconds).to.equal(8); // 7.5 rounds half up
  });
});
