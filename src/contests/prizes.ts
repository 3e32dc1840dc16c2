import { Type, type Static } from "@sinclair/typebox";
import { Const, OneOf, StringEnum } from "../lib/schema.js";
import { keySchema, labelSchema } from "./rubric.js";

/**
 * How an extra award is given (DESIGN §3 "Prizes"): `ranked` to the next entries in rank order after
 * the third prize (优秀奖), `chosen` by the organizer among the ranked entries with a reason
 * (最佳创意奖), `votes` to the entries with the most public votes (最佳人气奖).
 */
export const AWARD_BASES = ["ranked", "chosen", "votes"] as const;
export type AwardBasis = (typeof AWARD_BASES)[number];

/** Extra awards beside the ranked prizes (优秀奖, 最佳创意奖 ×3, …); which of count and ratio each needs: extrasProblem. */
const extraAwardSchema = Type.Object(
  {
    key: keySchema,
    label: labelSchema,
    basis: Type.Optional(StringEnum(AWARD_BASES)),
    count: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
    ratio: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { additionalProperties: false },
);
export type ExtraAward = Static<typeof extraAwardSchema>;

/**
 * An award saved before bases existed ({key, label, count}) was meant to be chosen by the organizer
 * (the schema said "awards chosen by organizers"), so no basis means `chosen`.
 */
export const awardBasis = (award: ExtraAward): AwardBasis => award.basis ?? "chosen";

const extras = Type.Array(extraAwardSchema, { maxItems: 10 });
const share = Type.Number({ minimum: 0, maximum: 1 });
const count = Type.Integer({ minimum: 0, maximum: 100000 });

const ratioPrizes = Type.Object(
  { mode: Const("ratio"), first: share, second: share, third: share, extras: Type.Optional(extras) },
  { additionalProperties: false },
);
const countPrizes = Type.Object(
  { mode: Const("count"), first: count, second: count, third: count, extras: Type.Optional(extras) },
  { additionalProperties: false },
);

/**
 * How many first, second and third prizes, by share of the ranked entries or by count (DESIGN §3).
 * A `oneOf` on the mode, not TypeBox's Union (an `anyOf`): the errors clients see are those of `oneOf`.
 */
export const prizesSchema = OneOf([ratioPrizes, countPrizes]);
export type PrizeSettings = Static<typeof prizesSchema>;

export const DEFAULT_PRIZES: PrizeSettings = { mode: "ratio", first: 0.1, second: 0.2, third: 0.3 };

/** Shares may not add up to more than everyone. Compared in thousandths to dodge float noise. */
export function prizeSharesExceedOne(prizes: PrizeSettings): boolean {
  if (prizes.mode !== "ratio") return false;
  const total = Math.round(prizes.first * 1e6) + Math.round(prizes.second * 1e6) + Math.round(prizes.third * 1e6);
  return total > 1e6;
}

/** The prize levels' own keys: an extra award may not take one (results name prizes by them). */
const PRIZE_KEYS = new Set(["first", "second", "third"]);

/**
 * What is wrong with the extra awards, or null: keys unique and not a prize level's; a ranked award
 * by count or by ratio (one of them), a chosen or votes award by count only.
 */
export function extrasProblem(
  prizes: PrizeSettings,
): { messageKey: string; params: Record<string, string>; field: string } | null {
  const seen = new Set<string>();
  for (const [i, award] of (prizes.extras ?? []).entries()) {
    const field = `prizes.extras.${i}`;
    const params = { label: award.label, key: award.key };
    if (PRIZE_KEYS.has(award.key.toLowerCase()))
      return { messageKey: "errors.awardKeyReserved", params, field: `${field}.key` };
    if (seen.has(award.key)) return { messageKey: "errors.awardKeyTaken", params, field: `${field}.key` };
    seen.add(award.key);
    const byCount = award.count !== undefined;
    const byRatio = award.ratio !== undefined;
    if (awardBasis(award) === "ranked" ? byCount === byRatio : !byCount || byRatio)
      return {
        messageKey: awardBasis(award) === "ranked" ? "errors.awardCountOrRatio" : "errors.awardNeedsCount",
        params,
        field,
      };
  }
  return null;
}
