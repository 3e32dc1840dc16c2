import { Router, type Request, type Response } from "express";
import { listUsers, type PublicUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { isMultipleOf, rubricMax, type Rubric } from "../contests/rubric.js";
import { allows } from "../contests/lifecycle.js";
import { sendFile } from "../http/send-file.js";
import * as entries from "../entries/entries.service.js";
import { requireRole } from "../http/auth.js";
import { toErrorBody, type ErrorBody } from "../http/errors.js";
import { flash } from "../http/flash.js";
import { formFields, safeNext, text } from "../http/forms.js";
import { toCsv } from "../lib/csv.js";
import { parseAssignmentBody, parseAutoAssignBody, parseDeclarationBody, parseDeclaredConflictBody, parsePoolBody, parseSwapBody } from "./judging.schemas.js";
import * as judging from "./judging.service.js";
import type { QueueItem } from "./judging.service.js";

const param = (req: Request, name = "id") => String(req.params[name]);

/** Videos play in the page; a cover shows as a picture; the rest are documents to download. */
const VIDEO_TYPES = new Set(["mp4", "mov"]);
const IMAGE_TYPES = new Set(["jpeg", "png"]);

/** Rows of the organizer's entry × judge matrix shown at once. */
const MATRIX_PAGE = 50;

/** Strings of a submitted form: a number typed in a field stays as typed, to show it again after a refusal. */
interface TypedSheet {
  scores: Record<string, string>;
  deductions: Record<string, string>;
  comment: string;
  submit: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : []);

function strings(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
}

function typedSheet(fields: Record<string, unknown>): TypedSheet {
  return { scores: strings(fields.scores), deductions: strings(fields.deductions), comment: typeof fields.comment === "string" ? fields.comment : "", submit: fields.action === "submit" };
}

/**
 * The score form → the API's sheet, so the page and PUT /assignments/:id/score go through the same
 * saveScore and its rubric-generated schema: typed numbers become numbers, empty fields are left
 * out (a draft may be partial), anything else is passed on as typed for the schema to refuse.
 */
function sheetBody(fields: Record<string, unknown>): Record<string, unknown> {
  const numeric = (v: unknown): unknown => {
    if (typeof v !== "string") return v;
    const s = v.trim();
    if (s === "") return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : s;
  };
  const numbers = (o: unknown): unknown => (isRecord(o) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, numeric(v)]).filter(([, v]) => v !== undefined)) : (o ?? {}));
  const body: Record<string, unknown> = { scores: numbers(fields.scores), submit: fields.action === "submit" };
  if (fields.deductions !== undefined) body.deductions = numbers(fields.deductions);
  if (fields.comment !== undefined) body.comment = fields.comment;
  return body;
}

