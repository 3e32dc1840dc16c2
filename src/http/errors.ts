import type { ErrorObject } from "ajv";
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { isDatabaseUnavailable } from "../db/unavailable.js";
import {
  AppError,
  DatabaseUnavailableError,
  InsufficientStorageError,
  NotFoundError,
  type MessageParams,
} from "../lib/errors.js";
import { DEFAULT_LOCALE, hasMessage, translate } from "../lib/i18n.js";
import { formatShanghai } from "../lib/time.js";
import { describeSchemaErrors, type FieldProblem } from "../lib/validate.js";
import "./types.js";
import { setPageLocals } from "./views.js";

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  expose?: boolean;
}

/** Errors from body parsers, CSRF and the like, mapped onto our codes and messages. */
const LIBRARY_ERRORS: Record<string, { status: number; code: string; key: string }> = {
  "entity.parse.failed": { status: 400, code: "invalid_json", key: "errors.invalidJson" },
  "entity.too.large": { status: 413, code: "payload_too_large", key: "errors.payloadTooLarge" },
  "encoding.unsupported": { status: 415, code: "unsupported_encoding", key: "errors.unsupportedEncoding" },
  "charset.unsupported": { status: 415, code: "unsupported_encoding", key: "errors.unsupportedEncoding" },
  csrf_invalid: { status: 403, code: "csrf_invalid", key: "errors.csrf" },
  // PostgreSQL refusing text it cannot store (NUL, untranslatable characters): the client's text, not a crash.
  // The input checks (http/text-input.ts) refuse such text first; this is the net behind them.
  "22021": { status: 400, code: "invalid_text", key: "errors.invalidText" },
  "22P05": { status: 400, code: "invalid_text", key: "errors.invalidText" },
};

/** Field problems in the reader's language, from ajv errors or from a service's own field list. */
function fieldProblems(req: Request, details: unknown): FieldProblem[] | undefined {
  const d = details as
    | { schemaErrors?: ErrorObject[]; fields?: { field: string; messageKey?: string; params?: MessageParams }[] }
    | undefined;
  if (d?.schemaErrors) return describeSchemaErrors(d.schemaErrors, req.locale);
  if (d?.fields)
    return d.fields.map((f) => ({
      field: f.field,
      message: f.messageKey ? req.t(f.messageKey, localizedParams(req, f.params ?? {})) : "",
    }));
  return undefined;
}

/**
 * A refused form's message per field, by path. A service may word a field for the form apart from the
 * API (`details.formFields`: a score sheet says what score.js says in the browser); otherwise the
 * field problems the API answers.
 */
export function formFieldMessages(req: Request, err: unknown): Record<string, string> {
  if (!(err instanceof AppError)) return {};
  const d = err.details as { formFields?: unknown } | undefined;
  const problems =
    (d?.formFields ? fieldProblems(req, { fields: d.formFields }) : fieldProblems(req, err.details)) ?? [];
  const messages: Record<string, string> = {};
  for (const p of problems) if (p.message && !(p.field in messages)) messages[p.field] = p.message;
  return messages;
}

/** Stage and file role names in messages are shown in the reader's language, not as codes. */
const CODED_PARAMS: Record<string, string> = {
  from: "stage.",
  to: "stage.",
  stage: "stage.",
  role: "fileRole.",
  status: "entryStatus.",
  reason: "conflictReason.",
  round: "roundName.",
};

const INSTANT_PARAMS = ["noticeEndsAt"];

export function localizedParams(req: Request, params: MessageParams): MessageParams {
  const out = { ...params };
  for (const [name, prefix] of Object.entries(CODED_PARAMS)) {
    const value = out[name];
    if (typeof value === "string" && hasMessage(`${prefix}${value}`)) out[name] = req.t(`${prefix}${value}`);
  }
  // Instants read in Shanghai time, as the `time` helper shows them ("公示期至 2026年12月20日 18:00").
  for (const name of INSTANT_PARAMS) {
    const value = out[name];
    if (typeof value === "string") out[name] = formatShanghai(value, req.locale);
  }
  // A list of file roles, as in "missing: video、form".
  for (const name of ["roles", "allowed"]) {
    const value = out[name];
    if (typeof value === "object")
      out[name] = value.map((role) => (hasMessage(`fileRole.${role}`) ? req.t(`fileRole.${role}`) : role));
  }
  return out;
}

