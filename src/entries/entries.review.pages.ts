import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { may } from "../contests/lifecycle.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { confirmed } from "../http/confirm.js";
import { answerForm, formFields, safeNext } from "../http/forms.js";
import { entriesCsv } from "./entries.csv.js";
import { describeCheck, ruleResults, WEEK_THEMES } from "./entries.page-helpers.js";
import { parseEntryListQuery, parseReasonBody, type EntryListQuery } from "./entries.schemas.js";
import * as entries from "./entries.service.js";

/** Filters of the entry list from the query string; blank fields of the filter form mean "any". */
function listQuery(req: Request): EntryListQuery {
  const given = Object.fromEntries(
    Object.entries(req.query).filter(
      ([name, value]) =>
        ["q", "city", "category", "status", "failing", "recommended"].includes(name) &&
        typeof value === "string" &&
        value.trim() !== "",
    ),
  );
  return parseEntryListQuery(given);
}

function queryString(query: EntryListQuery): string {
  const params = new URLSearchParams(
    Object.entries(query).filter(([, v]) => typeof v === "string") as [string, string][],
  );
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Pages for organizers and coordinators: disqualification, recommendation, entry lists and CSV, the format review (mounted by entriesPages). */
export function entryReviewPages(ctx: AppContext): Router {
  const router = Router();

  router.post("/entries/:id/disqualify", requireRole("organizer"), async (req, res) => {
    const back = `/entries/${routeParam(req)}`;
    await answerForm(req, res, { back }, async () => {
      const { reason } = parseReasonBody({ reason: formFields(req).reason ?? "" });
      const shown = await entries.getEntry(ctx, req.user!, routeParam(req));
      const asked = confirmed(req, res, {
        title: req.t("stageConfirm.disqualifyTitle", { code: shown.code }),
        consequences: [
          req.t("stageConfirm.disqualify", { code: shown.code, title: shown.title }),
          req.t("stageConfirm.disqualifyReason", { reason: reason.trim() }),
        ],
        cancelHref: safeNext(formFields(req).next, back),
        confirmLabel: req.t("entries.disqualify"),
      });
      if (!asked) return undefined;
      const entry = await entries.setDisqualified(ctx, req.user!, routeParam(req), true, reason);
      return req.t("entries.disqualified", { code: entry.code });
    });
  });

  router.post("/entries/:id/readmit", requireRole("organizer"), async (req, res) => {
    await answerForm(req, res, { back: `/entries/${routeParam(req)}` }, async () => {
      const entry = await entries.setDisqualified(ctx, req.user!, routeParam(req), false);
      return req.t("entries.readmitted", { code: entry.code });
    });
  });

  for (const [path, recommend] of [
    ["recommend", true],
    ["unrecommend", false],
  ] as const) {
    router.post(`/entries/:id/${path}`, requireRole("coordinator"), async (req, res) => {
      await answerForm(req, res, { back: `/entries/${routeParam(req)}` }, async () => {
        const entry = await entries.setRecommended(ctx, req.user!, routeParam(req), recommend);
        return req.t(recommend ? "entries.recommendedDone" : "entries.unrecommendedDone", { code: entry.code });
      });
    });
  }

  router.get("/contests/:id/entries", requireRole("organizer", "coordinator"), async (req, res) => {
    const user = req.user!;
    const contest = await getContest(ctx, user, routeParam(req));
    const query = listQuery(req);
    const found = await entries.listEntries(ctx, user, contest.id, query);
    const isOrganizer = user.role === "organizer";
    const recommending = !isOrganizer && contest.rules.requiresRecommendation;
    const here = `/contests/${contest.id}/entries${queryString(query)}`;
    res.render("entries/list", {
      title: req.t(isOrganizer ? "entries.listTitle" : "entries.cityListTitle"),
      contest,
      isOrganizer,
      recommending,
      mayRecommend: recommending && may(contest).recommendEntries,
      quota: recommending ? await entries.recommendationQuota(ctx, contest, user.city ?? "") : null,
      filters: query,
      themes: WEEK_THEMES,
      statuses: ["submitted", "withdrawn", "disqualified"],
      entries: found.map((e) => ({ ...e, failing: (e.checks ?? []).map((c) => describeCheck(req, c)) })),
      csvHref: `/contests/${contest.id}/entries.csv${queryString(query)}`,
      here,
    });
  });

  router.get("/contests/:id/entries.csv", requireRole("organizer", "coordinator"), async (req, res) => {
    const found = await entries.listEntries(ctx, req.user!, routeParam(req), listQuery(req));
    res
      .type("text/csv; charset=utf-8")
      .attachment(`entries-${routeParam(req)}.csv`)
      .send(entriesCsv(found, req.t));
  });

  router.get("/contests/:id/review", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    const onlyFailing = req.query.failing === "1";
    const found = await entries.listEntries(ctx, req.user!, contest.id, onlyFailing ? { failing: "1" } : {});
    res.render("entries/review", {
      title: req.t("formatReview.title"),
      contest,
      onlyFailing,
      may: may(contest),
      entries: found.map((e) => {
        const results = ruleResults(req, contest, e);
        return { ...e, results, failingCount: results.filter((c) => !c.ok).length };
      }),
      here: `/contests/${contest.id}/review${onlyFailing ? "?failing=1" : ""}`,
    });
  });

  return router;
}
