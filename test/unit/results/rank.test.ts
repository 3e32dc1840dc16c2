import { expect } from "chai";
import fc from "fast-check";
import { rankEntries, type RankInput } from "../../../src/results/rank.js";

function entry(entryId: string, score: number, ...criteria: [number, number][]): RankInput {
  return { entryId, score, criteria: criteria.map(([sum, count]) => ({ sum, count })) };
}

/** Few distinct values so that ties on score and on criteria are common. */
const inputsArb = fc
  .uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 3 }),
      score: fc.integer({ min: 0, max: 4 }).map((i) => 80 + i * 0.25),
      criteria: fc.array(
        fc.oneof(
          // A mean in halves times the count: equal means over different counts are common.
          fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3 })).map(([halves, count]) => ({ sum: (halves * count) / 2, count })),
          // Any sum in halves.
          fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 3 })).map(([halves, count]) => ({ sum: halves / 2, count })),
        ),
        { minLength: 2, maxLength: 2 },
      ),
    }),
    { selector: (r) => r.id, maxLength: 12 },
  )
  .map((rows) => rows.map((r): RankInput => ({ entryId: r.id, score: r.score, criteria: r.criteria })));

/**
 * Reference order: >0 when a ranks ahead of b. Float means are safe here: sums are halves up to
 * ~10 and counts ≤ 3, so distinct means differ by ≥ 1/12, far above float error.
 */
function refCompare(a: RankInput, b: RankInput): { order: number; criterion: number | null } {
  if (a.score !== b.score) return { order: a.score > b.score ? 1 : -1, criterion: null };
  for (let i = 0; i < a.criteria.length; i++) {
    const ca = a.criteria[i]!;
    const cb = b.criteria[i]!;
    // No scores at all sorts after any mean.
    const ma = ca.count === 0 ? Number.NEGATIVE_INFINITY : ca.sum / ca.count;
    const mb = cb.count === 0 ? Number.NEGATIVE_INFINITY : cb.sum / cb.count;
    if (ma !== mb) return { order: ma > mb ? 1 : -1, criterion: i };
  }
  return { order: 0, criterion: null };
}

