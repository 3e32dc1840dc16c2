import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import { rubricMax } from "../contests/rubric.js";
import { sendFile } from "../http/send-file.js";
import * as entries from "../entries/entries.service.js";
import { liveFinalsOfJudge } from "../live/live.service.js";
import { formatShanghaiDay } from "../lib/time.js";
import { unitOfEntry, type UnitMaterial } from "../reports/evaluation.service.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, fieldText, formFields, safeNext, type Refusal } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { assignmentStatusLabel, pointsText } from "./judging.format.js";
import { parseDeclarationBody, parseDeclaredConflictBody } from "./judging.schemas.js";
import * as judging from "./judging.service.js";
import type { QueueItem } from "./judging.service.js";

/** Videos play in the page; a cover shows as a picture; the rest are documents to download. */
const VIDEO_TYPES = new Set(["mp4", "mov"]);
const IMAGE_TYPES = new Set(["jpeg", "png"]);

/** A unit's material as links to the one report-file route, which lets the unit's assigned judges read it. */
function materialView(material: UnitMaterial, req: Request) {
  const url = (id: string | null) => id && `/reports/files/${id}`;
  return {
    news: material.news.map((n) => ({
      ...n,
      day: formatShanghaiDay(n.startsAt, req.locale),
      images: n.images.map(url),
      video: url(n.video),
    })),
    summary: material.summary && { document: url(material.summary.document), video: url(material.summary.video) },
  };
}

/** Strings of a submitted form: a number typed in a field stays as typed, to show it again after a refusal. */
interface TypedSheet {
  scores: Record<string, string>;
  deductions: Record<string, string>;
  comment: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A group of typed fields (scores[science]=…) by key, each as the text typed. */
function typedTexts(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? v : ""]));
}

function typedSheet(fields: Record<string, unknown>): TypedSheet {
  return {
    scores: typedTexts(fields.scores),
    deductions: typedTexts(fields.deductions),
    comment: typeof fields.comment === "string" ? fields.comment : "",
  };
}

/**
 * The score form → the API's sheet, so the page and PUT /assignments/:id/score go through the same
 * saveScore and its rubric-generated schema: typed numbers become numbers, empty fields are left
 * out (a draft may be partial), anything else is passed on as typed for the schema to refuse. The live
 * final's phone page (src/live/live.pages.ts) sends its form through here too.
 */
export function sheetBody(fields: Record<string, unknown>): Record<string, unknown> {
  const numeric = (v: unknown): unknown => {
    if (typeof v !== "string") return v;
    const s = v.trim();
    if (s === "") return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : s;
  };
  const numbers = (o: unknown): unknown =>
    isRecord(o)
      ? Object.fromEntries(
          Object.entries(o)
            .map(([k, v]) => [k, numeric(v)])
            .filter(([, v]) => v !== undefined),
        )
      : (o ?? {});
  const body: Record<string, unknown> = { scores: numbers(fields.scores), submit: fields.action === "submit" };
  if (fields.deductions !== undefined) body.deductions = numbers(fields.deductions);
  if (fields.comment !== undefined) body.comment = fields.comment;
  return body;
}

