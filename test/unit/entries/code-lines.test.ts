import { expect } from "chai";
import fc from "fast-check";
import {
  codeLinesText,
  minutesSeconds,
  parsePublicVotesText,
  parseTalkTimesText,
} from "../../../src/entries/code-lines.js";

/** The line a refusal names, or null when the text is read. */
function refusedLine(read: () => unknown): { code: string; line?: number } | null {
  try {
    read();
    return null;
  } catch (err) {
    const e = err as { code: string; details: { line?: number } };
    return { code: e.code, line: e.details.line };
  }
}

describe("entries/code-lines: the review page's pasted lines", () => {
  describe("public votes", () => {
    it("reads code and count separated by spaces, a tab, a comma or a Chinese comma; skips blank lines", () => {
      expect(
        parsePublicVotesText("SP-2026-0001 12\r\n\n  SP-2026-0002\t3000 \nSP-2026-0003,0\nSP-2026-0004，7\n"),
      ).to.deep.equal({
        "SP-2026-0001": 12,
        "SP-2026-0002": 3000,
        "SP-2026-0003": 0,
        "SP-2026-0004": 7,
      });
      expect(parsePublicVotesText("  \n")).to.deep.equal({});
    });

    it("refuses a line without a whole count, naming its line; and a code listed twice", () => {
      for (const [text, line] of [
        ["SP-1 1\nSP-2", 2],
        ["SP-1 1.5", 1],
        ["SP-1 -3", 1],
        ["SP-1 1 000", 1],
        ["\n\nSP-1 12345678901", 3],
        ["SP-1 2000000000", 1],
      ] as const) {
        expect(
          refusedLine(() => parsePublicVotesText(text)),
          text,
        ).to.deep.equal({ code: "bad_line", line });
      }
      expect(refusedLine(() => parsePublicVotesText("SP-1 1\nSP-1 2"))).to.deep.equal({
        code: "duplicate_code",
        line: undefined,
      });
    });

    it("reads back what it writes", () => {
      const code = fc.stringMatching(/^[A-Z]{2}-\d{4}-\d{4}$/);
      fc.assert(
        fc.property(fc.dictionary(code, fc.integer({ min: 0, max: 1_000_000_000 })), (votes) => {
          expect(parsePublicVotesText(codeLinesText(votes))).to.deep.equal(votes);
        }),
      );
    });
  });

  describe("talk times", () => {
    it("reads m:ss (also with a Chinese colon) and whole seconds", () => {
      expect(parseTalkTimesText("JS-1 4:05\nJS-2\t245\nJS-3,2：59\nJS-4 0:00")).to.deep.equal({
        "JS-1": 245,
        "JS-2": 245,
        "JS-3": 179,
        "JS-4": 0,
      });
    });

    it("refuses seconds past 59, fractions, and more than two hours, naming the line", () => {
      for (const [text, line] of [
        ["JS-1 4:60", 1],
        ["JS-1 4:05\nJS-2 4.5", 2],
        ["JS-1 121:00", 1],
        ["JS-1 7201", 1],
        ["JS-1 4:5", 1],
      ] as const) {
        expect(
          refusedLine(() => parseTalkTimesText(text)),
          text,
        ).to.deep.equal({ code: "bad_line", line });
      }
    });

    it("reads back the m:ss it writes", () => {
      const code = fc.stringMatching(/^[A-Z]{2}-\d{4}$/);
      fc.assert(
        fc.property(fc.dictionary(code, fc.integer({ min: 0, max: 7200 })), (times) => {
          const text = codeLinesText(Object.fromEntries(Object.entries(times).map(([c, s]) => [c, minutesSeconds(s)])));
          expect(parseTalkTimesText(text)).to.deep.equal(times);
        }),
      );
    });
  });
});
