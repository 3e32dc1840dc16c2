import { expect } from "chai";
import fc from "fast-check";
import type { Aggregation } from "../../../src/contests/contests.schemas.js";
import { aggregateRound, criterionTallies, type Sheet } from "../../../src/results/aggregate.js";
import { applyPublicVote } from "../../../src/results/votes.js";
import { refRoundRatio } from "./reference.js";
import { RunShares } from "./tie-coverage.js";

/** Sheets for one entry from (judgeId, total) pairs. */
function sheetsFor(entryId: string, totals: [string, number][]): Sheet[] {
  return totals.map(([judgeId, total]) => ({ entryId, judgeId, total, scores: {} }));
}

function only(sheets: Sheet[], method: Aggregation) {
  const results = aggregateRound(sheets, method);
  expect(results.size).to.equal(1);
  return [...results.values()][0];
}

/** A generated sheet: totals are whole tenths (rubric step 0.1) so the reference can use integers. */
interface GenSheet {
  entry: number;
  judge: number;
  tenths: number;
}

// Few entries and lengths up to the maximum (size "max": fast-check's default size keeps arrays
// short), so that most runs have an entry with 5 or more judges, where `trimmed` drops sheets,
// often with a tie for the highest or lowest total (measured in the trimmed property).
const roundArb = fc.uniqueArray(
  fc.record({
    entry: fc.integer({ min: 0, max: 3 }),
    judge: fc.integer({ min: 0, max: 7 }),
    // Any total, or more often one of a few popular ones so that ties are common.
    tenths: fc.oneof(
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 1000 }) },
      { weight: 2, arbitrary: fc.constantFrom(700, 800, 850, 900) },
    ),
  }),
  { selector: (s) => `${s.entry}/${s.judge}`, minLength: 1, maxLength: 32, size: "max" },
);

function toSheets(gen: readonly GenSheet[]): Sheet[] {
  return gen.map((g) => ({ entryId: `e${g.entry}`, judgeId: `j${g.judge}`, total: g.tenths / 10, scores: {} }));
}

function groupTenths(gen: readonly GenSheet[]): Map<string, GenSheet[]> {
  const groups = new Map<string, GenSheet[]>();
  for (const g of gen) groups.set(`e${g.entry}`, [...(groups.get(`e${g.entry}`) ?? []), g]);
  return groups;
}

/** Reference trimmed/plain mean in integer tenths: sort, maybe cut both ends, average. */
function refMean(tenths: number[], trim: boolean): { raw: number; score: number; kept: number[] } {
  const sorted = [...tenths].sort((a, b) => a - b);
  const kept = trim && sorted.length >= 5 ? sorted.slice(1, -1) : sorted;
  const sum = kept.reduce((a, b) => a + b, 0);
  return { raw: sum / 10 / kept.length, score: refRoundRatio(sum, 10 * kept.length), kept };
}

/** Reference z-score in plain floats (zero deviation decided in integers, where it is exact). */
function refZscore(gen: readonly GenSheet[]): Map<string, number> {
  const stats = (tenths: number[]) => {
    const n = tenths.length;
    const s = tenths.reduce((a, b) => a + b, 0);
    const s2 = tenths.reduce((a, b) => a + b * b, 0);
    const varTimesN2 = n * s2 - s * s; // n² × variance, in tenths², an exact integer
    return { n, mean: s / n / 10, sd: Math.sqrt(varTimesN2) / n / 10, flat: varTimesN2 === 0 };
  };
  const pooled = stats(gen.map((g) => g.tenths));
  const judges = new Map<number, ReturnType<typeof stats>>();
  for (const j of new Set(gen.map((g) => g.judge))) {
    judges.set(j, stats(gen.filter((g) => g.judge === j).map((g) => g.tenths)));
  }
  const result = new Map<string, number>();
  for (const [entryId, group] of groupTenths(gen)) {
    const mapped = group.map((g) => {
      const judge = judges.get(g.judge)!;
      const z = judge.n < 2 || judge.flat ? 0 : (g.tenths / 10 - judge.mean) / judge.sd;
      return pooled.mean + z * pooled.sd;
    });
    result.set(entryId, mapped.reduce((a, b) => a + b, 0) / mapped.length);
  }
  return result;
}

