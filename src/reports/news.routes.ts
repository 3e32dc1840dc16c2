import { Router, type Request, type Response } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import { sendFile } from "../http/send-file.js";
import { isMultipart, receiveUpload } from "../http/upload.js";
import { AppError } from "../lib/errors.js";
import * as news from "./news.service.js";
import { reportFileFor } from "./public.service.js";

/** A news report's multipart body (text, images, video); the checks that need no body run before it is read. */
export function receiveNews(ctx: AppContext, req: Request, res: Response) {
  if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.multipartRequired");
  return receiveUpload(req, res, ctx.storage, news.newsUpload.limits, { maxFiles: news.newsUpload.maxFiles });
}

/** News reports (DESIGN §3) and the report files, served by id. */
export function newsApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/activities/:id/news", requireRole("reporter"), async (req, res) => {
    await news.assertMayFile(ctx, req.user!, routeParam(req));
    const upload = await receiveNews(ctx, req, res);
    res.status(201).json({ news: await news.fileNews(ctx, req.user!, routeParam(req), upload) });
  });

  router.put("/activities/:id/news", requireRole("reporter"), async (req, res) => {
    await news.assertMayEdit(ctx, req.user!, routeParam(req));
    const upload = isMultipart(req)
      ? await receiveNews(ctx, req, res)
      : { fields: (req.body ?? {}) as Record<string, unknown>, files: [] };
    res.json({ news: await news.editNews(ctx, req.user!, routeParam(req), upload) });
  });

  router.get("/activities/:id/news", requireRole("organizer", "coordinator", "reporter"), async (req, res) => {
    res.json({ news: await news.getNews(ctx, req.user!, routeParam(req)) });
  });

  router.get(
    "/report-files/:id",
    requireRole("organizer", "coordinator", "reporter", "judge"),
    sendFile((req) => reportFileFor(ctx, req.user!, routeParam(req))),
  );

  return router;
}
