import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { parseCreateEvaluationBody } from "./evaluation.schemas.js";
import { createEvaluation } from "./evaluation.service.js";

/** The unit evaluation (DESIGN §3): a report contest made from the week's submitted city packages. */
export function evaluationApi(ctx: AppContext): Router {
  const router = Router();
  router.post("/report-weeks/:id/evaluation", requireRole("organizer"), async (req, res) => {
    const body = parseCreateEvaluationBody(req.body ?? {});
    res.status(201).json({ contest: await createEvaluation(ctx, req.user!, routeParam(req), body) });
  });
  return router;
}
