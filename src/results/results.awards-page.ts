/** The extra awards on the results pages: the award rules form, a form per named award, and the winners by award. */
import type { Request } from "express";
import type { Contest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import { AWARD_BASES, awardBasis, type ExtraAward, type PrizeSettings } from "../contests/prizes.js";
import { repeatedField } from "../http/forms.js";
import type { AwardChoice } from "./awards.js";
import { percent } from "./explain.js";
import type { ResultRowView } from "./results.page-text.js";

/** Blank rows under the awards already set, to add new ones without JavaScript. */
const BLANK_AWARD_ROWS = 2;

/** The award rules in the reader's words, one line each (printed with the rules in force). */
export function awardRulesText(req: Request, prizes: PrizeSettings): string[] {
  return (prizes.extras ?? []).map((a) => {
    const basis = awardBasis(a);
    if (basis === "ranked")
      return a.ratio !== undefined
        ? req.t("awards.ruleRankedRatio", { label: a.label, ratio: percent(a.ratio) })
        : req.t("awards.ruleRankedCount", { label: a.label, count: a.count ?? 0 });
    return req.t(basis === "votes" ? "awards.ruleVotes" : "awards.ruleChosen", { label: a.label, count: a.count ?? 0 });
  });
}

/** The award rules form's rows: each award set, then blank ones. */
function awardRows(req: Request, extras: readonly ExtraAward[]) {
  const bases = (selected: string) =>
    AWARD_BASES.map((basis) => ({ value: basis, label: req.t(`awards.basis.${basis}`), selected: basis === selected }));
  return [
    ...extras.map((a) => ({
      key: a.key,
      label: a.label,
      bases: bases(awardBasis(a)),
      count: a.count ?? "",
      ratio: a.ratio ?? "",
    })),
    ...Array.from({ length: BLANK_AWARD_ROWS }, () => ({
      key: "",
      label: "",
      bases: bases("ranked"),
      count: "",
      ratio: "",
    })),
  ];
}

/**
 * The awards panel of the review page: the rules form while prizes may change, and for each named
 * award its places (the chosen entries first, then empty ones) while awards may be chosen.
 */
export function awardsView(
  req: Request,
  contest: Contest,
  rows: readonly ResultRowView[],
  choices: ReadonlyMap<string, readonly AwardChoice[]>,
) {
  const flags = may(contest);
  const extras = contest.prizes.extras ?? [];
  const ranked = rows.map((r) => ({ id: r.entryId, label: `${r.code} ${r.title}` }));
  const codeOf = new Map(rows.map((r) => [r.entryId, r.code]));
  return {
    rulesForm: flags.computeResults ? { rows: awardRows(req, extras) } : null,
    chosen: extras
      .filter((a) => awardBasis(a) === "chosen")
      .map((a) => {
        const picked = (choices.get(a.key) ?? []).filter((c) => codeOf.has(c.entryId));
        const places = Array.from({ length: a.count ?? 0 }, (_, i) => {
          const pick = picked.at(i);
          return {
            n: i + 1,
            reason: pick?.reason ?? "",
            entries: ranked.map((e) => ({ ...e, selected: e.id === pick?.entryId })),
          };
        });
        return {
          key: a.key,
          label: a.label,
          count: a.count ?? 0,
          picked: picked.map((c) => ({ code: codeOf.get(c.entryId)!, reason: c.reason })),
          places,
          editable: flags.chooseAwards && ranked.length > 0,
        };
      }),
  };
}

/** A number field as typed: a number where it reads as one, else the text, for the schema to refuse. */
function numberField(value: string | undefined): number | string | undefined {
  const v = (value ?? "").trim();
  if (v === "") return undefined;
  return Number.isFinite(Number(v)) ? Number(v) : v;
}

/**
 * The award rules form → `prizes.extras`: a row without a name is left out (removing that award); a
 * new row gets the first free key award1, award2… (keys name awards in results and snapshots).
 */
export function extrasFromForm(fields: Record<string, unknown>): unknown[] {
  const keys = repeatedField(fields.awardKey);
  const labels = repeatedField(fields.awardLabel);
  const bases = repeatedField(fields.awardBasis);
  const counts = repeatedField(fields.awardCount);
  const ratios = repeatedField(fields.awardRatio);
  const used = new Set(keys.filter((k) => k !== ""));
  let next = 1;
  const freshKey = () => {
    while (used.has(`award${next}`)) next++;
    used.add(`award${next}`);
    return `award${next}`;
  };
  const extras: unknown[] = [];
  labels.forEach((raw, i) => {
    const label = raw.trim();
    if (label === "") return;
    const basis = bases[i] ?? "";
    const award: Record<string, unknown> = { key: keys[i] || freshKey(), label, basis };
    const count = numberField(counts[i]);
    // A ranked award is by count or by ratio; the others by count, whatever the ratio box holds.
    const ratio = basis === "ranked" ? numberField(ratios[i]) : undefined;
    if (count !== undefined) award.count = count;
    if (ratio !== undefined) award.ratio = ratio;
    extras.push(award);
  });
  return extras;
}

/** A named award's form → its choices: the places with an entry chosen, each with its reason. */
export function choicesFromForm(fields: Record<string, unknown>): { choices: { entryId: string; reason: string }[] } {
  const entryIds = repeatedField(fields.entryId);
  const reasons = repeatedField(fields.reason);
  return {
    choices: entryIds.flatMap((entryId, i) => (entryId === "" ? [] : [{ entryId, reason: (reasons[i] ?? "").trim() }])),
  };
}

/** Winners by award for the public page, after the prize levels; a chosen award's reason beside each. */
export function awardGroups(prizes: PrizeSettings, rows: readonly ResultRowView[]) {
  return (prizes.extras ?? [])
    .map((a) => ({
      key: a.key,
      label: a.label,
      rows: rows.flatMap((r) => {
        const given = r.awards.find((g) => g.key === a.key);
        return given ? [{ ...r, reason: given.reason ?? "" }] : [];
      }),
    }))
    .filter((g) => g.rows.length > 0);
}
