import { normalizeCity } from "../accounts/cities.js";
import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import { createContest, type Contest } from "../contests/contests.service.js";
import { createEntriesInTransaction } from "../entries/entries.service.js";
import { ConflictError, ValidationError } from "../lib/errors.js";
import { moveContestStage } from "../stages/stages.service.js";
import { reportersOf } from "../units/units.service.js";
import * as q from "./evaluation.queries.js";
import { filesOf } from "./report-files.service.js";
import type { CreateEvaluationBody } from "./evaluation.schemas.js";
import { currentWeek } from "./weeks.service.js";

/** A unit's reporting in the week, shown to its judges beside the material. */
export interface UnitFigures {
  activities: number;
  onTime: number;
  late: number;
  /** Activities without a news report. */
  missing: number;
  summary: "onTime" | "late" | "missing";
}

/** One level of prizes, all named 优秀组织单位 on the results (prize labels of a report contest). */
const COMMENDATION_SHARE = { mode: "ratio", first: 0.3, second: 0, third: 0 } as const;

/** The cities to include: those asked for, each submitted; or every city with activities, each submitted. */
async function includedCities(ctx: AppContext, weekId: string, asked: string[] | undefined): Promise<string[]> {
  const submitted = await q.submittedCities(ctx.db, weekId);
  if (asked) {
    const cities = asked.map((input) => {
      const city = normalizeCity(input);
      if (!city) throw new ValidationError("errors.unknownCity", { city: input }, { fields: [{ field: "cities" }] });
      return city;
    });
    refuseUnsubmitted(cities.filter((c) => !submitted.includes(c)));
    return cities;
  }
  if (submitted.length === 0) throw new ConflictError("package_not_submitted", "errors.evaluationNoPackage");
  refuseUnsubmitted((await q.citiesWithActivities(ctx.db, weekId)).filter((c) => !submitted.includes(c)));
  return submitted;
}

/** 409 naming the cities whose package is not in yet, if any. */
function refuseUnsubmitted(missing: string[]): void {
  if (missing.length > 0)
    throw new ConflictError(
      "package_not_submitted",
      "errors.evaluationPackagesMissing",
      { cities: missing.join("、") },
      { cities: missing },
    );
}

/**
 * The organizer makes the week's unit evaluation (DESIGN §3): a `report` contest with the kind's rubric
 * and one entry per unit of the included cities (title and unit: the unit's name; owner: its first
 * reporter, else the organizer), taken draft → open → closed so judges are assigned and judge as in any
 * contest. All in one transaction, audited `reports.evaluation`; a week has one evaluation (409).
 */
export async function createEvaluation(
  ctx: AppContext,
  actor: SessionUser,
  weekId: string,
  body: CreateEvaluationBody,
): Promise<Contest> {
  const week = await currentWeek(ctx, weekId);
  if (await q.findEvaluationOfWeek(ctx.db, week.id))
    throw new ConflictError("evaluation_exists", "errors.evaluationExists");
  const cities = await includedCities(ctx, week.id, body.cities);
  const units = await q.unitsInWeek(ctx.db, week.id, cities);
  if (units.length === 0) throw new ConflictError("package_not_submitted", "errors.evaluationNoUnits");
  const reporters = await reportersOf(
    ctx,
    units.map((u) => u.id),
  );
  const ownerOf = (unitId: string) => reporters.find((r) => r.unitId === unitId && !r.disabled)?.id ?? actor.id;
  return ctx.db.transaction(async (trx) => {
    const inTransaction: AppContext = { ...ctx, db: trx };
    // Checked again inside: two clicks at once make one evaluation.
    if (await q.findEvaluationOfWeek(trx, week.id))
      throw new ConflictError("evaluation_exists", "errors.evaluationExists");
    const now = ctx.clock.now();
    const contest = await createContest(inTransaction, actor, {
      kind: "report",
      title: `${week.title.slice(0, 180)} 优秀组织单位评选`,
      opensAt: now.toISOString(),
      closesAt: new Date(now.getTime() + 86_400_000).toISOString(),
      prizes: { ...COMMENDATION_SHARE },
    });
    await createEntriesInTransaction(
      trx,
      contest,
      now.toISOString(),
      units.map((u) => ({
        title: u.name,
        summary: "",
        category: u.kind,
        city: u.city,
        unit: u.name,
        authors: [{ name: u.name }],
        ownerId: ownerOf(u.id),
      })),
    );
    await q.insertEvaluation(trx, { weekId: week.id, contestId: contest.id, createdAt: now.toISOString() });
    // Never skip a stage: through open (no one submits, the transaction is not yet visible) to closed.
    await moveContestStage(inTransaction, actor, contest.id, "open");
    const closed = await moveContestStage(inTransaction, actor, contest.id, "closed");
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "reports.evaluation",
      targetType: "contest",
      targetId: contest.id,
      details: { week: week.title, cities, units: units.length },
    });
    return closed;
  });
}

