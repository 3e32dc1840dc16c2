/** DESIGN §2: draft → open → closed → judging → review → notice → final. */
export const STAGES = ["draft", "open", "closed", "judging", "review", "notice", "final"] as const;
export type Stage = (typeof STAGES)[number];

export type TransitionCheck = { ok: true; direction: "forward" | "back" } | { ok: false; reason: "same" | "skip" | "afterNotice" };

/**
 * Organizers move one stage forward at any time, or one stage back before the notice
 * (to reopen submissions or judging); never skip one, never go back once results are public.
 */
export function checkTransition(from: Stage, to: Stage): TransitionCheck {
  const i = STAGES.indexOf(from);
  const j = STAGES.indexOf(to);
  if (i === j) return { ok: false, reason: "same" };
  if (j === i + 1) return { ok: true, direction: "forward" };
  if (j === i - 1) return STAGES.indexOf("notice") <= i ? { ok: false, reason: "afterNotice" } : { ok: true, direction: "back" };
  return { ok: false, reason: "skip" };
}

export function nextStage(stage: Stage): Stage | null {
  return STAGES[STAGES.indexOf(stage) + 1] ?? null;
}

/** Stages the public sees: everything past the draft. */
export function isPublicStage(stage: Stage): boolean {
  return stage !== "draft";
}
