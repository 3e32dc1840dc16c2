import { ConnectSessionKnexStore } from "connect-session-knex";
import type { RequestHandler } from "express";
import session from "express-session";
import type { AppContext } from "../context.js";
import "./types.js";

/** A page session lasts this long after the reader's last activity, renewed at most every RENEW_AFTER. */
export const SESSION_MAX_AGE = 7 * 86_400_000;
export const RENEW_AFTER = 5 * 60_000;

/**
 * express-session touches the store on every request that did not change the session: a write per page
 * view. Renewal is a save instead (renewSession), so reads write nothing in between.
 */
class UntouchedStore extends ConnectSessionKnexStore {
  override touch(_sid: string, _session: session.SessionData, callback?: () => void): Promise<void> {
    callback?.();
    return Promise.resolve();
  }
}

/**
 * Sessions in the database. None is written until something is kept in it (a CSRF token for a form, a
 * chosen language, a sign-in), so an anonymous reader costs no row and gets no cookie.
 */
export function pageSessions(ctx: AppContext, started: Promise<void>): RequestHandler {
  // Made once the start is done, not with the app: the server listens while it migrates, and the store
  // looks for its table (and deletes expired sessions) as it is made. A request held until the start
  // ended may get here first, and makes it.
  let sessions: RequestHandler | undefined;
  void started.then(() => (sessions ??= databaseSessions(ctx)));
  return (req, res, next) => {
    sessions ??= databaseSessions(ctx);
    sessions(req, res, next);
  };
}

function databaseSessions(ctx: AppContext): RequestHandler {
  return session({
    name: "sw.sid",
    secret: ctx.config.sessionSecret,
    // Expired sessions are deleted at start and hourly (an unref'd timer: it never holds the process open).
    store: new UntouchedStore({
      knex: ctx.db,
      tableName: "sessions",
      createTable: false,
      cleanupInterval: 3_600_000,
      onDbCleanupError: (err) => ctx.logger.warn({ err }, "session cleanup failed"),
    }),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: "lax", secure: "auto", maxAge: SESSION_MAX_AGE },
  });
}

/**
 * Renews a stored session (its row and its cookie) once its expiry was last set more than RENEW_AFTER
 * ago: express-session saves and re-sends the cookie only for a changed session, so the renewal time
 * is kept in it. Expiry is express-session's own, on the system clock.
 */
export const renewSession: RequestHandler = (req, _res, next) => {
  const expires = req.session?.cookie.expires;
  if (expires && expires.getTime() - Date.now() < SESSION_MAX_AGE - RENEW_AFTER) {
    req.session.touch();
    req.session.renewedAt = Date.now();
  }
  next();
};
