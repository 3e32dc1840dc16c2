import { expect } from "chai";
import fc from "fast-check";
import { rankEntries, rankEntriesExact, type RankInput } from "../../../src/results/rank.js";
import { RunShares, TIE_KINDS, type TieKind } from "./tie-coverage.js";

function entry(entryId: string, score: number, ...criteria: [number, number][]): RankInput {
  return { entryId, score, criteria: criteria.map(([sum, count]) => ({ sum, count })) };
}

/**
 * Few distinct values so that ties on the score and on every criterion are common: three scores,
 * criterion means mostly 0.5 or 1 over 1 to 3 judges, sometimes another mean, sometimes nobody
 * scored the criterion. Half of the entries are twins of an earlier one: same score, the same first
 * `from` criterion means (as is, or over twice the judges: 2/2 and 1/1), the rest drawn afresh, so
 * ties decided by the 2nd criterion, by the 3rd and full ties all occur in most runs (measured by
 * RunShares in the properties).
 */
const criterionArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }))
      .map(([halves, count]) => ({ sum: (halves * count) / 2, count })),
  },
  // Any sum in halves: means like 1/3 and 5/6 that sit between the common ones.
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 3 }))
      .map(([halves, count]) => ({ sum: halves / 2, count })),
  },
  { weight: 1, arbitrary: fc.constant({ sum: 0, count: 0 }) },
);
const CRITERIA = 3;
const inputsArb = fc
  .uniqueArray(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 3 }),
      score: fc.constantFrom(80, 80.25, 80.5),
      criteria: fc.array(criterionArb, { minLength: CRITERIA, maxLength: CRITERIA }),
      twin: fc.option(fc.record({ of: fc.nat(), from: fc.integer({ min: 1, max: CRITERIA }), doubled: fc.boolean() }), {
        freq: 2,
      }),
    }),
    { selector: (r) => r.id, minLength: 2, maxLength: 12 },
  )
  .map((rows) => {
    const items: RankInput[] = [];
    for (const [i, r] of rows.entries()) {
      if (r.twin === null || i === 0) {
        items.push({ entryId: r.id, score: r.score, criteria: r.criteria });
        continue;
      }
      const { of, from, doubled } = r.twin;
      const base = items[of % i];
      const criteria = r.criteria.map((fresh, k) =>
        k >= from
          ? fresh
          : doubled
            ? { sum: base.criteria[k].sum * 2, count: base.criteria[k].count * 2 }
            : base.criteria[k],
      );
      items.push({ entryId: r.id, score: base.score, criteria });
    }
    return items;
  });

/** The tie kinds a run's items reach, by the reference over all pairs (not by the code under test). */
function tieKindsOfItems(items: readonly RankInput[]): TieKind[] {
  const kinds: TieKind[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const { order, criterion } = refCompare(items[i], items[j]);
      if (order === 0) kinds.push("full tie");
      else if (criterion === 1) kinds.push("2nd criterion");
      else if (criterion === 2) kinds.push("3rd criterion");
    }
  }
  return kinds;
}

/**
 * Reference order: >0 when a ranks ahead of b. Float means are safe here: sums are halves up to
 * ~10 and counts ≤ 3, so distinct means differ by ≥ 1/12, far above float error, and equal means
 * (1.5 / 3 and 0.5 / 1) divide to the same float, division being correctly rounded.
 */
