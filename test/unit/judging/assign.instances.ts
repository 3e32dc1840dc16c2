// Random small assignment instances and the checks every answer must pass, shared by the
// assignment's property tests (full and partial).

import { expect } from "chai";
import fc from "fast-check";
import type { AssignInput, AssignResult } from "../../../src/judging/assign.js";

export interface Instance {
  themes: (string | null)[];
  expertise: string[][];
  judgesPerEntry: number;
  /** conflicts[e][j] */
  conflicts: boolean[][];
  seed: number | string;
}

export function toInput(instance: Instance): AssignInput {
  return {
    entries: instance.themes.map((theme, e) => ({ id: `e${e}`, theme })),
    judges: instance.expertise.map((expertise, j) => ({ id: `j${j}`, expertise })),
    judgesPerEntry: instance.judgesPerEntry,
    isConflict: (e, j) => instance.conflicts[e][j],
    seed: instance.seed,
  };
}

/**
 * Random small instances: up to `maxEntries` × `maxJudges`, k 1..3, themes a/b/c or none.
 * Each judge has his own conflict rate, so some judges conflict with most entries and loads
 * often cannot be even: that exercises the spread rule, not only the mismatch rule.
 */
export function instances(maxEntries: number, maxJudges: number): fc.Arbitrary<Instance> {
  return fc
    .record({
      entries: fc.integer({ min: 0, max: maxEntries }),
      judges: fc.integer({ min: 0, max: maxJudges }),
      judgesPerEntry: fc.integer({ min: 1, max: 3 }),
    })
    .chain(({ entries, judges, judgesPerEntry }) =>
      fc.record({
        themes: fc.array(fc.constantFrom(null, "a", "b", "c"), { minLength: entries, maxLength: entries }),
        expertise: fc.array(fc.subarray(["a", "b", "c"]), { minLength: judges, maxLength: judges }),
        judgesPerEntry: fc.constant(judgesPerEntry),
        conflicts: fc
          .array(fc.constantFrom(0, 0, 10, 30, 60, 90), { minLength: judges, maxLength: judges })
          .chain((percentByJudge) =>
            fc.array(
              fc.tuple(
                ...percentByJudge.map((percent) => fc.integer({ min: 0, max: 99 }).map((roll) => roll < percent)),
              ),
              { minLength: entries, maxLength: entries },
            ),
          ),
        seed: fc.oneof(fc.integer(), fc.string({ maxLength: 6 })),
      }),
    );
}

/**
 * Checks the hard rules and the internal consistency of an ok result; returns judges per entry.
 * Each entry must have judgesPerEntry judges, or `sizes[e]` when given (a partial assignment).
 */
export function expectValid(input: AssignInput, result: AssignResult, sizes?: number[]): Set<number>[] {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}`);
  const entryIndex = new Map(input.entries.map((entry, e) => [entry.id, e]));
  const judgeIndex = new Map(input.judges.map((judge, j) => [judge.id, j]));
  const chosen = input.entries.map(() => new Set<number>());
  const loads = input.judges.map(() => 0);
  let mismatches = 0;
  for (const pair of result.pairs) {
    const e = entryIndex.get(pair.entryId);
    const j = judgeIndex.get(pair.judgeId);
    expect(e, pair.entryId).to.not.equal(undefined);
    expect(j, pair.judgeId).to.not.equal(undefined);
    expect(input.isConflict(e!, j!), `${pair.entryId}/${pair.judgeId} conflicts`).to.equal(false);
    expect(chosen[e!].has(j!), `${pair.entryId}/${pair.judgeId} twice`).to.equal(false);
    chosen[e!].add(j!);
    loads[j!]++;
    const theme = input.entries[e!].theme;
    if (theme !== null && !input.judges[j!].expertise.includes(theme)) mismatches++;
  }
  chosen.forEach((set, e) => expect(set.size, input.entries[e].id).to.equal(sizes?.[e] ?? input.judgesPerEntry));
  expect(result.loads).to.deep.equal(Object.fromEntries(input.judges.map((judge, j) => [judge.id, loads[j]])));
  expect(result.mismatches).to.equal(mismatches);
  if (loads.length > 0) {
    expect(result.minLoad).to.equal(Math.min(...loads));
    expect(result.maxLoad).to.equal(Math.max(...loads));
  }
  return chosen;
}

/** Eligible judges per entry, counted the obvious way. */
export function eligibleCounts(input: AssignInput): number[] {
  return input.entries.map((_, e) => input.judges.filter((_, j) => !input.isConflict(e, j)).length);
}

/** What each entry should get in partial mode: k, or all its eligible judges when fewer. */
export function partialSizes(input: AssignInput): number[] {
  return eligibleCounts(input).map((eligible) => Math.min(eligible, input.judgesPerEntry));
}
