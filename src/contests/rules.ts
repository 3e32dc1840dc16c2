import { Type, type Static, type TSchema } from "@sinclair/typebox";
import { StringEnum, StringMap } from "../lib/schema.js";
import { CONTENT_TYPES, type ContentType } from "../media/content-type.js";
import { DEFAULT_TIME_RULES, timeRulesSchema } from "../results/time-rules.js";
import { CITIES } from "../accounts/cities.js";
import type { ContestKind } from "./rubric.js";

const MB = 1024 * 1024;

const fileBasics = {
  required: Type.Boolean(),
  /** Content types by their short name, checked from the bytes: mp4, mov, pdf, docx, pptx, jpeg, png, webp. */
  types: Type.Array(StringEnum(Object.keys(CONTENT_TYPES) as ContentType[]), { minItems: 1, uniqueItems: true }),
  maxBytes: Type.Integer({ minimum: 1, maximum: 10 * 1024 * MB }),
};

/** The limits a file role may leave out (no limit). */
const fileLimits = {
  minSeconds: Type.Number({ minimum: 0, maximum: 36000 }),
  maxSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 36000 }),
  /** Soft: flagged in the format review, not refused. */
  minHeight: Type.Integer({ minimum: 1, maximum: 10000 }),
  aspectRatio: Type.String({ pattern: "^[1-9][0-9]?:[1-9][0-9]?$" }),
  // Typed as any string: the format review compares it with whatever codec name ffprobe reports.
  videoCodecs: Type.Array(Type.Unsafe<string>(StringEnum(["h264", "hevc", "vp9", "av1", "mpeg4"]))),
};

/** What one uploaded file must be (DESIGN §4 file roles). Hard limits refuse the upload; soft ones are flagged. */
const fileRuleSchema = Type.Object(
  { ...fileBasics, ...Type.Partial(Type.Object(fileLimits)).properties },
  { additionalProperties: false },
);
export type FileRule = Static<typeof fileRuleSchema>;

const nullableCount = Type.Union([Type.Integer({ minimum: 1, maximum: 1000 }), Type.Null()]);

/** The settings beside the files and the time rules. */
const settings = {
  maxEntriesPerAuthor: nullableCount,
  /** Entries one account may submit to the contest, withdrawn ones included (their files are kept). */
  maxEntriesPerContestant: nullableCount,
  maxEntriesPerUnit: nullableCount,
  requiresRecommendation: Type.Boolean(),
  /** Recommendations per city (and 雄安新区, 省直) where recommendationQuotas names none. */
  recommendationQuota: Type.Integer({ minimum: 1, maximum: 1000 }),
  /** A city's own quota, by its canonical name (accounts/cities.ts); 0 means the city recommends nothing. */
  recommendationQuotas: StringMap(Type.Integer({ minimum: 0, maximum: 1000 }), {
    propertyNames: StringEnum(CITIES.map((c) => c.name)),
  }),
  /** A judge from the entry's city is a conflict too. */
  sameCityConflict: Type.Boolean(),
  /** Share of the final score from the public vote, 0–0.3. */
  publicVoteWeight: Type.Number({ minimum: 0, maximum: 0.3 }),
  noticeDays: Type.Integer({ minimum: 1, maximum: 60 }),
  /** Experiments: an entry that fails the safety check is not ranked. */
  safetyGate: Type.Boolean(),
  teamMax: nullableCount,
};

const orNull = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** A file role's rule as edited: any subset, and a limit set to null is removed (no limit). */
const fileRuleInputSchema = Type.Object(
  {
    ...Type.Partial(Type.Object(fileBasics)).properties,
    minSeconds: orNull(fileLimits.minSeconds),
    maxSeconds: orNull(fileLimits.maxSeconds),
    minHeight: orNull(fileLimits.minHeight),
    aspectRatio: orNull(fileLimits.aspectRatio),
    videoCodecs: orNull(fileLimits.videoCodecs),
  },
  { additionalProperties: false },
);

/** File rules by role: lower-case role names, at most ten roles. */
const filesOf = <T extends TSchema>(rule: T) =>
  StringMap(rule, { maxProperties: 10, propertyNames: { pattern: "^[a-z]{1,20}$" } });

