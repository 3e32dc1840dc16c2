/**
 * Exact decimal arithmetic for scores.
 *
 * Scores are short decimals (multiples of rubric steps such as 1, 0.5 and 0.1), but a binary float
 * holds few of them exactly: 1.005 is stored as 1.00499999999999989…, so `Math.round(x * 100) / 100`
 * gives 1 instead of 1.01. Here a number is read as the decimal it prints as (`String(x)`, the
 * shortest decimal that converts back to the same float: "1.005"), held as an exact fraction of
 * BigInts, and rounded half up exactly. Only square roots (z-score aggregation) leave this exact
 * world; `roundFloatHalfUp` explains how those are rounded.
 *
 * "Half up" rounds a half away from zero (1.005 → 1.01, −1.005 → −1.01), as 四舍五入, Excel's
 * ROUND and Java's RoundingMode.HALF_UP do.
 */

/** An exact rational number: always reduced, `den` > 0. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function fraction(num: bigint, den: bigint = 1n): Fraction {
  if (den === 0n) throw new RangeError("fraction: zero denominator");
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

export const ZERO: Fraction = fraction(0n);

export function add(a: Fraction, b: Fraction): Fraction {
  // Same denominators are the common case (sums of one-decimal scores): skip the cross product.
  if (a.den === b.den) return fraction(a.num + b.num, a.den);
  return fraction(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Fraction, b: Fraction): Fraction {
  return add(a, { num: -b.num, den: b.den });
}

export function mul(a: Fraction, b: Fraction): Fraction {
  return fraction(a.num * b.num, a.den * b.den);
}

export function div(a: Fraction, b: Fraction): Fraction {
  if (b.num === 0n) throw new RangeError("fraction: division by zero");
  return fraction(a.num * b.den, a.den * b.num);
}

/** −1, 0 or 1 as a is less than, equal to or greater than b; exact. */
export function compare(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const d = a.num * b.den - b.num * a.den;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function sum(values: readonly Fraction[]): Fraction {
  return values.reduce(add, ZERO);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The exact value of a decimal literal such as "85.5", "-0.005" or "1.5e-7". */
export function fromDecimalString(text: string): Fraction {
  const m = DECIMAL.exec(text.trim());
  const intDigits = m?.[2] ?? "";
  const fracDigits = m?.[3] ?? "";
  if (!m || intDigits.length + fracDigits.length === 0) {
    throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  }
  const exponent = Number(m[4] ?? "0") - fracDigits.length;
  let digits = BigInt(intDigits + fracDigits);
  if (m[1] === "-") digits = -digits;
  return exponent >= 0 ? fraction(digits * 10n ** BigInt(exponent)) : fraction(digits, 10n ** BigInt(-exponent));
}

/** The exact value of the decimal a float prints as: fromNumber(0.1) is exactly 1/10. */
export function fromNumber(x: number): Fraction {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  return fromDecimalString(String(x));
}

const SAFE = 2n ** 53n;

/** The float nearest to a fraction (exact operands, so IEEE division rounds it correctly). */
export function toNumber(f: Fraction): number {
  if (abs(f.num) <= SAFE && f.den <= SAFE) return Number(f.num) / Number(f.den);
  // Too big for exact operands: take 25 significant digits and let the parser round.
  const shift = Math.max(0, 25 - abs(f.num).toString().length + f.den.toString().length);
  return Number(`${(f.num * 10n ** BigInt(shift)) / f.den}e-${shift}`);
}

function checkPlaces(places: number): void {
  if (!Number.isInteger(places) || places < 0 || places > 20) {
    throw new RangeError(`decimal places must be an integer 0..20, got ${places}`);
  }
}

/** f × 10^places rounded half up (away from zero) to an integer: the digits of the rounded value. */
export function roundScaled(f: Fraction, places: number): bigint {
  checkPlaces(places);
  const scale = 10n ** BigInt(places);
  const n = abs(f.num);
  // floor(n·scale/den + 1/2), in integers.
  const q = (2n * n * scale + f.den) / (2n * f.den);
  return f.num < 0n ? -q : q;
}

/** f rounded half up to `places` decimals, as a Fraction. */
export function roundToFraction(f: Fraction, places: number): Fraction {
  return fraction(roundScaled(f, places), 10n ** BigInt(places));
}

/** f rounded half up to `places` decimals (default 2), as the float that prints as that decimal. */
export function roundFraction(f: Fraction, places = 2): number {
  const q = roundScaled(f, places);
  if (q === 0n) return 0; // never −0
  return Number(`${q}e-${places}`);
}

/**
 * Scores are read at most at this many decimals, so a total summed upstream in floating point
 * (85.30000000000001) counts as the 85.3 the judge gave. Far finer than any rubric step.
 */
export const SCORE_INPUT_PLACES = 6;

/** A score as the exact decimal it stands for (see SCORE_INPUT_PLACES). */
export function readScore(x: number): Fraction {
  return roundToFraction(fromNumber(x), SCORE_INPUT_PLACES);
}

/**
 * Half-up rounding of a float that carries arithmetic error, such as a z-score mean (irrational,
 * so it cannot be exact). The value is first snapped to `snapPlaces` decimals, an absolute grid
 * (toFixed rounds the float's exact binary value), then that decimal is rounded half up exactly.
 * The float error left by aggregate.ts is around 1e-13 for scores near 100, far below the default
 * 1e-9, so a value that is truly 85.005 but computed as 85.00499999999999 still rounds to 85.01.
 * The cost: a true value within 5e-10 below a half also rounds up, a one-in-a-billion case that
 * no judge could tell apart.
 */
export function roundFloatHalfUp(x: number, places = 2, snapPlaces = 9): number {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  checkPlaces(places);
  if (!Number.isInteger(snapPlaces) || snapPlaces <= places || snapPlaces > 20) {
    throw new RangeError(`snapPlaces must be an integer in ${places + 1}..20, got ${snapPlaces}`);
  }
  const text = x.toFixed(snapPlaces);
  // Fast path: the snapped digits form an integer below 10^15, so the same rounding runs in safe integers.
  if (snapPlaces <= 15 && Math.abs(x) < 10 ** (15 - snapPlaces)) {
    const negative = text.charCodeAt(0) === 45; // "-"
    const point = text.indexOf(".");
    const digits = Number(text.slice(negative ? 1 : 0, point) + text.slice(point + 1));
    const step = 10 ** (snapPlaces - places);
    const q = floorDiv(digits + step / 2, step);
    return q === 0 ? 0 : (negative ? -q : q) / 10 ** places;
  }
  return roundFraction(fromDecimalString(text), places);
}

/*
 * Scaled integers: the fast paths of the results pipeline.
 *
 * A score read at SCORE_INPUT_PLACES decimals is an integer number of millionths. Sums, trimmed
 * means, comparisons of criterion means and half-up rounding of such values need only integer
 * arithmetic, which a float does exactly while every intermediate stays within ±(2^53 − 1). The
 * helpers below answer null whenever they cannot vouch for that; callers then take the exact
 * BigInt fractions above, which stay the reference (test/unit/results/fast-paths.test.ts checks
 * both agree).
 */

/** 10^SCORE_INPUT_PLACES: readScore(x) is exactly scaledScore(x) / SCORE_SCALE. */
export const SCORE_SCALE = 10 ** SCORE_INPUT_PLACES;

/** Largest |x| that scaledScore handles without the exact path (|x| × 10^6 stays below 2^40). */
const SCALED_LIMIT = 1e6;

/**
 * readScore(x) × 10^6 as a safe integer, or null when the quick float test cannot vouch for it
 * (not a number, not finite, |x| > 10^6, or x × 10^6 within 0.001 of a half). Soundness: the decimal
 * d that x prints as is within half an ulp of x, so |d × 10^6 − fl(x × 10^6)| < 4e-4 for |x| ≤ 10^6;
 * away from a half, rounding fl(x × 10^6) to the nearest integer is rounding d × 10^6 half up.
 */
export function scaledScore(x: number): number | null {
  if (typeof x !== "number" || !(x <= SCALED_LIMIT && x >= -SCALED_LIMIT)) return null;
  const s = x * SCORE_SCALE;
  const r = Math.round(s);
  const off = s - r;
  if (!(off < 0.499 && off > -0.499)) return null;
  return r === 0 ? 0 : r; // never −0
}

/** floor(a / b) for safe integers a ≥ 0, b > 0 with a + b ≤ 2^53 − 1, exactly. */
function floorDiv(a: number, b: number): number {
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (r < 0) q -= 1;
  else if (r >= b) q += 1;
  return q;
}

/**
 * num / den (safe integers, den > 0) rounded half up (away from zero) to `places` decimals (0..15),
 * exactly as roundFraction(fraction(num, den), places); null when an intermediate would pass 2^53.
 */
export function roundRatio(num: number, den: number, places = 2): number | null {
  if (
    !Number.isSafeInteger(num) ||
    !Number.isSafeInteger(den) ||
    den <= 0 ||
    !Number.isInteger(places) ||
    places < 0 ||
    places > 15
  )
    return null;
  const scale = 10 ** places;
  const magnitude = Math.abs(num);
  // floor(|num| × scale / den + 1/2) = floor((2 |num| scale + den) / 2 den); with |num| × scale and
  // den at most 2^50 and 2^49, every intermediate stays below 2^53.
  if (magnitude * scale > 2 ** 50 || den > 2 ** 49) return null;
  const q = floorDiv(2 * magnitude * scale + den, 2 * den);
  if (q === 0) return 0;
  return (num < 0 ? -q : q) / scale;
}

/** −1, 0 or 1 as a/b is less than, equal to or greater than c/d (safe integers, b, d > 0); null when a cross product could pass 2^53. */
export function compareRatios(a: number, b: number, c: number, d: number): -1 | 0 | 1 | null {
  if (Math.abs(a) > Number.MAX_SAFE_INTEGER / d || Math.abs(c) > Number.MAX_SAFE_INTEGER / b) return null;
  const x = a * d;
  const y = c * b;
  return x < y ? -1 : x > y ? 1 : 0;
}
