import { expect } from "chai";
import { isStrongPassword, PASSWORD_RULES } from "../../../src/accounts/passwords.js";

const EMAIL = "zhangsan@example.org";

/** For each rule of the hint, a password that breaks that rule and no other. */
const BREAKS_ONLY: Record<string, string> = {
  "passwordRules.length": "Abc1234",
  "passwordRules.letter": "20261201",
  "passwordRules.digit": "Kepu-mima",
  "passwordRules.notCommon": "Password1",
  "passwordRules.notEmailName": "Zhangsan-2026",
};

describe("password rules: the list the hint is made from is the check", () => {
  it("names a breaking example for every rule, and no rule without one", () => {
    expect(PASSWORD_RULES.map((r) => r.key)).to.have.members(Object.keys(BREAKS_ONLY));
  });

  for (const [key, password] of Object.entries(BREAKS_ONLY))
    it(`refuses ${JSON.stringify(password)}, which breaks ${key} only`, () => {
      const emailName = "zhangsan";
      const broken = PASSWORD_RULES.filter((r) => !r.passes(password, emailName)).map((r) => r.key);
      expect(broken).to.deep.equal([key]);
      expect(isStrongPassword(password, EMAIL)).to.equal(false);
    });

  it("accepts a password that keeps every rule", () => {
    expect(isStrongPassword("Kepu-mima-2026", EMAIL)).to.equal(true);
  });

  it("refuses a password longer than the maximum the hint states", () => {
    expect(isStrongPassword(`A1${"x".repeat(127)}`, EMAIL)).to.equal(false);
    expect(isStrongPassword(`A1${"x".repeat(126)}`, EMAIL)).to.equal(true);
  });

  it("lets a short e-mail name (under 4 characters) appear in the password", () => {
    expect(isStrongPassword("Li-mima-2026", "li@example.org")).to.equal(true);
  });
});
