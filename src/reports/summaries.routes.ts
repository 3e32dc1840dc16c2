import { Router, type Request, type Response } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { isMultipart, receiveUpload } from "../http/upload.js";
import { AppError } from "../lib/errors.js";
import * as summaries from "./summaries.service.js";

/** A summary's multipart body (document, video). */
export function receiveSummary(ctx: AppContext, req: Request, res: Response) {
  if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.multipartRequired");
  return receiveUpload(req, res, ctx.storage, summaries.summaryLimits);
}

/** Unit summaries (DESIGN §3 "Unit summary"): filed and edited by the unit's reporter until the package is in. */
export function summariesApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/units/:id/summary", requireRole("reporter"), async (req, res) => {
    await summaries.assertMayFileSummary(ctx, req.user!, routeParam(req));
    const upload = await receiveSummary(ctx, req, res);
    res.status(201).json({ summary: await summaries.fileSummary(ctx, req.user!, routeParam(req), upload) });
  });

  router.put("/units/:id/summary", requireRole("reporter"), async (req, res) => {
    await summaries.assertMayEditSummary(ctx, req.user!, routeParam(req));
    const upload = await receiveSummary(ctx, req, res);
    res.json({ summary: await summaries.editSummary(ctx, req.user!, routeParam(req), upload) });
  });

  router.get("/units/:id/summary", requireRole("organizer", "coordinator", "reporter"), async (req, res) => {
    res.json({ summary: await summaries.getSummary(ctx, req.user!, routeParam(req)) });
  });

  return router;
}
