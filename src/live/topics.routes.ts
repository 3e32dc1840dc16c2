import { Router, type Request, type Response } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { isMultipart, receiveUpload } from "../http/upload.js";
import { AppError } from "../lib/errors.js";
import * as topics from "./topics.service.js";

/** Receives the topic bank (multipart field `file`) and imports it; the role was checked before a byte was read. */
export async function receiveTopics(
  ctx: AppContext,
  req: Request,
  res: Response,
): Promise<{ imported: number; topics: number }> {
  if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.topicsMultipartRequired");
  const upload = await receiveUpload(req, res, ctx.storage, { [topics.TOPICS_FIELD]: topics.TOPICS_MAX_BYTES });
  return topics.importTopics(ctx, req.user!, routeParam(req), upload.files);
}

/** Sends the template workbook to fill in (the API and the setup page's link). */
export async function sendTopicsTemplate(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const book = await topics.topicsTemplate(ctx, req.user!, routeParam(req), req.locale);
  res
    .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    .attachment(`${req.t("live.topics.fileName")}.xlsx`)
    .send(book);
}

/** The live final's topic bank (随机命题): import, list, template. */
export function liveTopicsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/live/topics", requireRole("organizer"), async (req, res) => {
    res.status(201).json(await receiveTopics(ctx, req, res));
  });

  router.get("/contests/:id/live/topics", requireRole("organizer"), async (req, res) => {
    res.json(await topics.listTopics(ctx, req.user!, routeParam(req)));
  });

  router.get("/contests/:id/live/topics/template", requireRole("organizer"), (req, res) =>
    sendTopicsTemplate(ctx, req, res),
  );

  return router;
}
