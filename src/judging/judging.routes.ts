import { roundLabel } from "./round-names.js";
import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import * as judging from "./judging.service.js";
import {
  parseAssignmentBody,
  parseAutoAssignBody,
  parseDeclarationBody,
  parseDeclaredConflictBody,
  parsePoolBody,
  parseSwapBody,
} from "./judging.schemas.js";

/** DESIGN §4: pools, assignments, declaration, scoring, progress. */
export function judgingApi(ctx: AppContext): Router {
  const router = Router();

  router.put("/contests/:id/judges", requireRole("organizer"), async (req, res) => {
    res.json(await judging.setPool(ctx, req.user!, routeParam(req), parsePoolBody(req.body).judgeIds));
  });

  router.get("/contests/:id/judges", requireRole("organizer"), async (req, res) => {
    const { round, judges } = await judging.getPool(ctx, req.user!, routeParam(req));
    res.json({
      round: { id: round.id, number: round.number, name: roundLabel(round.name, req.locale) },
      judgeIds: judges.map((j) => j.id),
    });
  });

  router.post("/contests/:id/judges/:judgeId/reassign", requireRole("organizer"), async (req, res) => {
    res.json(await judging.reassignJudge(ctx, req.user!, routeParam(req), routeParam(req, "judgeId")));
  });

  router.post("/contests/:id/assignments/auto", requireRole("organizer"), async (req, res) => {
    res.json(await judging.autoAssign(ctx, req.user!, routeParam(req), parseAutoAssignBody(req.body ?? {})));
  });

  router.get("/contests/:id/assignments", requireRole("organizer"), async (req, res) => {
    res.json({ assignments: await judging.listAssignments(ctx, req.user!, routeParam(req)) });
  });

  router.post("/contests/:id/assignments", requireRole("organizer"), async (req, res) => {
    const body = parseAssignmentBody(req.body);
    res
      .status(201)
      .json({ assignment: await judging.addAssignment(ctx, req.user!, routeParam(req), body.entryId, body.judgeId) });
  });

  router.patch("/assignments/:id", requireRole("organizer"), async (req, res) => {
    res.json({
      assignment: await judging.swapAssignment(ctx, req.user!, routeParam(req), parseSwapBody(req.body).judgeId),
    });
  });

  router.delete("/assignments/:id", requireRole("organizer"), async (req, res) => {
    await judging.removeAssignment(ctx, req.user!, routeParam(req));
    res.status(204).end();
  });

  router.get("/me/assignments", requireRole("judge"), async (req, res) => {
    const queue = await judging.judgeQueue(ctx, req.user!);
    res.json({ assignments: queue.map((item) => ({ ...item, roundName: roundLabel(item.roundName, req.locale) })) });
  });

  router.post("/contests/:id/declaration", requireRole("judge"), async (req, res) => {
    parseDeclarationBody(req.body);
    res.json(await judging.acceptDeclaration(ctx, req.user!, routeParam(req)));
  });

  router.get("/assignments/:id/score", requireRole("judge"), async (req, res) => {
    const { sheet, rubric } = await judging.judgeSheet(ctx, req.user!, routeParam(req));
    res.json({ assignment: sheet, rubric });
  });

  router.put("/assignments/:id/score", requireRole("judge"), async (req, res) => {
    res.json({ assignment: await judging.saveScore(ctx, req.user!, routeParam(req), req.body) });
  });

  router.post("/assignments/:id/conflict", requireRole("judge"), async (req, res) => {
    res.json(
      await judging.declareConflict(ctx, req.user!, routeParam(req), parseDeclaredConflictBody(req.body).reason.trim()),
    );
  });

  router.get("/contests/:id/progress", requireRole("organizer"), async (req, res) => {
    res.json(await judging.progress(ctx, req.user!, routeParam(req)));
  });

  router.get("/entries/:id/score-history", requireRole("organizer"), async (req, res) => {
    const history = await judging.scoreHistory(ctx, req.user!, routeParam(req));
    res.json({ history: history.map((h) => ({ ...h, roundName: roundLabel(h.roundName, req.locale) })) });
  });

  return router;
}