/** A contest's rules as stored: complete, every field present (defaultRules, then mergeRules). */
export const contestRulesSchema = Type.Object(
  { files: filesOf(fileRuleSchema), ...settings, timeRules: Type.Union([timeRulesSchema, Type.Null()]) },
  { additionalProperties: false },
);
export type ContestRules = Static<typeof contestRulesSchema>;

const FORM: FileRule = { required: true, types: ["pdf", "jpeg", "png"], maxBytes: 20 * MB };

const DEFAULT_FILES: Record<ContestKind, Record<string, FileRule>> = {
  video: {
    video: {
      required: true,
      types: ["mp4"],
      maxBytes: 500 * MB,
      minSeconds: 120,
      maxSeconds: 300,
      minHeight: 1080,
      aspectRatio: "16:9",
      videoCodecs: ["h264"],
    },
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
    // A recorded talk may run to the timekeeper's cutoff (4:30), no longer.
    video: { required: false, types: ["mp4", "mov"], maxBytes: 500 * MB, maxSeconds: DEFAULT_TIME_RULES.cutoffSeconds },
    slides: { required: false, types: ["pdf", "pptx"], maxBytes: 100 * MB },
  },
  report: {
    summary: { required: true, types: ["pdf", "docx"], maxBytes: 50 * MB },
    video: { required: false, types: ["mp4", "mov"], maxBytes: 500 * MB, maxSeconds: 180 },
  },
};

/**
 * One account submitting for a whole school or club (a teacher for his pupils) stays well inside this;
 * a script filling the disk with 500 MB entries does not.
 */
export const DEFAULT_MAX_ENTRIES_PER_CONTESTANT = 30;

export function defaultRules(kind: ContestKind): ContestRules {
  return {
    files: structuredClone(DEFAULT_FILES[kind]),
    maxEntriesPerAuthor: kind === "video" ? 2 : null,
    maxEntriesPerContestant: DEFAULT_MAX_ENTRIES_PER_CONTESTANT,
    maxEntriesPerUnit: kind === "experiment" ? 5 : null,
    requiresRecommendation: false,
    recommendationQuota: 5,
    recommendationQuotas: {},
    sameCityConflict: false,
    publicVoteWeight: 0,
    noticeDays: 7,
    safetyGate: kind === "experiment",
    teamMax: kind === "experiment" ? 6 : null,
    timeRules: kind === "explainer" ? { ...DEFAULT_TIME_RULES } : null,
  };
}

/**
 * The rules a contest is created or edited with: any subset of the settings, each file role and the time
 * rules partial too, laid over the current rules by mergeRules.
 */
export const rulesSchema = Type.Object(
  {
    files: Type.Optional(filesOf(fileRuleInputSchema)),
    ...Type.Partial(Type.Object(settings)).properties,
    timeRules: Type.Optional(Type.Union([Type.Partial(timeRulesSchema), Type.Null()])),
  },
  { additionalProperties: false },
);
export type RulesInput = Static<typeof rulesSchema>;

/** Lays a partial rules object over the current rules: each file role and the time rules are merged key by key. */
export function mergeRules(base: ContestRules, input: RulesInput): ContestRules {
  const files = structuredClone(base.files);
  for (const [role, rule] of Object.entries(input.files ?? {})) {
    const merged: Record<string, unknown> = { ...(files[role] ?? { required: false, types: [], maxBytes: 500 * MB }) };
    for (const [name, value] of Object.entries(rule)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
    files[role] = merged as FileRule;
  }
  const timeRules =
    input.timeRules === null
      ? null
      : input.timeRules
        ? { ...(base.timeRules ?? DEFAULT_TIME_RULES), ...input.timeRules }
        : base.timeRules;
  return { ...base, ...input, files, timeRules };
}

/** How many entries a city (or 雄安新区, 省直) may recommend. */
export function recommendationQuotaFor(rules: ContestRules, city: string): number {
  return rules.recommendationQuotas[city] ?? rules.recommendationQuota;
}

/** The roles a kind may carry (DESIGN §4 file-role table); contests cannot invent new ones. */
export function fileRolesOf(kind: ContestKind): string[] {
  return Object.keys(DEFAULT_FILES[kind]);
}
