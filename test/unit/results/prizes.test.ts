import { expect } from "chai";
import fc from "fast-check";
import { DEFAULT_PRIZES, type PrizeSettings } from "../../../src/contests/prizes.js";
import { prizeCounts, prizeForRank, type Prize } from "../../../src/results/prizes.js";
import { rankEntries } from "../../../src/results/rank.js";
import { RunShares } from "./tie-coverage.js";

/** Reference: N × percent / 100 rounded half up, in integers. */
function refRoundShare(n: number, percent: number): number {
  const top = 2 * n * percent + 100;
  return (top - (top % 200)) / 200;
}

/** Reference boundaries for ratios given in whole percent. */
function refBoundaries(n: number, [p1, p2, p3]: [number, number, number]): [number, number, number] {
  return [refRoundShare(n, p1), refRoundShare(n, p1 + p2), refRoundShare(n, p1 + p2 + p3)].map((b) =>
    Math.min(b, n),
  ) as [number, number, number];
}

/** Each ranked entry's prize as computeResults awards it: prizeForRank under the boundaries for N = the entries ranked. */
function prizesByEntry(ranked: readonly { entryId: string; rank: number }[], rule: PrizeSettings): Map<string, Prize> {
  const counts = prizeCounts(rule, ranked.length);
  return new Map(ranked.map((r) => [r.entryId, prizeForRank(r.rank, counts)]));
}

/** Competition ranks for entries e0… from a list of scores: 1 + how many score strictly higher. */
function ranksFromScores(scores: number[]): { entryId: string; rank: number }[] {
  return scores.map((s, i) => ({ entryId: `e${i}`, rank: 1 + scores.filter((t) => t > s).length }));
}

const LEVEL: Record<Exclude<Prize, null>, number> = { first: 1, second: 2, third: 3 };
const level = (p: Prize) => (p === null ? 4 : LEVEL[p]);

const percentRule = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }))
  .map(([a, b, c]) => ({
    percents: [a, b, c] as [number, number, number],
    rule: { mode: "ratio", first: a / 100, second: b / 100, third: c / 100 } satisfies PrizeSettings,
  }));

