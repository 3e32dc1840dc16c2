import { expect } from "chai";
import fc from "fast-check";
import { extrasProblem, type ExtraAward, type PrizeSettings } from "../../../src/contests/prizes.js";
import { awardPlaces, giveAwards, type AwardRow } from "../../../src/results/awards.js";
import type { Prize } from "../../../src/results/prizes.js";

/** Reference: N × thousandths / 1000 rounded half up, in integers. */
const refRound = (n: number, thousandths: number) => Math.floor((2 * n * thousandths + 1000) / 2000);

/**
 * Reference, written apart from giveAwards: an entry gets a ranked award when it has no prize nor an
 * earlier ranked award and fewer than the award's places of the other candidates rank strictly
 * better; a votes award when it has votes and fewer than the count have strictly more; a chosen award
 * when it was chosen (within the count here).
 */
function reference(rows: AwardRow[], extras: (ExtraAward & { places: number })[], chosen: Map<string, string[]>) {
  const out = rows.map((): string[] => []);
  const taken = rows.map((r) => r.prize !== null);
  for (const award of extras) {
    const basis = award.basis ?? "chosen";
    if (basis === "ranked") {
      const candidates = rows.map((_, i) => i).filter((i) => !taken[i]);
      for (const i of candidates) {
        const better = candidates.filter((j) => rows[j].rank < rows[i].rank).length;
        if (better < award.places) out[i].push(award.key);
      }
      for (const i of candidates) if (out[i].includes(award.key)) taken[i] = true;
    } else if (basis === "votes") {
      rows.forEach((r, i) => {
        const more = rows.filter((o) => (o.votes ?? 0) > (r.votes ?? 0)).length;
        if ((r.votes ?? 0) > 0 && more < award.places) out[i].push(award.key);
      });
    } else {
      rows.forEach((r, i) => {
        if ((chosen.get(award.key) ?? []).includes(r.entryId)) out[i].push(award.key);
      });
    }
  }
  return out;
}

/** Ranked rows from scores: competition ranks, prizes by rank boundaries as computeResults gives them. */
function rowsOf(scores: number[], votes: (number | null)[], prizeBoundary: number): AwardRow[] {
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s);
  return order.map(({ s, i }) => {
    const rank = 1 + scores.filter((t) => t > s).length;
    const prize: Prize = rank <= prizeBoundary ? "third" : null;
    return { entryId: `e${i}`, rank, prize, votes: votes[i] ?? null };
  });
}

const award = fc.oneof(
  fc.record({ basis: fc.constant("ranked" as const), count: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ basis: fc.constant("ranked" as const), thousandths: fc.integer({ min: 0, max: 1000 }) }),
  fc.record({ basis: fc.constant("votes" as const), count: fc.integer({ min: 0, max: 12 }) }),
  fc.record({ basis: fc.constant("chosen" as const), count: fc.integer({ min: 0, max: 4 }) }),
);

