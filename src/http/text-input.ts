import type { RequestHandler } from "express";
import { ValidationError } from "../lib/errors.js";

/**
 * Characters no field of this app holds: NUL (PostgreSQL refuses it in text, SQLite keeps it) and the
 * other C0 controls and DEL; tab, newline and carriage return are ordinary text in a JSON string, a
 * form field or a search typed into a GET form.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** In a path (an id, a role name), even tab and newline are junk. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_ANYWHERE = /[\u0000-\u001F\u007F]/;
/** A UTF-16 surrogate without its partner: not Unicode text, and the databases would silently replace it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Where = "path" | "query" | "body";

function isBadText(value: string, where: Where): boolean {
  return (where === "path" ? CONTROL_ANYWHERE : CONTROL_IN_TEXT).test(value) || LONE_SURROGATE.test(value);
}

function refusal(where: Where, field?: string): ValidationError {
  return new ValidationError(
    "errors.invalidText",
    {},
    field === undefined ? { where } : { where, field },
    "invalid_text",
  );
}

/** The first string (value or key) of a parsed body or query that is not clean text, as a dotted field path. */
function findBadText(root: unknown, where: Where): string | undefined {
  // Iterative, so a deeply nested body cannot overflow the stack.
  const stack: { value: unknown; path: string }[] = [{ value: root, path: "" }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (isBadText(value, where)) return path || "(body)";
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: path ? `${path}.${i}` : String(i) }));
    } else if (value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const at = path ? `${path}.${key}` : key;
        if (isBadText(key, where)) return at;
        stack.push({ value: item, path: at });
      }
    }
  }
  return undefined;
}

/**
 * The refusal for multipart text fields (parsed by the upload, not by the JSON parser), or undefined
 * when they are clean. A field holding JSON (an entry's `authors`) is checked after decoding too, since
 * `"\u0000"` there is a NUL once parsed.
 */
export function multipartTextRefusal(fields: Record<string, unknown>): ValidationError | undefined {
  const bad = findBadText(fields, "body");
  if (bad !== undefined) return refusal("body", bad);
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== "string" || !/^\s*[[{]/.test(value)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      continue;
    }
    const inside = findBadText(parsed, "body");
    if (inside !== undefined) return refusal("body", inside === "(body)" ? name : `${name}.${inside}`);
  }
  return undefined;
}

/**
 * Whether a raw query string holds percent-encoded bytes that are not UTF-8 (a lone surrogate sent as
 * %ED%A0%80, say): the query parser would quietly turn them into U+FFFD. A stray "%" is left to it.
 */
function hasBrokenUtf8(rawQuery: string): boolean {
  for (const part of rawQuery.split(/[&=]/)) {
    try {
      decodeURIComponent(part.replace(/%(?![0-9A-Fa-f]{2})/g, "%25"));
    } catch {
      return true;
    }
  }
  return false;
}

/**
 * Refuses (400 invalid_text) a request whose path, query or parsed body holds NUL, another control
 * character, a lone surrogate or (in the path) bytes that are not UTF-8: such input is never data here,
 * and it must not reach SQL, where PostgreSQL and SQLite would treat it differently. Runs after the
 * body parser and before any route.
 */
export const refuseBadText: RequestHandler = (req, _res, next) => {
  for (const segment of req.path.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return next(refusal("path"));
    }
    if (isBadText(decoded, "path")) return next(refusal("path"));
  }
  const at = req.originalUrl.indexOf("?");
  if (at >= 0 && hasBrokenUtf8(req.originalUrl.slice(at + 1))) return next(refusal("query"));
  const inQuery = findBadText(req.query, "query");
  if (inQuery !== undefined) return next(refusal("query", inQuery));
  const inBody = findBadText(req.body, "body");
  if (inBody !== undefined) return next(refusal("body", inBody));
  next();
};