/** Per week (by id): its evaluation contest, if made, and the cities whose package is in. */
export interface WeekEvaluation {
  contestId: string | null;
  submittedCities: string[];
}

export async function evaluationsOfWeeks(ctx: AppContext, weekIds: string[]): Promise<Map<string, WeekEvaluation>> {
  const byWeek = new Map<string, WeekEvaluation>();
  const of = (weekId: string) => {
    const found = byWeek.get(weekId) ?? { contestId: null, submittedCities: [] };
    byWeek.set(weekId, found);
    return found;
  };
  for (const e of await q.evaluationsOfWeeks(ctx.db, weekIds)) of(e.weekId).contestId = e.contestId;
  for (const p of await q.submittedCitiesOfWeeks(ctx.db, weekIds)) of(p.weekId).submittedCities.push(p.city);
  return byWeek;
}

/** What a judge reads of a unit's reporting: its news reports and its summary, files by report_files id. */
export interface UnitMaterial {
  news: {
    id: string;
    title: string;
    startsAt: string;
    excerpt: string;
    late: boolean;
    images: string[];
    video: string | null;
  }[];
  summary: { document: string | null; video: string | null } | null;
}

/** The excerpt of a news report's text on the judge's sheet (the whole text is the reporter's page's). */
const EXCERPT_CHARS = 300;

/**
 * The unit an evaluation entry stands for: its figures and its material, or null when the entry is not a
 * unit's (any other contest). Callers have checked that the reader may see the entry.
 */
export async function unitOfEntry(
  ctx: AppContext,
  entryId: string,
): Promise<{ figures: UnitFigures; material: UnitMaterial } | null> {
  const unit = await q.unitOfEvaluationEntry(ctx.db, entryId);
  if (!unit) return null;
  const counts = await q.unitCounts(ctx.db, unit.weekId, unit.unitId);
  const news = await q.newsOfUnit(ctx.db, unit.weekId, unit.unitId);
  const summaryId = await q.summaryOfUnit(ctx.db, unit.weekId, unit.unitId);
  const newsFiles = await filesOf(
    ctx,
    "news",
    news.map((n) => n.id),
  );
  const summaryFiles = summaryId ? await filesOf(ctx, "summary", [summaryId]) : [];
  const fileOf = (files: typeof newsFiles, role: string) => files.find((f) => f.role === role)?.id ?? null;
  return {
    figures: {
      activities: counts.activities,
      onTime: counts.onTime,
      late: counts.late,
      missing: counts.activities - counts.onTime - counts.late,
      summary: counts.summaryLate === null ? "missing" : counts.summaryLate ? "late" : "onTime",
    },
    material: {
      news: news.map((n) => {
        const own = newsFiles.filter((f) => f.ownerId === n.id);
        const chars = [...n.text];
        return {
          id: n.id,
          title: n.title,
          startsAt: n.startsAt,
          late: n.late,
          excerpt: chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join("")}…` : n.text,
          images: own.filter((f) => f.role === "image").map((f) => f.id),
          video: fileOf(own, "video"),
        };
      }),
      summary: summaryId ? { document: fileOf(summaryFiles, "document"), video: fileOf(summaryFiles, "video") } : null,
    },
  };
}

/**
 * Whether a judge may read a file of a unit's news report or summary: he is assigned that unit's entry
 * in the week's evaluation. The report files' serving asks this for judges.
 */
export async function judgeMayReadReportFile(
  ctx: AppContext,
  judgeId: string,
  owner: { ownerType: "news" | "summary"; ownerId: string },
): Promise<boolean> {
  const unit = await q.ownerOfReportFile(ctx.db, owner);
  return unit !== null && (await q.judgeAssignedToUnit(ctx.db, judgeId, unit.weekId, unit.unitId));
}
