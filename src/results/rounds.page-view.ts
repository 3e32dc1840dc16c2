import type { Request } from "express";
import type { AppContext } from "../context.js";
import type { Contest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import { rubricMax, type Criterion, type Rubric } from "../contests/rubric.js";
import { text } from "../http/forms.js";
import { listRounds, type Advancement } from "../judging/judging.service.js";
import { roundLabel } from "../judging/round-names.js";
import type { Confirmation } from "../http/confirm.js";
import { advancing, type AdvancementOutcome, type Ranked } from "./advancement.js";
import type { AdvancementPreview, finalistsList } from "./advancement.service.js";
import { rowView, rulesText, twoDecimals } from "./results.page-text.js";
import type { ContestResults, ResultJson } from "./results.service.js";
import type { FinalRoundBody } from "./results.schemas.js";

/** View models of the rounds pages: the list of rounds, opening the next one with its preview, a round's results, the finalists list. */

const list = (req: Request, items: string[]) => items.join(req.locale === "en" ? ", " : "、");
const criteriaText = (req: Request, rubric: { criteria: { label: string; max: number }[] }) =>
  list(
    req,
    rubric.criteria.map((c) => `${c.label} ${c.max}`),
  );

export function advancementText(req: Request, rule: Advancement): string {
  return "top" in rule
    ? req.t("rounds.advancementTop", { top: rule.top })
    : req.t("rounds.advancementThreshold", { threshold: rule.threshold });
}

/** The rule with the tie at the cut it met, if any: "前 3 名晋级（第3名有2件并列，共4件入围）". */
function advancementWithTie(req: Request, rule: Advancement, tieAtCut: AdvancementOutcome<Ranked>["tieAtCut"]): string {
  return advancementText(req, rule) + (tieAtCut ? `（${req.t("rounds.tieAtCut", tieAtCut)}）` : "");
}

/** A round's rules in force; a round followed by another has no prizes but the rule its finalists advanced by, with any tie at the cut. */
function roundRules(req: Request, results: ContestResults, advancedBy: Advancement | null): string[] {
  if (!advancedBy) return rulesText(req, results.rules);
  const rule = advancementWithTie(req, advancedBy, advancing(results.results, advancedBy).tieAtCut);
  const lines = rulesText(req, results.rules, { prizes: false });
  return [...lines.slice(0, -1), req.t("rounds.ruleAdvancement", { rule }), ...lines.slice(-1)];
}

/** GET /contests/:id/rounds: every round with its rubric, aggregation, judges, entries and links. */
export async function roundsView(ctx: AppContext, req: Request, contest: Contest) {
  const rounds = await listRounds(ctx, contest);
  const flags = may(contest);
  return {
    title: req.t("rounds.title"),
    contest,
    may: flags,
    rounds: rounds.map((r, i) => {
      const next = rounds[i + 1];
      const base = `/contests/${contest.id}/rounds/${r.round.number}`;
      return {
        number: r.round.number,
        name: roundLabel(r.round.name, req.locale),
        status: r.round.status,
        statusLabel: req.t(`rounds.status.${r.round.status}`),
        criteria: criteriaText(req, r.rubric),
        maxTotal: rubricMax(r.rubric),
        aggregation: req.t(`aggregation.${r.aggregation}`),
        judgesPerEntry: r.judgesPerEntry === null ? req.t("rounds.wholePanel") : String(r.judgesPerEntry),
        pool: r.judges,
        entries: r.entries,
        advancement: r.round.advancement
          ? advancementText(req, r.round.advancement)
          : req.t("rounds.firstRoundEntries"),
        resultsHref: `${base}/results`,
        finalists: next
          ? {
              href: `${base}/finalists`,
              publishHref: `${base}/publish`,
              publishedAt: r.round.finalistsPublishedAt,
              count: next.entries,
            }
          : null,
      };
    }),
    openNextHref: flags.openRounds ? `/contests/${contest.id}/rounds/next` : null,
  };
}

/** The rubric as the form's text: one criterion a line, "名称 满分 步长". */
function criteriaLines(rubric: Rubric): string {
  return rubric.criteria.map((c) => `${c.label} ${c.max} ${c.step}`).join("\n");
}

/**
 * The rubric typed in the form's text, one criterion a line ("现场表现 60 1"; the step may be left out).
 * A criterion keeps the key of the previous round's criterion of the same name, so its sheets read alike;
 * a new one gets the next free key. Bad numbers are passed on for the schema to refuse.
 */
function criteriaFromLines(typed: string, previous: Rubric): unknown[] {
  const keys = new Map(previous.criteria.map((c) => [c.label, c.key]));
  const used = new Set<string>();
  return typed
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line, i) => {
      const words = line.split(/\s+/);
      const numbers: number[] = [];
      while (words.length > 1 && numbers.length < 2 && /^\d+(\.\d+)?$/.test(words[words.length - 1]))
        numbers.unshift(Number(words.pop()));
      const label = words.join(" ");
      let key = keys.get(label) ?? `c${i + 1}`;
      for (let n = i + 1; used.has(key); n += 1) key = `c${n + 1}`;
      used.add(key);
      const [max, step] = numbers.length === 2 ? numbers : [numbers[0] ?? Number.NaN, 1];
      return { key, label, max, step } satisfies Partial<Criterion>;
    });
}

