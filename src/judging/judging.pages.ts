import { Router, type Request } from "express";
import { listUsers, type PublicUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import { getContest, type Contest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import * as entries from "../entries/entries.service.js";
import { requireRole } from "../http/auth.js";
import { confirmed } from "../http/confirm.js";
import { flash } from "../http/flash.js";
import { answerForm, fieldText, formFields, repeatedField, type Refusal } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { toCsv } from "../lib/csv.js";
import { assignedMessage, autoAssignBody, blockedRows, typedPool } from "./assign-page.js";
import { judgePages } from "./judge.pages.js";
import { assignmentStatusLabel, pointsText } from "./judging.format.js";
import { parseAssignmentBody, parsePoolBody, parseSwapBody } from "./judging.schemas.js";
import * as judging from "./judging.service.js";

/** Rows of the organizer's entry × judge matrix shown at once. */
const MATRIX_PAGE = 50;

/**
 * HTML pages of judging: the judge's workspace and score sheet (judge.pages.ts); the organizer's pool,
 * assignments, progress and score history.
 */
export function judgingPages(ctx: AppContext): Router {
  const router = Router();
  router.use(judgePages(ctx));

  /** `refusal`: a refused pool or assignment form, whose ticks and explanation the page shows again. */
  async function judgingPage(req: Request, contestId: string, refusal?: Refusal): Promise<Record<string, unknown>> {
    const user = req.user!;
    const contest: Contest = await getContest(ctx, user, contestId);
    const { round, judges: pool } = await judging.getPool(ctx, user, contest.id);
    const settings = judging.settingsOf(contest, round);
    const everyJudge = await listUsers(ctx, "judge");
    const judgeById = new Map(everyJudge.map((j) => [j.id, j]));
    const inPool = new Set(pool.map((j) => j.id));
    const ticked = typedPool(refusal) ?? inPool;
    const assignments = await judging.listAssignments(ctx, user, contest.id);
    const roundEntries = await judging.roundEntries(ctx, contest, round);

    // Rows: the round's entries, and any entry that left the round (withdrawn, say) but still has assignments.
    const rows: { id: string; code: string; title: string; outOfRound: boolean }[] = roundEntries.map((e) => ({
      id: e.id,
      code: e.code,
      title: e.title,
      outOfRound: false,
    }));
    for (const entryId of new Set(assignments.map((a) => a.entryId))) {
      if (rows.some((r) => r.id === entryId)) continue;
      const e = await entries.getEntry(ctx, user, entryId);
      rows.push({ id: e.id, code: e.code, title: e.title, outOfRound: true });
    }
    rows.sort((a, b) => a.code.localeCompare(b.code));

    // Columns: the pool, then judges who left it but still hold assignments.
    const byName = (a: PublicUser, b: PublicUser) => a.name.localeCompare(b.name, "zh-CN") || a.id.localeCompare(b.id);
    const columns = [
      ...pool
        .map((j) => judgeById.get(j.id)!)
        .filter(Boolean)
        .sort(byName),
    ];
    for (const judgeId of new Set(assignments.map((a) => a.judgeId)))
      if (!inPool.has(judgeId) && judgeById.has(judgeId)) columns.push(judgeById.get(judgeId)!);

    const cell = new Map(assignments.map((a) => [`${a.entryId}|${a.judgeId}`, a]));
    const loads = new Map<string, number>();
    for (const a of assignments) loads.set(a.judgeId, (loads.get(a.judgeId) ?? 0) + 1);

    const pageCount = Math.max(1, Math.ceil(rows.length / MATRIX_PAGE));
    const pageNo = Math.min(pageCount, Math.max(1, Number.parseInt(fieldText(req.query.page ?? "1"), 10) || 1));
    const matrixRows = rows.slice((pageNo - 1) * MATRIX_PAGE, pageNo * MATRIX_PAGE).map((row) => {
      const taken = new Set(assignments.filter((a) => a.entryId === row.id).map((a) => a.judgeId));
      const swapTo = pool
        .filter((j) => !taken.has(j.id))
        .sort(byName)
        .map((j) => ({ id: j.id, name: j.name }));
      return {
        ...row,
        judges: taken.size,
        short: settings.judgesPerEntry !== null && assignments.length > 0 && taken.size < settings.judgesPerEntry,
        cells: columns.map((judge) => {
          const a = cell.get(`${row.id}|${judge.id}`);
          return a
            ? {
                id: a.id,
                judgeName: judge.name,
                status: a.status,
                statusLabel: assignmentStatusLabel(req, a.status),
                total: a.total === null ? null : pointsText(a.total),
                fixed: a.status === "submitted",
                swapTo,
              }
            : null;
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
      mayAssign: may(contest).assignJudges && round.status === "open",
      mayAuto: !scored,
      candidates: everyJudge
        .filter((j) => !j.disabled)
        .sort(byName)
        .map((j) => ({
          id: j.id,
          name: j.name,
          unit: j.unit,
          city: j.city,
          expertise: j.expertise,
          inPool: ticked.has(j.id),
          load: loads.get(j.id) ?? 0,
        })),
      blocked: blockedRows(req, refusal),
      poolCount: pool.length,
      entryCount: roundEntries.length,
      assignmentCount: assignments.length,
      loadRange: loadValues.length ? { min: Math.min(...loadValues), max: Math.max(...loadValues) } : null,
      columns: columns.map((j) => ({
        id: j.id,
        name: j.name,
        unit: j.unit,
        inPool: inPool.has(j.id),
        load: loads.get(j.id) ?? 0,
      })),
      matrixRows,
      entryOptions: rows.filter((r) => !r.outOfRound).map((r) => ({ id: r.id, label: `${r.code} ${r.title}` })),
      poolOptions: [...pool].sort(byName).map((j) => ({ id: j.id, name: j.name, unit: j.unit })),
      pager:
        pageCount > 1
          ? {
              page: pageNo,
              count: pageCount,
              prev: pageNo > 1 ? pageNo - 1 : null,
              next: pageNo < pageCount ? pageNo + 1 : null,
            }
          : null,
      values: formFields(req),
    };
  }

  const backToJudging = (contestId: string, fields: Record<string, unknown>) => {
    const page = Number.parseInt(fieldText(fields.page), 10);
    return `/contests/${contestId}/judging${page > 1 ? `?page=${page}` : ""}#matrix`;
  };

  router.get("/contests/:id/judging", requireRole("organizer"), async (req, res) => {
    res.render("judging/manage", await judgingPage(req, routeParam(req)));
  });

  router.post("/contests/:id/judging/pool", requireRole("organizer"), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "judging/manage", page: (refusal) => judgingPage(req, routeParam(req), refusal) },
      async () => {
        const { judgeIds } = await judging.setPool(
          ctx,
          req.user!,
          routeParam(req),
          parsePoolBody({ judgeIds: [...new Set(repeatedField(formFields(req).judgeIds))] }).judgeIds,
        );
        flash(req, "success", req.t("judging.poolSaved", { n: judgeIds.length }));
        res.redirect(303, `/contests/${routeParam(req)}/judging`);
      },
    );
  });

  router.post("/contests/:id/judging/auto", requireRole("organizer"), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "judging/manage", page: (refusal) => judgingPage(req, routeParam(req), refusal) },
      async () => {
        const result = await judging.autoAssign(ctx, req.user!, routeParam(req), autoAssignBody(formFields(req)));
        flash(req, result.short.length ? "info" : "success", assignedMessage(req, result));
        res.redirect(303, `/contests/${routeParam(req)}/judging#matrix`);
      },
    );
  });

  router.post("/contests/:id/judging/assignments", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(
      req,
      res,
      { view: "judging/manage", page: (refusal) => judgingPage(req, routeParam(req), refusal) },
      async () => {
        const body = parseAssignmentBody({ entryId: fields.entryId, judgeId: fields.judgeId });
        await judging.addAssignment(ctx, req.user!, routeParam(req), body.entryId, body.judgeId);
        flash(req, "success", req.t("judging.added"));
        res.redirect(303, backToJudging(routeParam(req), fields));
      },
    );
  });

  router.post("/contests/:id/judging/assignments/:assignmentId/swap", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(
      req,
      res,
      { view: "judging/manage", page: (refusal) => judgingPage(req, routeParam(req), refusal) },
      async () => {
        await judging.swapAssignment(
          ctx,
          req.user!,
          routeParam(req, "assignmentId"),
          parseSwapBody({ judgeId: fields.judgeId }).judgeId,
        );
        flash(req, "success", req.t("judging.swapped"));
        res.redirect(303, backToJudging(routeParam(req), fields));
      },
    );
  });

  router.post("/contests/:id/judging/assignments/:assignmentId/remove", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    // A draft the judge saved goes with the assignment: said first.
    const asked = {
      title: req.t("judging.remove"),
      consequences: [req.t("judging.removeConsequence")],
      cancelHref: backToJudging(routeParam(req), fields),
    };
    if (!confirmed(req, res, asked)) return;
    await answerForm(
      req,
      res,
      { view: "judging/manage", page: (refusal) => judgingPage(req, routeParam(req), refusal) },
      async () => {
        await judging.removeAssignment(ctx, req.user!, routeParam(req, "assignmentId"));
        flash(req, "success", req.t("judging.removed"));
        res.redirect(303, backToJudging(routeParam(req), fields));
      },
    );
  });

  router.post("/contests/:id/judging/reassign", requireRole("organizer"), async (req, res) => {
    const fields = formFields(req);
    await answerForm(
      req,
      res,
      { view: "judging/manage", page: (refusal) => judgingPage(req, routeParam(req), refusal) },
      async () => {
        const { judgeId } = parseSwapBody({ judgeId: fields.judgeId });
        const result = await judging.reassignJudge(ctx, req.user!, routeParam(req), judgeId);
        flash(
          req,
          result.unplaced.length ? "info" : "success",
          req.t(result.unplaced.length ? "judging.reassignedPartly" : "judging.reassigned", {
            moved: result.moved,
            unplaced: result.unplaced.length,
          }),
        );
        res.redirect(303, `/contests/${routeParam(req)}/judging#matrix`);
      },
    );
  });

  async function progressOf(req: Request) {
    const contest = await getContest(ctx, req.user, routeParam(req));
    const progress = await judging.progress(ctx, req.user!, contest.id);
    const late = new Set(progress.late);
    // Late judges first, most missing first: whom to remind.
    const judges = [...progress.judges].sort(
      (a, b) =>
        Number(late.has(b.judgeId)) - Number(late.has(a.judgeId)) ||
        b.missing - a.missing ||
        a.name.localeCompare(b.name, "zh-CN"),
    );
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
      entries: progress.entries.map((e) => ({ ...e, incomplete: e.submitted < e.assigned, short: e.shortBy })),
      shortEntries: progress.entries.filter((e) => e.short).length,
      totals: {
        assigned,
        submitted,
        drafts,
        missing: assigned - submitted,
        percent: assigned ? Math.floor((submitted / assigned) * 100) : 0,
      },
    });
  });

  router.get("/contests/:id/progress.csv", requireRole("organizer"), async (req, res) => {
    const { contest, judges } = await progressOf(req);
    const header = [
      "progress.judge",
      "progress.assigned",
      "progress.submitted",
      "progress.drafts",
      "progress.missing",
      "progress.declared",
    ].map((k) => req.t(k));
    const rows = judges.map((j) => [
      j.name,
      j.assigned,
      j.submitted,
      j.drafts,
      j.missing,
      req.t(j.declared ? "common.yes" : "common.no"),
    ]);
    res.type("text/csv; charset=utf-8").attachment(`progress-${contest.id}.csv`).send(toCsv(header, rows));
  });

  router.get("/entries/:id/history", requireRole("organizer"), async (req, res) => {
    const entry = await entries.getEntry(ctx, req.user!, routeParam(req));
    const contest = await getContest(ctx, req.user, entry.contestId);
    const history = await judging.scoreHistory(ctx, req.user!, entry.id);
    const labels = new Map<string, string>();
    for (const r of await judging.listRounds(ctx, contest)) {
      for (const c of r.rubric.criteria) labels.set(`scores.${c.key}`, c.label);
      for (const d of r.rubric.deductions ?? []) labels.set(`deductions.${d.key}`, d.label);
    }
    type Side = {
      status?: string;
      scores?: Record<string, number>;
      deductions?: Record<string, number>;
      total?: number | null;
    } | null;
    const show = (v: number | null | undefined) => (v === null || v === undefined ? "—" : pointsText(v));
    const rows = history.map((h) => {
      const before = h.before as Side;
      const after = h.after as Side;
      const changes = (["scores", "deductions"] as const).flatMap((part) => {
        const keys = [...new Set([...Object.keys(before?.[part] ?? {}), ...Object.keys(after?.[part] ?? {})])];
        return keys.map((key) => {
          const old = before?.[part]?.[key];
          const now = after?.[part]?.[key];
          return {
            label: labels.get(`${part}.${key}`) ?? key,
            deduction: part === "deductions",
            old: show(old),
            now: show(now),
            changed: old !== now,
          };
        });
      });
      return {
        at: h.at,
        judgeName: h.judgeName,
        roundName: h.roundName,
        oldStatus: before?.status ? assignmentStatusLabel(req, before.status) : req.t("assignmentStatus.assigned"),
        newStatus: after?.status ? assignmentStatusLabel(req, after.status) : "",
        oldTotal: show(before?.total),
        newTotal: show(after?.total),
        changes,
      };
    });
    res.render("judging/history", { title: req.t("history.title", { code: entry.code }), entry, contest, rows });
  });

  return router;
}
