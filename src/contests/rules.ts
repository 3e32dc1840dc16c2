import { DEFAULT_TIME_RULES, type TimeRules } from "../results/time-rules.js";
import type { ContestKind } from "./rubric.js";

/** What one uploaded file must be (DESIGN §4 file roles). Hard limits refuse the upload; soft ones are flagged. */
export interface FileRule {
  required: boolean;
  /** Content types by their short name, checked from the bytes: mp4, mov, pdf, docx, pptx, jpeg, png. */
  types: string[];
  maxBytes: number;
  minSeconds?: number;
  maxSeconds?: number;
  /** Soft: flagged in the format review, not refused. */
  minHeight?: number;
  aspectRatio?: string;
  videoCodecs?: string[];
}


export interface ContestRules {
  files: Record<string, FileRule>;
  maxEntriesPerAuthor: number | null;
  maxEntriesPerUnit: number | null;
  requiresRecommendation: boolean;
  recommendationQuota: number;
  /** A judge from the entry's city is a conflict too. */
  sameCityConflict: boolean;
  /** Share of the final score from the public vote, 0–0.3. */
  publicVoteWeight: number;
  noticeDays: number;
  /** Experiments: an entry that fails the safety check is not ranked. */
  safetyGate: boolean;
  teamMax: number | null;
  timeRules: TimeRules | null;
}

const MB = 1024 * 1024;

const FORM: FileRule = { required: true, types: ["pdf", "jpeg", "png"], maxBytes: 20 * MB };

const DEFAULT_FILES: Record<ContestKind, Record<string, FileRule>> = {
  video: {
    video: { required: true, types: ["mp4"], maxBytes: 500 * MB, minSeconds: 120, maxSeconds: 300, minHeight: 1080, aspectRatio: "16:9", videoCodecs: ["h264"] },
    form: FORM,
    cover: { required: false, types: ["jpeg", "png"], maxBytes: 10 * MB },
  },
  experiment: {
    video: { required: true, types: ["mp4", "mov"], maxBytes: 500 * MB, maxSeconds: 360, minHeight: 1080 },
    plan: { required: true, types: ["pdf", "docx"], maxBytes: 50 * MB },
    form: FORM,
    intro: { required: false, types: ["mp4", "mov"], maxBytes: 100 * MB, maxSeconds: 20 },
  },
  explainer: {
    form: FORM,
    video: { required: false, types: ["mp4", "mov"], maxBytes: 500 * MB, maxSeconds: 250 },
    slides: { required: false, types: ["pdf", "pptx"], maxBytes: 100 * MB },
  },
  report: {
    summary: { required: true, types: ["pdf", "docx"], maxBytes: 50 * MB },
    video: { required: false, types: ["mp4", "mov"], maxBytes: 500 * MB, maxSeconds: 180 },
  },
};


export function defaultRules(kind: ContestKind): ContestRules {
  return {
    files: structuredClone(DEFAULT_FILES[kind]),
    maxEntriesPerAuthor: kind === "video" ? 2 : null,
    maxEntriesPerUnit: kind === "experiment" ? 5 : null,
    requiresRecommendation: false,
    recommendationQuota: 5,
    sameCityConflict: false,
    publicVoteWeight: 0,
    noticeDays: 7,
    safetyGate: kind === "experiment",
    teamMax: kind === "experiment" ? 6 : null,
    timeRules: kind === "explainer" ? { ...DEFAULT_TIME_RULES } : null,
  };
}

export type RulesInput = Partial<Omit<ContestRules, "files" | "timeRules">> & {
  files?: Record<string, Partial<FileRule>>;
  timeRules?: Partial<TimeRules> | null;
};

const nullableCount = { anyOf: [{ type: "integer", minimum: 1, maximum: 1000 }, { type: "null" }] };

const fileRuleSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    required: { type: "boolean" },
    types: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", enum: ["mp4", "mov", "pdf", "docx", "pptx", "jpeg", "png"] } },
    maxBytes: { type: "integer", minimum: 1, maximum: 10 * 1024 * MB },
    minSeconds: { type: "number", minimum: 0, maximum: 36000 },
    maxSeconds: { type: "number", exclusiveMinimum: 0, maximum: 36000 },
    minHeight: { type: "integer", minimum: 1, maximum: 10000 },
    aspectRatio: { type: "string", pattern: "^[1-9][0-9]?:[1-9][0-9]?$" },
    videoCodecs: { type: "array", items: { type: "string", enum: ["h264", "hevc", "vp9", "av1", "mpeg4"] } },
  },
};

export const rulesSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    files: { type: "object", maxProperties: 10, additionalProperties: fileRuleSchema, propertyNames: { pattern: "^[a-z]{1,20}$" } },
    maxEntriesPerAuthor: nullableCount,
    maxEntriesPerUnit: nullableCount,
    requiresRecommendation: { type: "boolean" },
    recommendationQuota: { type: "integer", minimum: 1, maximum: 1000 },
    sameCityConflict: { type: "boolean" },
    publicVoteWeight: { type: "number", minimum: 0, maximum: 0.3 },
    noticeDays: { type: "integer", minimum: 1, maximum: 60 },
    safetyGate: { type: "boolean" },
    teamMax: nullableCount,
    timeRules: {
      anyOf: [
        {
          type: "object",
          additionalProperties: false,
          properties: {
            minSeconds: { type: "integer", minimum: 0, maximum: 3600 },
            underPenalty: { type: "number", minimum: 0, maximum: 100 },
            targetSeconds: { type: "integer", minimum: 1, maximum: 3600 },
            graceSeconds: { type: "integer", minimum: 0, maximum: 600 },
            overPenalty: { type: "number", minimum: 0, maximum: 100 },
            cutoffSeconds: { type: "integer", minimum: 1, maximum: 3600 },
          },
        },
        { type: "null" },
      ],
    },
  },
} as const;

/** Lays a partial rules object over the current rules: each file role and the time rules are merged key by key. */
export function mergeRules(base: ContestRules, input: RulesInput): ContestRules {
  const files = structuredClone(base.files);
  for (const [role, rule] of Object.entries(input.files ?? {})) {
    files[role] = { ...(files[role] ?? { required: false, types: [], maxBytes: 500 * MB }), ...rule };
  }
  const timeRules = input.timeRules === null ? null : input.timeRules ? { ...(base.timeRules ?? DEFAULT_TIME_RULES), ...input.timeRules } : base.timeRules;
  return { ...base, ...input, files, timeRules } as ContestRules;
}

/** The roles a kind may carry (DESIGN §4 file-role table); contests cannot invent new ones. */
export function fileRolesOf(kind: ContestKind): string[] {
  return Object.keys(DEFAULT_FILES[kind]);
}