/**
 * Faults of the machine rather than of the request, as the errors clients can act on: a full disk
 * (ENOSPC, or the quota's EDQUOT) is 507, a database that does not answer is 503 (try again).
 */
function asKnownFault(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") return new InsufficientStorageError();
  return isDatabaseUnavailable(err) ? new DatabaseUnavailableError() : err;
}

/** Turns any error into status + {code, message, details} in the request's language. */
export function toErrorBody(req: Request, thrown: unknown): { status: number; body: ErrorBody } {
  const err = asKnownFault(thrown);
  if (err instanceof AppError) {
    const fields = fieldProblems(req, err.details);
    let message = req.t(err.messageKey, localizedParams(req, err.params));
    if (fields && err.messageKey === "errors.validation" && fields.length > 0) {
      message = `${message}：${fields.map((f) => `${f.field} ${f.message}`).join("；")}`;
      if (req.locale === "en") message = message.replace("：", ": ").replace(/；/g, "; ");
    }
    const details = fields ? { fields } : err.details;
    return { status: err.status, body: { code: err.code, message, ...(details !== undefined ? { details } : {}) } };
  }
  const e = (err ?? {}) as HttpLikeError;
  const known = LIBRARY_ERRORS[e.type ?? ""] ?? LIBRARY_ERRORS[e.code ?? ""];
  if (known) return { status: known.status, body: { code: known.code, message: req.t(known.key) } };
  const status = e.status ?? e.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return { status, body: { code: "bad_request", message: req.t("errors.badRequest") } };
  return { status: 500, body: { code: "internal", message: req.t("errors.internal") } };
}

export function isApiRequest(req: Request): boolean {
  return req.path.startsWith("/api/") || req.path === "/healthz";
}

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

const DRAIN_LIMIT = 16 * 1024 * 1024;

/**
 * A request refused before its body was read (an upload out of stage, say): a small body is read and
 * dropped so the client gets the answer; for a large one the connection closes after the answer.
 */
async function settleUnreadBody(req: Request, res: Response): Promise<void> {
  if (req.complete || !req.readable) return;
  if (Number(req.headers["content-length"] ?? Infinity) > DRAIN_LIMIT) {
    res.set("Connection", "close");
    return;
  }
  await new Promise<void>((resolve) => {
    req.once("end", resolve).once("error", resolve).once("close", resolve);
    req.resume();
  });
}

/**
 * Sets an error answer's status, and its Retry-After when the fault says when to try again (too many
 * attempts, a database not answering, a process starting or stopping); answers its body, in the request's
 * language, or in Chinese for a request the i18n middleware has not reached.
 */
export function startErrorAnswer(req: Request, res: Response, thrown: unknown): ErrorBody {
  req.locale ??= DEFAULT_LOCALE;
  req.t ??= (key, params) => translate(DEFAULT_LOCALE, key, params);
  const { status, body } = toErrorBody(req, thrown);
  const retryAfter = (asKnownFault(thrown) as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
  if (typeof retryAfter === "number") res.set("Retry-After", String(retryAfter));
  res.status(status);
  return body;
}

/** The one error handler: JSON for the API, an error page for HTML; unknown errors are logged with their stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return async (err, req, res, next) => {
    // Answered and cut off already (an upload the stop ended): nothing left to send, or to report.
    if (res.headersSent) return req.destroyed ? undefined : next(err);
    await settleUnreadBody(req, res);
    // A client that hung up gets no answer.
    if (req.socket.destroyed) return;
    const body = startErrorAnswer(req, res, err);
    const status = res.statusCode;
    if (status >= 500) logger.error({ err, reqId: req.id }, "request failed");
    if (isApiRequest(req) || !req.accepts("html")) {
      res.json({ error: body });
      return;
    }
    setPageLocals(req, res);
    res.render("error", { title: req.t("error.title"), status, error: body }, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr, reqId: req.id }, "error page failed to render");
        res.type("text/plain").send(body.message);
        return;
      }
      res.send(html);
    });
  };
}
