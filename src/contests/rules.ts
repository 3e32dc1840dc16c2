import { Type, type Static } from "@sinclair/typebox";
import { StringEnum, StringMap } from "../lib/schema.js";
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

const nullableCount = Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()]);

/** A file role's rule as a contest sets it: every field optional, laid over the current rule by mergeRules. */
const fileRuleSchema = Type.Object(
  {
    required: Type.Optional(Type.Boolean()),
    types: Type.Optional(Type.Array(StringEnum(["mp4", "mov", "pdf", "docx", "pptx", "jpeg", "png"]), { minItems: 1, uniqueItems: true })),
    maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 * 1024 * MB })),
    minSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 36000 })),
    maxSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 36000 })),
    minHeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
    aspectRatio: Type.Optional(Type.String({ pattern: "^[1-9][0-9]?:[1-9][0-9]?$" })),
    videoCodecs: Type.Optional(Type.Array(StringEnum(["h264", "hevc", "vp9", "av1", "mpeg4"]))),
  },
  { additionalProperties: false },
);

const timeRulesSchema = Type.Object(
  {
    minSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    underPenalty: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    targetSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
    graceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })),
    overPenalty: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    cutoffSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  },
  { additionalProperties: false },
);

/** The rules a contest is created or edited with: any subset of ContestRules, each file role and the time rules partial too. */
export const rulesSchema = Type.Object(
  {
    files: Type.Optional(StringMap(fileRuleSchema, { maxProperties: 10, propertyNames: { pattern: "^[a-z]{1,20}$" } })),
    maxEntriesPerAuthor: Type.Optional(nullableCount),
    maxEntriesPerUnit: Type.Optional(nullableCount),
    requiresRecommendation: Type.Optional(Type.Boolean()),
    recommendationQuota: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    sameCityConflict: Type.Optional(Type.Boolean()),
    publicVoteWeight: Type.Optional(Type.Number({ minimum: 0, maximum: 0.3 })),
    noticeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
    safetyGate: Type.Optional(Type.Boolean()),
    teamMax: Type.Optional(nullableCount),
    timeRules: Type.Optional(Type.Union([timeRulesSchema, Type.Null()])),
  },
  { additionalProperties: false },
);
export type RulesInput = Static<typeof rulesSchema>;

// ContestRules, FileRule and TimeRules are the stored, complete settings (every field present after
// defaultRules and mergeRules), not what a request may send; the input schema must name exactly their
// fields, so a field added on one side only fails to compile here.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
const inputNamesEveryStoredField: SameKeys<RulesInput, ContestRules> & SameKeys<Static<typeof fileRuleSchema>, FileRule> & SameKeys<Static<typeof timeRulesSchema>, TimeRules> = true;
void inputNamesEveryStoredField;

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
