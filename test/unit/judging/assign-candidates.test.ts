import { expect } from "chai";
import fc from "fast-check";
import { assignJudges, assignPartially } from "../../../src/judging/assign.js";
import { candidateGraph, ExtraPairs, type FlowInstance } from "../../../src/judging/assign/candidates.js";
import { mulberry32 } from "../../../src/judging/assign/prng.js";
import type { SolveTuning } from "../../../src/judging/assign/solve.js";
import { expectValid, instances, partialSizes, toInput, type Instance } from "./assign.instances.js";
import { hasNoImprovingCycle, referenceOptimum } from "./assign.reference.js";

// The thinnest candidate networks there are: k candidates per entry, one pair added per class when
// the certificate fails. Small instances then go through every path of the candidate solver
// (widening when loads cannot balance, pricing rounds, and the final network of all pairs).
const THIN: SolveTuning = { candidatesPerDemand: 1, pairsPerClass: 1 };

describe("judging/assign on candidate pairs, proven optimal over all pairs", () => {
  it("on the thinnest candidates, gives the exhaustive optimum: spread, then mismatches", () => {
    fc.assert(
      fc.property(instances(8, 6), (instance) => {
        const input = toInput(instance);
        const result = assignJudges(input, THIN);
        const reference = referenceOptimum(input);
        expect(result.ok).to.equal(reference.feasible);
        if (!result.ok) {
          expect(result).to.deep.equal(assignJudges(input));
          return;
        }
        expectValid(input, result);
        expect(result.maxLoad - result.minLoad, "spread").to.equal(reference.spread);
        expect(result.mismatches, "mismatches").to.equal(reference.mismatches);
      }),
      { numRuns: 400 },
    );
  });

  it("in partial mode too, and reports the same short entries", () => {
    fc.assert(
      fc.property(instances(8, 6), (instance) => {
        const input = toInput(instance);
        const result = assignPartially(input, THIN);
        const reference = referenceOptimum(input, { partial: true });
        expect(result.short).to.deep.equal(assignPartially(input).short);
        expect(result.maxLoad - result.minLoad, "spread").to.equal(reference.spread);
        expect(result.mismatches, "mismatches").to.equal(reference.mismatches);
      }),
      { numRuns: 300 },
    );
  });

  it("on medium instances, thin candidates and all pairs give the same optimum, each with its certificate", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 5 }), (seed, k) => {
        const random = mulberry32(seed);
        // Many more judges than the k × 1 candidates an entry starts with, so pricing has pairs to find.
        const n = 20 + Math.floor(random() * 60);
        const p = k + 5 + Math.floor(random() * 25);
        const themes = ["a", "b", "c", "d"];
        const conflictRate = random() * 0.3;
        const instance: Instance = {
          themes: Array.from({ length: n }, () => (random() < 0.1 ? null : themes[Math.floor(random() ** 2 * 4)])),
          expertise: Array.from({ length: p }, () => themes.filter((theme) => random() < (theme === "a" ? 0.1 : 0.4))),
          judgesPerEntry: k,
          conflicts: Array.from({ length: n }, () => Array.from({ length: p }, () => random() < conflictRate)),
          seed,
        };
        const input = toInput(instance);
        const thin = assignPartially(input, THIN);
        // Default tuning holds every eligible pair at this size: the plain solver.
        const whole = assignPartially(input);
        const chosen = expectValid(input, thin, partialSizes(input));
        expect(hasNoImprovingCycle(input, chosen, thin.minLoad, thin.maxLoad)).to.equal(true);
        expect(thin.maxLoad - thin.minLoad, "spread").to.equal(whole.maxLoad - whole.minLoad);
        expect(thin.mismatches, "mismatches").to.equal(whole.mismatches);
      }),
      { numRuns: 60 },
    );
  });

  it("gives the same result for the same input, seed and tuning", () => {
    fc.assert(
      fc.property(instances(8, 6), (instance) => {
        expect(assignPartially(toInput(instance), THIN)).to.deep.equal(assignPartially(toInput(instance), THIN));
      }),
      { numRuns: 100 },
    );
  });

  describe("the candidate network", () => {
    /** A random instance in internal form, with its conflicts as a matrix for checking. */
    const flowInstances = fc
      .record({
        n: fc.integer({ min: 0, max: 12 }),
        p: fc.integer({ min: 0, max: 10 }),
        themeCount: fc.integer({ min: 0, max: 3 }),
        seed: fc.integer(),
      })
      .map(({ n, p, themeCount, seed }) => {
        const random = mulberry32(seed);
        const conflict = Array.from({ length: n }, () => Array.from({ length: p }, () => random() < 0.3));
        const conflictJudge: number[] = [];
        const conflictStart = new Int32Array(n + 1);
        conflict.forEach((row, i) => {
          row.forEach((yes, j) => yes && conflictJudge.push(j));
          conflictStart[i + 1] = conflictJudge.length;
        });
        const instance: FlowInstance = {
          entryCount: n,
          judgeCount: p,
          themeCount,
          entryTheme: Int32Array.from({ length: n }, () => Math.floor(random() * (themeCount + 1)) - 1),
          knows: Uint8Array.from({ length: p * themeCount }, () => (random() < 0.4 ? 1 : 0)),
          conflictStart,
          conflictJudge: Int32Array.from(conflictJudge),
          demand: new Int32Array(n),
        };
        return { instance, conflict, random };
      });

    it("holds eligible pairs only, each once, ascending, with the right costs; all of them when few or when full", () => {
      fc.assert(
        fc.property(flowInstances, fc.integer({ min: 1, max: 6 }), ({ instance, conflict, random }, perEntry) => {
          const { entryCount: n, judgeCount: p, themeCount, entryTheme, knows } = instance;
          const extra = new ExtraPairs();
          const wanted = new Set<string>();
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < p; j++) {
              if (!conflict[i][j] && random() < 0.1) {
                extra.add(i, j);
                wanted.add(`${i}/${j}`);
              }
            }
          }
          const { graph, full } = candidateGraph(instance, perEntry, extra);
          let everyEntryWhole = true;
          let everyEntryFew = true;
          for (let i = 0; i < n; i++) {
            const judges = [...graph.edgeJudge.subarray(graph.entryStart[i], graph.entryStart[i + 1])];
            const eligible = conflict[i].flatMap((yes, j) => (yes ? [] : [j]));
            expect(judges, "ascending, once each").to.deep.equal([...new Set(judges)].sort((a, b) => a - b));
            for (const j of judges) expect(conflict[i][j], `${i}/${j} conflicts`).to.equal(false);
            if (eligible.length <= perEntry) expect(judges).to.deep.equal(eligible);
            else expect(judges.length).to.be.at.least(perEntry);
            for (const j of eligible) if (wanted.has(`${i}/${j}`)) expect(judges).to.include(j);
            everyEntryWhole &&= judges.length === eligible.length;
            everyEntryFew &&= eligible.length <= perEntry;
            for (let e = graph.entryStart[i]; e < graph.entryStart[i + 1]; e++) {
              const theme = entryTheme[i];
              const mismatch = theme >= 0 && knows[graph.edgeJudge[e] * themeCount + theme] === 0;
              expect(graph.edgeCost[e]).to.equal(mismatch ? 1 : 0);
            }
          }
          expect(full).to.equal(everyEntryFew);
          if (full) expect(everyEntryWhole).to.equal(true);
        }),
        { numRuns: 300 },
      );
    });
  });
});