/** The judge's pages: his queue, the declaration, the score sheet with the entry's work, a declared conflict. */
export function judgePages(ctx: AppContext): Router {
  const router = Router();

  async function queuePage(req: Request): Promise<Record<string, unknown>> {
    const user = req.user!;
    const queue = await judging.judgeQueue(ctx, user);
    const byContest = new Map<string, QueueItem[]>();
    for (const item of queue) byContest.set(item.contestId, [...(byContest.get(item.contestId) ?? []), item]);
    const groups = [];
    for (const [contestId, items] of byContest) {
      const contest = await getContest(ctx, user, contestId);
      const declared = await judging.hasDeclared(ctx, contestId, user.id);
      const rounds: {
        name: string;
        open: boolean;
        submitted: number;
        total: number;
        items: Record<string, unknown>[];
      }[] = [];
      for (const item of items) {
        let round = rounds.find((r) => r.name === item.roundName);
        if (!round)
          rounds.push((round = { name: item.roundName, open: item.roundOpen, submitted: 0, total: 0, items: [] }));
        round.total += 1;
        if (item.status === "submitted") round.submitted += 1;
        round.items.push({
          id: item.id,
          code: item.code,
          title: item.title,
          category: item.category,
          status: item.status,
          statusLabel: assignmentStatusLabel(req, item.status),
          total: item.total === null ? null : pointsText(item.total),
        });
      }
      const flags = may(contest);
      // Judges are assigned before judging opens: scoring is still to come then, and over after it.
      const rescoring = flags.rescoreEntries && items.some((i) => i.rescore && i.status !== "submitted");
      const note = flags.scoreEntries
        ? null
        : flags.assignJudges
          ? "judge.notYet"
          : rescoring
            ? "rescore.judgeNote"
            : "judge.over";
      groups.push({
        contest,
        declared,
        rounds,
        total: items.length,
        submitted: items.filter((i) => i.status === "submitted").length,
        note,
      });
    }
    return { title: req.t("judge.queueTitle"), groups, liveFinals: await liveFinalsOfJudge(ctx, user) };
  }

  router.get("/judge", requireRole("judge"), async (req, res) => {
    res.render("judging/queue", await queuePage(req));
  });

  router.post("/judge/contests/:id/declaration", requireRole("judge"), async (req, res) => {
    const fields = formFields(req);
    parseDeclarationBody({ accept: fields.accept === "true" });
    await judging.acceptDeclaration(ctx, req.user!, routeParam(req));
    flash(req, "success", req.t("judge.declarationAccepted"));
    res.redirect(303, safeNext(fields.next, "/judge"));
  });

  /** The score sheet; after a refusal, with the values typed and each refused score's message by its field. */
  async function sheetPage(req: Request, assignmentId: string, refusal?: Refusal): Promise<Record<string, unknown>> {
    const user = req.user!;
    const { sheet, rubric, contest, round, declared, scoring } = await judging.judgeSheet(ctx, user, assignmentId);
    const entry = await entries.getEntry(ctx, user, sheet.entryId);
    const flags = may(contest);
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
    const videos = shown
      .filter((f) => VIDEO_TYPES.has(f.contentType))
      .map((f) => ({
        role: f.role,
        url: fileUrl(f.role),
        downloadUrl: `${fileUrl(f.role)}?download`,
        width: f.width,
        height: f.height,
        durationSeconds: f.durationSeconds,
        poster: f.role === "video" && coverFile ? fileUrl("cover") : null,
      }));
    const documents = shown
      .filter((f) => !VIDEO_TYPES.has(f.contentType) && f !== coverFile)
      .map((f) => ({
        role: f.role,
        url: `${fileUrl(f.role)}?download`,
        name: `${entry.code}-${f.role}.${f.contentType === "jpeg" ? "jpg" : f.contentType}`,
        contentType: f.contentType,
      }));

    const typed = refusal ? typedSheet(refusal.typed) : undefined;
    const problems = refusal?.fieldErrors ?? {};
    const scores = typed?.scores ?? Object.fromEntries(Object.entries(sheet.scores).map(([k, v]) => [k, String(v)]));
    const deductions =
      typed?.deductions ?? Object.fromEntries(Object.entries(sheet.deductions).map(([k, v]) => [k, String(v)]));
    const criteria = rubric.criteria.map((c) => ({
      ...c,
      value: scores[c.key] ?? "",
      problem: problems[`scores.${c.key}`] ?? null,
    }));
    const deductionRows = (rubric.deductions ?? []).map((d) => ({
      ...d,
      stepAttr: d.step ?? "any",
      value: deductions[d.key] ?? "",
      problem: problems[`deductions.${d.key}`] ?? null,
    }));
    const number = (s: string | undefined) =>
      s !== undefined && s.trim() !== "" && Number.isFinite(Number(s)) ? Number(s) : null;
    const filled = criteria.map((c) => number(c.value));
    const total =
      filled.reduce<number>((sum, n) => sum + (n ?? 0), 0) -
      deductionRows.reduce((sum, d) => sum + (number(d.value) ?? 0), 0);

    // The next entry of this round still to score, for a judge working through his queue.
    const queue = (await judging.judgeQueue(ctx, user)).filter(
      (a) => a.contestId === contest.id && a.roundName === round.name,
    );
    const here = queue.findIndex((a) => a.id === assignmentId);
    const next = [...queue.slice(here + 1), ...queue.slice(0, Math.max(here, 0))].find(
      (a) => a.status !== "submitted" && a.id !== assignmentId,
    );

    // A unit evaluation's judges weigh the unit's reporting record beside its material.
    const unit = contest.kind === "report" ? await unitOfEntry(ctx, entry.id) : null;
    return {
      ...base,
      scoring,
      unitFigures: unit?.figures ?? null,
      unitMaterial: unit && materialView(unit.material, req),
      // Judges are assigned before judging opens: an open round's sheet is shown, not yet to be filled.
      notYet: round.status === "open" && flags.assignJudges && !flags.scoreEntries,
      sheet: {
        ...sheet,
        statusLabel: assignmentStatusLabel(req, sheet.status),
        total: sheet.total === null ? null : pointsText(sheet.total),
      },
      videos,
      cover: coverFile ? { url: fileUrl("cover") } : null,
      documents,
      criteria,
      deductions: deductionRows,
      comment: typed?.comment ?? sheet.comment,
      total: pointsText(total),
      complete: filled.every((n) => n !== null),
      max: rubricMax(rubric),
      position: {
        index: here + 1,
        count: queue.length,
        submitted: queue.filter((a) => a.status === "submitted").length,
      },
      next: next ? { id: next.id, code: next.code } : null,
      mayDeclareConflict: round.status === "open" && flags.assignJudges && sheet.status !== "submitted",
    };
  }

  router.get("/judge/assignments/:id", requireRole("judge"), async (req, res) => {
    res.render("judging/sheet", await sheetPage(req, routeParam(req)));
  });

  // The score form: draft or submit, through the same saveScore as the API.
  router.post("/judge/assignments/:id", requireRole("judge"), async (req, res) => {
    const assignmentId = routeParam(req);
    await answerForm(
      req,
      res,
      { view: "judging/sheet", page: (refusal) => sheetPage(req, assignmentId, refusal) },
      async () => {
        const saved = await judging.saveScore(ctx, req.user!, assignmentId, sheetBody(formFields(req)));
        flash(
          req,
          "success",
          saved.status === "submitted"
            ? req.t("score.submittedDone", { total: saved.total === null ? "" : pointsText(saved.total) })
            : req.t("score.draftSaved"),
        );
        res.redirect(303, `/judge/assignments/${assignmentId}`);
      },
    );
  });

  // A judge declares a conflict with this entry (回避): it leaves his queue for another judge's.
  router.post("/judge/assignments/:id/conflict", requireRole("judge"), async (req, res) => {
    const assignmentId = routeParam(req);
    const reason = fieldText(formFields(req).reason);
    await answerForm(
      req,
      res,
      {
        view: "judging/sheet",
        page: async () => ({ ...(await sheetPage(req, assignmentId)), conflictReason: reason }),
      },
      async () => {
        const declared = await judging.declareConflict(
          ctx,
          req.user!,
          assignmentId,
          parseDeclaredConflictBody({ reason }).reason.trim(),
        );
        flash(req, "success", req.t(declared.replaced ? "judge.conflictDeclared" : "judge.conflictDeclaredUnplaced"));
        res.redirect(303, "/judge");
      },
    );
  });

  // The entry's files for its judges: fileToSend checks access as getEntry does (assigned judges only) and names downloads by entry code.
  router.get(
    "/judge/entries/:id/files/:role",
    requireRole("judge"),
    sendFile((req) => entries.fileToSend(ctx, req.user!, routeParam(req), routeParam(req, "role"))),
  );

  return router;
}
