import type { Request } from "express";
import { csrfSync } from "csrf-sync";

/**
 * Synchronizer tokens kept in the session; forms send `_csrf`, scripts send `X-CSRF-Token`.
 * A multipart body (an upload) is read only later, by the route, so its token comes from the header
 * (upload script) or from the form action's query string `?_csrf=` (the same form without script).
 */
export const csrf = csrfSync({
  size: 32,
  getTokenFromRequest: (req: Request) => {
    const header = req.headers["x-csrf-token"];
    if (req.is("multipart/form-data")) {
      if (typeof header === "string") return header;
      const fromQuery = (req.query as Record<string, unknown>)._csrf;
      return typeof fromQuery === "string" ? fromQuery : undefined;
    }
    const fromBody = (req.body as Record<string, unknown> | undefined)?._csrf;
    return typeof fromBody === "string" ? fromBody : (header as string | undefined);
  },
  errorConfig: { statusCode: 403, code: "csrf_invalid", message: "invalid csrf token" },
});
