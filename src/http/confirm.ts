import type { Request, Response } from "express";
import { fieldText, formFields } from "./forms.js";

/** What an irreversible step will do, said before it is done. */
export interface Confirmation {
  /** The step, as its button names it ("发布公示"). */
  title: string;
  /** What will happen, one plain sentence each ("截止时间将从 12月10日 改为现在"). */
  consequences: string[];
  /** Where 取消 leads: the page the step was started from. */
  cancelHref: string;
  /** The confirm button's text; the title when absent. */
  confirmLabel?: string;
}

/**
 * Irreversible form posts go through here (works without JavaScript): a post carrying `confirmed=1`
 * goes ahead (true); any other post gets a page saying what will happen, with the same fields posted
 * again plus `confirmed=1`, and nothing is done (false).
 */
export function confirmed(req: Request, res: Response, confirmation: Confirmation): boolean {
  const fields = formFields(req);
  if (fieldText(fields.confirmed) === "1") return true;
  const repeated = Object.entries(fields)
    .filter(([name]) => name !== "confirmed")
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => ({ name, value: fieldText(v) })));
  res.render("confirm", {
    title: confirmation.title,
    confirmation: { ...confirmation, confirmLabel: confirmation.confirmLabel ?? confirmation.title },
    action: req.originalUrl,
    fields: repeated,
  });
  return false;
}
