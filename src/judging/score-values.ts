/**
 * A sheet's criterion scores in a second, compact form beside its JSON (assignments.score_keys and
 * score_values), pure: computing a round's results reads 500,000 sheets, and parsing a JSON object
 * for each of them was most of the time. The keys are sorted, and the values (shortest round-trip
 * decimals, which Number reads back to the same double) follow them, so the compact form of a sheet
 * says exactly what its JSON says. A reader uses it only when its keys are the rubric's, and reads
 * the JSON otherwise (sheets saved before, or under a rubric edited since).
 */

/** The order score_values follows: the keys sorted by code unit. */
export function sortedScoreKeys(keys: readonly string[]): string[] {
  return [...keys].sort();
}

/** score_keys: the sorted keys as a JSON array, compared as a whole with the rubric's (unambiguous whatever a key holds). */
export function scoreKeysOf(keys: readonly string[]): string {
  return JSON.stringify(sortedScoreKeys(keys));
}

/**
 * A round's submitted sheets as one text (submittedSheetsText): one record a sheet, ended by
 * SHEET_END, of four fields split by SHEET_FIELD: entry id, judge id, total (the shortest decimal
 * that reads back to the same number) and scores, as score_values where written under the rubric's
 * keys, else as the sheet's JSON (it starts with "{"). Neither separator occurs in an id, a number
 * or a JSON text. Records come in no particular order.
 */
export const SHEET_FIELD = "\t";
export const SHEET_END = "\n";

/** score_keys and score_values of a sheet's scores. */
export function encodeScores(scores: Readonly<Record<string, number>>): { keys: string; values: string } {
  const keys = sortedScoreKeys(Object.keys(scores));
  return { keys: JSON.stringify(keys), values: keys.map((k) => String(scores[k])).join(" ") };
}

/** The scores back from score_values written under `sortedKeys` (the keys, sorted, that score_keys listed). */
export function decodeScores(values: string, sortedKeys: readonly string[]): Record<string, number> {
  const parts = values === "" ? [] : values.split(" ");
  if (parts.length !== sortedKeys.length)
    throw new Error(`score_values "${values}" does not match ${sortedKeys.join(" ")}`);
  const scores: Record<string, number> = {};
  for (let i = 0; i < parts.length; i++) scores[sortedKeys[i]] = Number(parts[i]);
  return scores;
}
