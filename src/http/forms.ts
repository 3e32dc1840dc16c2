import type { Request, Response } from "express";
import { AppError } from "../lib/errors.js";
import { formFieldMessages, localizedParams, toErrorBody, type ErrorBody } from "./errors.js";
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
 * A field's value as text, untrimmed: a string as sent, a number or boolean (a JSON body's) as written;
 * absent, a list or an object → "" (never "[object Object]").
 */
export function fieldText(value: unknown): string {
  return typeof value === "string"
    ? value
    : typeof value === "number" || typeof value === "boolean"
      ? String(value)
      : "";
}

/** A field that may be sent once or repeated (checkboxes, multi-selects) as a list of strings. */
export function repeatedField(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
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

/** What a refused form knows when its page is built again. */
export interface Refusal {
  status: number;
  /** The error as the API answers it. */
  body: ErrorBody;
  /** The form's fields as typed (without the CSRF token), to fill the form again. */
  typed: Record<string, unknown>;
  /** A message per refused field, by its path (`email`, `scores.science`), from the error's details. */
  fieldErrors: Record<string, string>;
}

/**
 * Where a refusal is answered: a form with its own page shows that page again (`view`, its view model
 * built by `page` from what was typed); a button without a page of its own goes `back` to where it was
 * pressed (the form's `next`, else the given path) with the refusal as a flash message.
 */
export type FormAnswer =
  | { view: string; page: (refusal: Refusal) => Record<string, unknown> | Promise<Record<string, unknown>> }
  | { back: string };

/** The upload script asks for JSON ({entry} or {error}); a plain form post gets pages and redirects. */
export function wantsJson(req: Request): boolean {
  return req.accepts(["html", "json"]) === "json";
}

/**
 * The one way a page says no (STYLE "Forms: one way to say no"). Runs the form's action; on a refusal
 * (a 4xx error) answers as `answer` says, keeping what was typed and each field's message. A page's
 * action answers itself (a redirect, say); a button's action answers its success message, flashed on
 * the way back. Other errors, a script asking for JSON, and a body left unread (a file over the limit)
 * go to the error handler.
 */
export async function answerForm(
  req: Request,
  res: Response,
  answer: { view: string; page: (refusal: Refusal) => Record<string, unknown> | Promise<Record<string, unknown>> },
  action: () => Promise<void>,
): Promise<void>;
export async function answerForm(
  req: Request,
  res: Response,
  answer: { back: string },
  /** The success message; undefined when the action answered itself (a confirmation page, http/confirm.ts). */
  action: () => Promise<string | undefined>,
): Promise<void>;
export async function answerForm(
  req: Request,
  res: Response,
  answer: FormAnswer,
  action: () => Promise<string | void>,
): Promise<void> {
  const back = "back" in answer ? safeNext(formFields(req).next, answer.back) : "";
  try {
    const done = await action();
    if ("back" in answer && done !== undefined) {
      flash(req, "success", done);
      res.redirect(303, back);
    }
    return;
  } catch (err) {
    const { status, body } = toErrorBody(req, err);
    if (status >= 500 || wantsJson(req) || !req.complete) throw err;
    if ("back" in answer) {
      flash(req, "error", body.message);
      res.redirect(303, back);
      return;
    }
    const refusal: Refusal = { status, body, typed: formFields(req), fieldErrors: formFieldMessages(req, err) };
    // The summary without the field list, for a page that shows each field's message beside the field.
    const summary = err instanceof AppError ? req.t(err.messageKey, localizedParams(req, err.params)) : body.message;
    res.status(status).render(answer.view, {
      ...(await answer.page(refusal)),
      formError: { ...body, summary },
      fieldErrors: refusal.fieldErrors,
    });
  }
}
