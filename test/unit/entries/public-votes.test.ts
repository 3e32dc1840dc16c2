import { expect } from "chai";
import fc from "fast-check";
import { parsePublicVotesText, publicVotesText } from "../../../src/entries/public-votes.js";

describe("entries/public-votes: the review page's vote lines", () => {
  it("reads code and count separated by spaces, a tab, a comma or a Chinese comma; skips blank lines", () => {
    expect(parsePublicVotesText("SP-2026-0001 12\r\n\n  SP-2026-0002\t3000 \nSP-2026-0003,0\nSP-2026-0004，7\n")).to.deep.equal({
      "SP-2026-0001": 12,
      "SP-2026-0002": 3000,
      "SP-2026-0003": 0,
      "SP-2026-0004": 7,
    });
    expect(parsePublicVotesText("  \n")).to.deep.equal({});
  });

  it("refuses a line without a whole count, naming its line; and a code listed twice", () => {
    for (const [text, line] of [["SP-1 1\nSP-2", 2], ["SP-1 1.5", 1], ["SP-1 -3", 1], ["SP-1 1,000", 1], ["\n\nSP-1 12345678901", 3]] as const) {
      expect(() => parsePublicVotesText(text), text).to.throw().with.property("code", "votes_line");
      try {
        parsePublicVotesText(text);
      } catch (err) {
        expect((err as { details: { line: number } }).details.line, text).to.equal(line);
      }
    }
    expect(() => parsePublicVotesText("SP-1 1\nSP-1 2")).to.throw().with.property("code", "votes_duplicate");
  });

  it("reads back what it writes", () => {
    const code = fc.stringMatching(/^[A-Z]{2}-\d{4}-\d{4}$/);
    fc.assert(
      fc.property(fc.dictionary(code, fc.integer({ min: 0, max: 1_000_000_000 })), (votes) => {
        expect(parsePublicVotesText(publicVotesText(votes))).to.deep.equal(votes);
      }),
    );
  });
});
