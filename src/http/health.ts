import { Router } from "express";
import type { AppContext } from "../context.js";
import { dialectOf } from "../db/dialect.js";
import type { Lifecycle } from "./lifecycle.js";

/** A database that has not answered `select 1` by then is reported down (a hung server as much as a gone one). */
export const HEALTH_TIMEOUT_MS = 2000;

async function databaseAnswers(ctx: AppContext): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), HEALTH_TIMEOUT_MS)));
  const answered = ctx.db.raw("select 1").then(
    () => true,
    (err: unknown) => {
      ctx.logger.warn({ err }, "health check: the database did not answer");
      return false;
    },
  );
  try {
    return await Promise.race([answered, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz: is this process alive with its database (monitoring); /readyz: should it get traffic (load
 * balancers), false while starting and from SIGTERM on. Both anonymous, and neither names more than the
 * database's kind: the cause of a failure goes to the log.
 */
export function healthRoutes(ctx: AppContext, lifecycle: Lifecycle): Router {
  const router = Router();
  router.get("/healthz", async (_req, res) => {
    const db = dialectOf(ctx.db);
    if (await databaseAnswers(ctx)) res.json({ ok: true, db });
    else res.status(503).json({ ok: false, db, error: "database_unavailable" });
  });
  router.get("/readyz", (_req, res) => {
    const state = lifecycle.state;
    if (state === "ready") res.json({ ready: true });
    else res.status(503).json({ ready: false, state });
  });
  return router;
}
