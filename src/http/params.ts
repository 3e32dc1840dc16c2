import type { Request } from "express";

/** A route parameter as a string (`:id` unless named otherwise). */
export function routeParam(req: Request, name = "id"): string {
  return String(req.params[name]);
}
