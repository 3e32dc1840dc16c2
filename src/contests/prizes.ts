import { Type, type Static } from "@sinclair/typebox";
import { Const, OneOf } from "../lib/schema.js";
import { keySchema, labelSchema } from "./rubric.js";

/** Awards chosen by organizers beside the ranked prizes (优秀奖, 最佳创意奖 ×3, …). */
const extraAwardSchema = Type.Object(
  { key: keySchema, label: labelSchema, count: Type.Integer({ minimum: 0, maximum: 10000 }) },
  { additionalProperties: false },
);
export type ExtraAward = Static<typeof extraAwardSchema>;

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