/** The next round's form (query or body) → the API's body, for its schema to check. */
export function roundBodyFromForm(fields: Record<string, unknown>, previous: Rubric): Record<string, unknown> {
  const body: Record<string, unknown> = { name: text(fields, "name") ?? "" };
  const rule = text(fields, "rule");
  const value = text(fields, "value") ?? "";
  if (rule === "top" || rule === "threshold") body[rule] = /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  const aggregation = text(fields, "aggregation");
  if (aggregation) body.aggregation = aggregation;
  const judges = text(fields, "judgesPerEntry");
  if (judges) body.judgesPerEntry = /^\d+$/.test(judges) ? Number(judges) : judges;
  const criteria = text(fields, "criteria");
  if (criteria !== undefined) body.rubric = { ...previous, criteria: criteriaFromLines(criteria, previous) };
  return body;
}

/** Where each API field's refusal shows in the form. */
function formFieldErrors(fieldErrors: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(fieldErrors)) {
    const name = /^(top|threshold)$/.test(field) ? "value" : field.startsWith("rubric") ? "criteria" : field;
    out[name] ??= message;
  }
  return out;
}

/** GET /contests/:id/rounds/next: the form (filled as typed, else from the current round) and, once asked, who advances. */
export async function nextRoundView(
  ctx: AppContext,
  req: Request,
  contest: Contest,
  typed: Record<string, unknown>,
  preview: AdvancementPreview | null = null,
  fieldErrors: Record<string, string> = {},
) {
  const rounds = await listRounds(ctx, contest);
  const current = rounds[rounds.length - 1];
  const value = (name: string, fallback: string) => (typeof typed[name] === "string" ? typed[name] : fallback);
  const rule = value("rule", "top");
  const currentName = roundLabel(current.round.name, req.locale);
  return {
    title: req.t("rounds.openNext"),
    contest,
    // By the form's own fields (the API's `top`, `rubric.criteria.0.max` … shown by the field that sets them).
    roundErrors: formFieldErrors(fieldErrors),
    fieldsBeside: true,
    current: { number: current.round.number, name: currentName },
    form: {
      name: value("name", req.t("rounds.defaultName")),
      ruleTop: rule !== "threshold",
      value: value("value", ""),
      aggregations: (["trimmed", "mean", "zscore"] as const).map((a) => ({
        value: a,
        label: req.t(`aggregation.${a}`),
        selected: a === value("aggregation", current.aggregation),
      })),
      judgesPerEntry: value("judgesPerEntry", ""),
      criteria: value("criteria", criteriaLines(current.rubric)),
    },
    preview: preview && {
      summary:
        "top" in preview.rule
          ? req.t("rounds.previewTop", {
              round: currentName,
              ranked: preview.results.results.length,
              top: preview.rule.top,
              n: preview.finalists.length,
            })
          : req.t("rounds.previewThreshold", {
              round: currentName,
              ranked: preview.results.results.length,
              threshold: preview.rule.threshold,
              n: preview.finalists.length,
            }),
      tie: preview.tieAtCut ? req.t("rounds.tieAtCut", preview.tieAtCut) : null,
      atThreshold:
        preview.atThreshold > 0 && "threshold" in preview.rule
          ? req.t("rounds.atThreshold", { n: preview.atThreshold, threshold: preview.rule.threshold })
          : null,
      rows: preview.finalists.map((r) => ({ rank: r.rank, code: r.code, title: r.title, score: twoDecimals(r.score) })),
      fields: Object.entries(typed)
        .filter(([name]) => ["name", "rule", "value", "aggregation", "judgesPerEntry", "criteria"].includes(name))
        .map(([name, v]) => ({ name, value: typeof v === "string" ? v : "" })),
      openLabel: req.t("rounds.open", { name: value("name", req.t("rounds.defaultName")) }),
      openHint: req.t("rounds.openHint", { round: currentName }),
    },
  };
}

