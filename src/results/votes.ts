/** The public vote (网络投票) blended into the judges' score (DESIGN §3). Pure and exact. */
import { add, fraction, fromNumber, mul, roundFraction, sub, ZERO, type Fraction } from "./decimal.js";

/** Most weight a public vote (网络投票) may carry: DESIGN §3 allows 0–30%. */
export const MAX_PUBLIC_VOTE_WEIGHT = 0.3;

/** Votes as points out of 100, the leader getting 100 (0 when nobody voted), exactly. */
function normalizedVotes(votes: number, maxVotes: number): Fraction {
  return maxVotes === 0 ? ZERO : fraction(BigInt(votes) * 100n, BigInt(maxVotes));
}

/** The vote's points out of 100 as the explanation prints them: rounded half up to 2 decimals. */
export function publicVotePoints(votes: number, maxVotes: number): number {
  return roundFraction(normalizedVotes(votes, maxVotes), 2);
}

/**
 * Blend the judges' score with a public vote (网络投票, DESIGN §3):
 *   normalized = votes ÷ maxVotes × 100          (the leader gets 100; 0 when nobody voted)
 *   final      = (1 − weight) × judgeScore + weight × normalized
 * rounded half up to 2 decimals, computed exactly. `maxVotes` is the leader's count among the
 * ranked entries; weight is 0..0.3.
 */
export function applyPublicVote(judgeScore: number, votes: number, maxVotes: number, weight: number): number {
  if (!Number.isFinite(weight) || weight < 0 || weight > MAX_PUBLIC_VOTE_WEIGHT) {
    throw new RangeError(`public vote weight must be 0..${MAX_PUBLIC_VOTE_WEIGHT}, got ${weight}`);
  }
  if (!Number.isSafeInteger(votes) || !Number.isSafeInteger(maxVotes) || votes < 0 || votes > maxVotes) {
    throw new RangeError(`votes must be integers with 0 ≤ votes ≤ maxVotes, got ${votes} of ${maxVotes}`);
  }
  const w = fromNumber(weight);
  const normalized = normalizedVotes(votes, maxVotes);
  const blended = add(mul(sub(fraction(1n), w), fromNumber(judgeScore)), mul(w, normalized));
  return roundFraction(blended, 2);
}
