import { expect } from "chai";
import { aggregateRound, criterionTallies, type Sheet } from "../../../src/results/aggregate.js";
import { prizeCounts, prizeForRank } from "../../../src/results/prizes.js";
import { rankEntries } from "../../../src/results/rank.js";
import { applyTimeDeduction } from "../../../src/results/time-rules.js";

const RUBRIC = ["accurate", "novel", "bearing", "language"]; // explainer: 40 / 30 / 20 / 10

function sheets(entryId: string, rows: [number, number, number, number][]): Sheet[] {
  return rows.map((row, i) => ({
    entryId,
    judgeId: `j${i + 1}`,
    total: row.reduce((a, b) => a + b, 0),
    scores: Object.fromEntries(RUBRIC.map((key, k) => [key, row[k]])),
  }));
}

describe("results pipeline: sheets → trimmed mean → time deduction → rank → prizes", () => {
  it("ranks an explainer final of four talks and awards one prize of each level", () => {
    const round = [
      // A: 90, 88, 86, 84, 70 → drop 90 and 70 → 258 / 3 = 86.00; accurate 5 × 36 = 180.
      ...sheets("A", [
        [36, 27, 18, 9],
        [36, 26, 17, 9],
        [36, 25, 17, 8],
        [36, 24, 16, 8],
        [36, 18, 10, 6],
      ]),
      // B: 87, 86, 86, 86, 85 → drop 87 and 85 → 86.00; accurate 5 × 35 = 175.
      ...sheets("B", [
        [35, 26, 17, 9],
        [35, 25, 17, 9],
        [35, 26, 16, 9],
        [35, 25, 17, 9],
        [35, 25, 16, 9],
      ]),
      // C: five × 80 → 80.00, but a 2:50 talk costs 2 → 78.00.
      ...sheets(
        "C",
        Array.from({ length: 5 }, () => [32, 24, 16, 8] as [number, number, number, number]),
      ),
      // D: five × 79 → 79.00, on time.
      ...sheets(
        "D",
        Array.from({ length: 5 }, () => [31, 24, 16, 8] as [number, number, number, number]),
      ),
    ];
    const talkSeconds: Record<string, number> = { A: 238, B: 250, C: 170, D: 245 };

    const aggregates = aggregateRound(round, "trimmed");
    const tallies = criterionTallies(round, RUBRIC);
    const ranked = rankEntries(
      [...aggregates.values()].map((a) => ({
        entryId: a.entryId,
        score: applyTimeDeduction(a.score, talkSeconds[a.entryId]).score,
        criteria: tallies.get(a.entryId)!,
      })),
    );
    // A and B tie at 86.00; A's accurate mean 36 beats B's 35 → B is second, broken by criterion 0.
    expect(ranked).to.deep.equal([
      { entryId: "A", rank: 1, tieBrokenBy: null, tiedWith: [] },
      { entryId: "B", rank: 2, tieBrokenBy: 0, tiedWith: [] },
      { entryId: "D", rank: 3, tieBrokenBy: null, tiedWith: [] },
      { entryId: "C", rank: 4, tieBrokenBy: null, tiedWith: [] },
    ]);
    const counts = prizeCounts({ mode: "count", first: 1, second: 1, third: 1 }, ranked.length);
    expect(Object.fromEntries(ranked.map((r) => [r.entryId, prizeForRank(r.rank, counts)]))).to.deep.equal({
      A: "first",
      B: "second",
      D: "third",
      C: null,
    });
  });
});