describe("results/rank", () => {
  describe("worked examples", () => {
    it("orders by score and gives standard competition ranks (1, 2, 2, 4)", () => {
      const ranked = rankEntries([
        entry("D", 70, [30, 5]),
        entry("B", 85, [35, 5]),
        entry("A", 90, [38, 5]),
        entry("C", 85, [35, 5]),
      ]);
      expect(ranked.map((r) => [r.entryId, r.rank])).to.deep.equal([["A", 1], ["B", 2], ["C", 2], ["D", 4]]);
      expect(ranked.map((r) => r.tiedWith)).to.deep.equal([[], ["C"], ["B"], []]);
      expect(ranked.map((r) => r.tieBrokenBy)).to.deep.equal([null, null, null, null]);
    });

    it("breaks a tie on the final score by the first criterion's mean", () => {
      // Both 85.00. First criterion: X 182 / 5 = 36.4, Y 180 / 5 = 36.0 → X first, broken by index 0.
      // Y leads on the second criterion, which does not matter.
      const ranked = rankEntries([entry("Y", 85, [180, 5], [140, 5]), entry("X", 85, [182, 5], [120, 5])]);
      expect(ranked).to.deep.equal([
        { entryId: "X", rank: 1, tieBrokenBy: null, tiedWith: [] },
        { entryId: "Y", rank: 2, tieBrokenBy: 0, tiedWith: [] },
      ]);
    });

    it("moves on to the second criterion when the first means are equal, comparing them exactly", () => {
      // First criterion: P 0.3 / 3 = 0.1, Q 0.1 / 1 = 0.1: equal (in floats 0.3 / 3 is 0.09999999999999999).
      // Second: P 90 / 3 = 30, Q 29 / 1 = 29 → P ahead, broken by index 1.
      expect(0.3 / 3).to.not.equal(0.1 / 1);
      const ranked = rankEntries([entry("Q", 85.5, [0.1, 1], [29, 1]), entry("P", 85.5, [0.3, 3], [90, 3])]);
      expect(ranked.map((r) => [r.entryId, r.rank, r.tieBrokenBy])).to.deep.equal([["P", 1, null], ["Q", 2, 1]]);
    });

    it("means are taken over unequal numbers of judges: 170 / 5 = 34 beats 135 / 4 = 33.75", () => {
      const ranked = rankEntries([entry("four", 80, [135, 4]), entry("five", 80, [170, 5])]);
      expect(ranked.map((r) => r.entryId)).to.deep.equal(["five", "four"]);
    });

    it("entries still equal share a rank and are listed by entryId whatever the input order", () => {
      const items = [entry("b", 88, [36, 5], [27, 5]), entry("c", 90), entry("a", 88, [36, 5], [27, 5]), entry("d", 80)];
      const ranked = rankEntries(items);
      expect(ranked.map((r) => [r.entryId, r.rank, r.tiedWith])).to.deep.equal([
        ["c", 1, []],
        ["a", 2, ["b"]],
        ["b", 2, ["a"]],
        ["d", 4, []],
      ]);
      expect(rankEntries([...items].reverse())).to.deep.equal(ranked);
    });

    it("a criterion nobody scored sorts after any mean", () => {
      const ranked = rankEntries([entry("none", 80, [0, 0]), entry("zero", 80, [0, 4])]);
      expect(ranked.map((r) => [r.entryId, r.rank])).to.deep.equal([["zero", 1], ["none", 2]]);
    });

    it("refuses duplicate entries, non-finite scores and bad counts", () => {
      expect(() => rankEntries([entry("a", 1), entry("a", 2)])).to.throw(RangeError);
      expect(() => rankEntries([entry("a", Number.NaN)])).to.throw(RangeError);
      expect(() => rankEntries([entry("a", 1, [1, 1.5])])).to.throw(RangeError);
      expect(rankEntries([])).to.deep.equal([]);
    });
  });

  describe("properties", () => {
    it("ranks are competition ranks: one more than the number of entries strictly ahead", () => {
      fc.assert(
        fc.property(inputsArb, (items) => {
          const ranked = rankEntries(items);
          expect(ranked.map((r) => r.entryId).sort()).to.deep.equal(items.map((i) => i.entryId).sort());
          const byId = new Map(items.map((i) => [i.entryId, i]));
          for (const r of ranked) {
            const me = byId.get(r.entryId)!;
            const ahead = items.filter((other) => refCompare(other, me).order > 0).length;
            expect(r.rank).to.equal(ahead + 1);
            const tied = items.filter((o) => o !== me && refCompare(o, me).order === 0).map((o) => o.entryId);
            expect([...r.tiedWith].sort()).to.deep.equal(tied.sort());
          }
        }),
        { numRuns: 1000 },
      );
    });

    it("the output is ordered by the key, full ties by entryId, and tieBrokenBy names the deciding criterion", () => {
      fc.assert(
        fc.property(inputsArb, (items) => {
          const ranked = rankEntries(items);
          const byId = new Map(items.map((i) => [i.entryId, i]));
          for (let i = 1; i < ranked.length; i++) {
            const above = byId.get(ranked[i - 1]!.entryId)!;
            const me = byId.get(ranked[i]!.entryId)!;
            const { order, criterion } = refCompare(above, me);
            expect(order).to.be.at.least(0);
            if (order === 0) expect(above.entryId < me.entryId).to.equal(true);
            expect(ranked[i]!.rank).to.be.at.least(ranked[i - 1]!.rank);
            expect(ranked[i]!.tieBrokenBy).to.equal(above.score === me.score ? criterion : null);
          }
          if (ranked.length > 0) expect(ranked[0]!.tieBrokenBy).to.equal(null);
        }),
        { numRuns: 1000 },
      );
    });

    it("the result does not depend on the input order", () => {
      fc.assert(
        fc.property(
          inputsArb.chain((items) => fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }))),
          ([items, shuffled]) => {
            expect(rankEntries(shuffled)).to.deep.equal(rankEntries(items));
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
