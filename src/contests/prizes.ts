import { keySchema, labelSchema } from "./rubric.js";

/** How many first, second and third prizes, by share of the ranked entries or by count (DESIGN §3). */
export type PrizeSettings =
  | { mode: "ratio"; first: number; second: number; third: number; extras?: ExtraAward[] }
  | { mode: "count"; first: number; second: number; third: number; extras?: ExtraAward[] };

/** Awards chosen by organizers beside the ranked prizes (优秀奖, 最佳创意奖 ×3, …). */
export interface ExtraAward {
  key: string;
  label: string;
  count: number;
}

export const DEFAULT_PRIZES: PrizeSettings = { mode: "ratio", first: 0.1, second: 0.2, third: 0.3 };

const extras = {
  type: "array",
  maxItems: 10,
  items: {
    type: "object",
    additionalProperties: false,
    required: ["key", "label", "count"],
    properties: { key: keySchema, label: labelSchema, count: { type: "integer", minimum: 0, maximum: 10000 } },
  },
};

const share = { type: "number", minimum: 0, maximum: 1 };
const count = { type: "integer", minimum: 0, maximum: 100000 };

export const prizesSchema = {
  oneOf: [
    {
      type: "object",
      additionalProperties: false,
      required: ["mode", "first", "second", "third"],
      properties: { mode: { const: "ratio" }, first: share, second: share, third: share, extras },
    },
    {
      type: "object",
      additionalProperties: false,
      required: ["mode", "first", "second", "third"],
      properties: { mode: { const: "count" }, first: count, second: count, third: count, extras },
    },
  ],
} as const;

/** Shares may not add up to more than everyone. Compared in thousandths to dodge float noise. */
export function prizeSharesExceedOne(prizes: PrizeSettings): boolean {
  if (prizes.mode !== "ratio") return false;
  const total = Math.round(prizes.first * 1e6) + Math.round(prizes.second * 1e6) + Math.round(prizes.third * 1e6);
  return total > 1e6;
}
