/**
 * Extra awards from ranks, votes and the organizer's choices (DESIGN §3 "Prizes": 优秀奖,
 * 最佳创意奖 ×3, 最佳人气奖), pure. Like the prizes, they are given by boundaries, not quotas:
 * entries sharing a rank (or a vote count) across a boundary all receive the award.
 */
import { awardBasis, type ExtraAward } from "../contests/prizes.js";
import { fraction, fromNumber, mul, roundScaled } from "./decimal.js";
import type { Prize } from "./prizes.js";

/** A ranked entry as the awards see it, in rank order; `votes` null where the contest has no public vote. */
export interface AwardRow {
  entryId: string;
  rank: number;
  prize: Prize;
  votes: number | null;
}

export interface AwardChoice {
  entryId: string;
  reason: string;
}

/** An award as a result row carries it: the reason only for chosen awards. */
export interface GivenAward {
  key: string;
  label: string;
  reason?: string;
}

/** Places of an award for `rankedCount` entries: its count, or its ratio of them rounded half up exactly (as prizes are). */
export function awardPlaces(award: ExtraAward, rankedCount: number): number {
  const places =
    award.ratio !== undefined
      ? Number(roundScaled(mul(fraction(BigInt(rankedCount)), fromNumber(award.ratio)), 0))
      : (award.count ?? 0);
  return Math.min(places, rankedCount);
}

/**
 * Each row's extra awards, in the order the awards are listed. `ranked` awards go to the next rows
 * after every prize winner, one award after another: an entry gets one when its rank ≤ the rows
 * already given + its places. `votes` awards go to entries with votes whose vote rank (1, 2, 2, 4)
 * ≤ its count. `chosen` awards are the organizer's choices among the rows; should the count have been
 * lowered since, the best ranked of them keep it.
 */
export function giveAwards(
  rows: readonly AwardRow[],
  extras: readonly ExtraAward[],
  chosen: ReadonlyMap<string, readonly AwardChoice[]>,
): GivenAward[][] {
  const given = rows.map((): GivenAward[] => []);
  // Rows are in rank order and prizes follow rank, so the prize winners come first.
  let taken = rows.findIndex((r) => r.prize === null);
  if (taken < 0) taken = rows.length;
  const index = new Map(rows.map((r, i) => [r.entryId, i]));
  for (const award of extras) {
    const basis = awardBasis(award);
    if (basis === "ranked") {
      const boundary = taken + awardPlaces(award, rows.length);
      while (taken < rows.length && rows[taken].rank <= boundary) {
        given[taken].push({ key: award.key, label: award.label });
        taken++;
      }
    } else if (basis === "votes") {
      const places = award.count ?? 0;
      const byVotes = rows
        .map((r, i) => ({ votes: r.votes ?? 0, i }))
        .filter((v) => v.votes > 0)
        .sort((a, b) => b.votes - a.votes);
      // Competition rank by votes: equal counts share the rank of the first of them.
      let voteRank = 0;
      for (let k = 0; k < byVotes.length; k++) {
        if (k === 0 || byVotes[k].votes !== byVotes[k - 1].votes) voteRank = k + 1;
        if (voteRank > places) break;
        given[byVotes[k].i].push({ key: award.key, label: award.label });
      }
    } else {
      const picks = (chosen.get(award.key) ?? [])
        .filter((c) => index.has(c.entryId))
        .sort((a, b) => index.get(a.entryId)! - index.get(b.entryId)!)
        .slice(0, award.count ?? 0);
      for (const c of picks)
        given[index.get(c.entryId)!].push({ key: award.key, label: award.label, reason: c.reason });
    }
  }
  return given;
}
