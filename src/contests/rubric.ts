import { Type, type Static } from "@sinclair/typebox";
import { ValidationError } from "../lib/errors.js";

export const CONTEST_KINDS = ["video", "experiment", "explainer", "report"] as const;
export type ContestKind = (typeof CONTEST_KINDS)[number];

/** Keys name criteria, deductions and awards in JSON: ASCII, starting with a letter. */
export const keySchema = Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_]{0,39}$" });
export const labelSchema = Type.String({ minLength: 1, maxLength: 60 });
const points = Type.Number({ exclusiveMinimum: 0, maximum: 1000 });

export const criterionSchema = Type.Object(
  {
    key: keySchema,
    label: labelSchema,
    max: points,
    step: points,
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type Criterion = Static<typeof criterionSchema>;

export const deductionSchema = Type.Object(
  { key: keySchema, label: labelSchema, max: points, step: Type.Optional(points) },
  { additionalProperties: false },
);
export type Deduction = Static<typeof deductionSchema>;

export const rubricSchema = Type.Object(
  {
    criteria: Type.Array(criterionSchema, { minItems: 1, maxItems: 30 }),
    deductions: Type.Optional(Type.Array(deductionSchema, { maxItems: 10 })),
  },
  { additionalProperties: false },
);
export type Rubric = Static<typeof rubricSchema>;

/** Whether `value` is a whole multiple of `step`, judged on decimals (0.3 is a multiple of 0.1). */
export function isMultipleOf(value: number, step: number): boolean {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
}

/** Checks what a schema cannot: unique keys, and a step that divides the maximum. */
export function assertValidRubric(rubric: Rubric): void {
  const problems: { field: string; key: string; params: Record<string, string | number> }[] = [];
  const seen = new Set<string>();
  rubric.criteria.forEach((c, i) => {
    if (seen.has(c.key))
      problems.push({ field: `rubric.criteria.${i}.key`, key: "errors.rubricDuplicateKey", params: { key: c.key } });
    seen.add(c.key);
    if (!isMultipleOf(c.max, c.step))
      problems.push({
        field: `rubric.criteria.${i}.step`,
        key: "errors.rubricStep",
        params: { key: c.key, max: c.max, step: c.step },
      });
  });
  (rubric.deductions ?? []).forEach((d, i) => {
    if (seen.has(d.key))
      problems.push({ field: `rubric.deductions.${i}.key`, key: "errors.rubricDuplicateKey", params: { key: d.key } });
    seen.add(d.key);
    if (d.step !== undefined && !isMultipleOf(d.max, d.step))
      problems.push({
        field: `rubric.deductions.${i}.step`,
        key: "errors.rubricStep",
        params: { key: d.key, max: d.max, step: d.step },
      });
  });
  if (problems.length > 0) {
    const first = problems[0];
    throw new ValidationError(
      first.key,
      first.params,
      { fields: problems.map((p) => ({ field: p.field, messageKey: p.key, params: p.params })) },
      "invalid_rubric",
    );
  }
}

export function rubricMax(rubric: Rubric): number {
  return rubric.criteria.reduce((sum, c) => sum + c.max, 0);
}

// Defaults from published provincial and national contest rules (DESIGN §3).
const DEFAULT_RUBRICS: Record<ContestKind, Rubric> = {
  explainer: {
    criteria: [
      { key: "accuracy", label: "科学准确", max: 40, step: 1, description: "内容科学准确，主题鲜明，逻辑清晰" },
      { key: "novelty", label: "内容新颖", max: 30, step: 1, description: "选题新颖，贴近生活" },
      { key: "bearing", label: "仪态形象", max: 20, step: 1, description: "着装得体，仪态大方" },
      { key: "expression", label: "语言表达", max: 10, step: 1, description: "发音标准，表达清晰流畅" },
    ],
    deductions: [],
  },
  video: {
    criteria: [
      { key: "scientific", label: "科学性", max: 30, step: 1, description: "内容科学准确，无知识性错误" },
      { key: "knowledge", label: "知识性", max: 20, step: 1, description: "知识含量丰富，有启发性" },
      { key: "accessible", label: "通俗性", max: 20, step: 1, description: "通俗易懂，适合公众传播" },
      { key: "artistic", label: "艺术性", max: 15, step: 1, description: "画面、声音、剪辑制作精良" },
      { key: "interest", label: "趣味性", max: 15, step: 1, description: "形式新颖，生动有趣" },
    ],
    deductions: [],
  },
  experiment: {
    criteria: [
      { key: "content", label: "实验内容", max: 50, step: 1, description: "原理科学，设计新颖，步骤完整" },
      { key: "demonstration", label: "演示效果", max: 40, step: 1, description: "现象明显，讲解清楚，互动良好" },
      { key: "presentation", label: "整体形象", max: 10, step: 1, description: "团队配合，仪态得体" },
    ],
    deductions: [],
  },
  report: {
    criteria: [
      { key: "effect", label: "组织成效", max: 40, step: 1, description: "活动组织有力，覆盖面广，成效显著" },
      { key: "publicity", label: "宣传报道", max: 30, step: 1, description: "宣传报道及时，形式多样" },
      { key: "summary", label: "总结报送", max: 30, step: 1, description: "总结材料完整，按时报送" },
    ],
    deductions: [],
  },
};

export function defaultRubric(kind: ContestKind): Rubric {
  return structuredClone(DEFAULT_RUBRICS[kind]);
}
