import { roundLabel } from "../judging/round-names.js";
import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { sendFile } from "../http/send-file.js";
import { getContest } from "../contests/contests.service.js";
import { listRounds } from "../judging/judging.service.js";
import * as results from "./results.service.js";
import * as snapshots from "./snapshots.service.js";
import * as objections from "./objections.service.js";
import { chooseAward } from "./awards.service.js";
import { parseChooseAwardBody, parseFinalRoundBody, parseResolveBody } from "./results.schemas.js";
import { sendResultsExport } from "./send-export.js";
import { isMultipart, receiveUpload } from "../http/upload.js";

/** DESIGN §4: results, snapshots, rounds. */
export function resultsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/results/compute", requireRole("organizer"), async (req, res) => {
    const computed = await results.computeContestResults(ctx, req.user!, routeParam(req));
    res.json({ ...computed, results: await results.resultsJson(ctx, computed, req.locale) });
  });

  router.get("/contests/:id/results", async (req, res) => {
    res.json(await results.publishedResults(ctx, req.user, routeParam(req), req.locale));
  });

  // Exports: organizers always (the latest computation), everyone once public.
  router.get("/contests/:id/results.csv", async (req, res) =>
    sendResultsExport(ctx, req, res, "csv", await results.publishedResults(ctx, req.user, routeParam(req), req.locale)),
  );
  router.get("/contests/:id/results.xlsx", async (req, res) =>
    sendResultsExport(
      ctx,
      req,
      res,
      "xlsx",
      await results.publishedResults(ctx, req.user, routeParam(req), req.locale),
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
        id: r.round.id,
        number: r.round.number,
        name: roundLabel(r.round.name, req.locale),
        status: r.round.status,
        rubric: r.rubric,
        aggregation: r.aggregation,
        judgesPerEntry: r.judgesPerEntry,
        entries: r.entries,
        judges: r.judges,
      })),
    });
  });

  router.post("/contests/:id/rounds", requireRole("organizer"), async (req, res) => {
    const round = await results.advanceToFinal(ctx, req.user!, routeParam(req), parseFinalRoundBody(req.body));
    res.status(201).json({
      round: { id: round.id, number: round.number, name: roundLabel(round.name, req.locale), status: round.status },
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
