import type { Request } from "express";

/** Points shown to people (a sheet's total, a score): exact to the rubric's decimals, without float noise. */
export function pointsText(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** An assignment's status (assigned, draft, submitted) in the reader's words. */
export function assignmentStatusLabel(req: Request, status: string): string {
  return req.t(`assignmentStatus.${status}`);
}
