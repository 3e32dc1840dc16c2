import { Router, type Request, type RequestHandler } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { sendFile } from "../http/send-file.js";
import { routeParam } from "../http/params.js";
import { isMultipart, receiveUpload, type UploadedFile } from "../http/upload.js";
import { AppError } from "../lib/errors.js";
import * as inputs from "../results/inputs.service.js";
import { entriesCsv } from "./entries.csv.js";
import * as entries from "./entries.service.js";
import {
  parseEntryListQuery,
  parseReasonBody,
  parseSafetyBody,
  parsePublicVotesBody,
  parseTimingBody,
} from "./entries.schemas.js";

/** Multipart bodies carry files; a JSON body (PATCH) carries fields only. */
async function readEntryBody(
  ctx: AppContext,
  req: Request,
  res: Parameters<RequestHandler>[1],
  limits: Record<string, number>,
): Promise<{ fields: Record<string, unknown>; files: UploadedFile[] }> {
  if (isMultipart(req)) return receiveUpload(req, res, ctx.storage, limits);
  if (req.is("application/json")) return { fields: (req.body ?? {}) as Record<string, unknown>, files: [] };
  throw new AppError(415, "multipart_required", "errors.multipartRequired");
}

/** DESIGN §4: entries and their files. */
export function entriesApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/entries", requireRole("contestant"), async (req, res) => {
    if (!isMultipart(req)) throw new AppError(415, "multipart_required", "errors.multipartRequired");
    // Refuse before reading a byte of a possibly large body.
    await entries.assertMaySubmit(ctx, req.user!, routeParam(req));
    const upload = await receiveUpload(
      req,
      res,
      ctx.storage,
      await entries.uploadLimits(ctx, req.user!, routeParam(req)),
      // The text fields sent before the files are checked before the first file byte is read.
      { beforeFiles: (fields) => entries.assertFieldsAllowSubmit(ctx, req.user!, routeParam(req), fields) },
    );
    res.status(201).json({ entry: await entries.submitEntry(ctx, req.user!, routeParam(req), upload) });
  });

  router.get("/contests/:id/entries", requireRole(), async (req, res) => {
    res.json({ entries: await entries.listEntries(ctx, req.user!, routeParam(req), parseEntryListQuery(req.query)) });
  });

  router.get("/contests/:id/entries.csv", requireRole("organizer", "coordinator"), async (req, res) => {
    const list = await entries.listEntries(ctx, req.user!, routeParam(req), parseEntryListQuery(req.query));
    res
      .type("text/csv; charset=utf-8")
      .attachment(`entries-${routeParam(req)}.csv`)
      .send(entriesCsv(list, req.t));
  });

  router.get("/me/entries", requireRole("contestant"), async (req, res) => {
    res.json({ entries: await entries.myEntries(ctx, req.user!) });
  });

  router.get("/entries/:id", requireRole(), async (req, res) => {
    res.json({ entry: await entries.getEntry(ctx, req.user!, routeParam(req)) });
  });

  router.patch("/entries/:id", requireRole("contestant", "organizer"), async (req, res) => {
    // Refuse before reading a byte of a possibly large body.
    await entries.assertMayUpdate(ctx, req.user!, routeParam(req));
    const body = await readEntryBody(ctx, req, res, await entries.uploadLimits(ctx, req.user!, "", routeParam(req)));
    res.json({ entry: await entries.updateEntry(ctx, req.user!, routeParam(req), body) });
  });

  router.delete("/entries/:id", requireRole("contestant", "organizer"), async (req, res) => {
    res.json({ entry: await entries.withdrawEntry(ctx, req.user!, routeParam(req)) });
  });

  router.get(
    "/entries/:id/files/:role",
    requireRole(),
    sendFile((req) => entries.fileToSend(ctx, req.user!, routeParam(req), routeParam(req, "role"))),
  );

  router.post("/entries/:id/disqualify", requireRole("organizer"), async (req, res) => {
    res.json({
      entry: await entries.setDisqualified(ctx, req.user!, routeParam(req), true, parseReasonBody(req.body).reason),
    });
  });

  router.post("/entries/:id/readmit", requireRole("organizer"), async (req, res) => {
    res.json({ entry: await entries.setDisqualified(ctx, req.user!, routeParam(req), false) });
  });

  router.put("/entries/:id/timing", requireRole("organizer"), async (req, res) => {
    res.json({ entry: await inputs.setTiming(ctx, req.user!, routeParam(req), parseTimingBody(req.body).seconds) });
  });

  router.put("/contests/:id/votes", requireRole("organizer"), async (req, res) => {
    res.json(await inputs.recordPublicVotes(ctx, req.user!, routeParam(req), parsePublicVotesBody(req.body).votes));
  });

  router.get("/contests/:id/votes", requireRole("organizer"), async (req, res) => {
    res.json(await inputs.publicVotes(ctx, req.user!, routeParam(req)));
  });

  router.put("/entries/:id/safety", requireRole("organizer"), async (req, res) => {
    res.json({ entry: await entries.setSafety(ctx, req.user!, routeParam(req), parseSafetyBody(req.body).safe) });
  });

  router.post("/entries/:id/recommend", requireRole("coordinator"), async (req, res) => {
    res.json({ entry: await entries.setRecommended(ctx, req.user!, routeParam(req), true) });
  });

  router.delete("/entries/:id/recommend", requireRole("coordinator"), async (req, res) => {
    res.json({ entry: await entries.setRecommended(ctx, req.user!, routeParam(req), false) });
  });

  return router;
}