function refCompare(a: RankInput, b: RankInput): { order: number; criterion: number | null } {
  if (a.score !== b.score) return { order: a.score > b.score ? 1 : -1, criterion: null };
  for (let i = 0; i < a.criteria.length; i++) {
    const ca = a.criteria[i];
    const cb = b.criteria[i];
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
      expect(ranked.map((r) => [r.entryId, r.rank])).to.deep.equal([
        ["A", 1],
        ["B", 2],
        ["C", 2],
        ["D", 4],
      ]);
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
      expect(ranked.map((r) => [r.entryId, r.rank, r.tieBrokenBy])).to.deep.equal([
        ["P", 1, null],
        ["Q", 2, 1],
      ]);
    });

    it("moves on to the third criterion when the first two means are equal", () => {
      // All 80.00. First: 160 / 5 = 32 and 128 / 4 = 32. Second: 120 / 5 = 24 and 96 / 4 = 24.
      // Third: U 118 / 5 = 23.6, V 96 / 4 = 24 → V ahead, broken by index 2; W leads on nothing
      // after its lower first mean (31) and is last, broken by index 0.
      const ranked = rankEntries([
        entry("U", 80, [160, 5], [120, 5], [118, 5]),
        entry("W", 80, [155, 5], [150, 5], [150, 5]),
        entry("V", 80, [128, 4], [96, 4], [96, 4]),
      ]);
      expect(ranked.map((r) => [r.entryId, r.rank, r.tieBrokenBy])).to.deep.equal([
        ["V", 1, null],
        ["U", 2, 2],
        ["W", 3, 0],
      ]);
    });

    it("means are taken over unequal numbers of judges: 170 / 5 = 34 beats 135 / 4 = 33.75", () => {
      const ranked = rankEntries([entry("four", 80, [135, 4]), entry("five", 80, [170, 5])]);
      expect(ranked.map((r) => r.entryId)).to.deep.equal(["five", "four"]);
    });

    it("entries still equal share a rank and are listed by entryId whatever the input order", () => {
      const items = [
        entry("b", 88, [36, 5], [27, 5]),
        entry("c", 90),
        entry("a", 88, [36, 5], [27, 5]),
        entry("d", 80),
      ];
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
      expect(ranked.map((r) => [r.entryId, r.rank])).to.deep.equal([
        ["zero", 1],
        ["none", 2],
      ]);
    });

    it("refuses duplicate entries, non-finite scores and bad counts", () => {
      expect(() => rankEntries([entry("a", 1), entry("a", 2)])).to.throw(RangeError);
      expect(() => rankEntries([entry("a", Number.NaN)])).to.throw(RangeError);
      expect(() => rankEntries([entry("a", 1, [1, 1.5])])).to.throw(RangeError);
      expect(rankEntries([])).to.deep.equal([]);
    });
  });

  // The fast path and the exact one, each against the reference above (not against each other,
  // which a bug they share would pass).
  for (const [name, rank] of [
    ["rankEntries", rankEntries],
    ["rankEntriesExact", rankEntriesExact],
  ] as const) {
    describe(`properties of ${name}`, () => {
      it("ranks are competition ranks: one more than the number of entries strictly ahead", function () {
        const coverage = new RunShares(TIE_KINDS);
        fc.assert(
          fc.property(inputsArb, (items) => {
            coverage.record(tieKindsOfItems(items));
            const ranked = rank(items);
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
        coverage.showIn(this).expectAtLeast(0.3);
      });

      it("the output is ordered by the key, full ties by entryId, and tieBrokenBy names the deciding criterion", function () {
        const coverage = new RunShares(TIE_KINDS);
        fc.assert(
          fc.property(inputsArb, (items) => {
            coverage.record(tieKindsOfItems(items));
            const ranked = rank(items);
            const byId = new Map(items.map((i) => [i.entryId, i]));
            for (let i = 1; i < ranked.length; i++) {
              const above = byId.get(ranked[i - 1].entryId)!;
              const me = byId.get(ranked[i].entryId)!;
              const { order, criterion } = refCompare(above, me);
              expect(order).to.be.at.least(0);
              if (order === 0) expect(above.entryId < me.entryId).to.equal(true);
              expect(ranked[i].rank).to.be.at.least(ranked[i - 1].rank);
              expect(ranked[i].tieBrokenBy).to.equal(above.score === me.score ? criterion : null);
            }
            if (ranked.length > 0) expect(ranked[0].tieBrokenBy).to.equal(null);
          }),
          { numRuns: 1000 },
        );
        coverage.showIn(this).expectAtLeast(0.3);
      });
    });
  }

  describe("properties", () => {
    it("the result does not depend on the input order", () => {
      fc.assert(
        fc.property(
          inputsArb.chain((items) =>
            fc.tuple(
              fc.constant(items),
              fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
            ),
          ),
          ([items, shuffled]) => {
            expect(rankEntries(shuffled)).to.deep.equal(rankEntries(items));
          },
        ),
        { numRuns: 500 },
      );
    });
  });
});
