import { fieldChanges, type FieldChange } from "../audit/changes.js";
import type { UpdateContestBody } from "./contests.schemas.js";
import { allows, type Stage, type StageAction } from "./lifecycle.js";
import type { ContestRules } from "./rules.js";

/** Each setting's group in the stage policy: once judging starts the rubric is fixed, and so on. */
const SETTING_ACTION: Record<Exclude<keyof UpdateContestBody, "rules">, StageAction> = {
  title: "editDetails",
  description: "editDetails",
  opensAt: "editSchedule",
  closesAt: "editSchedule",
  rubric: "editRules",
  judgesPerEntry: "editRules",
  aggregation: "editScoring",
  prizes: "editScoring",
  noticeEndsAt: "extendNotice",
};

/**
 * Each rule's group: what entries and assignments were made under freezes when judging starts; what
 * only the results use (vote weight, talk time, the notice's length) stays open until they are published.
 */
export const RULE_ACTION: Record<keyof ContestRules, StageAction> = {
  files: "editRules",
  maxEntriesPerAuthor: "editRules",
  maxEntriesPerContestant: "editRules",
  maxEntriesPerUnit: "editRules",
  requiresRecommendation: "editRules",
  recommendationQuota: "editRules",
  recommendationQuotas: "editRules",
  sameCityConflict: "editRules",
  safetyGate: "editRules",
  teamMax: "editRules",
  publicVoteWeight: "editScoring",
  noticeDays: "editScoring",
  timeRules: "editScoring",
};

/** The settings of a change that the stage does not allow, by path (`rubric`, `rules.files`). */
export function lockedSettings(stage: Stage, body: UpdateContestBody): string[] {
  const locked: string[] = [];
  for (const field of Object.keys(body) as (keyof UpdateContestBody)[]) {
    if (field === "rules") {
      for (const rule of Object.keys(body.rules ?? {}) as (keyof ContestRules)[])
        if (!allows(stage, RULE_ACTION[rule])) locked.push(`rules.${rule}`);
    } else if (!allows(stage, SETTING_ACTION[field])) locked.push(field);
  }
  return locked;
}

/**
 * What changed between two settings objects, leaf by leaf (`rules.files.video.maxSeconds`: 300 → 240);
 * lists (types, criteria) are compared whole. Only `after`'s keys are looked at: the settings changed.
 */
export function settingChanges(before: Record<string, unknown>, after: Record<string, unknown>): FieldChange[] {
  return fieldChanges(Object.fromEntries(Object.keys(after).map((key) => [key, before[key]])), after);
}
