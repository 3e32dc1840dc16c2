import { expect } from "chai";
import fc from "fast-check";
import {
  add,
  compare,
  div,
  fraction,
  fromDecimalString,
  fromNumber,
  mul,
  readScore,
  roundFloatHalfUp,
  roundFraction,
  sub,
  toNumber,
} from "../../../src/results/decimal.js";
import { plainDecimal, refRoundHalfUp, roundDecimalString } from "./reference.js";

/** Half-up rounding of the decimal a float prints as, the way the results code does it: roundHalfUp(1.005) === 1.01, roundHalfUp(2.675) === 2.68. */
const roundHalfUp = (x: number, places = 2): number => roundFraction(fromNumber(x), places);

/** Decimals with up to 4 places, half of them ending in 5 at the third place: the hard cases. */
const shortDecimal = (maxWhole: number) =>
  fc
    .tuple(fc.integer({ min: -maxWhole, max: maxWhole }), fc.integer({ min: 0, max: 9999 }), fc.boolean())
    .map(([whole, frac, half]) => {
      // half: three places ending in 5 (x.yz5), exactly between two 2-place values.
      const digits = half
        ? String(Math.floor(frac / 10))
            .padStart(3, "0")
            .slice(0, 2) + "5"
        : String(frac).padStart(4, "0");
      return Number(`${whole < 0 ? "-" : ""}${Math.abs(whole)}.${digits}`);
    });

