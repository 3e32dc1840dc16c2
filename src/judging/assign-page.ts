import type { Request } from "express";
import { fieldText, repeatedField, text, type Refusal } from "../http/forms.js";
import type { ConflictReason } from "./conflicts.js";
import { parseAutoAssignBody, type AutoAssignBody } from "./judging.schemas.js";
import type { AutoAssignResult, BlockedEntry } from "./judging.service.js";

/** The judging page's one-step pool and assignment form, and how it explains a refusal. */

const REASONS: readonly ConflictReason[] = ["unit", "avoidUnit", "city", "declared", "author"];

/**
 * The form's fields as the API's body. `poolChosen=1` marks the pool's checkboxes as sent, so a
 * form with none ticked means an empty pool, not "keep the saved one".
 */
export function autoAssignBody(fields: Record<string, unknown>): AutoAssignBody {
  const seed = text(fields, "seed");
  return parseAutoAssignBody({
    ...(seed === undefined ? {} : { seed: /^\d{1,15}$/.test(seed) ? Number(seed) : seed }),
    ...(fieldText(fields.poolChosen) === "1" ? { judgeIds: [...new Set(repeatedField(fields.judgeIds))] } : {}),
    ...(fieldText(fields.partial) === "1" ? { partial: true } : {}),
  });
}

/** The judges ticked in a refused form, or null when the form did not send the pool. */
export function typedPool(refusal: Refusal | undefined): Set<string> | null {
  if (!refusal || fieldText(refusal.typed.poolChosen) !== "1") return null;
  return new Set(repeatedField(refusal.typed.judgeIds));
}

/** A refused assignment's blocked entries, each with its reasons in words, for the page. */
export function blockedRows(req: Request, refusal: Refusal | undefined) {
  if (refusal?.body.code !== "assignment_infeasible") return [];
  const { blocked } = refusal.body.details as { blocked: BlockedEntry[] };
  return blocked.map((b) => ({
    ...b,
    missing: b.needed - b.eligible,
    reasons: REASONS.filter((r) => b.conflicts[r] > 0).map((r) => req.t(`assign.reason.${r}`, { n: b.conflicts[r] })),
  }));
}

/** What an automatic assignment did, for the flash message; the short entries named with their counts. */
export function assignedMessage(req: Request, result: AutoAssignResult): string {
  const loads = Object.values(result.loads);
  const done = req.t("judging.autoDone", {
    n: result.assignments,
    mismatches: result.mismatches,
    min: loads.length ? Math.min(...loads) : 0,
    max: loads.length ? Math.max(...loads) : 0,
  });
  if (result.short.length === 0) return done;
  const short = result.short.map((s) =>
    req.t("assign.shortEntry", { code: s.code, assigned: s.assigned, needed: s.needed }),
  );
  return `${done}${req.t("assign.shortDone", { count: result.short.length, entries: short })}`;
}
