import type { Knex } from "knex";
import { parseJson } from "../db/dialect.js";
import type { SubmittedSheetRow } from "./judging.queries.js";
import { decodeScores, scoreKeysOf, SHEET_END, SHEET_FIELD } from "./score-values.js";

/**
 * The submitted sheets of a round (status submitted, with a total): only what results need. In
 * (entry, judge) order, which the unique index on (round_id, entry_id, judge_id) serves without a
 * sort, so an entry's totals always come in the same order.
 *
 * One row per entry, its sheets joined into one string by the database: the driver's cost is per
 * row, and building 500,000 rows was most of computing a round. Each sheet is its judge, its total
 * (as text: both databases print the shortest decimal that reads back to the same double) and its
 * scores: the compact form (score-values.ts) where written under the rubric's keys, else the JSON.
 * Tab and newline separate them: neither occurs in an id, a number or a JSON text.
 */
export async function submittedSheetsOfRound(
  db: Knex,
  roundId: string,
  criterionKeys: readonly string[],
): Promise<SubmittedSheetRow[]> {
  const sortedKeys = [...criterionKeys].sort();
  const answer: unknown = await db.raw(
    `SELECT entry_id AS "entryId",
       string_agg(judge_id || ? || CAST(total AS TEXT) || ? ||
         CASE WHEN score_keys = ? THEN score_values ELSE coalesce(scores, '{}') END, ? ORDER BY judge_id) AS sheets
     FROM assignments WHERE round_id = ? AND status = 'submitted' AND total IS NOT NULL
     GROUP BY entry_id ORDER BY entry_id`,
    ["\t", "\t", scoreKeysOf(criterionKeys), "\n", roundId],
  );
  // sqlite3 answers the rows, pg a result holding them.
  const rows = (Array.isArray(answer) ? answer : (answer as { rows: unknown[] }).rows) as {
    entryId: string;
    sheets: string;
  }[];
  const sheets: SubmittedSheetRow[] = [];
  for (const { entryId, sheets: joined } of rows) {
    for (const sheet of joined.split("\n")) {
      const [judgeId, total, scores] = sheet.split("\t");
      sheets.push({
        entryId,
        judgeId,
        total: Number(total),
        scores: scores.startsWith("{")
          ? (parseJson<Record<string, number> | null>(scores, null) ?? {})
          : decodeScores(scores, sortedKeys),
      });
    }
  }
  return sheets;
}

/**
 * The submitted sheets of a round as one text (score-values.ts describes it), which computing
 * results reads into columns: one value aggregated by the database rather than a row per sheet or
 * per entry, as building rows is the driver's cost. Unordered: an ORDER BY made the database sort
 * what the reader puts in order anyway.
 */
export async function submittedSheetsText(
  db: Knex,
  roundId: string,
  criterionKeys: readonly string[],
): Promise<string> {
  const answer: unknown = await db.raw(
    `SELECT string_agg(entry_id || ? || judge_id || ? || CAST(total AS TEXT) || ? ||
       CASE WHEN score_keys = ? THEN score_values ELSE coalesce(scores, '{}') END, ?) AS sheets
     FROM assignments WHERE round_id = ? AND status = 'submitted' AND total IS NOT NULL`,
    [SHEET_FIELD, SHEET_FIELD, SHEET_FIELD, scoreKeysOf(criterionKeys), SHEET_END, roundId],
  );
  // sqlite3 answers the rows, pg a result holding them; no sheet: null.
  const rows = (Array.isArray(answer) ? answer : (answer as { rows: unknown[] }).rows) as { sheets: string | null }[];
  return rows[0]?.sheets ?? "";
}
