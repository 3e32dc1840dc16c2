import { expect } from "chai";
import fc from "fast-check";
import {
  assertValidRubric,
  CONTEST_KINDS,
  defaultRubric,
  isMultipleOf,
  rubricMax,
} from "../../../src/contests/rubric.js";
import { ValidationError } from "../../../src/lib/errors.js";

describe("rubric", () => {
  it("every kind's default rubric is valid and totals 100", () => {
    for (const kind of CONTEST_KINDS) {
      const rubric = defaultRubric(kind);
      expect(() => assertValidRubric(rubric)).not.to.throw();
      expect(rubricMax(rubric), kind).to.equal(100);
    }
  });

  it("defaults are copies: changing one does not change the next", () => {
    defaultRubric("video").criteria[0].max = 1;
    expect(defaultRubric("video").criteria[0].max).to.equal(30);
  });

  it("decimal steps divide their maximum as people expect", () => {
    expect(isMultipleOf(10, 0.1)).to.equal(true);
    expect(isMultipleOf(0.3, 0.1)).to.equal(true);
    expect(isMultipleOf(7.5, 0.5)).to.equal(true);
    expect(isMultipleOf(10, 3)).to.equal(false);
    expect(isMultipleOf(1, 0.3)).to.equal(false);
  });

  it("a step divides max exactly when max is a whole number of steps (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.constantFrom(1, 2, 5, 0.5, 0.25, 0.1), (n, step) => {
        const max = Number((n * step).toFixed(4));
        return isMultipleOf(max, step);
      }),
    );
  });

  it("refuses duplicate keys, also between criteria and deductions", () => {
    expect(() =>
      assertValidRubric({
        criteria: [
          { key: "a", label: "A", max: 10, step: 1 },
          { key: "a", label: "B", max: 10, step: 1 },
        ],
      }),
    ).to.throw(ValidationError);
    expect(() =>
      assertValidRubric({
        criteria: [{ key: "a", label: "A", max: 10, step: 1 }],
        deductions: [{ key: "a", label: "D", max: 2 }],
      }),
    ).to.throw(ValidationError);
  });

  it("refuses a step that does not divide max, naming the criterion", () => {
    try {
      assertValidRubric({ criteria: [{ key: "art", label: "艺术", max: 15, step: 2 }] });
      expect.fail("should throw");
    } catch (err) {
      expect(err).to.be.instanceOf(ValidationError);
      expect((err as ValidationError).code).to.equal("invalid_rubric");
      expect((err as ValidationError).params).to.deep.equal({ key: "art", max: 15, step: 2 });
    }
  });
});
