/**
 * A sheet's criterion scores in a second, compact form beside its JSON (assignments.score_keys and
 * score_values), pure: computing a round's results reads 500,000 sheets, and parsing a JSON object
 * for each of them was most of the time. The keys are sorted, and the values (shortest round-trip
 * decimals, which Number reads back to the same double) follow them, so the compact form of a sheet
 * says exactly what its JSON says. A reader uses it only when its keys are the rubric's, and reads
 * the JSON otherwise (sheets saved before, or under a rubric edited since).
 */

/** score_keys: the sorted keys as a JSON array, compared as a whole with the rubric's (unambiguous whatever a key holds). */
export function scoreKeysOf(keys: readonly string[]): string {
  return JSON.stringify([...keys].sort());
}

/** score_keys and score_values of a sheet's scores. */
export function encodeScores(scores: Readonly<Record<string, number>>): { keys: string; values: string } {
  const keys = Object.keys(scores).sort();
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
