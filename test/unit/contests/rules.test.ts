import { expect } from "chai";
import { CONTEST_KINDS } from "../../../src/contests/rubric.js";
import { contestRulesSchema, defaultRules, mergeRules } from "../../../src/contests/rules.js";
import { compile } from "../../../src/lib/validate.js";

describe("contest rules (the stored settings' schema)", () => {
  const parseStored = compile(contestRulesSchema);

  for (const kind of CONTEST_KINDS) {
    it(`the default rules of the ${kind} kind pass the stored rules' schema`, () => {
      expect(() => parseStored(defaultRules(kind))).not.to.throw();
    });
  }

  it("rules merged from a partial input are complete again", () => {
    const merged = mergeRules(defaultRules("video"), { files: { video: { maxSeconds: 600 } }, teamMax: 3 });
    expect(() => parseStored(merged)).not.to.throw();
    expect(merged.files.video).to.include({ maxSeconds: 600, minSeconds: 120, required: true });
  });
});
