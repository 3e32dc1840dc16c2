/**
 * The independent verifier (scripts/verify.ts) and the app's pipeline (src/results/compute.ts) are
 * two implementations of DESIGN §3 written apart: on random rounds (every aggregation, public votes,
 * talk times, both prize modes, many ties, extra awards by rank and by votes) the verifier must agree
 * with every score, rank, prize and award the app computes, when given a snapshot shaped as results.service publishes it.
 */
import { expect } from "chai";
import fc from "fast-check";
import { verifySnapshot } from "../../../scripts/verify.js";
import type { Aggregation } from "../../../src/contests/contests.schemas.js";
import type { ExtraAward } from "../../../src/contests/prizes.js";
import { giveAwards } from "../../../src/results/awards.js";
import { canonicalJson } from "../../../src/results/canonical.js";
import { computeResults, type ComputeInput } from "../../../src/results/compute.js";
import { DEFAULT_TIME_RULES } from "../../../src/results/time-rules.js";

const CRITERIA = [
  { key: "science", label: "科学性", max: 10, step: 0.5 },
  { key: "fun", label: "趣味性", max: 6, step: 1 },
];

const roundArb = fc.record({
  aggregation: fc.constantFrom<Aggregation>("trimmed", "trimmed", "mean", "mean", "zscore"),
  judges: fc.integer({ min: 1, max: 5 }),
  // Few distinct scores, so equal final scores (and equal criterion means) are common.
  entries: fc.array(
    fc.record({
      sheets: fc.array(fc.option(fc.tuple(fc.integer({ min: 17, max: 19 }), fc.integer({ min: 4, max: 6 }))), {
        minLength: 6,
        maxLength: 6,
      }),
      votes: fc.nat({ max: 50 }),
      talkSeconds: fc.option(fc.constantFrom(150, 179, 180, 240, 255, 256, 300)),
    }),
    { minLength: 2, maxLength: 14 },
  ),
  publicVoteWeight: fc.constantFrom(0, 0, 0, 0.1, 0.3),
  timed: fc.boolean(),
  prizes: fc.oneof(
    fc.record({
      mode: fc.constant("ratio" as const),
      first: fc.constantFrom(0, 0.05, 0.1, 0.15),
      second: fc.constantFrom(0.1, 0.2, 0.25),
      third: fc.constantFrom(0.2, 0.3, 0.35),
    }),
    fc.record({
      mode: fc.constant("count" as const),
      first: fc.nat({ max: 3 }),
      second: fc.nat({ max: 3 }),
      third: fc.nat({ max: 4 }),
    }),
  ),
  // 优秀奖-like awards after the third prize (by count or ratio) and 最佳人气奖-like ones by votes.
  extras: fc.array(
    fc.oneof(
      fc.record({ basis: fc.constant("ranked" as const), count: fc.nat({ max: 4 }) }),
      fc.record({ basis: fc.constant("ranked" as const), ratio: fc.constantFrom(0, 0.1, 0.15, 0.25, 0.5) }),
      fc.record({ basis: fc.constant("votes" as const), count: fc.nat({ max: 3 }) }),
    ),
    { maxLength: 3 },
  ),
});

type Round = typeof roundArb extends fc.Arbitrary<infer T> ? T : never;

/** The round as the app computes it, and its snapshot as results.service publishes it. */
function snapshotOf(round: Round): { text: string; ties: number } {
  const entries = round.entries.map((e, i) => ({
    id: `e${i}`,
    code: `SP-${String(i + 1).padStart(4, "0")}`,
    title: `作品 ${i + 1}`,
    talkSeconds: e.talkSeconds,
    publicVotes: e.votes,
  }));
  const sheets = round.entries.flatMap((e, i) =>
    e.sheets
      .slice(0, round.judges)
      .flatMap((s, j) =>
        s === null
          ? []
          : [{ entryId: `e${i}`, judgeId: `j${j}`, total: s[0] / 2 + s[1], scores: { science: s[0] / 2, fun: s[1] } }],
      ),
  );
  const input: ComputeInput = {
    criteria: CRITERIA,
    aggregation: round.aggregation,
    prizes: round.prizes,
    timeRules: round.timed ? { ...DEFAULT_TIME_RULES } : null,
    publicVoteWeight: round.publicVoteWeight,
    entries,
    sheets,
  };
  const out = computeResults(input);
  const extras: ExtraAward[] = round.extras.map((a, k) => ({ key: `a${k}`, label: `奖${k}`, ...a }));
  const awards = giveAwards(
    out.results.map((r) => ({
      entryId: r.entryId,
      rank: r.rank,
      prize: r.prize,
      votes: r.detail.publicVote?.votes ?? null,
    })),
    extras,
    new Map(),
  );
  const snapshot = {
    contest: { id: "c1", title: "随机赛事", kind: "video" },
    snapshot: { format: 3, number: 1, kind: "notice", createdAt: "2026-12-01T00:00:00.000Z", noticeEndsAt: null },
    rules: {
      aggregation: round.aggregation,
      prizes: { ...round.prizes, extras },
      prizeCounts: out.counts,
      criteria: CRITERIA,
      deductions: [],
      timeRules: input.timeRules,
      publicVoteWeight: round.publicVoteWeight,
      trimmedFrom: 5,
      rankedEntries: out.results.length,
    },
    results: out.results.map((r, i) => ({
      code: r.code,
      title: r.title,
      score: r.score,
      rank: r.rank,
      prize: r.prize,
      awards: awards[i],
      judges: r.judges,
      ...(r.detail.publicVote ? { publicVotes: r.detail.publicVote.votes } : {}),
      judgesScore: r.detail.aggregate,
      ...(input.timeRules ? { talkSeconds: r.detail.timeDeduction?.seconds ?? null } : {}),
      tieBrokenBy: r.detail.tieBrokenBy?.key ?? null,
      sheets: sheets
        .filter((s) => s.entryId === r.entryId)
        .map((s) => ({
          judge: `评委${Number(s.judgeId.slice(1)) + 1}`,
          scores: s.scores,
          deductions: {},
          total: s.total,
        })),
    })),
  };
  return { text: canonicalJson(snapshot), ties: out.results.filter((r) => r.detail.tieBrokenBy !== null).length };
}

describe("the verifier agrees with the app's pipeline (scripts/verify.ts against src/results/compute.ts)", () => {
  let runs = 0;
  let withTieBreaks = 0;

  it("on random rounds: every aggregation, votes, talk times, both prize modes and ties", () => {
    fc.assert(
      fc.property(roundArb, (round) => {
        const { text, ties } = snapshotOf(round);
        runs += 1;
        if (ties > 0) withTieBreaks += 1;
        const check = verifySnapshot(text, { lang: "en" });
        expect(check.differences, JSON.stringify(check.differences)).to.deep.equal([]);
      }),
      { numRuns: 300 },
    );
  });

  it("a fair share of those rounds (over 15%) had a tie broken by a criterion mean", () => {
    expect(runs).to.equal(300);
    expect(withTieBreaks / runs, `${withTieBreaks} of ${runs}`).to.be.greaterThan(0.15);
  });
});