describe("results/prizes", () => {
  describe("prizeCounts (worked examples, default ratios 0.1 / 0.2 / 0.3)", () => {
    const table: [number, [number, number, number], [number, number, number]][] = [
      // N: cumulative boundaries round(N × 0.1), round(N × 0.3), round(N × 0.6); per level
      [5, [1, 2, 3], [1, 1, 1]], //     0.5 → 1, 1.5 → 2, 3.0 → 3
      [17, [2, 5, 10], [2, 3, 5]], //   1.7 → 2, 5.1 → 5, 10.2 → 10
      [20, [2, 6, 12], [2, 4, 6]], //   2.0,      6.0,     12.0
      [24, [2, 7, 14], [2, 5, 7]], //   2.4 → 2,  7.2 → 7, 14.4 → 14
      [4, [0, 1, 2], [0, 1, 1]], //     0.4 → 0,  1.2 → 1,  2.4 → 2
      [0, [0, 0, 0], [0, 0, 0]],
    ];
    for (const [n, [first, second, third], perLevel] of table) {
      it(`N = ${n} → boundaries ${first}, ${second}, ${third}`, () => {
        expect(prizeCounts(DEFAULT_PRIZES, n)).to.deep.equal({
          first,
          second,
          third,
          perLevel: { first: perLevel[0], second: perLevel[1], third: perLevel[2] },
        });
      });
    }

    it("rounds the exact product, not the float one: 25 × 0.58 = 14.5 → 15", () => {
      // In floats 25 × 0.58 === 14.499999999999998, which Math.round takes to 14.
      expect(25 * 0.58).to.equal(14.499999999999998);
      expect(prizeCounts({ mode: "ratio", first: 0.58, second: 0, third: 0 }, 25).first).to.equal(15);
      // Cumulative ratios are summed exactly too: 0.1 + 0.2 is 0.3, not 0.30000000000000004.
      expect(prizeCounts({ mode: "ratio", first: 0.1, second: 0.2, third: 0.28 }, 25).third).to.equal(15);
    });

    it("count mode sums the counts cumulatively and caps them at N", () => {
      const rule: PrizeSettings = { mode: "count", first: 3, second: 5, third: 12 };
      expect(prizeCounts(rule, 30)).to.deep.equal({
        first: 3,
        second: 8,
        third: 20,
        perLevel: { first: 3, second: 5, third: 12 },
      });
      expect(prizeCounts(rule, 10)).to.deep.equal({
        first: 3,
        second: 8,
        third: 10,
        perLevel: { first: 3, second: 5, third: 2 },
      });
    });

    it("refuses negative or non-integer counts, ratios outside 0..1 and a bad N", () => {
      expect(() => prizeCounts({ mode: "count", first: -1, second: 0, third: 0 }, 5)).to.throw(RangeError);
      expect(() => prizeCounts({ mode: "count", first: 1.5, second: 0, third: 0 }, 5)).to.throw(RangeError);
      expect(() => prizeCounts({ mode: "ratio", first: 1.1, second: 0, third: 0 }, 5)).to.throw(RangeError);
      expect(() => prizeCounts({ mode: "ratio", first: Number.NaN, second: 0, third: 0 }, 5)).to.throw(RangeError);
      expect(() => prizeCounts(DEFAULT_PRIZES, -1)).to.throw(RangeError);
      expect(() => prizeCounts({ mode: "share" } as unknown as PrizeSettings, 5)).to.throw(RangeError);
    });
  });

  describe("prizeForRank under prizeCounts (worked examples)", () => {
    it("a full tie straddling the first/second boundary gives both entries the first prize", () => {
      // N = 10 → first boundary round(1.0) = 1, second round(3.0) = 3, third round(6.0) = 6.
      // A and B tie on score and every criterion → both rank 1 ≤ 1 → both first; C has rank 3 ≤ 3 → second.
      const tie = [
        { sum: 180, count: 5 },
        { sum: 140, count: 5 },
      ];
      const ranked = rankEntries([
        { entryId: "A", score: 92.5, criteria: tie },
        { entryId: "B", score: 92.5, criteria: tie },
        ...Array.from({ length: 8 }, (_, i) => ({ entryId: `E${i}`, score: 90 - i, criteria: tie })),
      ]);
      expect(ranked.slice(0, 3).map((r) => r.rank)).to.deep.equal([1, 1, 3]);
      const prizes = prizesByEntry(ranked, DEFAULT_PRIZES);
      expect(prizes.get("A")).to.equal("first");
      expect(prizes.get("B")).to.equal("first");
      expect(prizes.get("E0")).to.equal("second"); // rank 3
      expect(prizes.get("E1")).to.equal("third"); // rank 4
      expect(prizes.get("E3")).to.equal("third"); // rank 6
      expect(prizes.get("E4")).to.equal(null); // rank 7
    });

    it("a tie across the second/third boundary gives all tied entries the second prize", () => {
      // N = 10, boundaries 1 / 3 / 6; ranks 1, 2, 3, 3, 3, 6, … → the three entries at rank 3 are second.
      const prizes = prizesByEntry(ranksFromScores([99, 98, 97, 97, 97, 95, 94, 93, 92, 91]), DEFAULT_PRIZES);
      expect([...prizes.values()]).to.deep.equal([
        "first",
        "second",
        "second",
        "second",
        "second",
        "third",
        null,
        null,
        null,
        null,
      ]);
    });
  });

  describe("properties", () => {
    it("ratio boundaries agree with integer half-up rounding of N × percent", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 5000 }), percentRule, (n, { percents, rule }) => {
          const { first, second, third } = prizeCounts(rule, n);
          expect([first, second, third]).to.deep.equal(refBoundaries(n, percents));
        }),
        { numRuns: 2000 },
      );
    });

    it("boundaries are monotone: 0 ≤ first ≤ second ≤ third ≤ N, and never shrink as N grows", () => {
      const anyRule = fc.oneof(
        percentRule.map((r) => r.rule),
        fc
          .tuple(fc.nat(50), fc.nat(50), fc.nat(50))
          .map(([a, b, c]): PrizeSettings => ({ mode: "count", first: a, second: b, third: c })),
      );
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2000 }), anyRule, (n, rule) => {
          const c = prizeCounts(rule, n);
          const next = prizeCounts(rule, n + 1);
          expect(0 <= c.first && c.first <= c.second && c.second <= c.third && c.third <= n).to.equal(true);
          expect(c.perLevel.first + c.perLevel.second + c.perLevel.third).to.equal(c.third);
          expect(next.first >= c.first && next.second >= c.second && next.third >= c.third).to.equal(true);
        }),
        { numRuns: 2000 },
      );
    });

    it("boundary tie rule: prize by rank ≤ boundary, tied entries alike, better ranks never worse prizes", function () {
      // Lengths up to the maximum (fast-check's default size keeps arrays short): with 9 scores over
      // up to 40 entries, most runs have a shared rank across a prize boundary (measured below).
      const coverage = new RunShares(["a shared rank across a boundary"] as const);
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 40, size: "max" }),
          percentRule,
          (scores, { percents, rule }) => {
            const ranked = ranksFromScores(scores);
            const prizes = prizesByEntry(ranked, rule);
            const [b1, b2, b3] = refBoundaries(ranked.length, percents);
            // A rank shared by k entries spans places rank … rank + k − 1; it straddles b when rank ≤ b < its last place.
            const lastPlace = (rank: number) => rank + ranked.filter((x) => x.rank === rank).length - 1;
            const across = [b1, b2, b3].some((b) => ranked.some((r) => r.rank <= b && lastPlace(r.rank) > b));
            coverage.record(across ? ["a shared rank across a boundary"] : []);
            for (const { entryId, rank } of ranked) {
              const expected: Prize = rank <= b1 ? "first" : rank <= b2 ? "second" : rank <= b3 ? "third" : null;
              expect(prizes.get(entryId)).to.equal(expected);
            }
            // Collected, then asserted once: a chai assertion per pair is slow over 40 × 40 pairs.
            const wrong: string[] = [];
            for (const a of ranked) {
              for (const b of ranked) {
                if (a.rank === b.rank && prizes.get(a.entryId) !== prizes.get(b.entryId))
                  wrong.push(`${a.entryId} and ${b.entryId} share rank ${a.rank} but not the prize`);
                if (a.rank < b.rank && level(prizes.get(a.entryId)!) > level(prizes.get(b.entryId)!))
                  wrong.push(`${a.entryId} (rank ${a.rank}) has a worse prize than ${b.entryId} (rank ${b.rank})`);
              }
            }
            expect(wrong).to.deep.equal([]);
            // Ties only ever add prizes: at least `boundary` entries get that level or better.
            const atLeast = (l: number) => ranked.filter((r) => level(prizes.get(r.entryId)!) <= l).length;
            expect(atLeast(1)).to.be.at.least(b1);
            expect(atLeast(2)).to.be.at.least(b2);
            expect(atLeast(3)).to.be.at.least(b3);
          },
        ),
        { numRuns: 1000 },
      );
      coverage.showIn(this).expectAtLeast(0.3);
    });
  });
});
