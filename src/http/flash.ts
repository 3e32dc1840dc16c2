import type { Request } from "express";
import type { FlashMessage } from "./types.js";

/** A message shown once on the next page (after a redirect). */
export function flash(req: Request, kind: FlashMessage["kind"], text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

export function takeFlash(req: Request): FlashMessage[] {
  const messages = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return messages;
}
