import type { NextFunction, Request, RequestHandler, Response } from "express";
import { userForSession, userForToken } from "../accounts/accounts.service.js";
import type { Role } from "../accounts/accounts.schemas.js";
import type { AppContext } from "../context.js";
import { ForbiddenError, UnauthorizedError } from "../lib/errors.js";
import "./types.js";

/** API calls authenticate by bearer token only (no cookie, so no CSRF surface). */
export function bearerAuth(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    req.user = null;
    const header = req.headers.authorization;
    if (!header) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new UnauthorizedError("errors.invalidToken", "invalid_token"));
    const user = await userForToken(ctx, match[1]);
    if (!user) return next(new UnauthorizedError("errors.invalidToken", "invalid_token"));
    req.user = user;
    next();
  };
}

/** Pages authenticate by session; the user is re-read each time so disabling or a new password takes effect at once. */
export function sessionAuth(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    req.user = null;
    const userId = req.session?.userId;
    if (userId) {
      req.user = await userForSession(ctx, userId, req.session.credentials);
      if (!req.user) {
        delete req.session.userId;
        delete req.session.credentials;
      }
    }
    next();
  };
}

/** The pages a user given his password by an organizer may still open before choosing his own. */
const BEFORE_NEW_PASSWORD = new Set(["/me/password", "/logout"]);

/**
 * Pages only: a user whose password an organizer chose (created, imported, reset) is sent to choose his
 * own before anything else; that page says why. The API is left alone: its clients are programs that
 * cannot follow a page (DESIGN §4: a judge created by POST /api/v1/users goes on with his token).
 */
export const passwordChangeFirst: RequestHandler = (req, res, next) => {
  if (!req.user?.mustChangePassword || BEFORE_NEW_PASSWORD.has(req.path)) return next();
  res.redirect(303, "/me/password");
};

/** Only signed-in users with one of these roles (any role when none is named). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) return next(new UnauthorizedError());
    if (roles.length > 0 && !roles.includes(req.user.role)) return next(new ForbiddenError());
    next();
  };
}
