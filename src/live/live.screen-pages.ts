import { Router, type Request, type Response } from "express";
import type { AppContext } from "../context.js";
import { getContest } from "../contests/contests.service.js";
import { requireRole } from "../http/auth.js";
import { confirmed } from "../http/confirm.js";
import { answerForm, fieldText, formFields, wantsJson } from "../http/forms.js";
import { routeParam } from "../http/params.js";
import { AppError } from "../lib/errors.js";
import { consoleView, screenView } from "./live.screen-view.js";
import {
  advanceLive,
  liveSafety,
  liveState,
  liveTimer,
  panelProgress,
  reopenLiveSheet,
  type LiveJson,
} from "./live.service.js";

/** A typed number becomes a number; anything else is passed on as typed, for the schema to refuse. */
function typedNumber(value: unknown): unknown {
  const text = fieldText(value).trim();
  return text !== "" && Number.isFinite(Number(text)) ? Number(text) : value;
}

/** The console's forms → the API's bodies, which the services check with the API's schemas. */
const bodies = {
  timer: (f: Record<string, unknown>) =>
    f.action === "set" ? { action: f.action, seconds: typedNumber(f.seconds) } : { action: f.action },
  advance: (f: Record<string, unknown>) =>
    f.to !== undefined ? { to: f.to } : { entryId: f.entryId, ...(f.withdraw === "1" ? { withdraw: true } : {}) },
  reopen: (f: Record<string, unknown>) => ({
    entryId: f.entryId,
    segment: f.segment,
    judge: f.judge,
    reason: f.reason,
  }),
};

/**
 * The live final's big screen (public, for the projector) and the timekeeper's console (organizer):
 * both painted from the live state, then kept current by the state's events (public/js/live-*.js).
 */
export function liveScreenPages(ctx: AppContext): Router {
  const router = Router();
  const consolePath = (req: Request) => `/contests/${routeParam(req)}/live/console`;

  /** The live state, or null before the draw. */
  async function liveOrNull(contestId: string, viewer: Request["user"]): Promise<LiveJson | null> {
    try {
      return await liveState(ctx, contestId, viewer);
    } catch (err) {
      if (err instanceof AppError && err.code === "no_live") return null;
      throw err;
    }
  }

  // No login: the same state anyone may read through the API, whoever opens the page.
  router.get("/contests/:id/live/screen", async (req, res) => {
    const contest = await getContest(ctx, null, routeParam(req));
    const now = ctx.clock.now();
    // Before the draw the screen waits, reloading itself, so it can be set up ahead of the final.
    const live = await liveOrNull(contest.id, null);
    res.render("live/screen", {
      layout: false,
      title: req.t("live.screen.title", { contest: contest.title }),
      contest,
      screen: live && screenView(live, now, req.locale),
      serverNow: now.toISOString(),
    });
  });

  router.get("/contests/:id/live/console", requireRole("organizer"), async (req, res) => {
    const contest = await getContest(ctx, req.user, routeParam(req));
    const live = await liveOrNull(contest.id, req.user);
    // Before the draw there is nothing to time: the organizer is sent to set the final up.
    if (!live) return res.redirect(`/contests/${contest.id}/live/setup`);
    const panel = live.current ? (await panelProgress(ctx, req.user!, contest.id)).judges : [];
    const now = ctx.clock.now();
    // The experiment show's safety gate is checked on site, finalist by finalist.
    const current = live.current && live.order.find((o) => o.entryId === live.current!.entryId);
    res.render("live/console", {
      title: req.t("live.console.title", { contest: contest.title }),
      contest,
      safety: contest.rules.safetyGate && current ? { failed: current.safetyFailed } : null,
      serverNow: now.toISOString(),
      ...consoleView(live, panel, now, req.locale),
    });
  });

  /** A console button: its service call; the script gets the new state as JSON, a plain form goes back to the console. */
  function consoleAction(
    path: string,
    run: (req: Request, res: Response, fields: Record<string, unknown>) => Promise<LiveJson | null>,
    done: string,
  ) {
    router.post(`/contests/:id/live/console/${path}`, requireRole("organizer"), async (req, res) => {
      await answerForm(req, res, { back: consolePath(req) }, async () => {
        const live = await run(req, res, formFields(req));
        if (!live) return undefined;
        if (!wantsJson(req)) return req.t(done);
        res.json({ live });
        return undefined;
      });
    });
  }

  consoleAction(
    "timer",
    (req, _res, f) => liveTimer(ctx, req.user!, routeParam(req), bodies.timer(f)),
    "live.console.done",
  );

  consoleAction(
    "advance",
    async (req, res, f) => {
      const body = bodies.advance(f);
      // A withdrawal is final (the finalist is not ranked): said before it is done.
      if ("withdraw" in body) {
        const live = await liveState(ctx, routeParam(req), req.user);
        const code = live.order.find((o) => o.entryId === body.entryId)?.code ?? fieldText(body.entryId);
        const confirmation = {
          title: req.t("live.console.withdraw"),
          consequences: [req.t("live.console.withdrawConfirm", { code })],
          cancelHref: consolePath(req),
        };
        if (!confirmed(req, res, confirmation)) return null;
      }
      return advanceLive(ctx, req.user!, routeParam(req), body);
    },
    "live.console.done",
  );

  consoleAction(
    "reopen",
    (req, _res, f) => reopenLiveSheet(ctx, req.user!, routeParam(req), bodies.reopen(f)),
    "live.console.reopened",
  );

  consoleAction(
    "safety",
    (req, _res, f) => liveSafety(ctx, req.user!, routeParam(req), { entryId: f.entryId, safe: f.safe === "1" }),
    "live.console.done",
  );

  return router;
}
