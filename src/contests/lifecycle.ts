import { StageError } from "../lib/errors.js";

/** DESIGN §2: draft → open → closed → judging → review → notice → final. */
export const STAGES = ["draft", "open", "closed", "judging", "review", "notice", "final"] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The one stage policy: each action a contest's stage allows or forbids, and the stages that allow it.
 * Services call `assertMay`, view models read `may(contest)`, SQL filters ask `stagesAllowing`; no other
 * file names a stage list.
 */
const ALLOWED_IN = {
  /** The public sees a contest once it is past the draft. */
  viewPublicly: ["open", "closed", "judging", "review", "notice", "final"],
  /** Contestants submit, edit and withdraw (within opensAt..closesAt, which entries check). */
  submitEntries: ["open"],
  /** Organizers correct an entry's data before judging starts. */
  correctEntries: ["draft", "open", "closed"],
  /** Format review (形式审查): confirm, disqualify, re-admit, safety gate. */
  reviewEntries: ["open", "closed", "judging", "review"],
  /** City coordinators recommend entries within their quota (推荐). */
  recommendEntries: ["open", "closed"],
  /** Judge pools, assignments, declared conflicts (回避). */
  assignJudges: ["open", "closed", "judging"],
  /** Judges save and submit score sheets. */
  scoreEntries: ["judging"],
  /** A further round (决赛) opens while judging. */
  openRounds: ["judging"],
  /** A round's finalists list (初评入围名单) is published once the next round has opened. */
  publishFinalists: ["judging", "review", "notice", "final"],
  /** Talk times of the explainer contest are recorded once the talks are over. */
  recordTalkTimes: ["closed", "judging", "review"],
  /** Public vote counts (网络投票). */
  recordVotes: ["judging", "review"],
  /** Results are computed (a preview while judging, stored in review) and prize counts edited. */
  computeResults: ["judging", "review"],
  /** Named awards (最佳创意奖 …) are chosen among the ranked entries before the results are frozen for the notice. */
  chooseAwards: ["review"],
  /** While judging, results are a preview computed on the fly; from review on they are stored. */
  previewResults: ["judging"],
  /** The organizer's results review page. */
  reviewResults: ["judging", "review", "notice", "final"],
  /** Results are public: the notice (公示) and the final list. */
  viewPublicResults: ["notice", "final"],
  /** The published results are final (certificates, exports). */
  showFinalResults: ["final"],
  /** Objections (异议) are filed and resolved during the notice. */
  handleObjections: ["notice"],
  /** Contest settings, by group: what a later stage relies on freezes with it. */
  editDetails: ["draft", "open", "closed", "judging", "review", "notice"],
  editSchedule: ["draft", "open"],
  editRules: ["draft", "open", "closed"],
  editScoring: ["draft", "open", "closed", "judging", "review"],
  extendNotice: ["notice"],
  /** A short panel (fewer sheets than judgesPerEntry) is accepted with a reason before the notice. */
  acceptShortPanels: ["judging", "review"],
  /** A judge ordered by an upheld objection scores his one entry during the notice. */
  rescoreEntries: ["notice"],
  /** A round run live (决赛 on site): started, timed and scored while judging. */
  runLiveFinal: ["judging"],
} as const satisfies Record<string, readonly Stage[]>;

export type StageAction = keyof typeof ALLOWED_IN;
export type StageFlags = Record<StageAction, boolean>;

/** Stage-specific refusals keep their own message; the rest say the contest's stage does not allow it. */
const REFUSALS: Partial<Record<StageAction, string>> = {
  submitEntries: "errors.submissionsClosed",
  correctEntries: "errors.entryLocked",
  reviewEntries: "errors.entryLocked",
  recommendEntries: "errors.recommendationClosed",
  assignJudges: "errors.assigningClosed",
  scoreEntries: "errors.scoringClosed",
  openRounds: "errors.roundsOnlyInJudging",
  computeResults: "errors.computeStage",
  chooseAwards: "errors.awardsStage",
  reviewResults: "errors.reviewStage",
  viewPublicResults: "errors.resultsNotPublic",
  handleObjections: "errors.objectionResolveStage",
};

export function stagesAllowing(action: StageAction): readonly Stage[] {
  return ALLOWED_IN[action];
}

export function allows(stage: Stage, action: StageAction): boolean {
  return (ALLOWED_IN[action] as readonly Stage[]).includes(stage);
}

/** Throws StageError unless the contest's stage allows the action. */
export function assertMay(
  contest: { stage: Stage },
  action: StageAction,
  messageKey = REFUSALS[action] ?? "errors.stageForbids",
): void {
  if (!allows(contest.stage, action)) throw new StageError(messageKey, { stage: contest.stage });
}

/** Every action's flag for a view model: templates show a button only where `may.<action>` is true. */
export function may(contest: { stage: Stage }): StageFlags {
  const flags = {} as StageFlags;
  for (const action of Object.keys(ALLOWED_IN) as StageAction[]) flags[action] = allows(contest.stage, action);
  return flags;
}

export type TransitionCheck =
  { ok: true; direction: "forward" | "back" } | { ok: false; reason: "same" | "skip" | "afterNotice" };

/**
 * Organizers move one stage forward at any time, or one stage back before the notice
 * (to reopen submissions or judging); never skip one, never go back once results are public.
 */
export function checkTransition(from: Stage, to: Stage): TransitionCheck {
  const i = STAGES.indexOf(from);
  const j = STAGES.indexOf(to);
  if (i === j) return { ok: false, reason: "same" };
  if (j === i + 1) return { ok: true, direction: "forward" };
  if (j === i - 1)
    return STAGES.indexOf("notice") <= i ? { ok: false, reason: "afterNotice" } : { ok: true, direction: "back" };
  return { ok: false, reason: "skip" };
}

export function nextStage(stage: Stage): Stage | null {
  return STAGES[STAGES.indexOf(stage) + 1] ?? null;
}

/** The stage an organizer may step back to (reopening submissions or judging), or null once results are public. */
export function previousStage(stage: Stage): Stage | null {
  const back = STAGES[STAGES.indexOf(stage) - 1];
  return back && checkTransition(stage, back).ok ? back : null;
}

/** Every stage in order, with where the contest stands: the lifecycle bar of the contest page. */
export function stageTrack(current: Stage): { stage: Stage; current: boolean; done: boolean }[] {
  const at = STAGES.indexOf(current);
  return STAGES.map((stage, i) => ({ stage, current: i === at, done: i < at }));
}

/**
 * What entering a stage does besides the move itself (DESIGN §2): closing early ends submissions now;
 * review computes and stores results; the notice opens the objection window and freezes a snapshot;
 * final freezes the last snapshot.
 */
export interface StageEntry {
  /** Contestants may submit again (forward from a draft, or back from closed). */
  opensSubmissions: boolean;
  endsSubmissions: boolean;
  storesResults: boolean;
  opensNotice: boolean;
  freezesNotice: boolean;
  freezesFinal: boolean;
}

export function onEntering(to: Stage, direction: "forward" | "back"): StageEntry {
  const forward = direction === "forward";
  return {
    opensSubmissions: to === "open",
    endsSubmissions: forward && to === "closed",
    storesResults: to === "review",
    opensNotice: to === "notice",
    freezesNotice: to === "notice",
    freezesFinal: to === "final",
  };
}

/** Stages the public sees: everything past the draft. */
export function isPublicStage(stage: Stage): boolean {
  return allows(stage, "viewPublicly");
}