/** A sum shown to people: exact to the rubric's decimals, without float noise. */
function tidy(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** What is wrong with one typed score, in the reader's words (the same checks score.js makes in the browser). */
function scoreProblem(req: Request, typed: string | undefined, max: number, step: number | undefined, required: boolean): string | null {
  const s = (typed ?? "").trim();
  if (s === "") return required ? req.t("score.msgRequired") : null;
  const n = Number(s);
  if (!Number.isFinite(n)) return req.t("score.msgNumber");
  if (n < 0 || n > max) return req.t("score.msgRange", { max });
  if (step !== undefined && !isMultipleOf(n, step)) return req.t("score.msgStep", { step });
  return null;
}

/** Runs a form action; a refusal (4xx) re-renders the page with the server's message, anything else goes to the error handler. */
async function answerForm(req: Request, res: Response, view: string, page: (refusal: ErrorBody) => Promise<Record<string, unknown>>, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (err) {
    const { status, body } = toErrorBody(req, err);
    if (status >= 500) throw err;
    // The page may restate the refusal in its own terms (a score sheet names criteria by label).
    res.status(status).render(view, { formError: body, ...(await page(body)) });
  }
}

/** The service's field names (scores.science) read as the rubric's labels (科学性) in a message. */
function withLabels(body: ErrorBody, rubric: Rubric): ErrorBody {
  const labels = new Map<string, string>([...rubric.criteria.map((c) => [`scores.${c.key}`, c.label] as const), ...(rubric.deductions ?? []).map((d) => [`deductions.${d.key}`, d.label] as const)]);
  const relabel = (s: string) => s.replace(/\b(scores|deductions)\.([A-Za-z][A-Za-z0-9_]*)/g, (whole) => labels.get(whole) ?? whole);
  const details = body.details as { fields?: { field: string; message: string }[] } | undefined;
  return {
    ...body,
    message: relabel(body.message),
    ...(details?.fields ? { details: { ...details, fields: details.fields.map((f) => ({ ...f, field: relabel(f.field) })) } } : {}),
  };
}

/** HTML pages of judging: the judge's workspace and score sheet; the organizer's pool, assignments, progress and score history. */
export function judgingPages(ctx: AppContext): Router {
  const router = Router();
  const serveFile = sendFile((req) => entries.fileToSend(ctx, req.user!, param(req), param(req, "role")));

  const statusLabel = (req: Request, status: string) => req.t(`assignmentStatus.${status}`);

  // ---- The judge's workspace ----

  async function queuePage(req: Request): Promise<Record<string, unknown>> {
    const user = req.user!;
    const queue = await judging.judgeQueue(ctx, user);
    const byContest = new Map<string, QueueItem[]>();
    for (const item of queue) byContest.set(item.contestId, [...(byContest.get(item.contestId) ?? []), item]);
    const groups = [];
    for (const [contestId, items] of byContest) {
      const contest = await getContest(ctx, user, contestId);
      const declared = await judging.hasDeclared(ctx, contestId, user.id);
      const rounds: { name: string; open: boolean; submitted: number; total: number; items: Record<string, unknown>[] }[] = [];
      for (const item of items) {
        let round = rounds.find((r) => r.name === item.roundName);
        if (!round) rounds.push((round = { name: item.roundName, open: item.roundOpen, submitted: 0, total: 0, items: [] }));
        round.total += 1;
        if (item.status === "submitted") round.submitted += 1;
        round.items.push({ id: item.id, code: item.code, title: item.title, category: item.category, status: item.status, statusLabel: statusLabel(req, item.status), total: item.total === null ? null : tidy(item.total) });
      }
      const note = contest.stage === "judging" ? null : ["open", "closed"].includes(contest.stage) ? "judge.notYet" : "judge.over";
      groups.push({ contest, declared, rounds, total: items.length, submitted: items.filter((i) => i.status === "submitted").length, note });
    }
    return { title: req.t("judge.queueTitle"), groups };
  }

  router.get("/judge", requireRole("judge"), async (req, res) => {
    res.render("judging/queue", await queuePage(req));
  });

  router.post("/judge/contests/:id/declaration", requireRole("judge"), async (req, res) => {
    const fields = formFields(req);
    parseDeclarationBody({ accept: fields.accept === "true" });
    await judging.acceptDeclaration(ctx, req.user!, param(req));
    flash(req, "success", req.t("judge.declarationAccepted"));
    res.redirect(303, safeNext(fields.next, "/judge"));
  });

  async function sheetPage(req: Request, assignmentId: string, typed?: TypedSheet): Promise<Record<string, unknown>> {
    const user = req.user!;
    const { sheet, rubric, contest, round, declared } = await judging.judgeSheet(ctx, user, assignmentId);
    const entry = await entries.getEntry(ctx, user, sheet.entryId);
    const scoring = contest.stage === "judging" && round.status === "open";
    const base = {
      title: `${entry.code} · ${entry.title}`,
      contest,
      round,
      entry: { id: entry.id, code: entry.code, title: entry.title, category: entry.category, summary: entry.summary },
      assignmentId,
      rubric,
      declared,
      declarationNext: `/judge/assignments/${assignmentId}`,
    };
    // Before the declaration (回避声明) the judge sees only what his queue shows.
    if (!declared) return base;

    const fileUrl = (role: string) => `/judge/entries/${entry.id}/files/${role}`;
    // getEntry already leaves out what judges must not see (the recommendation form).
    const shown = entry.files;
    const coverFile = shown.find((f) => f.role === "cover" && IMAGE_TYPES.has(f.contentType));
    const videos = shown.filter((f) => VIDEO_TYPES.has(f.contentType)).map((f) => ({ role: f.role, url: fileUrl(f.role), downloadUrl: `${fileUrl(f.role)}?download`, width: f.width, height: f.height, durationSeconds: f.durationSeconds, poster: f.role === "video" && coverFile ? fileUrl("cover") : null }));
    const documents = shown
      .filter((f) => !VIDEO_TYPES.has(f.contentType) && f !== coverFile)
      .map((f) => ({ role: f.role, url: `${fileUrl(f.role)}?download`, name: `${entry.code}-${f.role}.${f.contentType === "jpeg" ? "jpg" : f.contentType}`, contentType: f.contentType }));

    const scores = typed?.scores ?? Object.fromEntries(Object.entries(sheet.scores).map(([k, v]) => [k, String(v)]));
    const deductions = typed?.deductions ?? Object.fromEntries(Object.entries(sheet.deductions).map(([k, v]) => [k, String(v)]));
    const criteria = rubric.criteria.map((c) => ({ ...c, value: scores[c.key] ?? "", problem: typed ? scoreProblem(req, scores[c.key], c.max, c.step, typed.submit) : null }));
    const deductionRows = (rubric.deductions ?? []).map((d) => ({ ...d, stepAttr: d.step ?? "any", value: deductions[d.key] ?? "", problem: typed ? scoreProblem(req, deductions[d.key], d.max, d.step, false) : null }));
    const number = (s: string | undefined) => (s !== undefined && s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : null);
    const filled = criteria.map((c) => number(c.value));
    const total = filled.reduce<number>((sum, n) => sum + (n ?? 0), 0) - deductionRows.reduce((sum, d) => sum + (number(d.value) ?? 0), 0);

    // The next entry of this round still to score, for a judge working through his queue.
    const queue = (await judging.judgeQueue(ctx, user)).filter((a) => a.contestId === contest.id && a.roundName === round.name);
    const here = queue.findIndex((a) => a.id === assignmentId);
    const next = [...queue.slice(here + 1), ...queue.slice(0, Math.max(here, 0))].find((a) => a.status !== "submitted" && a.id !== assignmentId);

    return {
      ...base,
      scoring,
      notYet: !scoring && round.status === "open" && ["open", "closed"].includes(contest.stage),
      sheet: { ...sheet, statusLabel: statusLabel(req, sheet.status), total: sheet.total === null ? null : tidy(sheet.total) },
      videos,
      cover: coverFile ? { url: fileUrl("cover") } : null,
      documents,
      criteria,
      deductions: deductionRows,
      comment: typed?.comment ?? sheet.comment,
      total: tidy(total),
      complete: filled.every((n) => n !== null),
      max: rubricMax(rubric),
      position: { index: here + 1, count: queue.length, submitted: queue.filter((a) => a.status === "submitted").length },
      next: next ? { id: next.id, code: next.code } : null,
      mayDeclareConflict: round.status === "open" && allows(contest.stage, "assignJudges") && sheet.status !== "submitted",
    };
  }

  router.get("/judge/assignments/:id", requireRole("judge"), async (req, res) => {
    res.render("judging/sheet", await sheetPage(req, param(req)));
  });

  // The score form: draft or submit, through the same saveScore as the API.
  router.post("/judge/assignments/:id", requireRole("judge"), async (req, res) => {
    const assignmentId = param(req);
    const fields = formFields(req);
    const typed = typedSheet(fields);
    await answerForm(
      req,
      res,
      "judging/sheet",
      async (refusal) => {
        const page = await sheetPage(req, assignmentId, typed);
        return { ...page, formError: withLabels(refusal, page.rubric as Rubric) };
      },
      async () => {
        const saved = await judging.saveScore(ctx, req.user!, assignmentId, sheetBody(fields));
        flash(req, "success", saved.status === "submitted" ? req.t("score.submittedDone", { total: saved.total === null ? "" : tidy(saved.total) }) : req.t("score.draftSaved"));
        res.redirect(303, `/judge/assignments/${assignmentId}`);
      },
    );
  });

  // A judge declares a conflict with this entry (回避): it leaves his queue for another judge's.
  router.post("/judge/assignments/:id/conflict", requireRole("judge"), async (req, res) => {
    const assignmentId = param(req);
    const reason = String(formFields(req).reason ?? "");
    await answerForm(
      req,
      res,
      "judging/sheet",
      async () => ({ ...(await sheetPage(req, assignmentId)), conflictReason: reason }),
      async () => {
        const declared = await judging.declareConflict(ctx, req.user!, assignmentId, parseDeclaredConflictBody({ reason }).reason.trim());
        flash(req, "success", req.t(declared.replaced ? "judge.conflictDeclared" : "judge.conflictDeclaredUnplaced"));
        res.redirect(303, "/judge");
      },
    );
  });

  // The entry's files for its judges: fileToSend checks access as getEntry does (assigned judges only) and names downloads by entry code.
  router.get("/judge/entries/:id/files/:role", requireRole("judge"), serveFile);

  // ---- The organizer's pages ----

  async function judgingPage(req: Request, contestId: string): Promise<Record<string, unknown>> {
    const user = req.user!;
    const contest: Contest = await getContest(ctx, user, contestId);
    const { round, judges: pool } = await judging.getPool(ctx, user, contest.id);
    const settings = judging.settingsOf(contest, round);
    const everyJudge = await listUsers(ctx, "judge");
    const judgeById = new Map(everyJudge.map((j) => [j.id, j]));
    const inPool = new Set(pool.map((j) => j.id));
    const assignments = await judging.listAssignments(ctx, user, contest.id);
    const roundEntries = await judging.roundEntries(ctx, contest, round);

    // Rows: the round's entries, and any entry that left the round (withdrawn, say) but still has assignments.
    const rows: { id: string; code: string; title: string; outOfRound: boolean }[] = roundEntries.map((e) => ({ id: e.id, code: e.code, title: e.title, outOfRound: false }));
    for (const entryId of new Set(assignments.map((a) => a.entryId))) {
      if (rows.some((r) => r.id === entryId)) continue;
      const e = await entries.getEntry(ctx, user, entryId);
      rows.push({ id: e.id, code: e.code, title: e.title, outOfRound: true });
    }
    rows.sort((a, b) => a.code.localeCompare(b.code));

    // Columns: the pool, then judges who left it but still hold assignments.
    const byName = (a: PublicUser, b: PublicUser) => a.name.localeCompare(b.name, "zh-CN") || a.id.localeCompare(b.id);
    const columns = [...pool.map((j) => judgeById.get(j.id)!).filter(Boolean).sort(byName)];
    for (const judgeId of new Set(assignments.map((a) => a.judgeId))) if (!inPool.has(judgeId) && judgeById.has(judgeId)) columns.push(judgeById.get(judgeId)!);

    const cell = new Map(assignments.map((a) => [`${a.entryId}|${a.judgeId}`, a]));
    const loads = new Map<string, number>();
    for (const a of assignments) loads.set(a.judgeId, (loads.get(a.judgeId) ?? 0) + 1);

    const pageCount = Math.max(1, Math.ceil(rows.length / MATRIX_PAGE));
    const pageNo = Math.min(pageCount, Math.max(1, Number.parseInt(String(req.query.page ?? "1"), 10) || 1));
    const matrixRows = rows.slice((pageNo - 1) * MATRIX_PAGE, pageNo * MATRIX_PAGE).map((row) => {
      const taken = new Set(assignments.filter((a) => a.entryId === row.id).map((a) => a.judgeId));
      const swapTo = pool.filter((j) => !taken.has(j.id)).sort(byName).map((j) => ({ id: j.id, name: j.name }));
      return {
        ...row,
        judges: taken.size,
        cells: columns.map((judge) => {
          const a = cell.get(`${row.id}|${judge.id}`);
          return a ? { id: a.id, judgeName: judge.name, status: a.status, statusLabel: statusLabel(req, a.status), total: a.total === null ? null : tidy(a.total), fixed: a.status === "submitted", swapTo } : null;
        }),
      };
    });
    const loadValues = pool.map((j) => loads.get(j.id) ?? 0);
    const scored = assignments.some((a) => a.status !== "assigned");

    return {
      title: req.t("judging.title", { contest: contest.title }),
      contest,
      round,
      judgesPerEntry: settings.judgesPerEntry,
      mayAssign: allows(contest.stage, "assignJudges") && round.status === "open",
      mayAuto: !scored,
      candidates: everyJudge
        .filter((j) => !j.disabled)
        .sort(byName)
        .map((j) => ({ id: j.id, name: j.name, unit: j.unit, city: j.city, expertise: j.expertise, inPool: inPool.has(j.id), load: loads.get(j.id) ?? 0 })),
      poolCount: pool.length,
      entryCount: roundEntries.length,
      assignmentCount: assignments.length,
      loadRange: loadValues.length ? { min: Math.min(...loadValues), max: Math.max(...loadValues) } : null,
      columns: columns.map((j) => ({ id: j.id, name: j.name, unit: j.unit, inPool: inPool.has(j.id), load: loads.get(j.id) ?? 0 })),
      matrixRows,
      entryOptions: rows.filter((r) => !r.outOfRound).map((r) => ({ id: r.id, label: `${r.code} ${r.title}` })),
      poolOptions: [...pool].sort(byName).map((j) => ({ id: j.id, name: j.name, unit: j.unit })),
      pager: pageCount > 1 ? { page: pageNo, count: pageCount, prev: pageNo > 1 ? pageNo - 1 : null, next: pageNo < pageCount ? pageNo + 1 : null } : null,
      values: formFields(req),
    };
  }

  const backToJudging = (contestId: string, fields: Record<string, unknown>) => {
    const page = Number.parseInt(String(fields.page ?? ""), 10);
    return `/contests/${contestId}/judging${page > 1 ? `?page=${page}` : ""}#matrix`;
  };

  router.get("/contests/:id/judging", requireRole("organizer"), async (req, res) => {
    res.render("judging/manage", await judgingPage(req, param(req)));
  });

  router.post("/contests/:id/judging/pool", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, "judging/manage", () => judgingPage(req, param(req)), async () => {
      const { judgeIds } = await judging.setPool(ctx, req.user!, param(req), parsePoolBody({ judgeIds: [...new Set(list(formFields(req).judgeIds))] }).judgeIds);
      flash(req, "success", req.t("judging.poolSaved", { n: judgeIds.length }));
      res.redirect(303, `/contests/${param(req)}/judging`);
    });
  });

  router.post("/contests/:id/judging/auto", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, "judging/manage", () => judgingPage(req, param(req)), async () => {
      const seedText = text(formFields(req), "seed");
      const { seed } = parseAutoAssignBody(seedText === undefined ? {} : { seed: /^\d{1,15}$/.test(seedText) ? Number(seedText) : seedText });
      const result = await judging.autoAssign(ctx, req.user!, param(req), seed);
      const loads = Object.values(result.loads);
      flash(req, "success", req.t("judging.autoDone", { n: result.assignments, mismatches: result.mismatches, min: loads.length ? Math.min(...loads) : 0, max: loads.length ? Math.max(...loads) : 0 }));
      res.redirect(303, `/contests/${param(req)}/judging#matrix`);
    });
  });

  router.post("/contests/:id/judging/assignments", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(req, res, "judging/manage", () => judgingPage(req, param(req)), async () => {
      const body = parseAssignmentBody({ entryId: fields.entryId, judgeId: fields.judgeId });
      await judging.addAssignment(ctx, req.user!, param(req), body.entryId, body.judgeId);
      flash(req, "success", req.t("judging.added"));
      res.redirect(303, backToJudging(param(req), fields));
    });
  });

  router.post("/contests/:id/judging/assignments/:assignmentId/swap", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(req, res, "judging/manage", () => judgingPage(req, param(req)), async () => {
      await judging.swapAssignment(ctx, req.user!, param(req, "assignmentId"), parseSwapBody({ judgeId: fields.judgeId }).judgeId);
      flash(req, "success", req.t("judging.swapped"));
      res.redirect(303, backToJudging(param(req), fields));
    });
  });

  router.post("/contests/:id/judging/assignments/:assignmentId/remove", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(req, res, "judging/manage", () => judgingPage(req, param(req)), async () => {
      await judging.removeAssignment(ctx, req.user!, param(req, "assignmentId"));
      flash(req, "success", req.t("judging.removed"));
      res.redirect(303, backToJudging(param(req), fields));
    });
  });

  router.post("/contests/:id/judging/reassign", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(req, res, "judging/manage", () => judgingPage(req, param(req)), async () => {
      const { judgeId } = parseSwapBody({ judgeId: fields.judgeId });
      const result = await judging.reassignJudge(ctx, req.user!, param(req), judgeId);
      flash(req, result.unplaced.length ? "info" : "success", req.t(result.unplaced.length ? "judging.reassignedPartly" : "judging.reassigned", { moved: result.moved, unplaced: result.unplaced.length }));
      res.redirect(303, `/contests/${param(req)}/judging#matrix`);
    });
  });

  async function progressOf(req: Request) {
    const contest = await getContest(ctx, req.user!, param(req));
    const progress = await judging.progress(ctx, req.user!, contest.id);
    const late = new Set(progress.late);
    // Late judges first, most missing first: whom to remind.
    const judges = [...progress.judges].sort((a, b) => Number(late.has(b.judgeId)) - Number(late.has(a.judgeId)) || b.missing - a.missing || a.name.localeCompare(b.name, "zh-CN"));
    return { contest, progress, judges: judges.map((j) => ({ ...j, late: late.has(j.judgeId) })) };
  }

  router.get("/contests/:id/progress", requireRole("organizer"), async (req, res) => {
    const { contest, progress, judges } = await progressOf(req);
    const { assigned, submitted, drafts } = progress.totals;
    res.render("judging/progress", {
      title: req.t("progress.title", { contest: contest.title }),
      renderedAt: ctx.clock.now().toISOString(),
      contest,
      round: progress.round,
      judges,
      lateJudges: judges.filter((j) => j.late),
      // Before the first assignment every entry is short: nothing to flag yet.
      entries: progress.entries.map((e) => ({ ...e, incomplete: e.submitted < e.assigned, short: assigned > 0 ? Math.max(0, e.needed - e.assigned) : 0 })),
      shortEntries: assigned > 0 ? progress.entries.filter((e) => e.assigned < e.needed).length : 0,
      totals: { assigned, submitted, drafts, missing: assigned - submitted, percent: assigned ? Math.floor((submitted / assigned) * 100) : 0 },
    });
  });

  router.get("/contests/:id/progress.csv", requireRole("organizer"), async (req, res) => {
    const { contest, judges } = await progressOf(req);
    const header = ["progress.judge", "progress.assigned", "progress.submitted", "progress.drafts", "progress.missing", "progress.declared"].map((k) => req.t(k));
    const rows = judges.map((j) => [j.name, j.assigned, j.submitted, j.drafts, j.missing, req.t(j.declared ? "common.yes" : "common.no")]);
    res.type("text/csv; charset=utf-8").attachment(`progress-${contest.id}.csv`).send(toCsv(header, rows));
  });

  router.get("/entries/:id/history", requireRole("organizer"), async (req, res) => {
    const entry = await entries.getEntry(ctx, req.user!, param(req));
    const contest = await getContest(ctx, req.user!, entry.contestId);
    const history = await judging.scoreHistory(ctx, req.user!, entry.id);
    const labels = new Map<string, string>();
    for (const r of await judging.listRounds(ctx, contest)) {
      for (const c of r.rubric.criteria) labels.set(`scores.${c.key}`, c.label);
      for (const d of r.rubric.deductions ?? []) labels.set(`deductions.${d.key}`, d.label);
    }
    type Side = { status?: string; scores?: Record<string, number>; deductions?: Record<string, number>; total?: number | null } | null;
    const show = (v: number | null | undefined) => (v === null || v === undefined ? "—" : tidy(v));
    const rows = history.map((h) => {
      const before = h.before as Side;
      const after = h.after as Side;
      const changes = (["scores", "deductions"] as const).flatMap((part) => {
        const keys = [...new Set([...Object.keys(before?.[part] ?? {}), ...Object.keys(after?.[part] ?? {})])];
        return keys.map((key) => {
          const old = before?.[part]?.[key];
          const now = after?.[part]?.[key];
          return { label: labels.get(`${part}.${key}`) ?? key, deduction: part === "deductions", old: show(old), now: show(now), changed: old !== now };
        });
      });
      return {
        at: h.at,
        judgeName: h.judgeName,
        roundName: h.roundName,
        oldStatus: before?.status ? statusLabel(req, before.status) : req.t("assignmentStatus.assigned"),
        newStatus: after?.status ? statusLabel(req, after.status) : "",
        oldTotal: show(before?.total),
        newTotal: show(after?.total),
        changes,
      };
    });
    res.render("judging/history", { title: req.t("history.title", { code: entry.code }), entry, contest, rows });
  });

  return router;
}
