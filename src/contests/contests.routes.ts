import { Router, type Request } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { flash } from "../http/flash.js";
import { answerForm, formFields, text } from "../http/forms.js";
import { isoToShanghaiLocal, shanghaiLocalToIso } from "../lib/time.js";
import * as contests from "./contests.service.js";
import { publishedFinalistLists } from "../judging/judging.service.js";
import { presentContest, presentContests } from "./contests.presenter.js";
import {
  AGGREGATIONS,
  parseContestListQuery,
  parseCreateContestBody,
  parseUpdateContestBody,
} from "./contests.schemas.js";
import { may, nextStage, previousStage, stagesAllowing, stageTrack } from "./lifecycle.js";
import { rubricMax, CONTEST_KINDS, defaultRubric, type ContestKind, type Criterion } from "./rubric.js";
import { defaultRules } from "./rules.js";
import { rulesPages } from "./rules.pages.js";

/** DESIGN §4: contests (their stage moves: stages/stages.routes.ts). */
export function contestsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests", requireRole("organizer"), async (req, res) => {
    res.status(201).json({ contest: await contests.createContest(ctx, req.user!, parseCreateContestBody(req.body)) });
  });

  router.get("/contests", async (req, res) => {
    const { stage } = parseContestListQuery(req.query);
    res.json({
      contests: await presentContests(
        ctx,
        await contests.listContests(ctx, req.user, { stages: stage ? [stage] : undefined }),
      ),
    });
  });

  router.get("/contests/:id", async (req, res) => {
    res.json({ contest: await presentContest(ctx, await contests.getContest(ctx, req.user, String(req.params.id))) });
  });

  router.patch("/contests/:id", requireRole("organizer"), async (req, res) => {
    res.json({
      contest: await presentContest(
        ctx,
        await contests.updateContest(ctx, req.user!, String(req.params.id), parseUpdateContestBody(req.body)),
      ),
    });
  });

  return router;
}

/** The contest form's fields → the API body, so pages and API share one schema and one service. */
function contestBodyFromForm(fields: Record<string, unknown>, forUpdate: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const title = text(fields, "title");
  if (title !== undefined || !forUpdate) body.title = title ?? "";
  if (!forUpdate) body.kind = text(fields, "kind") ?? "";
  if (typeof fields.description === "string") body.description = fields.description;
  for (const name of ["opensAt", "closesAt"] as const) {
    const value = text(fields, name);
    if (value !== undefined || !forUpdate) body[name] = value ? (shanghaiLocalToIso(value) ?? value) : "";
  }
  const judges = text(fields, "judgesPerEntry");
  if (judges !== undefined) body.judgesPerEntry = /^\d+$/.test(judges) ? Number(judges) : judges;
  const aggregation = text(fields, "aggregation");
  if (aggregation !== undefined) body.aggregation = aggregation;
  const mode = text(fields, "prizeMode");
  if (mode !== undefined) {
    const num = (name: string) => {
      const v = text(fields, name) ?? "";
      return v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
    };
    body.prizes = { mode, first: num("prizeFirst"), second: num("prizeSecond"), third: num("prizeThird") };
  }
  const rows = Array.isArray(fields.criteria) ? (fields.criteria as Record<string, string>[]) : [];
  const criteria = rows
    .filter((row) => row && (row.key ?? "").trim() !== "")
    .map((row) => ({
      key: row.key.trim(),
      label: (row.label ?? "").trim(),
      max: Number(row.max),
      step: Number(row.step || 1),
      ...(row.description?.trim() ? { description: row.description.trim() } : {}),
    }));
  if (criteria.length > 0 || rows.length > 0) body.rubric = { criteria };
  // A new contest's rubric left as filled for one kind follows the kind chosen (without JavaScript the
  // form cannot refill it when 赛事类型 changes); an edited rubric is kept.
  const filledFrom = text(fields, "filledFrom");
  if (!forUpdate && isKind(filledFrom) && sameCriteria(criteria, defaultRubric(filledFrom).criteria))
    delete body.rubric;
  return body;
}

const isKind = (value: unknown): value is ContestKind => CONTEST_KINDS.includes(value as ContestKind);

function sameCriteria(a: Criterion[], b: Criterion[]): boolean {
  const plain = (c: Criterion) => [c.key, c.label, c.max, c.step, c.description ?? ""];
  return JSON.stringify(a.map(plain)) === JSON.stringify(b.map(plain));
}

