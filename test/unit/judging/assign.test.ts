import { expect } from "chai";
import fc from "fast-check";
import { assignJudges, type AssignInput } from "../../../src/judging/assign.js";
import { mulberry32 } from "../../../src/judging/assign/prng.js";
import { expectValid, instances, toInput, type Instance } from "./assign.instances.js";
import { bruteForceOptimum, hasNoImprovingCycle, referenceOptimum } from "./assign.reference.js";

describe("judging/assign", () => {
  describe("properties on small instances, against exhaustive search", () => {
    it("the exhaustive reference agrees with plain enumeration (checking the checker)", () => {
      fc.assert(
        fc.property(instances(4, 5), (instance) => {
          expect(referenceOptimum(toInput(instance))).to.deep.equal(bruteForceOptimum(toInput(instance)));
        }),
        { numRuns: 150 },
      );
    });

    it("answers ok:false exactly when no assignment exists, naming the entries with too few eligible judges", () => {
      fc.assert(
        fc.property(instances(8, 6), (instance) => {
          const input = toInput(instance);
          const result = assignJudges(input);
          const reference = referenceOptimum(input);
          expect(result.ok).to.equal(reference.feasible);
          if (!result.ok) {
            const short = input.entries
              .map((entry, e) => ({
                entryId: entry.id,
                eligible: input.judges.filter((_, j) => !input.isConflict(e, j)).length,
              }))
              .filter((problem) => problem.eligible < input.judgesPerEntry);
            expect(result.problems).to.deep.equal(short);
            expect(result.reason).to.equal(
              input.judges.length < input.judgesPerEntry ? "too_few_judges" : "too_few_eligible",
            );
          }
        }),
        { numRuns: 300 },
      );
    });

    it("gives k distinct non-conflicting judges per entry, minimal spread and minimal mismatches", () => {
      fc.assert(
        fc.property(instances(8, 6), (instance) => {
          const input = toInput(instance);
          const result = assignJudges(input);
          const reference = referenceOptimum(input);
          if (!reference.feasible) return;
          expectValid(input, result);
          if (!result.ok) return;
          expect(result.maxLoad - result.minLoad, "spread").to.equal(reference.spread);
          expect(result.mismatches, "mismatches").to.equal(reference.mismatches);
        }),
        { numRuns: 400 },
      );
    });

    it("keeps every load within ⌊m⌋..⌈m⌉ whenever some assignment does", () => {
      fc.assert(
        fc.property(instances(8, 6), (instance) => {
          const input = toInput(instance);
          const reference = referenceOptimum(input);
          if (!reference.balancedExists) return;
          const result = assignJudges(input);
          if (!result.ok) throw new Error("expected ok");
          const mean = (input.entries.length * input.judgesPerEntry) / input.judges.length;
          for (const load of Object.values(result.loads)) {
            expect(load).to.be.within(Math.floor(mean), Math.ceil(mean));
          }
        }),
        { numRuns: 300 },
      );
    });

    it("gives the same result for the same input and seed", () => {
      fc.assert(
        fc.property(instances(8, 6), (instance) => {
          expect(assignJudges(toInput(instance))).to.deep.equal(assignJudges(toInput(instance)));
        }),
        { numRuns: 200 },
      );
    });

    it("stays optimal whatever the seed", () => {
      fc.assert(
        fc.property(instances(6, 5), fc.array(fc.integer(), { minLength: 3, maxLength: 3 }), (instance, seeds) => {
          const reference = referenceOptimum(toInput(instance));
          if (!reference.feasible) return;
          for (const seed of seeds) {
            const input = toInput({ ...instance, seed });
            const result = assignJudges(input);
            expectValid(input, result);
            if (result.ok) expect(result.mismatches).to.equal(reference.mismatches);
          }
        }),
        { numRuns: 100 },
      );
    });
  });

  describe("properties on medium instances, against the min-cost-flow certificate", () => {
    it("admits no cycle of swaps that lowers mismatches within the loads it chose", () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 5 }), (seed, k) => {
          const random = mulberry32(seed);
          const n = 20 + Math.floor(random() * 60);
          const p = k + Math.floor(random() * 15);
          const themes = ["a", "b", "c", "d"];
          const conflictRate = random() * 0.3;
          const instance: Instance = {
            themes: Array.from({ length: n }, () => (random() < 0.1 ? null : themes[Math.floor(random() * 4)])),
            // Few experts in "a" and many entries in "a" force mismatches.
            expertise: Array.from({ length: p }, () =>
              themes.filter((theme) => random() < (theme === "a" ? 0.1 : 0.4)),
            ),
            judgesPerEntry: k,
            conflicts: Array.from({ length: n }, () => Array.from({ length: p }, () => random() < conflictRate)),
            seed,
          };
          const input = toInput(instance);
          const result = assignJudges(input);
          if (!result.ok) return;
          const chosen = expectValid(input, result);
          expect(hasNoImprovingCycle(input, chosen, result.minLoad, result.maxLoad)).to.equal(true);
        }),
        { numRuns: 60 },
      );
    });
  });

  describe("examples", () => {
    it("when taking the first matching judge would force a mismatch, it finds the assignment with none", () => {
      // Greedy in entry order gives the biology entry Wang (the first judge who knows biology),
      // which leaves the physics entry only Li, who knows no physics: one mismatch. The optimum
      // gives biology to Li and physics to Wang: none.
      const input: AssignInput = {
        entries: [
          { id: "bio-entry", theme: "biology" },
          { id: "phys-entry", theme: "physics" },
        ],
        judges: [
          { id: "wang", expertise: ["biology", "physics"] },
          { id: "li", expertise: ["biology"] },
        ],
        judgesPerEntry: 1,
        isConflict: () => false,
      };
      const result = assignJudges(input);
      expect(result).to.deep.equal({
        ok: true,
        pairs: [
          { entryId: "bio-entry", judgeId: "li" },
          { entryId: "phys-entry", judgeId: "wang" },
        ],
        loads: { wang: 1, li: 1 },
        mismatches: 0,
        minLoad: 1,
        maxLoad: 1,
      });
    });

    it("when balance and expertise pull apart, balance wins and mismatches are then minimal", () => {
      // Three physics entries, k = 1: only Wang knows physics, but loads must be 1 each.
      const input: AssignInput = {
        entries: [
          { id: "p1", theme: "physics" },
          { id: "p2", theme: "physics" },
          { id: "p3", theme: "physics" },
        ],
        judges: [
          { id: "wang", expertise: ["physics"] },
          { id: "li", expertise: [] },
          { id: "zhao", expertise: ["chemistry"] },
        ],
        judgesPerEntry: 1,
        isConflict: () => false,
      };
      const result = assignJudges(input);
      expectValid(input, result);
      expect(result).to.include({ ok: true, mismatches: 2, minLoad: 1, maxLoad: 1 });
    });

    it("when conflicts make even loads impossible, it minimizes the spread", () => {
      // Judge "busy" conflicts with every entry but one; 4 entries × k 1 over 2 judges (m = 2).
      const input: AssignInput = {
        entries: ["a", "b", "c", "d"].map((id) => ({ id, theme: null })),
        judges: [
          { id: "free", expertise: [] },
          { id: "busy", expertise: [] },
        ],
        judgesPerEntry: 1,
        isConflict: (e, j) => j === 1 && e > 0,
      };
      const result = assignJudges(input);
      expectValid(input, result);
      expect(result).to.include({ ok: true, minLoad: 1, maxLoad: 3 });
    });

    it("when an entry has too few eligible judges, it answers too_few_eligible naming it", () => {
      const input: AssignInput = {
        entries: [
          { id: "ok-entry", theme: "x" },
          { id: "same-unit-entry", theme: "x" },
          { id: "author-entry", theme: null },
        ],
        judges: [
          { id: "j1", expertise: ["x"] },
          { id: "j2", expertise: [] },
          { id: "j3", expertise: [] },
        ],
        judgesPerEntry: 2,
        isConflict: (e, j) => (e === 1 && j !== 0) || (e === 2 && j === 2) || (e === 2 && j === 1),
      };
      expect(assignJudges(input)).to.deep.equal({
        ok: false,
        reason: "too_few_eligible",
        problems: [
          { entryId: "same-unit-entry", eligible: 1 },
          { entryId: "author-entry", eligible: 1 },
        ],
      });
    });

    it("when the pool has fewer judges than judgesPerEntry, it answers too_few_judges", () => {
      const input: AssignInput = {
        entries: [{ id: "e1", theme: null }],
        judges: [{ id: "j1", expertise: [] }],
        judgesPerEntry: 3,
        isConflict: () => false,
      };
      expect(assignJudges(input)).to.deep.equal({
        ok: false,
        reason: "too_few_judges",
        problems: [{ entryId: "e1", eligible: 1 }],
      });
    });

    it("with no entries, every judge has load 0", () => {
      const result = assignJudges({
        entries: [],
        judges: [{ id: "j1", expertise: [] }],
        judgesPerEntry: 5,
        isConflict: () => false,
      });
      expect(result).to.deep.equal({ ok: true, pairs: [], loads: { j1: 0 }, mismatches: 0, minLoad: 0, maxLoad: 0 });
    });

    it("rejects a judgesPerEntry that is not a positive integer, and duplicate ids", () => {
      const base: AssignInput = {
        entries: [{ id: "e1", theme: null }],
        judges: [{ id: "j1", expertise: [] }],
        judgesPerEntry: 1,
        isConflict: () => false,
      };
      expect(() => assignJudges({ ...base, judgesPerEntry: 0 })).to.throw(RangeError);
      expect(() => assignJudges({ ...base, judgesPerEntry: 1.5 })).to.throw(RangeError);
      expect(() => assignJudges({ ...base, entries: [...base.entries, ...base.entries] })).to.throw(RangeError);
      expect(() => assignJudges({ ...base, judges: [...base.judges, ...base.judges] })).to.throw(RangeError);
    });

    it("different seeds pick different optimal assignments, each reproducible", () => {
      const input = (seed: number | string): AssignInput => ({
        entries: Array.from({ length: 6 }, (_, e) => ({ id: `e${e}`, theme: null })),
        judges: Array.from({ length: 6 }, (_, j) => ({ id: `j${j}`, expertise: [] })),
        judgesPerEntry: 2,
        isConflict: () => false,
        seed,
      });
      const outcomes = new Set<string>();
      for (const seed of [0, 1, 2, 3, 4, 5, 6, 7, "spring", "autumn"]) {
        const result = assignJudges(input(seed));
        expect(result).to.deep.equal(assignJudges(input(seed)));
        expect(result).to.include({ ok: true, minLoad: 2, maxLoad: 2 });
        outcomes.add(JSON.stringify(result));
      }
      expect(outcomes.size).to.be.greaterThan(1);
    });

    it("handles 2,000 entries × 100 judges × k 5 with conflicts and keeps loads even", function () {
      this.timeout(30_000);
      const random = mulberry32(7);
      const themes = ["a", "b", "c", "d", "e", "f"];
      const n = 2000;
      const p = 100;
      const conflicts = Array.from({ length: n }, () => Array.from({ length: p }, () => random() < 0.05));
      const input: AssignInput = {
        entries: Array.from({ length: n }, (_, e) => ({ id: `e${e}`, theme: themes[Math.floor(random() ** 2 * 6)] })),
        judges: Array.from({ length: p }, (_, j) => ({
          id: `j${j}`,
          expertise: themes.filter(() => random() < 0.3),
        })),
        judgesPerEntry: 5,
        isConflict: (e, j) => conflicts[e][j],
      };
      const result = assignJudges(input);
      expectValid(input, result);
      expect(result).to.include({ ok: true, minLoad: 100, maxLoad: 100 });
    });
  });
});
