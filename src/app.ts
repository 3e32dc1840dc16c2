import { randomUUID } from "node:crypto";
import express, { type Express, type RequestHandler } from "express";
import helmet from "helmet";
import { pinoHttp } from "pino-http";
import { accountsPages } from "./accounts/accounts.pages.js";
import { accountsApi } from "./accounts/accounts.routes.js";
import { auditApi, auditPages } from "./audit/audit.routes.js";
import type { AppContext } from "./context.js";
import { contestsApi, contestsPages } from "./contests/contests.routes.js";
import { entriesPages } from "./entries/entries.pages.js";
import { entriesApi } from "./entries/entries.routes.js";
import { judgingPages } from "./judging/judging.pages.js";
import { judgingApi } from "./judging/judging.routes.js";
import { liveEventsApi } from "./live/live.events.js";
import { liveApi } from "./live/live.routes.js";
import { liveScreenPages } from "./live/live.screen-pages.js";
import { livePages } from "./live/live.pages.js";
import { liveTopicsApi } from "./live/topics.routes.js";
import { resultsPages } from "./results/results.pages.js";
import { roundsPages } from "./results/rounds.pages.js";
import { objectionsApi, resultsApi } from "./results/results.routes.js";
import { shortPanelsApi, shortPanelsPages } from "./results/short-panels.routes.js";
import { stagesApi, stagesPages } from "./stages/stages.routes.js";
import { statisticsPages } from "./statistics/statistics.pages.js";
import { statisticsApi } from "./statistics/statistics.routes.js";
import { activitiesPages } from "./reports/activities.pages.js";
import { activitiesApi } from "./reports/activities.routes.js";
import { newsPages } from "./reports/news.pages.js";
import { newsApi } from "./reports/news.routes.js";
import { packagesPages } from "./reports/packages.pages.js";
import { packagesApi } from "./reports/packages.routes.js";
import { summariesPages } from "./reports/summaries.pages.js";
import { summariesApi } from "./reports/summaries.routes.js";
import { dashboardPages } from "./reports/dashboard.pages.js";
import { dashboardApi } from "./reports/dashboard.routes.js";
import { publicReportsPages } from "./reports/public.pages.js";
import { evaluationApi } from "./reports/evaluation.routes.js";
import { weeksPages } from "./reports/weeks.pages.js";
import { weeksApi } from "./reports/weeks.routes.js";
import { unitsPages } from "./units/units.pages.js";
import { unitsApi } from "./units/units.routes.js";
import { bearerAuth, passwordChangeFirst, sessionAuth } from "./http/auth.js";
import { csrf } from "./http/csrf.js";
import { healthRoutes } from "./http/health.js";
import { Lifecycle } from "./http/lifecycle.js";
import { errorHandler, isApiRequest, notFound } from "./http/errors.js";
import { i18n } from "./http/i18n.js";
import { pageSessions, renewSession } from "./http/sessions.js";
import { refuseBadText } from "./http/text-input.js";
import { setUpViews, viewLocals } from "./http/views.js";
import { publicDir } from "./lib/paths.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds the app from its context; never listens, so tests run it on an ephemeral port. The server
 * passes its lifecycle (starting → ready → draining) for /readyz and the graceful stop.
 */
export function createApp(ctx: AppContext, lifecycle = new Lifecycle()): Express {
  const app = express();
  app.use(lifecycle.track);
  app.disable("x-powered-by");
  app.set("trust proxy", ctx.config.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader("X-App-Instance", ctx.config.instanceName);
    next();
  });
  setUpViews(app);

  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const given = req.headers["x-request-id"];
        const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader("X-Request-Id", id);
        return id;
      },
      // Only what is safe: never cookies, tokens (an upload form's `_csrf` too) or bodies (which may hold passwords).
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.replace(/([?&](token|password|_csrf)=)[^&]*/gi, "$1[redacted]"),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { "upgrade-insecure-requests": null, "img-src": ["'self'", "data:"], "media-src": ["'self'"] },
      },
    }),
  );
  app.use("/static", express.static(publicDir, { maxAge: "1d", index: false }));

  app.use(healthRoutes(ctx, lifecycle));
  app.use(lifecycle.holdWhileStarting);

  // The JSON API: bearer tokens, no cookies, JSON errors.
  const api = express.Router();
  api.use(i18n());
  api.use(express.json({ limit: "1mb", strict: false }));
  api.use(refuseBadText);
  api.use(bearerAuth(ctx));
  api.use(accountsApi(ctx));
  api.use(contestsApi(ctx));
  api.use(stagesApi(ctx));
  api.use(entriesApi(ctx));
  api.use(judgingApi(ctx));
  api.use(resultsApi(ctx));
  api.use(objectionsApi(ctx));
  api.use(shortPanelsApi(ctx));
  api.use(liveApi(ctx));
  api.use(liveEventsApi(ctx));
  api.use(auditApi(ctx));
  api.use(statisticsApi(ctx));
  api.use(liveTopicsApi(ctx));
  api.use(unitsApi(ctx));
  api.use(weeksApi(ctx));
  api.use(activitiesApi(ctx));
  api.use(newsApi(ctx));
  api.use(packagesApi(ctx));
  api.use(summariesApi(ctx));
  api.use(dashboardApi(ctx));
  api.use(evaluationApi(ctx));
  api.use(notFound);
  app.use("/api/v1", api);

  // The pages: sessions in the database, CSRF on every form.
  const pagesOnly =
    (handler: RequestHandler): RequestHandler =>
    (req, res, next) =>
      isApiRequest(req) ? next() : handler(req, res, next);
  app.use(pagesOnly(pageSessions(ctx, lifecycle.started)));
  app.use(pagesOnly(renewSession));
  app.use(pagesOnly(i18n()));
  app.use(pagesOnly(express.urlencoded({ extended: true, limit: "1mb", parameterLimit: 2000 })));
  app.use(pagesOnly(refuseBadText));
  app.use(pagesOnly(sessionAuth(ctx)));
  app.use(pagesOnly(csrf.csrfSynchronisedProtection));
  app.use(pagesOnly(passwordChangeFirst));
  app.use(pagesOnly(viewLocals));
  app.use(accountsPages(ctx));
  app.use(contestsPages(ctx));
  app.use(stagesPages(ctx));
  app.use(entriesPages(ctx));
  app.use(judgingPages(ctx));
  app.use(roundsPages(ctx));
  app.use(resultsPages(ctx));
  app.use(shortPanelsPages(ctx));
  app.use(auditPages(ctx));
  app.use(statisticsPages(ctx));
  app.use(liveScreenPages(ctx));
  app.use(livePages(ctx));
  app.use(unitsPages(ctx));
  app.use(weeksPages(ctx));
  app.use(activitiesPages(ctx));
  app.use(dashboardPages(ctx));
  // /reports/files/:id: published news to anyone, the rest to its staff.
  app.use(publicReportsPages(ctx));
  app.use(newsPages(ctx));
  app.use(packagesPages(ctx));
  app.use(summariesPages(ctx));

  app.use(pagesOnly(notFound));
  app.use(errorHandler(ctx.logger));
  return app;
}
