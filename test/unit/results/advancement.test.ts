import { expect } from "chai";
import fc from "fast-check";
import { advancing } from "../../../src/results/advancement.js";

/** Scores (two decimals) ranked by standard competition rank, written apart from the module: 1 + how many score higher. */
const rankedScores = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }).map((cents) => {
  const scores = cents.map((c) => c / 4).sort((a, b) => b - a);
  return scores.map((score, i) => ({ id: i, score, rank: 1 + scores.filter((s) => s > score).length }));
});

describe("advancement (pure): who goes to the next round", () => {
  it("top N: exactly the entries whose rank is at most N; a tie at the cut lets more through and is stated", () => {
    fc.assert(
      fc.property(rankedScores, fc.integer({ min: 1, max: 35 }), (ranked, top) => {
        const out = advancing(ranked, { top });
        const expected = ranked.filter((r) => ranked.filter((o) => o.score > r.score).length < top);
        expect(out.finalists.map((r) => r.id)).to.deep.equal(expected.map((r) => r.id));
        expect(out.finalists.length).to.be.at.least(Math.min(top, ranked.length));
        if (out.finalists.length > top) {
          const last = expected[expected.length - 1];
          expect(out.tieAtCut).to.deep.equal({
            rank: last.rank,
            tied: ranked.filter((r) => r.score === last.score).length,
            advancing: expected.length,
          });
        } else expect(out.tieAtCut).to.equal(null);
        expect(out.atThreshold).to.equal(0);
      }),
    );
  });

  it("threshold: only scores strictly above it advance; those exactly on it are counted apart", () => {
    fc.assert(
      fc.property(rankedScores, fc.integer({ min: 0, max: 40 }), (ranked, t) => {
        const threshold = t / 4;
        const out = advancing(ranked, { threshold });
        expect(out.finalists.every((r) => r.score > threshold)).to.equal(true);
        expect(out.finalists.length + out.atThreshold + ranked.filter((r) => r.score < threshold).length).to.equal(
          ranked.length,
        );
        expect(out.tieAtCut).to.equal(null);
      }),
    );
  });

  it("the example of the issue: 第3名有2件并列，共4件入围", () => {
    const ranked = [90, 80, 70, 70, 60].map((score, i) => ({ score, rank: [1, 2, 3, 3, 5][i] }));
    expect(advancing(ranked, { top: 3 }).tieAtCut).to.deep.equal({ rank: 3, tied: 2, advancing: 4 });
    expect(advancing(ranked, { threshold: 70 }).finalists.map((r) => r.score)).to.deep.equal([90, 80]);
  });
});