/** What opening the next round will do, said before it is done. */
export function openConfirmation(req: Request, body: FinalRoundBody, preview: AdvancementPreview): Confirmation {
  const round = roundLabel(preview.round.name, req.locale);
  const rubric = body.rubric ?? preview.results.rules;
  return {
    title: req.t("rounds.open", { name: body.name }),
    consequences: [
      req.t("rounds.confirmCloses", { round }),
      req.t("rounds.confirmFinalists", {
        rule: advancementWithTie(req, preview.rule, preview.tieAtCut),
        codes: list(
          req,
          preview.finalists.map((r) => r.code),
        ),
        n: preview.finalists.length,
        name: body.name,
      }),
      req.t("rounds.confirmSettings", {
        name: body.name,
        criteria: criteriaText(req, rubric),
        aggregation: req.t(`aggregation.${body.aggregation ?? preview.results.rules.aggregation}`),
        judges: body.judgesPerEntry
          ? req.t("rounds.judgesEach", { n: body.judgesPerEntry })
          : req.t("rounds.judgesWhole"),
      }),
    ],
    cancelHref: `/contests/${preview.contest.id}/rounds`,
  };
}

/** GET /contests/:id/rounds/:number/results: one round's results as stored, the finalists marked. */
export function roundResultsView(
  req: Request,
  contest: Contest,
  round: { number: number; name: string },
  results: ContestResults,
  rows: readonly ResultJson[],
  next: { advancement: Advancement | null; entryIds: Set<string> } | null,
) {
  const advanced = next?.entryIds ?? new Set<string>();
  const name = roundLabel(round.name, req.locale);
  return {
    title: req.t("rounds.resultsTitle", { round: name }),
    contest,
    round: { number: round.number, name },
    computedAt: results.computedAt,
    rows: rows.map((r) => ({
      ...rowView(req, contest, r),
      advanced: advanced.has(r.entryId),
    })),
    rules: roundRules(req, results, next?.advancement ?? null),
  };
}

/** The finalists list (初评入围名单), public once published: entries by code with authors and unit, the rule and the round's rules. */
export function finalistsView(req: Request, published: Awaited<ReturnType<typeof finalistsList>>) {
  const name = roundLabel(published.round.name, req.locale);
  return {
    title: `${published.contest.title} · ${req.t("rounds.finalistsTitle", { round: name })}`,
    contest: published.contest,
    heading: req.t("rounds.finalistsTitle", { round: name }),
    draft: published.round.finalistsPublishedAt === null,
    publishedAt: published.round.finalistsPublishedAt,
    intro: req.t("rounds.finalistsIntro", {
      n: published.finalists.length,
      next: roundLabel(published.next.name, req.locale),
    }),
    advancement: published.next.advancement ? advancementText(req, published.next.advancement) : null,
    finalists: published.finalists.map((f) => ({ ...f, authorsText: list(req, f.authors) })),
    rules: roundRules(req, published.results, published.next.advancement),
  };
}
