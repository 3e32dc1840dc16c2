import { Router, type Request, type Response } from "express";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { rubricMax, type Rubric } from "../contests/rubric.js";
import { requireRole } from "../http/auth.js";
import { confirmed } from "../http/confirm.js";
import { flash } from "../http/flash.js";
import { answerForm, fieldText, formFields, wantsJson, type Refusal } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { hasDeclared } from "../judging/judging.service.js";
import { sheetBody } from "../judging/judge.pages.js";
import { AppError } from "../lib/errors.js";
import { flatFields, segmentRows, segmentsBody, typedSegmentRows, type SegmentRow } from "./live.page-forms.js";
import * as live from "./live.service.js";
import type { LiveJson, LiveSheetJson } from "./live.service.js";
import { receiveTopics, sendTopicsTemplate } from "./topics.routes.js";
import { listTopics } from "./topics.service.js";

/** The state, or null before the live final starts (the service's 404 `no_live`). */
async function liveOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof AppError && err.code === "no_live") return null;
    throw err;
  }
}

const number = (s: string | undefined) =>
  s !== undefined && s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : null;
const tidy = (n: number) => String(Math.round(n * 1e6) / 1e6);

/**
 * One sheet as the phone shows it: the rubric's criteria with their values (as saved, or as typed
 * before a refusal) and the running total. Locked once submitted.
 */
function sheetView(
  rubric: Rubric,
  entry: { entryId: string; code: string; title: string },
  segment: { key: string; label: string },
  sheet: LiveSheetJson | null,
  typed?: Record<string, unknown>,
  problems: Record<string, string> = {},
) {
  const typedScores = typed && typeof typed.scores === "object" && typed.scores !== null ? typed.scores : null;
  const valueOf = (key: string): string =>
    typedScores
      ? fieldText((typedScores as Record<string, unknown>)[key])
      : sheet?.scores[key] === undefined
        ? ""
        : String(sheet.scores[key]);
  const criteria = rubric.criteria.map((c) => ({
    key: c.key,
    label: c.label,
    max: c.max,
    step: c.step,
    value: valueOf(c.key),
    problem: problems[`scores.${c.key}`] ?? null,
  }));
  const filled = criteria.map((c) => number(c.value));
  return {
    // Only the code and the title: the judges never learn who is on stage (DESIGN §3).
    entryId: entry.entryId,
    code: entry.code,
    title: entry.title,
    segment: segment.key,
    segmentLabel: segment.label,
    criteria,
    comment: typed ? fieldText(typed.comment) : (sheet?.comment ?? ""),
    total: tidy(filled.reduce<number>((sum, n) => sum + (n ?? 0), 0)),
    max: tidy(rubricMax(rubric)),
    locked: sheet?.status === "submitted",
    corrected: sheet?.corrected ?? false,
    draftKey: `live:${entry.entryId}:${segment.key}`,
  };
}

/** The timer as information for the phone: the limit, and where the clock stood when the page was made. */
function timerInfo(timer: NonNullable<LiveJson["current"]>["timer"]) {
  return {
    startedAt: timer.startedAt,
    stoppedAt: timer.stoppedAt,
    seconds: timer.seconds,
    limit: timer.limit,
    limitText:
      timer.limit === null ? null : `${Math.floor(timer.limit / 60)}:${String(timer.limit % 60).padStart(2, "0")}`,
  };
}

/** The judge's phone (spec "Pages"): the current finalist and segment, his sheet of it, sheets reopened for him. */
async function judgePage(ctx: AppContext, req: Request, refusal?: Refusal): Promise<Record<string, unknown>> {
  const user = req.user!;
  const contest = await getContest(ctx, user, routeParam(req));
  const base = { title: req.t("live.judge.title"), contest: { id: contest.id, title: contest.title } };
  // A judge off the panel is refused (403) here, before anything else.
  const view = await liveOrNull(() => live.judgeLiveView(ctx, user, contest.id));
  // Before the declaration (回避声明) the judge sees nothing of the final.
  if (!(await hasDeclared(ctx, contest.id, user.id)))
    return { ...base, declared: false, declarationNext: `/contests/${contest.id}/live/judge` };
  if (!view) return { ...base, declared: true, notStarted: true };
  const { live: state } = view;
  const typedFor = (entryId: string, segment: string) =>
    refusal && refusal.typed.entryId === entryId && refusal.typed.segment === segment ? refusal : undefined;
  const current = state.current;
  const currentSheet =
    current && view.rubric
      ? (() => {
          const r = typedFor(current.entryId, current.segment);
          return sheetView(
            view.rubric,
            current,
            { key: current.segment, label: current.segmentLabel },
            view.sheet,
            r?.typed,
            r?.fieldErrors,
          );
        })()
      : null;
  const finalist = (entryId: string) => state.order.find((o) => o.entryId === entryId);
  const reopened = view.reopened.flatMap((s) => {
    const segment = state.segments.find((seg) => seg.key === s.segment);
    const entry = finalist(s.entryId);
    if (!segment?.rubric || !entry) return [];
    const r = typedFor(s.entryId, s.segment);
    return [sheetView(segment.rubric, entry, segment, s, r?.typed, r?.fieldErrors)];
  });
  return {
    ...base,
    declared: true,
    judge: view.judge,
    finished: state.status === "finished",
    version: state.version,
    current: current
      ? { code: current.code, title: current.title, segmentLabel: current.segmentLabel, topic: current.topic }
      : null,
    timer: current ? timerInfo(current.timer) : null,
    sheet: currentSheet,
    reopened,
    waiting: !currentSheet || currentSheet.locked,
  };
}