describe("results/aggregate", () => {
  describe("trimmed (worked examples)", () => {
    it("with five judges and a tie for highest, drops one 90 and the 70: 90, 90, 85, 80, 70 → 85.00", () => {
      // Drop exactly one highest (one of the two 90s) and one lowest (70):
      // kept 90 + 85 + 80 = 255, 255 / 3 = 85 → 85.00.
      const result = only(
        sheetsFor("A", [
          ["j1", 90],
          ["j2", 90],
          ["j3", 85],
          ["j4", 80],
          ["j5", 70],
        ]),
        "trimmed",
      );
      expect(result.score).to.equal(85);
      expect(result.rawScore).to.equal(85);
      expect(result.judges).to.equal(5);
      expect(result.kept).to.deep.equal([90, 85, 80]);
      // Among the tied 90s the smaller judgeId is reported as dropped.
      expect(result.dropped).to.deep.equal({
        highest: { judgeId: "j1", total: 90 },
        lowest: { judgeId: "j5", total: 70 },
      });
    });

    it("with four judges takes the plain mean: 90, 85, 80, 70 → 81.25", () => {
      // (90 + 85 + 80 + 70) / 4 = 325 / 4 = 81.25; nothing dropped below five judges.
      const result = only(
        sheetsFor("A", [
          ["j1", 90],
          ["j2", 85],
          ["j3", 80],
          ["j4", 70],
        ]),
        "trimmed",
      );
      expect(result.score).to.equal(81.25);
      expect(result.dropped).to.equal(null);
      expect(result.kept).to.deep.equal([90, 85, 80, 70]);
    });

    it("when all five totals are equal, drops two distinct sheets and keeps three", () => {
      const result = only(
        sheetsFor("A", [
          ["j3", 80],
          ["j1", 80],
          ["j2", 80],
          ["j5", 80],
          ["j4", 80],
        ]),
        "trimmed",
      );
      expect(result.score).to.equal(80);
      expect(result.kept).to.have.length(3);
      expect(result.dropped).to.deep.equal({
        highest: { judgeId: "j2", total: 80 },
        lowest: { judgeId: "j1", total: 80 },
      });
    });

    it("rounds an exact half up where float arithmetic would round it down: 85, 85, 80.2, 80.1 → 82.58", () => {
      // 85 + 85 + 80.2 + 80.1 = 330.3; 330.3 / 4 = 82.575 exactly → 82.58.
      // In floats the sum / 4 is 82.57499999999999, which Math.round-style rounding takes to 82.57.
      expect((85 + 85 + 80.2 + 80.1) / 4).to.equal(82.57499999999999);
      const four = only(
        sheetsFor("A", [
          ["j1", 85],
          ["j2", 85],
          ["j3", 80.2],
          ["j4", 80.1],
        ]),
        "trimmed",
      );
      expect(four.score).to.equal(82.58);
      // Six judges: drop 90 and 70, the same four remain → 82.58.
      const six = only(
        sheetsFor("A", [
          ["j1", 85],
          ["j2", 90],
          ["j3", 85],
          ["j4", 80.2],
          ["j5", 70],
          ["j6", 80.1],
        ]),
        "trimmed",
      );
      expect(six.score).to.equal(82.58);
      expect(six.kept).to.deep.equal([85, 85, 80.2, 80.1]);
    });
  });

  describe("mean (worked examples)", () => {
    it("keeps every sheet: 90, 90, 85, 80, 70 → 83.00", () => {
      // 415 / 5 = 83.
      const result = only(
        sheetsFor("A", [
          ["j1", 90],
          ["j2", 90],
          ["j3", 85],
          ["j4", 80],
          ["j5", 70],
        ]),
        "mean",
      );
      expect(result.score).to.equal(83);
      expect(result.dropped).to.equal(null);
      expect(result.method).to.equal("mean");
    });

    it("rounds 1.005-style means up: (1 + 1.01) / 2 = 1.005 → 1.01, and 88.1, 88.2, 88.2, 88.2 → 88.175 → 88.18", () => {
      expect(
        only(
          sheetsFor("A", [
            ["j1", 1],
            ["j2", 1.01],
          ]),
          "mean",
        ).score,
      ).to.equal(1.01);
      // 352.7 / 4 = 88.175 exactly → 88.18.
      expect(
        only(
          sheetsFor("A", [
            ["j1", 88.1],
            ["j2", 88.2],
            ["j3", 88.2],
            ["j4", 88.2],
          ]),
          "mean",
        ).score,
      ).to.equal(88.18);
    });

    it("reads a total carrying float noise as the decimal the judge gave", () => {
      // A judge's criteria 38.7 + 27.9 + 17.3 + 8.3 = 92.2, but the float sum is 92.19999999999999.
      const total = 38.7 + 27.9 + 17.3 + 8.3;
      expect(total).to.equal(92.19999999999999);
      const result = only(
        sheetsFor("A", [
          ["j1", total],
          ["j2", 92.2],
        ]),
        "mean",
      );
      expect(result.rawScore).to.equal(92.2);
      expect(result.kept).to.deep.equal([total, 92.2]); // as given
    });
  });

  describe("zscore (worked examples)", () => {
    // Four entries, two judges each. A/B go to N1 and the harsh judge H (10 lower than N1 on both);
    // C/D go to N2 and N3. A is as good as C and B as good as D.
    const round: Sheet[] = [
      ...sheetsFor("A", [
        ["N1", 80],
        ["H", 70],
      ]),
      ...sheetsFor("B", [
        ["N1", 90],
        ["H", 80],
      ]),
      ...sheetsFor("C", [
        ["N2", 80],
        ["N3", 80],
      ]),
      ...sheetsFor("D", [
        ["N2", 90],
        ["N3", 90],
      ]),
    ];

    it("a harsh judge does not sink the entries he scored", () => {
      const plain = aggregateRound(round, "mean");
      expect(plain.get("A")!.score).to.equal(75); // sunk by H under the plain mean
      expect(plain.get("C")!.score).to.equal(80);

      const z = aggregateRound(round, "zscore");
      // Each judge gave (low, high) = mean ∓ 5 with deviation 5, so every low sheet has z = −1 and
      // every high sheet z = +1, whatever the judge's level.
      // Pooled: 80, 70, 90, 80, 80, 80, 90, 90 → mean 660 / 8 = 82.5; squared deviations
      // 6.25 + 156.25 + 56.25 + 6.25 + 6.25 + 6.25 + 56.25 + 56.25 = 350 → variance 43.75,
      // sd = √43.75 = 6.6143782776…; A = C = 82.5 − 6.6144 = 75.8856… → 75.89;
      // B = D = 82.5 + 6.6144 = 89.1144… → 89.11.
      expect(z.get("A")!.score).to.equal(75.89);
      expect(z.get("C")!.score).to.equal(75.89);
      expect(z.get("B")!.score).to.equal(89.11);
      expect(z.get("D")!.score).to.equal(89.11);
      expect(z.get("A")!.rawScore).to.be.closeTo(82.5 - Math.sqrt(43.75), 1e-12);
      expect(z.get("A")!.standardized).to.have.length(2);
      expect(z.get("A")!.kept).to.deep.equal([80, 70]);
      expect(z.get("A")!.dropped).to.equal(null);
    });

    it("a judge with one sheet or with no deviation contributes z = 0, the pooled mean", () => {
      // Pooled mean (80 + 90 + 86.5 + 85) / 4 = 341.5 / 4 = 85.375 → 85.38 (exact half, rounded up).
      // J1 has two different totals, so X and Y move off the pooled mean; J2 (one sheet) and
      // J3 (one sheet) give Z and W exactly the pooled mean.
      const results = aggregateRound(
        [
          ...sheetsFor("X", [["J1", 80]]),
          ...sheetsFor("Y", [["J1", 90]]),
          ...sheetsFor("Z", [["J2", 86.5]]),
          ...sheetsFor("W", [["J3", 85]]),
        ],
        "zscore",
      );
      expect(results.get("Z")!.score).to.equal(85.38);
      expect(results.get("W")!.score).to.equal(85.38);
      expect(results.get("Z")!.rawScore).to.equal(85.375);
      // A judge with equal totals (zero deviation): same.
      const flat = aggregateRound(
        [...sheetsFor("P", [["J1", 70]]), ...sheetsFor("Q", [["J1", 70]]), ...sheetsFor("R", [["J2", 95]])],
        "zscore",
      );
      // Pooled mean 235 / 3 = 78.333… → 78.33 for all three.
      expect([...flat.values()].map((r) => r.score)).to.deep.equal([78.33, 78.33, 78.33]);
    });
  });

  describe("input checks", () => {
    it("refuses two sheets of one judge for one entry, an unknown method and a non-finite total", () => {
      expect(() =>
        aggregateRound(
          sheetsFor("A", [
            ["j1", 80],
            ["j1", 81],
          ]),
          "mean",
        ),
      ).to.throw(RangeError, /two sheets/);
      expect(() => aggregateRound([], "median" as Aggregation)).to.throw(RangeError, /unknown/);
      expect(() => aggregateRound(sheetsFor("A", [["j1", Number.NaN]]), "mean")).to.throw(RangeError);
    });

    it("returns an empty map for an empty round", () => {
      for (const method of ["trimmed", "mean", "zscore"] as const) expect(aggregateRound([], method).size).to.equal(0);
    });
  });

  describe("criterionTallies", () => {
    it("sums each criterion over all sheets, untrimmed, in rubric order", () => {
      const sheets: Sheet[] = [
        { entryId: "A", judgeId: "j1", total: 0, scores: { novelty: 25.5, accuracy: 36, extra: 3 } },
        { entryId: "A", judgeId: "j2", total: 0, scores: { accuracy: 38.1, novelty: 27 } },
        { entryId: "A", judgeId: "j3", total: 0, scores: { accuracy: 0.2 } },
        { entryId: "B", judgeId: "j1", total: 0, scores: { accuracy: 0.1, novelty: 0.2 } },
      ];
      const tallies = criterionTallies(sheets, ["accuracy", "novelty"]);
      // accuracy: 36 + 38.1 + 0.2 = 74.3 over 3; novelty: 25.5 + 27 = 52.5 over 2 (j3 did not score it).
      expect(tallies.get("A")).to.deep.equal([
        { key: "accuracy", sum: 74.3, count: 3 },
        { key: "novelty", sum: 52.5, count: 2 },
      ]);
      expect(tallies.get("B")).to.deep.equal([
        { key: "accuracy", sum: 0.1, count: 1 },
        { key: "novelty", sum: 0.2, count: 1 },
      ]);
    });
  });

  describe("applyPublicVote", () => {
    it("blends (1 − w) × judge score with w × votes normalized to the leader", () => {
      // normalized = 500 / 1000 × 100 = 50; 0.8 × 80 + 0.2 × 50 = 64 + 10 = 74.
      expect(applyPublicVote(80, 500, 1000, 0.2)).to.equal(74);
      // The leader gets 100: 0.7 × 90 + 0.3 × 100 = 63 + 30 = 93.
      expect(applyPublicVote(90, 1200, 1200, 0.3)).to.equal(93);
      // Weight 0 leaves the judges' score; nobody voted → normalized 0.
      expect(applyPublicVote(85.55, 0, 0, 0)).to.equal(85.55);
      expect(applyPublicVote(80, 0, 0, 0.1)).to.equal(72);
    });

    it("rounds the exact blend half up: 0.7 × 85.55 + 0.3 × 100/3 = 59.885 + 10 = 69.885 → 69.89", () => {
      expect(0.7 * 85.55 + 0.3 * ((1 / 3) * 100)).to.equal(69.88499999999999); // floats would give 69.88
      expect(applyPublicVote(85.55, 1, 3, 0.3)).to.equal(69.89);
    });

    it("refuses a weight over 30% and impossible vote counts", () => {
      expect(() => applyPublicVote(80, 1, 2, 0.31)).to.throw(RangeError);
      expect(() => applyPublicVote(80, 1, 2, -0.1)).to.throw(RangeError);
      expect(() => applyPublicVote(80, 3, 2, 0.1)).to.throw(RangeError);
      expect(() => applyPublicVote(80, 1.5, 2, 0.1)).to.throw(RangeError);
    });

    it("agrees with an integer reference for scores in hundredths and whole-percent weights", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 10_000 }),
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 0, max: 100_000 }).chain((max) => fc.tuple(fc.integer({ min: 0, max }), fc.constant(max))),
          (hundredths, percent, [votes, max]) => {
            // With w = W/100, J = Jh/100 (Jh the score in hundredths):
            // final = (1 − w)J + w × 100v/M = ((100 − W) × Jh × M + 10000 × W × v) / (10000 × M).
            const m = Math.max(max, 1);
            const num = (100 - percent) * hundredths * m + (max === 0 ? 0 : 10_000 * percent * votes);
            expect(applyPublicVote(hundredths / 100, votes, max, percent / 100)).to.equal(
              refRoundRatio(num, 10_000 * m),
            );
          },
        ),
        { numRuns: 1000 },
      );
    });
  });

  describe("properties", () => {
    for (const method of ["trimmed", "mean"] as const) {
      it(`${method} agrees with sorting and averaging whole tenths`, function () {
        const coverage = new RunShares(["5+ judges", "a tie for the highest or lowest of 5+"] as const);
        fc.assert(
          fc.property(roundArb, (gen) => {
            const results = aggregateRound(toSheets(gen), method);
            const groups = groupTenths(gen);
            const big = [...groups.values()].map((g) => g.map((x) => x.tenths)).filter((t) => t.length >= 5);
            const tiedEnds = big.some(
              (t) =>
                t.filter((x) => x === Math.max(...t)).length > 1 || t.filter((x) => x === Math.min(...t)).length > 1,
            );
            coverage.record([
              ...(big.length > 0 ? (["5+ judges"] as const) : []),
              ...(tiedEnds ? (["a tie for the highest or lowest of 5+"] as const) : []),
            ]);
            expect([...results.keys()].sort()).to.deep.equal([...groups.keys()].sort());
            for (const [entryId, group] of groups) {
              const tenths = group.map((g) => g.tenths);
              const ref = refMean(tenths, method === "trimmed");
              const got = results.get(entryId)!;
              expect(got.score).to.equal(ref.score);
              expect(got.rawScore).to.be.closeTo(ref.raw, 1e-9);
              expect(got.judges).to.equal(group.length);
              expect(got.kept.map((t) => Math.round(t * 10)).sort((a, b) => a - b)).to.deep.equal(ref.kept);
              if (method === "trimmed" && group.length >= 5) {
                expect(got.dropped!.highest.total).to.equal(Math.max(...tenths) / 10);
                expect(got.dropped!.lowest.total).to.equal(Math.min(...tenths) / 10);
                expect(got.dropped!.highest.judgeId).to.not.equal(got.dropped!.lowest.judgeId);
              } else {
                expect(got.dropped).to.equal(null);
              }
            }
          }),
          { numRuns: 500 },
        );
        coverage.showIn(this).expectAtLeast(0.3);
      });
    }

    it("zscore agrees with a plain floating-point reference", () => {
      fc.assert(
        fc.property(roundArb, (gen) => {
          const results = aggregateRound(toSheets(gen), "zscore");
          for (const [entryId, ref] of refZscore(gen)) {
            const got = results.get(entryId)!;
            expect(got.rawScore).to.be.closeTo(ref, 1e-9);
            // Away from a rounding half the float reference rounds the same way.
            const hundredths = ref * 100;
            if (Math.abs(hundredths - Math.floor(hundredths) - 0.5) > 1e-6) {
              expect(got.score).to.equal(Math.floor(hundredths + 0.5) / 100);
            }
          }
        }),
        { numRuns: 500 },
      );
    });

    it("zscore ordering ignores each judge's level and spread (a positive affine change per judge)", () => {
      const transforms = fc.array(fc.tuple(fc.constantFrom(1, 2, 3, 4, 6), fc.integer({ min: -20, max: 20 })), {
        minLength: 8,
        maxLength: 8,
      });
      fc.assert(
        fc.property(roundArb, transforms, (gen, perJudge) => {
          const before = aggregateRound(toSheets(gen), "zscore");
          // total' = (halves / 2) × total + shift, written in hundredths to stay exact.
          const changed = gen.map((g) => {
            const [halves, shift] = perJudge[g.judge];
            return {
              entryId: `e${g.entry}`,
              judgeId: `j${g.judge}`,
              total: (halves * g.tenths * 5 + shift * 100) / 100,
              scores: {},
            };
          });
          const after = aggregateRound(changed, "zscore");
          const ids = [...before.keys()];
          for (const a of ids) {
            for (const b of ids) {
              const d = before.get(a)!.rawScore - before.get(b)!.rawScore;
              if (Math.abs(d) < 1e-6) continue;
              const e = after.get(a)!.rawScore - after.get(b)!.rawScore;
              expect(Math.sign(e), `${a} vs ${b}`).to.equal(Math.sign(d));
            }
          }
        }),
        { numRuns: 300 },
      );
    });

    it("results do not depend on the order of the sheets", () => {
      fc.assert(
        fc.property(
          roundArb.chain((gen) =>
            fc.tuple(fc.constant(gen), fc.shuffledSubarray(gen, { minLength: gen.length, maxLength: gen.length })),
          ),
          fc.constantFrom<Aggregation>("trimmed", "mean", "zscore"),
          ([gen, shuffled], method) => {
            const a = aggregateRound(toSheets(gen), method);
            const b = aggregateRound(toSheets(shuffled), method);
            for (const [entryId, result] of a) {
              expect(b.get(entryId)!.score).to.equal(result.score);
              expect(b.get(entryId)!.rawScore).to.be.closeTo(result.rawScore, 1e-9);
              expect(b.get(entryId)!.dropped).to.deep.equal(result.dropped);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
