import type { Request } from "express";
import { csrfSync } from "csrf-sync";

/** Synchronizer tokens kept in the session; forms send `_csrf`, scripts send `X-CSRF-Token`. */
export const csrf = csrfSync({
  size: 32,
  getTokenFromRequest: (req: Request) => {
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof fromBody === "string" ? fromBody : (req.headers["x-csrf-token"] as string | undefined);
  },
  errorConfig: { statusCode: 403, code: "csrf_invalid", message: "invalid csrf token" },
});
