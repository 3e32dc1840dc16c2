import type { Request, Response } from "express";
import type { AppContext } from "../context.js";
import { resultsCsv, resultsXlsx } from "./exports.js";
import { scoreMatrix, type PublishedResults } from "./results.service.js";

/**
 * Sends results as a CSV or XLSX download; an organizer's XLSX adds the score matrix. Which results
 * (the snapshot or the organizer's computation) is the caller's choice.
 */
export async function sendResultsExport(
  ctx: AppContext,
  req: Request,
  res: Response,
  format: "csv" | "xlsx",
  published: PublishedResults,
): Promise<void> {
  const name = `results-${published.contestId}`;
  if (format === "csv") {
    res.type("text/csv; charset=utf-8").attachment(`${name}.csv`).send(resultsCsv(published));
    return;
  }
  const matrix = req.user?.role === "organizer" ? await scoreMatrix(ctx, req.user, published.contestId) : undefined;
  res
    .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    .attachment(`${name}.xlsx`)
    .send(await resultsXlsx(published, matrix));
}
