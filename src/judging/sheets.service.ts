import type { AppContext } from "../context.js";
import { submittedSheetsText as sheetsText } from "./sheets.queries.js";

/** A round's submitted sheets as one text (score-values.ts), for computing its results; `criterionKeys` are the round rubric's. */
export async function submittedSheetsText(
  ctx: AppContext,
  roundId: string,
  criterionKeys: readonly string[],
): Promise<string> {
  return sheetsText(ctx.db, roundId, criterionKeys);
}
