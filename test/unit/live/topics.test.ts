import { expect } from "chai";
import fc from "fast-check";
import { identityKey } from "../../../src/lib/identity.js";
import { ValidationError } from "../../../src/lib/errors.js";
import { MAX_TOPIC_LENGTH, topicsOf } from "../../../src/live/topics.js";
import type { TableRecord } from "../../../src/media/table-file.js";

/** The obvious reading of a bank: under the header's 题目 column, every non-blank cell, the first of each topic kept. */
function reference(column: number, rows: string[][]): string[] {
  const kept = new Map<string, string>();
  for (const row of rows) {
    const text = (row[column] ?? "").replace(/[\u200B-\u200D\u2060\uFEFF]/g, "").trim();
    if (text !== "" && !kept.has(identityKey(text))) kept.set(identityKey(text), text);
  }
  return [...kept.values()];
}

const records = (rows: string[][], from = 1): TableRecord[] => rows.map((cells, i) => ({ row: from + i, cells }));

describe("topic bank reading (topics.ts)", () => {
  it("keeps every non-blank topic once, in file order, whatever the column, blank lines and repeats", () => {
    // Few distinct letters and spaces (ASCII, ideographic), so blanks, repeats and near-repeats are common.
    const cell = fc
      .array(fc.constantFrom("a", "A", "ａ", "题", " ", "\u3000", "b"), { maxLength: 4 })
      .map((c) => c.join(""));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom("题目", "topic", " Topic ", "ＴＯＰＩＣ"),
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 30 }),
        (blankBefore, column, spelling, rows) => {
          const header = ["序号", "备注", "说明"];
          header[column] = spelling;
          const file = [...Array.from({ length: blankBefore }, () => ["", ""]), header, ...rows];
          const expected = reference(column, rows);
          if (expected.length === 0) {
            expect(() => topicsOf(records(file))).to.throw(ValidationError);
            return;
          }
          expect(topicsOf(records(file))).to.deep.equal(expected);
        },
      ),
    );
  });

  it("refuses a file without the header, and names the row of a topic too long", () => {
    expect(() => topicsOf(records([["问题"], ["x"]])))
      .to.throw(ValidationError)
      .with.property("code", "topics_header");
    const long = "长".repeat(MAX_TOPIC_LENGTH + 1);
    expect(() => topicsOf(records([["题目"], ["ok"], [long]])))
      .to.throw(ValidationError)
      .with.property("details")
      .that.deep.equals({ row: 3, max: MAX_TOPIC_LENGTH });
    expect(topicsOf(records([["题目"], ["长".repeat(MAX_TOPIC_LENGTH)]]))).to.have.length(1);
  });
});
