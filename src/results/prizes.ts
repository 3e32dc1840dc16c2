/**
 * Prize levels from ranks (DESIGN §3 "Prizes", §4 prize values).
 *
 * A rule gives cumulative rank boundaries: an entry gets the first prize when its rank ≤ the first
 * boundary, the second when its rank ≤ the second, the third when its rank ≤ the third. With
 * competition ranks (1, 2, 2, 4) entries sharing a rank across a boundary all get the higher prize.
 */
import type { PrizeSettings } from "../contests/prizes.js";
import { add, fraction, fromNumber, mul, roundScaled } from "./decimal.js";

export type Prize = "first" | "second" | "third" | null;

/**
 * `first`, `second`, `third` are CUMULATIVE rank boundaries (second = places for first and second
 * prizes together); `perLevel` has the places of each level alone. Ties can award more than
 * these numbers: they are boundaries, not quotas.
 */
export interface PrizeCounts {
  first: number;
  second: number;
  third: number;
  perLevel: { first: number; second: number; third: number };
}

function checkRule(rule: PrizeSettings): void {
  const levels = [rule.first, rule.second, rule.third];
  if (rule.mode === "ratio") {
    if (!levels.every((r) => Number.isFinite(r) && r >= 0 && r <= 1)) {
      throw new RangeError(`prize ratios must be numbers in 0..1, got ${levels.join(", ")}`);
    }
  } else if (rule.mode === "count") {
    if (!levels.every((c) => Number.isSafeInteger(c) && c >= 0)) {
      throw new RangeError(`prize counts must be whole numbers ≥ 0, got ${levels.join(", ")}`);
    }
  } else {
    throw new RangeError(`unknown prize mode: ${String((rule as { mode: unknown }).mode)}`);
  }
}

/**
 * Cumulative boundaries for `rankedCount` ranked entries (N). Ratios are cumulative and rounded
 * half up, exactly, so rounding never drifts (DESIGN §3): first = round(N × r1),
 * second = round(N × (r1 + r2)), third = round(N × (r1 + r2 + r3)); N = 17 at 0.1/0.2/0.3 gives
 * round(1.7) = 2, round(5.1) = 5, round(10.2) = 10. Counts are summed. Boundaries never exceed N.
 */
export function prizeCounts(rule: PrizeSettings, rankedCount: number): PrizeCounts {
  checkRule(rule);
  if (!Number.isSafeInteger(rankedCount) || rankedCount < 0) {
    throw new RangeError(`ranked count must be a whole number ≥ 0, got ${rankedCount}`);
  }
  let cumulative: [number, number, number];
  if (rule.mode === "ratio") {
    const n = fraction(BigInt(rankedCount));
    const r1 = fromNumber(rule.first);
    const r12 = add(r1, fromNumber(rule.second));
    const r123 = add(r12, fromNumber(rule.third));
    cumulative = [r1, r12, r123].map((r) => Number(roundScaled(mul(n, r), 0))) as [number, number, number];
  } else {
    cumulative = [rule.first, rule.first + rule.second, rule.first + rule.second + rule.third];
  }
  const [first, second, third] = cumulative.map((c) => Math.min(c, rankedCount)) as [number, number, number];
  return {
    first,
    second,
    third,
    perLevel: { first, second: second - first, third: third - second },
  };
}

/** The prize for a competition rank under the given boundaries. */
export function prizeForRank(rank: number, counts: Pick<PrizeCounts, "first" | "second" | "third">): Prize {
  if (rank <= counts.first) return "first";
  if (rank <= counts.second) return "second";
  if (rank <= counts.third) return "third";
  return null;
}