describe("results/decimal", () => {
  describe("roundHalfUp (worked examples)", () => {
    it("rounds the decimal a float prints as, not its binary value: 1.005 → 1.01, 2.675 → 2.68", () => {
      // Math.round(1.005 * 100) / 100 is 1 because 1.005 * 100 === 100.49999999999999.
      expect(Math.round(1.005 * 100) / 100).to.equal(1);
      expect(roundHalfUp(1.005)).to.equal(1.01);
      expect(roundHalfUp(2.675)).to.equal(2.68);
      expect(roundHalfUp(1.045)).to.equal(1.05);
      expect(roundHalfUp(8.345)).to.equal(8.35);
      expect(roundHalfUp(0.125)).to.equal(0.13);
      expect(roundHalfUp(0.005)).to.equal(0.01);
      expect(roundHalfUp(85.125)).to.equal(85.13);
    });

    it("rounds below a half down and keeps values that already have 2 decimals", () => {
      expect(roundHalfUp(1.004999)).to.equal(1);
      expect(roundHalfUp(1.004999999999999)).to.equal(1);
      expect(roundHalfUp(85.1)).to.equal(85.1);
      // The literal 1.0049999999999999 is the same float as 1.005 and prints as "1.005".
      expect(roundHalfUp(1.0049999999999999)).to.equal(1.01);
    });

    it("rounds negative halves away from zero and never returns −0", () => {
      expect(roundHalfUp(-1.005)).to.equal(-1.01);
      expect(roundHalfUp(-2.675)).to.equal(-2.68);
      expect(Object.is(roundHalfUp(-0.004), 0)).to.equal(true);
      expect(Object.is(roundHalfUp(-0), 0)).to.equal(true);
    });

    it("handles other place counts and exponent notation", () => {
      expect(roundHalfUp(85.5, 0)).to.equal(86);
      expect(roundHalfUp(84.5, 0)).to.equal(85); // half up, not banker's rounding
      expect(roundHalfUp(1.5e-7, 6)).to.equal(0);
      expect(roundHalfUp(5e-7, 6)).to.equal(0.000001);
      expect(roundHalfUp(1.5e21)).to.equal(1.5e21);
    });

    it("refuses non-finite numbers and bad place counts", () => {
      expect(() => roundHalfUp(Number.NaN)).to.throw(RangeError);
      expect(() => roundHalfUp(Number.POSITIVE_INFINITY)).to.throw(RangeError);
      expect(() => roundHalfUp(1, -1)).to.throw(RangeError);
      expect(() => roundHalfUp(1, 1.5)).to.throw(RangeError);
    });
  });

  describe("fractions", () => {
    it("reads a float as the decimal it prints as: 0.1 + 0.2 is exactly 0.3", () => {
      expect(compare(add(fromNumber(0.1), fromNumber(0.2)), fromNumber(0.3))).to.equal(0);
      expect(0.1 + 0.2).to.not.equal(0.3);
      expect(fromNumber(0.1)).to.deep.equal({ num: 1n, den: 10n });
      expect(fromNumber(-85.5)).to.deep.equal({ num: -171n, den: 2n });
      expect(fromNumber(1.5e-7)).to.deep.equal({ num: 3n, den: 20_000_000n });
      expect(fromNumber(1e21)).to.deep.equal({ num: 10n ** 21n, den: 1n });
    });

    it("parses decimal strings and refuses anything else", () => {
      expect(fromDecimalString("85.50")).to.deep.equal({ num: 171n, den: 2n });
      expect(fromDecimalString(".5")).to.deep.equal({ num: 1n, den: 2n });
      expect(fromDecimalString("-2.5E+2")).to.deep.equal({ num: -250n, den: 1n });
      for (const bad of ["", ".", "abc", "1,5", "1.2.3", "--1"]) {
        expect(() => fromDecimalString(bad), bad).to.throw(RangeError);
      }
    });

    it("rounds fractions half up exactly: 1/8 → 0.13, 2/3 → 0.67, −1/8 → −0.13", () => {
      expect(roundFraction(fraction(1n, 8n))).to.equal(0.13);
      expect(roundFraction(fraction(1n, 3n))).to.equal(0.33);
      expect(roundFraction(fraction(2n, 3n))).to.equal(0.67);
      expect(roundFraction(fraction(-1n, 8n))).to.equal(-0.13);
      // (1.00 + 1.01) / 2 = 1.005 exactly; in floats it is 1.00499999999999989… and rounds to 1.
      const m = div(add(fromNumber(1), fromNumber(1.01)), fraction(2n));
      expect(Math.round(((1 + 1.01) / 2) * 100) / 100).to.equal(1);
      expect(roundFraction(m)).to.equal(1.01);
    });

    it("reads scores at 6 decimals, absorbing float noise from upstream sums", () => {
      expect(0.1 + 0.2).to.equal(0.30000000000000004);
      expect(readScore(0.1 + 0.2)).to.deep.equal({ num: 3n, den: 10n });
      expect(readScore(85.3)).to.deep.equal({ num: 853n, den: 10n });
    });

    it("refuses a zero denominator and division by zero", () => {
      expect(() => fraction(1n, 0n)).to.throw(RangeError);
      expect(() => div(fraction(1n), fraction(0n))).to.throw(RangeError);
    });
  });

  describe("roundFloatHalfUp", () => {
    it("absorbs float error before rounding: 85.00499999999999 (meant 85.005) → 85.01", () => {
      // The literals stand for the floats a sum of scores really produces, which are not exactly those decimals.
      // eslint-disable-next-line no-loss-of-precision
      expect(roundFloatHalfUp(85.00499999999999)).to.equal(85.01);
      expect(roundFloatHalfUp(85.0049)).to.equal(85);
      expect(roundFloatHalfUp(85.004999)).to.equal(85);
      // eslint-disable-next-line no-loss-of-precision
      expect(roundFloatHalfUp(-85.00499999999999)).to.equal(-85.01);
      expect(() => roundFloatHalfUp(1, 2, 2)).to.throw(RangeError);
    });
  });

  describe("properties", () => {
    it("roundHalfUp agrees with digit-string rounding for any float and place count", () => {
      fc.assert(
        fc.property(
          fc.oneof(shortDecimal(1_000_000), fc.double({ noNaN: true, noDefaultInfinity: true })),
          fc.integer({ min: 0, max: 8 }),
          (x, places) => {
            expect(roundHalfUp(x, places)).to.equal(refRoundHalfUp(x, places));
          },
        ),
        { numRuns: 2000 },
      );
    });

    it("roundFraction agrees with rounding the long-division digits of n/d", () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
          fc.bigInt({ min: 1n, max: 10n ** 6n }),
          fc.integer({ min: 0, max: 6 }),
          (n, d, places) => {
            // Long division to places + 1 digits, then round the digit string.
            const magnitude = n < 0n ? -n : n;
            const scaled = (magnitude * 10n ** BigInt(places + 1)) / d;
            const digits = scaled.toString().padStart(places + 2, "0");
            const point = digits.length - (places + 1);
            const plain = `${n < 0n ? "-" : ""}${digits.slice(0, point)}.${digits.slice(point)}`;
            expect(roundFraction(fraction(n, d), places)).to.equal(Number(roundDecimalString(plain, places)));
          },
        ),
        { numRuns: 2000 },
      );
    });

    it("fraction arithmetic agrees with the arithmetic of small integers", () => {
      const small = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 }));
      fc.assert(
        fc.property(small, small, ([a, b], [c, d]) => {
          const x = fraction(BigInt(a), BigInt(b));
          const y = fraction(BigInt(c), BigInt(d));
          // a/b ⊕ c/d by the schoolbook formulas, compared by cross-multiplication.
          const same = (f: { num: bigint; den: bigint }, num: number, den: number) =>
            f.num * BigInt(den) === BigInt(num) * f.den;
          expect(same(add(x, y), a * d + c * b, b * d)).to.equal(true);
          expect(same(sub(x, y), a * d - c * b, b * d)).to.equal(true);
          expect(same(mul(x, y), a * c, b * d)).to.equal(true);
          if (c !== 0) expect(same(div(x, y), a * d, b * c)).to.equal(true);
          expect(compare(x, y)).to.equal(Math.sign(a * d - c * b));
          expect(toNumber(x)).to.equal(a / b);
        }),
      );
    });

    it("fromNumber round-trips: the fraction prints back as the same number", () => {
      fc.assert(
        fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
          expect(toNumber(fromNumber(x))).to.equal(x === 0 ? 0 : x);
          expect(plainDecimal(toNumber(fromNumber(x)))).to.equal(plainDecimal(x === 0 ? 0 : x));
        }),
        { numRuns: 2000 },
      );
    });

    it("roundFloatHalfUp rounds a score-sized decimal nudged by a few ulps like the decimal itself", () => {
      // The snap is absolute (1e-9), ample for scores: 4 ulps at 10,000 are about 7e-12.
      fc.assert(
        fc.property(shortDecimal(10_000), fc.integer({ min: -4, max: 4 }), (x, ulps) => {
          const nudged = x * (1 + ulps * Number.EPSILON);
          expect(roundFloatHalfUp(nudged)).to.equal(refRoundHalfUp(x));
        }),
        { numRuns: 2000 },
      );
    });
  });
});