describe("extra awards (优秀奖, named awards, 最佳人气奖)", () => {
  it("agree with the reference on ties at a boundary, ratio rounding, zero counts and fewer entries than the count", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 14 }), // few distinct scores: many ties
        fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }), { maxLength: 14 }),
        fc.integer({ min: 0, max: 6 }),
        fc.array(award, { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (scores, votes, prizeBoundary, specs, picks) => {
          const rows = rowsOf(scores, votes, prizeBoundary);
          const extras = specs.map((spec, k) => {
            const base = { key: `a${k}`, label: `奖${k}`, basis: spec.basis };
            const a: ExtraAward =
              "thousandths" in spec ? { ...base, ratio: spec.thousandths / 1000 } : { ...base, count: spec.count };
            const places =
              "thousandths" in spec ? Math.min(refRound(rows.length, spec.thousandths), rows.length) : spec.count;
            return { ...a, places };
          });
          const chosen = new Map<string, string[]>();
          for (const a of extras)
            if (a.basis === "chosen" && rows.length > 0)
              chosen.set(a.key, [...new Set(picks.map((p) => rows[p % rows.length].entryId))].slice(0, a.places));
          const given = giveAwards(
            rows,
            extras,
            new Map([...chosen].map(([k, ids]) => [k, ids.map((entryId) => ({ entryId, reason: "理由" }))])),
          );
          expect(given.map((g) => g.map((a) => a.key))).to.deep.equal(reference(rows, extras, chosen));
          for (const a of extras) if (a.ratio !== undefined) expect(awardPlaces(a, rows.length)).to.equal(a.places);
        },
      ),
    );
  });

  it("gives 优秀奖 to both entries tied across its boundary, after every prize winner", () => {
    const rows: AwardRow[] = [
      { entryId: "a", rank: 1, prize: "first", votes: null },
      { entryId: "b", rank: 2, prize: "second", votes: null },
      { entryId: "c", rank: 3, prize: null, votes: null },
      { entryId: "d", rank: 4, prize: null, votes: null },
      { entryId: "e", rank: 4, prize: null, votes: null },
      { entryId: "f", rank: 6, prize: null, votes: null },
    ];
    const given = giveAwards(rows, [{ key: "merit", label: "优秀奖", basis: "ranked", count: 2 }], new Map());
    expect(given.map((g) => g.length)).to.deep.equal([0, 0, 1, 1, 1, 0]);
  });

  it("rounds a ratio half up exactly: 15 entries at 0.1 give 2 places (1.5), 0.3 of 5 gives 2 (1.5)", () => {
    expect(awardPlaces({ key: "m", label: "优秀奖", basis: "ranked", ratio: 0.1 }, 15)).to.equal(2);
    expect(awardPlaces({ key: "m", label: "优秀奖", basis: "ranked", ratio: 0.3 }, 5)).to.equal(2);
    expect(awardPlaces({ key: "m", label: "优秀奖", basis: "ranked", count: 9 }, 5)).to.equal(5);
  });

  it("keeps the reason of a chosen award, and the best ranked picks when more were chosen than the count", () => {
    const rows: AwardRow[] = ["a", "b", "c"].map((entryId, i) => ({ entryId, rank: i + 1, prize: null, votes: null }));
    const given = giveAwards(
      rows,
      [{ key: "creative", label: "最佳创意奖", count: 1 }],
      new Map([
        [
          "creative",
          [
            { entryId: "c", reason: "构思新颖" },
            { entryId: "b", reason: "画面好" },
            { entryId: "x", reason: "未排名" },
          ],
        ],
      ]),
    );
    expect(given).to.deep.equal([[], [{ key: "creative", label: "最佳创意奖", reason: "画面好" }], []]);
  });

  describe("the extras schema's rules", () => {
    const prizes = (extras: ExtraAward[]): PrizeSettings => ({ mode: "count", first: 1, second: 1, third: 1, extras });
    it("accepts the old shape {key, label, count} (chosen) and each basis with what it needs", () => {
      expect(extrasProblem(prizes([{ key: "creative", label: "最佳创意奖", count: 3 }]))).to.equal(null);
      expect(
        extrasProblem(
          prizes([
            { key: "merit", label: "优秀奖", basis: "ranked", ratio: 0.2 },
            { key: "merit2", label: "鼓励奖", basis: "ranked", count: 4 },
            { key: "popular", label: "最佳人气奖", basis: "votes", count: 1 },
          ]),
        ),
      ).to.equal(null);
    });
    it("refuses duplicate keys, prize keys, a ranked award with both or neither count and ratio, a ratio elsewhere", () => {
      const key = (extras: ExtraAward[]) => extrasProblem(prizes(extras))?.messageKey;
      expect(
        key([
          { key: "a", label: "甲", count: 1 },
          { key: "a", label: "乙", count: 1 },
        ]),
      ).to.equal("errors.awardKeyTaken");
      expect(key([{ key: "Third", label: "甲", count: 1 }])).to.equal("errors.awardKeyReserved");
      expect(key([{ key: "m", label: "优秀奖", basis: "ranked" }])).to.equal("errors.awardCountOrRatio");
      expect(key([{ key: "m", label: "优秀奖", basis: "ranked", count: 1, ratio: 0.1 }])).to.equal(
        "errors.awardCountOrRatio",
      );
      expect(key([{ key: "p", label: "最佳人气奖", basis: "votes", ratio: 0.1 }])).to.equal("errors.awardNeedsCount");
      expect(key([{ key: "c", label: "最佳创意奖" }])).to.equal("errors.awardNeedsCount");
    });
  });
});
