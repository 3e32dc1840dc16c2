import { expect } from "chai";
import fc from "fast-check";
import { checkTransition, nextStage, STAGES } from "../../../src/contests/lifecycle.js";

describe("contest lifecycle", () => {
  it("allows exactly one step forward from every stage but the last", () => {
    for (const [i, from] of STAGES.entries()) {
      const to = STAGES[i + 1];
      if (to) expect(checkTransition(from, to)).to.deep.equal({ ok: true, direction: "forward" });
      expect(nextStage(from)).to.equal(to ?? null);
    }
  });

  it("never allows a skip, a stay, or a step back from notice or final (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...STAGES), fc.constantFrom(...STAGES), (from, to) => {
        const i = STAGES.indexOf(from);
        const j = STAGES.indexOf(to);
        const result = checkTransition(from, to);
        const expected = j === i + 1 || (j === i - 1 && i < STAGES.indexOf("notice"));
        return result.ok === expected;
      }),
    );
  });

  it("names why a move is refused", () => {
    expect(checkTransition("draft", "closed")).to.deep.equal({ ok: false, reason: "skip" });
    expect(checkTransition("open", "open")).to.deep.equal({ ok: false, reason: "same" });
    expect(checkTransition("notice", "review")).to.deep.equal({ ok: false, reason: "afterNotice" });
    expect(checkTransition("final", "notice")).to.deep.equal({ ok: false, reason: "afterNotice" });
    expect(checkTransition("review", "judging")).to.deep.equal({ ok: true, direction: "back" });
  });
});
