import { expect } from "chai";
import fc from "fast-check";
import {
  applyTimeDeduction,
  DEFAULT_TIME_RULES,
  timeDeduction,
  type TimeRules,
} from "../../../src/results/time-rules.js";
import { refRoundHalfUp } from "./reference.js";

describe("results/time-rules", () => {
  describe("worked examples with the default explainer rules (3:00 minimum, 4:00 + 15 s grace)", () => {
    it("has the published defaults", () => {
      expect(DEFAULT_TIME_RULES).to.deep.equal({
        minSeconds: 180,
        underPenalty: 2,
        targetSeconds: 240,
        graceSeconds: 15,
        overPenalty: 2,
        cutoffSeconds: 270,
      });
      expect(Object.isFrozen(DEFAULT_TIME_RULES)).to.equal(true);
    });

    const cases: [number, number, "under" | "over" | null][] = [
      [0, -2, "under"],
      [179, -2, "under"],
      [179.9, -2, "under"],
      [180, 0, null], // exactly 3:00 is long enough
      [240, 0, null],
      [250, 0, null], // cut off at 4:10, inside the grace
      [255, 0, null], // 4:15 is the last second of grace
      [255.1, -2, "over"],
      [300, -2, "over"],
    ];
    for (const [seconds, points, reason] of cases) {
      it(`a ${seconds} s talk → ${points} (${String(reason)})`, () => {
        expect(timeDeduction(seconds)).to.deep.equal({ points, reason });
      });
    }

    it("applies the deduction to a final score exactly: 85.01 − 2 = 83.01", () => {
      expect(85.01 - 2).to.equal(83.01000000000001);
      expect(applyTimeDeduction(85.01, 170)).to.deep.equal({
        score: 83.01,
        deduction: { points: -2, reason: "under" },
      });
      expect(applyTimeDeduction(85.01, 200).score).to.equal(85.01);
    });

    it("uses configured rules, and a zero penalty is no deduction", () => {
      const rules: TimeRules = {
        minSeconds: 60,
        underPenalty: 1,
        targetSeconds: 120,
        graceSeconds: 0,
        overPenalty: 0.5,
        cutoffSeconds: 130,
      };
      expect(timeDeduction(59, rules)).to.deep.equal({ points: -1, reason: "under" });
      expect(timeDeduction(121, rules)).to.deep.equal({ points: -0.5, reason: "over" });
      expect(timeDeduction(59, { ...rules, underPenalty: 0 })).to.deep.equal({ points: 0, reason: null });
    });

    it("refuses negative or non-finite times and broken rules", () => {
      expect(() => timeDeduction(-1)).to.throw(RangeError);
      expect(() => timeDeduction(Number.NaN)).to.throw(RangeError);
      expect(() => timeDeduction(200, { ...DEFAULT_TIME_RULES, underPenalty: -2 })).to.throw(RangeError);
      expect(() => timeDeduction(200, { ...DEFAULT_TIME_RULES, minSeconds: 300 })).to.throw(RangeError);
    });
  });

  describe("properties", () => {
    const rulesArb = fc
      .record({
        minSeconds: fc.integer({ min: 0, max: 300 }),
        extra: fc.integer({ min: 0, max: 300 }),
        underPenalty: fc.integer({ min: 0, max: 10 }).map((h) => h / 2),
        graceSeconds: fc.integer({ min: 0, max: 60 }),
        overPenalty: fc.integer({ min: 0, max: 10 }).map((h) => h / 2),
      })
      .map(({ extra, ...r }): TimeRules => ({
        ...r,
        targetSeconds: r.minSeconds + extra,
        cutoffSeconds: r.minSeconds + extra + 10,
      }));

    it("agrees with the rule as written", () => {
      fc.assert(
        fc.property(fc.double({ min: 0, max: 1000, noNaN: true }), rulesArb, (seconds, rules) => {
          const got = timeDeduction(seconds, rules);
          let expected: { points: number; reason: "under" | "over" | null } = { points: 0, reason: null };
          if (seconds < rules.minSeconds && rules.underPenalty !== 0)
            expected = { points: -rules.underPenalty, reason: "under" };
          else if (seconds > rules.targetSeconds + rules.graceSeconds && rules.overPenalty !== 0) {
            expected = { points: -rules.overPenalty, reason: "over" };
          }
          expect(got).to.deep.equal(expected);
        }),
        { numRuns: 2000 },
      );
    });

    it("applyTimeDeduction equals the rounded exact difference", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 400 }), (hundredths, seconds) => {
          const { score, deduction } = applyTimeDeduction(hundredths / 100, seconds);
          expect(score).to.equal(refRoundHalfUp((hundredths + deduction.points * 100) / 100));
        }),
        { numRuns: 1000 },
      );
    });
  });
});