/** The organizer's setup page: segments (defaults or as typed), the topic bank, the seed; once started, the drawn order. */
async function setupPage(
  ctx: AppContext,
  req: Request,
  typed?: { rows: SegmentRow[]; seed: string },
): Promise<Record<string, unknown>> {
  const user = req.user!;
  const contest = await getContest(ctx, user, routeParam(req));
  const state = await liveOrNull(() => live.liveState(ctx, contest.id, user));
  const bank = await listTopics(ctx, user, contest.id);
  const rows = typed?.rows ?? segmentRows(live.defaultSegments(contest));
  return {
    title: req.t("live.setup.title"),
    contest: { id: contest.id, title: contest.title, kind: contest.kind },
    started: state !== null,
    order: state?.order.map((o) => ({ position: o.position, code: o.code, title: o.title, status: o.status })) ?? [],
    segments: rows.map((r, i) => ({ ...r, index: i, criteria: r.criteria.map((c, j) => ({ ...c, index: j })) })),
    seed: typed?.seed ?? "",
    topics: { available: bank.available, total: bank.topics.length },
    needsTopics: rows.some((r) => r.key === live.RANDOM_TOPIC) && bank.available === 0,
  };
}

/** The setup form's buttons that only change the form itself (no write): add or remove a segment or a rubric row. */
function editedRows(rows: SegmentRow[], action: string): SegmentRow[] | null {
  const blankCriterion = { key: "", label: "", max: "", step: "1" };
  const [verb, a, b] = action.split(":");
  const i = Number(a);
  if (verb === "addSegment")
    return [...rows, { key: "", label: "", weight: "", seconds: "", criteria: [{ ...blankCriterion }] }];
  if (verb === "removeSegment") return rows.filter((_, k) => k !== i);
  if (verb === "addCriterion")
    return rows.map((r, k) => (k === i ? { ...r, criteria: [...r.criteria, { ...blankCriterion }] } : r));
  if (verb === "removeCriterion")
    return rows.map((r, k) => (k === i ? { ...r, criteria: r.criteria.filter((_, m) => m !== Number(b)) } : r));
  return null;
}

/** Asks before an irreversible post; nested fields are posted again under their form names. */
function confirmedForm(
  req: Request,
  res: Response,
  confirmation: { title: string; consequences: string[]; cancelHref: string },
) {
  if (fieldText(formFields(req).confirmed) === "1") return true;
  req.body = flatFields(req.body as Record<string, unknown>);
  return confirmed(req, res, confirmation);
}

/** The judge's phone and the organizer's setup page of a live final. */
export function livePages(ctx: AppContext): Router {
  const router = Router();
  const judgeUrl = (req: Request) => `/contests/${routeParam(req)}/live/judge`;
  const setupUrl = (req: Request) => `/contests/${routeParam(req)}/live/setup`;

  router.get("/contests/:id/live/judge", requireRole("judge"), async (req, res) => {
    res.set("Cache-Control", "no-store");
    res.render("live/judge", await judgePage(ctx, req));
  });

  // The sheet: a draft as the judge types (the script asks for JSON), or submitted after a confirmation.
  router.post("/contests/:id/live/judge", requireRole("judge"), async (req, res) => {
    const fields = formFields(req);
    const submit = fields.action === "submit";
    if (submit && !wantsJson(req)) {
      const asked = confirmedForm(req, res, {
        title: req.t("live.judge.confirmTitle"),
        consequences: [req.t("live.judge.confirmText")],
        cancelHref: judgeUrl(req),
      });
      if (!asked) return;
    }
    await answerForm(req, res, { view: "live/judge", page: (refusal) => judgePage(ctx, req, refusal) }, async () => {
      const body = { entryId: fieldText(fields.entryId), segment: fieldText(fields.segment), ...sheetBody(fields) };
      const sheet = await live.saveLiveSheet(ctx, req.user!, routeParam(req), body);
      if (wantsJson(req)) return void res.json({ sheet });
      flash(req, "success", req.t(sheet.status === "submitted" ? "live.judge.submitted" : "live.judge.draftSaved"));
      res.redirect(303, judgeUrl(req));
    });
  });

  router.get("/contests/:id/live/setup", requireRole("organizer"), async (req, res) => {
    res.render("live/setup", await setupPage(ctx, req));
  });

  // The segments form: its own buttons edit it; 抽签并开始 draws the order after a confirmation.
  router.post("/contests/:id/live/setup", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    const typed = { rows: typedSegmentRows(fields), seed: fieldText(fields.seed).trim() };
    const edited = editedRows(typed.rows, fieldText(fields.action));
    if (edited) return void res.render("live/setup", await setupPage(ctx, req, { ...typed, rows: edited }));
    const asked = confirmedForm(req, res, {
      title: req.t("live.setup.start"),
      consequences: [req.t("live.setup.startConsequence")],
      cancelHref: setupUrl(req),
    });
    if (!asked) return;
    await answerForm(req, res, { view: "live/setup", page: () => setupPage(ctx, req, typed) }, async () => {
      const body = { segments: segmentsBody(typed.rows), ...(typed.seed ? { seed: typed.seed } : {}) };
      await live.startLive(ctx, req.user!, routeParam(req), body);
      flash(req, "success", req.t("live.setup.started"));
      res.redirect(303, setupUrl(req));
    });
  });

  router.post("/contests/:id/live/setup/topics", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, { view: "live/setup", page: () => setupPage(ctx, req) }, async () => {
      const { imported, topics } = await receiveTopics(ctx, req, res);
      flash(req, "success", req.t("live.topics.imported", { imported, topics }));
      res.redirect(303, setupUrl(req));
    });
  });

  router.get("/contests/:id/live/setup/topics/template", requireRole("organizer"), (req, res) =>
    sendTopicsTemplate(ctx, req, res),
  );

  return router;
}
