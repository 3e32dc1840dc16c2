/**
 * Slow, obvious reference implementations shared by the results tests. They work on decimal digit
 * strings (school arithmetic), so they share no code or method with src/results/decimal.ts.
 */

/** The decimal a float prints as, written out without an exponent: 1.5e-7 → "0.00000015". */
export function plainDecimal(x: number): string {
  const text = String(x);
  const negative = text.startsWith("-");
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(negative ? text.slice(1) : text);
  if (!m) throw new Error(`unexpected number text ${text}`);
  const intPart = m[1];
  const fracPart = m[2] ?? "";
  const digits = intPart + fracPart;
  const point = intPart.length + Number(m[3] ?? "0");
  let plain: string;
  if (point <= 0) plain = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) plain = digits + "0".repeat(point - digits.length);
  else plain = digits.slice(0, point) + "." + digits.slice(point);
  plain = plain.replace(/^0+(?=\d)/, "");
  return (negative ? "-" : "") + plain;
}

/** Add one to a string of digits: "199" → "200", "99" → "100". */
function incrementDigits(digits: string): string {
  const chars = digits.split("");
  let i = chars.length - 1;
  while (i >= 0 && chars[i] === "9") chars[i--] = "0";
  if (i < 0) return "1" + chars.join("");
  chars[i] = String(Number(chars[i]) + 1);
  return chars.join("");
}

/** Half-up (away from zero) rounding of a plain decimal string, by its digits. */
export function roundDecimalString(plain: string, places: number): string {
  const negative = plain.startsWith("-");
  const [intPart, fracPart = ""] = (negative ? plain.slice(1) : plain).split(".");
  const frac = fracPart.padEnd(places + 1, "0");
  let kept = intPart + frac.slice(0, places);
  if (frac[places] >= "5") kept = incrementDigits(kept);
  kept = kept.padStart(places + 1, "0");
  const point = kept.length - places;
  let result = places > 0 ? kept.slice(0, point) + "." + kept.slice(point) : kept;
  result = result.replace(/^0+(?=\d)/, "");
  const isZero = /^[0.]*$/.test(result);
  return negative && !isZero ? "-" + result : result;
}

/** Reference half-up rounding of the decimal a float prints as. */
export function refRoundHalfUp(x: number, places = 2): number {
  return Number(roundDecimalString(plainDecimal(x), places));
}

/** Half-up rounding of the non-negative rational n / d (safe integers) to 2 decimals, in integers. */
export function refRoundRatio(n: number, d: number): number {
  // value × 100 = 100n / d; half up = floor((200n + d) / 2d), by integer division.
  const top = 200 * n + d;
  return (top - (top % (2 * d))) / (2 * d) / 100;
}
