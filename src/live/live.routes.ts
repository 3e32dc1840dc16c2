import { Router } from "express";
import type { AppContext } from "../context.js";
import { requireRole } from "../http/auth.js";
import { routeParam } from "../http/params.js";
import * as live from "./live.service.js";

/** DESIGN §4 "Live final": the JSON API of a round run live (the SSE stream is live.events.ts). */
export function liveApi(ctx: AppContext): Router {
  const router = Router();

  router.post("/contests/:id/live", requireRole("organizer"), async (req, res) => {
    res.status(201).json({ live: await live.startLive(ctx, req.user!, routeParam(req), req.body ?? {}) });
  });

  // Public: the big screen reads it without a login; a signed-in judge or organizer also gets the rubrics.
  router.get("/contests/:id/live", async (req, res) => {
    res.json({ live: await live.liveState(ctx, routeParam(req), req.user) });
  });

  router.post("/contests/:id/live/advance", requireRole("organizer"), async (req, res) => {
    res.json({ live: await live.advanceLive(ctx, req.user!, routeParam(req), req.body) });
  });

  router.post("/contests/:id/live/timer", requireRole("organizer"), async (req, res) => {
    res.json({ live: await live.liveTimer(ctx, req.user!, routeParam(req), req.body) });
  });

  router.put("/contests/:id/live/score", requireRole("judge"), async (req, res) => {
    res.json({ sheet: await live.saveLiveSheet(ctx, req.user!, routeParam(req), req.body) });
  });

  router.get("/contests/:id/live/sheet", requireRole("judge"), async (req, res) => {
    res.json(await live.judgeLiveView(ctx, req.user!, routeParam(req)));
  });

  router.get("/contests/:id/live/panel", requireRole("organizer"), async (req, res) => {
    res.json(await live.panelProgress(ctx, req.user!, routeParam(req)));
  });

  router.post("/contests/:id/live/reopen", requireRole("organizer"), async (req, res) => {
    res.json({ live: await live.reopenLiveSheet(ctx, req.user!, routeParam(req), req.body) });
  });

  router.post("/contests/:id/live/safety", requireRole("organizer"), async (req, res) => {
    res.json({ live: await live.liveSafety(ctx, req.user!, routeParam(req), req.body) });
  });

  return router;
}
