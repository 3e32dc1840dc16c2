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
  return exponent >= 0
    ? fraction(digits * 10n ** BigInt(exponent))
    : fraction(digits, 10n ** BigInt(-exponent));
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

/** Half-up rounding of the decimal a float prints as: roundHalfUp(1.005) === 1.01, roundHalfUp(2.675) === 2.68. */
export function roundHalfUp(x: number, places = 2): number {
  return roundFraction(fromNumber(x), places);
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
  return roundFraction(fromDecimalString(x.toFixed(snapPlaces)), places);
}