function formValues(contest: contests.Contest | null, kind: ContestKind = "video"): Record<string, unknown> {
  const criteria: Partial<Criterion>[] = contest ? [...contest.rubric.criteria] : defaultRubric(kind).criteria;
  return {
    kind: contest?.kind ?? kind,
    filledFrom: kind,
    title: contest?.title ?? "",
    description: contest?.description ?? "",
    opensAt: contest ? isoToShanghaiLocal(contest.opensAt) : "",
    closesAt: contest ? isoToShanghaiLocal(contest.closesAt) : "",
    judgesPerEntry: contest?.judgesPerEntry ?? 5,
    aggregation: contest?.aggregation ?? "trimmed",
    prizeMode: contest?.prizes.mode ?? "ratio",
    prizeFirst: contest?.prizes.first ?? 0.1,
    prizeSecond: contest?.prizes.second ?? 0.2,
    prizeThird: contest?.prizes.third ?? 0.3,
    criteria: [...criteria, {}, {}],
  };
}

/** Public and organizer pages for contests. */
export function contestsPages(ctx: AppContext): Router {
  const router = Router();
  router.use(rulesPages(ctx));

  router.get("/", async (req, res) => {
    const open = await contests.listContests(ctx, req.user, { stages: stagesAllowing("submitEntries") });
    const published = await contests.listContests(ctx, req.user, { stages: stagesAllowing("viewPublicResults") });
    res.render("home", { title: req.t("home.title"), open, published });
  });

  router.get("/contests", async (req, res) => {
    const list = await contests.listContests(ctx, req.user);
    res.render("contests/list", { title: req.t("contests.title"), contests: list });
  });

  const formPage = (req: Request, contest: contests.Contest | null, kind?: ContestKind) => ({
    title: req.t(contest ? "contests.editTitle" : "contests.newTitle"),
    contest,
    kinds: CONTEST_KINDS,
    aggregations: AGGREGATIONS,
    values: formValues(contest, kind),
    // Each kind's defaults: the one filled in is shown, the script swaps them when 赛事类型 changes.
    kindDefaults: contest
      ? []
      : CONTEST_KINDS.map((k) => ({
          kind: k,
          rubric: JSON.stringify(defaultRubric(k).criteria),
          files: Object.entries(defaultRules(k).files).map(([role, rule]) => ({ role, ...rule })),
        })),
  });

  router.get("/contests/new", requireRole("organizer"), (req, res) => {
    const kind = isKind(req.query.kind) ? req.query.kind : undefined;
    res.render("contests/form", formPage(req, null, kind));
  });

  router.post("/contests", requireRole("organizer"), async (req, res) => {
    await answerForm(
      req,
      res,
      { view: "contests/form", page: ({ typed }) => ({ ...formPage(req, null), values: typed }) },
      async () => {
        const contest = await contests.createContest(
          ctx,
          req.user!,
          parseCreateContestBody(contestBodyFromForm(formFields(req), false)),
        );
        flash(req, "success", req.t("contests.created", { title: contest.title }));
        res.redirect(`/contests/${contest.id}`);
      },
    );
  });

  router.get("/contests/:id", async (req, res) => {
    const contest = await presentContest(ctx, await contests.getContest(ctx, req.user, String(req.params.id)));
    res.render("contests/show", {
      title: contest.title,
      contest,
      may: may(contest),
      rubricMax: rubricMax(contest.rubric),
      fileRules: Object.entries(contest.rules.files).map(([role, rule]) => ({
        role,
        ...rule,
        maxMB: Math.round(rule.maxBytes / 1048576),
      })),
      stages: stageTrack(contest.stage),
      isOrganizer: req.user?.role === "organizer",
      nextStage: nextStage(contest.stage),
      backStage: previousStage(contest.stage),
      noticeEndsLocal: contest.noticeEndsAt ? isoToShanghaiLocal(contest.noticeEndsAt) : "",
      noticeRunning: contest.noticeEndsAt !== null && ctx.clock.now().getTime() < Date.parse(contest.noticeEndsAt),
      finalistLists: await publishedFinalistLists(ctx, contest.id),
    });
  });

  router.get("/contests/:id/edit", requireRole("organizer"), async (req, res) => {
    const contest = await contests.getContest(ctx, req.user, String(req.params.id));
    res.render("contests/form", formPage(req, contest));
  });

  router.post("/contests/:id", requireRole("organizer"), async (req, res) => {
    const contest = await contests.getContest(ctx, req.user, String(req.params.id));
    await answerForm(
      req,
      res,
      { view: "contests/form", page: ({ typed }) => ({ ...formPage(req, contest), values: typed }) },
      async () => {
        const body = contestBodyFromForm(formFields(req), true);
        // Only send what changed, so settings locked in this stage are not touched by an unchanged form.
        const before = contestBodyFromForm({ ...formValues(contest), criteria: contest.rubric.criteria }, true);
        for (const key of Object.keys(body))
          if (JSON.stringify(body[key]) === JSON.stringify(before[key])) delete body[key];
        if (Object.keys(body).length > 0)
          await contests.updateContest(ctx, req.user!, contest.id, parseUpdateContestBody(body));
        flash(req, "success", req.t("contests.saved"));
        res.redirect(`/contests/${contest.id}`);
      },
    );
  });

  return router;
}
