import { expect } from "chai";
import fc from "fast-check";
import { assignJudges, assignPartially, type AssignInput } from "../../../src/judging/assign.js";
import { mulberry32 } from "../../../src/judging/assign/prng.js";
import { eligibleCounts, expectValid, instances, partialSizes, toInput, type Instance } from "./assign.instances.js";
import { bruteForceOptimum, hasNoImprovingCycle, referenceOptimum } from "./assign.reference.js";

describe("judging/assign, partial mode (assign everything else, flag the short)", () => {
  it("the exhaustive reference agrees with plain enumeration in partial mode (checking the checker)", () => {
    fc.assert(
      fc.property(instances(4, 5), (instance) => {
        const input = toInput(instance);
        expect(referenceOptimum(input, { partial: true })).to.deep.equal(bruteForceOptimum(input, { partial: true }));
      }),
      { numRuns: 150 },
    );
  });

  it("gives every entry min(k, eligible) judges, names the short ones, with minimal spread and mismatches", () => {
    let blockedRuns = 0;
    fc.assert(
      fc.property(instances(8, 6), (instance) => {
        const input = toInput(instance);
        const result = assignPartially(input);
        const reference = referenceOptimum(input, { partial: true });
        expect(reference.feasible).to.equal(true);
        expectValid(input, result, partialSizes(input));
        const short = eligibleCounts(input)
          .map((eligible, e) => ({ entryId: input.entries[e].id, eligible }))
          .filter((problem) => problem.eligible < input.judgesPerEntry);
        expect(result.short).to.deep.equal(short);
        if (short.length > 0) blockedRuns++;
        expect(result.maxLoad - result.minLoad, "spread").to.equal(reference.spread);
        expect(result.mismatches, "mismatches").to.equal(reference.mismatches);
      }),
      { numRuns: 400 },
    );
    // The generator must reach blocked entries often, or the property says little about them.
    expect(blockedRuns, "runs with a short entry").to.be.greaterThan(100);
  });

  it("keeps every load within ⌊m⌋..⌈m⌉ (m = pairs to give ÷ judges) whenever some assignment does", () => {
    fc.assert(
      fc.property(instances(8, 6), (instance) => {
        const input = toInput(instance);
        const reference = referenceOptimum(input, { partial: true });
        if (!reference.balancedExists) return;
        const result = assignPartially(input);
        const mean = partialSizes(input).reduce((a, b) => a + b, 0) / input.judges.length;
        for (const load of Object.values(result.loads)) {
          expect(load).to.be.within(Math.floor(mean), Math.ceil(mean));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("where the full assignment exists, gives exactly it and flags nothing", () => {
    fc.assert(
      fc.property(instances(8, 6), (instance) => {
        const input = toInput(instance);
        const full = assignJudges(input);
        if (!full.ok) return;
        expect(assignPartially(input)).to.deep.equal({ ...full, short: [] });
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same result for the same input and seed", () => {
    fc.assert(
      fc.property(instances(8, 6), (instance) => {
        expect(assignPartially(toInput(instance))).to.deep.equal(assignPartially(toInput(instance)));
      }),
      { numRuns: 100 },
    );
  });

  it("admits no cycle of swaps that lowers mismatches within its loads, on medium instances with blocked entries", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 2, max: 5 }), (seed, k) => {
        const random = mulberry32(seed);
        const n = 20 + Math.floor(random() * 60);
        const p = k + Math.floor(random() * 10);
        const themes = ["a", "b", "c"];
        // A few entries conflict with nearly every judge (a big unit, say): they are the blocked ones.
        const instance: Instance = {
          themes: Array.from({ length: n }, () => themes[Math.floor(random() * 3)]),
          expertise: Array.from({ length: p }, () => themes.filter(() => random() < 0.4)),
          judgesPerEntry: k,
          conflicts: Array.from({ length: n }, () => {
            const rate = random() < 0.15 ? 0.9 : 0.1;
            return Array.from({ length: p }, () => random() < rate);
          }),
          seed,
        };
        const input = toInput(instance);
        const result = assignPartially(input);
        const chosen = expectValid(input, result, partialSizes(input));
        expect(hasNoImprovingCycle(input, chosen, result.minLoad, result.maxLoad)).to.equal(true);
      }),
      { numRuns: 60 },
    );
  });

  it("an entry of the judges' own unit gets the one judge it may have; the others their full two", () => {
    // Judges Li and Zhao work at the unit of entry "same-unit": only Wang may judge it.
    const input: AssignInput = {
      entries: [
        { id: "free-1", theme: null },
        { id: "same-unit", theme: null },
        { id: "free-2", theme: null },
      ],
      judges: [
        { id: "wang", expertise: [] },
        { id: "li", expertise: [] },
        { id: "zhao", expertise: [] },
      ],
      judgesPerEntry: 2,
      isConflict: (e, j) => e === 1 && j > 0,
    };
    expect(assignJudges(input)).to.include({ ok: false, reason: "too_few_eligible" });
    const result = assignPartially(input);
    expectValid(input, result, [2, 1, 2]);
    expect(result.short).to.deep.equal([{ entryId: "same-unit", eligible: 1 }]);
    expect(result.pairs.filter((pair) => pair.entryId === "same-unit")).to.deep.equal([
      { entryId: "same-unit", judgeId: "wang" },
    ]);
    // 5 pairs over 3 judges: loads 1..2, and Wang's 1 is the entry only he may judge.
    expect(result).to.include({ minLoad: 1, maxLoad: 2 });
  });

  it("with fewer judges than judgesPerEntry, every entry gets every judge it may have", () => {
    const input: AssignInput = {
      entries: [
        { id: "e1", theme: null },
        { id: "e2", theme: null },
      ],
      judges: [
        { id: "j1", expertise: [] },
        { id: "j2", expertise: [] },
      ],
      judgesPerEntry: 5,
      isConflict: (e, j) => e === 1 && j === 1,
    };
    const result = assignPartially(input);
    expectValid(input, result, [2, 1]);
    expect(result.short).to.deep.equal([
      { entryId: "e1", eligible: 2 },
      { entryId: "e2", eligible: 1 },
    ]);
  });

  it("with an empty pool, nothing is assigned and every entry is short by all its judges", () => {
    const result = assignPartially({
      entries: [{ id: "e1", theme: "a" }],
      judges: [],
      judgesPerEntry: 3,
      isConflict: () => false,
    });
    expect(result).to.deep.equal({
      ok: true,
      pairs: [],
      loads: {},
      mismatches: 0,
      minLoad: 0,
      maxLoad: 0,
      short: [{ entryId: "e1", eligible: 0 }],
    });
  });
});
