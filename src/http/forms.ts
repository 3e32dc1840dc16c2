import type { Request, Response } from "express";
import { toErrorBody } from "./errors.js";
import { flash } from "./flash.js";

/** A form's fields without the CSRF token, as strings. */
export function formFields(req: Request): Record<string, unknown> {
  const { _csrf: _token, ...fields } = (req.body ?? {}) as Record<string, unknown>;
  return fields;
}

/** A form's text field, trimmed; absent or empty → undefined. */
export function text(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * Runs a form action; on a client error re-renders the form with the message and the values typed,
 * so nobody retypes a long form. Other errors go to the error handler.
 */
export async function handleForm(
  req: Request,
  res: Response,
  view: string,
  viewData: Record<string, unknown>,
  action: () => Promise<void>,
): Promise<void> {
  try {
    await action();
  } catch (err) {
    const { status, body } = toErrorBody(req, err);
    if (status >= 500) throw err;
    res.status(status).render(view, { ...viewData, values: formFields(req), formError: body });
  }
}

const SAME_ORIGIN = "http://same-origin.invalid";

/**
 * Only redirect to paths on this site: a path starting with one "/", resolved as a browser would
 * (`/\evil` and `//evil` both lead off-site; browsers drop tabs and newlines, so `/\t/evil` does too).
 */
export function safeNext(next: unknown, fallback = "/"): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (typeof next !== "string" || !next.startsWith("/") || /[\\\u0000-\u001F\u007F]/.test(next)) return fallback;
  try {
    return new URL(next, SAME_ORIGIN).origin === SAME_ORIGIN ? next : fallback;
  } catch {
    return fallback;
  }
}

/** After a button's action: back to where it was pressed, with the outcome (or the refusal) as a flash message. */
export async function buttonAction(req: Request, res: Response, fallback: string, action: () => Promise<string>): Promise<void> {
  const back = safeNext(formFields(req).next, fallback);
  try {
    flash(req, "success", await action());
  } catch (err) {
    const { status, body } = toErrorBody(req, err);
    if (status >= 500) throw err;
    flash(req, "error", body.message);
  }
  res.redirect(303, back);
}
