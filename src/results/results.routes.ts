import { roundLabel } from "../judging/round-names.js";
import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { sendFile } from "../http/send-file.js";
import { getContest } from "../contests/contests.service.js";
import { listRounds, publishFinalists, type RoundRow } from "../judging/judging.service.js";
import type { Locale } from "../lib/i18n.js";
import * as advancement from "./advancement.service.js";
import * as publication from "./published.service.js";
import * as results from "./results.service.js";
import * as snapshots from "./snapshots.service.js";
import * as objections from "./objections.service.js";
import { chooseAward } from "./awards.service.js";
import {
  parseChooseAwardBody,
  parseFinalRoundBody,
  parsePreviewQuery,
  parseResolveBody,
  parseResultsQuery,
  parseRoundNumber,
} from "./results.schemas.js";
import { sendResultsExport } from "./send-export.js";
import { isMultipart, receiveUpload } from "../http/upload.js";

/** A round as the API shows it, its name in the reader's language. */
const roundJson = (round: RoundRow, locale: Locale) => ({
  id: round.id,
  number: round.number,
  name: roundLabel(round.name, locale),
  status: round.status,
  advancement: round.advancement,
  finalistsPublishedAt: round.finalistsPublishedAt,
});

/** DESIGN §4: results, snapshots, rounds. */
export function resultsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/results/compute", requireRole("organizer"), async (req, res) => {
    const computed = await results.computeContestResults(ctx, req.user!, routeParam(req));
    res.json({ ...computed, results: await results.resultsJson(ctx, computed, req.locale) });
  });

  router.get("/contests/:id/results", async (req, res) => {
    const query = parseResultsQuery(req.query);
    const round = query.round === undefined ? {} : { round: Number(query.round) };
    res.json(await publication.publishedResults(ctx, req.user, routeParam(req), req.locale, round));
  });

  // Exports: organizers always (the latest computation), everyone once public.
  router.get("/contests/:id/results.csv", async (req, res) =>
    sendResultsExport(
      ctx,
      req,
      res,
      "csv",
      await publication.publishedResults(ctx, req.user, routeParam(req), req.locale),
    ),
  );
  router.get("/contests/:id/results.xlsx", async (req, res) =>
    sendResultsExport(
      ctx,
      req,
      res,
      "xlsx",
      await publication.publishedResults(ctx, req.user, routeParam(req), req.locale),
    ),
  );

  router.get("/contests/:id/results/snapshots/:number", async (req, res) => {
    const text = await snapshots.snapshotText(ctx, req.user, routeParam(req), Number(req.params.number));
    // Exactly the hashed bytes: no re-serialization.
    res.type("application/json; charset=utf-8").send(Buffer.from(text, "utf8"));
  });

  // A named award's choices (最佳创意奖 …): one reason for the entries chosen together.
  router.put("/contests/:id/awards/:key", requireRole("organizer"), async (req, res) => {
    const body = parseChooseAwardBody(req.body);
    const choices = body.entryIds.map((entryId) => ({ entryId, reason: body.reason.trim() }));
    res.json({ award: await chooseAward(ctx, req.user!, routeParam(req), routeParam(req, "key"), choices) });
  });

  router.get("/contests/:id/scores", requireRole("organizer"), async (req, res) => {
    res.json(await results.scoreMatrix(ctx, req.user!, routeParam(req)));
  });

  router.get("/contests/:id/rounds", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    const rounds = await listRounds(ctx, contest);
    res.json({
      rounds: rounds.map((r) => ({
        ...roundJson(r.round, req.locale),
        rubric: r.rubric,
        aggregation: r.aggregation,
        judgesPerEntry: r.judgesPerEntry,
        entries: r.entries,
        judges: r.judges,
      })),
    });
  });

  // Who would advance by ?top=N or ?threshold=x: the same computation as opening the round.
  router.get("/contests/:id/rounds/preview", requireRole("organizer"), async (req, res) => {
    const query = parsePreviewQuery(req.query);
    const rule = advancement.advancementOf({
      top: query.top === undefined ? undefined : Number(query.top),
      threshold: query.threshold === undefined ? undefined : Number(query.threshold),
    });
    const preview = await advancement.previewAdvancement(ctx, req.user!, routeParam(req), rule);
    res.json({
      round: roundJson(preview.round, req.locale),
      ...rule,
      ranked: preview.results.results.length,
      finalists: preview.finalists.map((r) => ({
        entryId: r.entryId,
        code: r.code,
        title: r.title,
        score: r.score,
        rank: r.rank,
      })),
      tieAtCut: preview.tieAtCut,
      atThreshold: preview.atThreshold,
    });
  });

  router.post("/contests/:id/rounds", requireRole("organizer"), async (req, res) => {
    const round = await advancement.advanceToFinal(ctx, req.user!, routeParam(req), parseFinalRoundBody(req.body));
    res.status(201).json({ round: roundJson(round, req.locale) });
  });

  router.post("/contests/:id/rounds/:number/publish", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    const number = Number(parseRoundNumber(req.params.number));
    res.json({ round: roundJson(await publishFinalists(ctx, req.user!, contest, number), req.locale) });
  });

  // The finalists list (初评入围名单): public once published.
  router.get("/contests/:id/rounds/:number/finalists", async (req, res) => {
    const number = Number(parseRoundNumber(req.params.number));
    const list = await advancement.finalistsList(ctx, req.user, routeParam(req), number);
    res.json({
      round: roundJson(list.round, req.locale),
      advancement: list.next.advancement,
      finalists: list.finalists,
      rules: list.results.rules,
    });
  });

  return router;
}

/** DESIGN §4: objections (异议) during the public notice. */
export function objectionsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/objections", requireRole(), async (req, res) => {
    // Stage, window and the person's limit before a byte of the body (and its evidence) is read.
    await objections.assertMayObject(ctx, req.user!, routeParam(req));
    const body = isMultipart(req)
      ? await receiveUpload(req, res, ctx.storage, objections.evidenceLimits(ctx))
      : { fields: (req.body ?? {}) as Record<string, unknown>, files: [] };
    res.status(201).json({ objection: await objections.fileObjection(ctx, req.user!, routeParam(req), body) });
  });

  router.get("/contests/:id/objections", requireRole(), async (req, res) => {
    res.json({ objections: await objections.listObjections(ctx, req.user!, routeParam(req)) });
  });

  router.post("/objections/:id/resolve", requireRole("organizer"), async (req, res) => {
    res.json({
      objection: await objections.resolveObjection(ctx, req.user!, routeParam(req), parseResolveBody(req.body)),
    });
  });

  router.post("/objections/:id/republish", requireRole("organizer"), async (req, res) => {
    res.json({ objection: await objections.republishRescored(ctx, req.user!, routeParam(req)) });
  });

  router.get(
    "/objections/:id/evidence",
    requireRole(),
    sendFile((req) => objections.evidenceFile(ctx, req.user!, routeParam(req))),
  );

  return router;
}
