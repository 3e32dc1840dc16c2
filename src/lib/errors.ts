/**
 * One error family (as Ghost's @tryghost/errors): services throw these, one middleware renders them.
 * `code` is stable for clients; `messageKey` names a message in src/locales/*.json.
 */
/** A message's parameters; a list is joined the reader's way when the message is shown (“、” or “, ”). */
export type MessageParams = Record<string, string | number | readonly string[]>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: string,
    readonly params: MessageParams = {},
    readonly details?: unknown,
  ) {
    super(`${code}: ${messageKey}`);
  }
}

export class ValidationError extends AppError {
  constructor(
    messageKey = "errors.validation",
    params: MessageParams = {},
    details?: unknown,
    code = "validation_failed",
  ) {
    super(400, code, messageKey, params, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(messageKey = "errors.unauthenticated", code = "unauthenticated") {
    super(401, code, messageKey);
  }
}

export class ForbiddenError extends AppError {
  constructor(messageKey = "errors.forbidden", code = "forbidden", params: MessageParams = {}) {
    super(403, code, messageKey, params);
  }
}

export class NotFoundError extends AppError {
  constructor(messageKey = "errors.notFound", params: MessageParams = {}) {
    super(404, "not_found", messageKey, params);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, messageKey: string, params: MessageParams = {}, details?: unknown) {
    super(409, code, messageKey, params, details);
  }
}

/** An action the contest's current stage does not allow. */
export class StageError extends AppError {
  constructor(messageKey: string, params: MessageParams = {}, details?: unknown) {
    super(409, "stage_conflict", messageKey, params, details);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    messageKey = "errors.tooManyAttempts",
    code = "too_many_attempts",
  ) {
    super(429, code, messageKey, { minutes: Math.ceil(retryAfterSeconds / 60) });
  }
}

/**
 * What a client of a process that cannot serve for now (its database away, starting, stopping) is told
 * to wait before trying again: a balancer has taken that process out by then.
 */
export const RETRY_AFTER_SECONDS = 5;

/** The database did not answer: unreachable, restarting, or still locked after the brief retry. Try again shortly. */
export class DatabaseUnavailableError extends AppError {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor() {
    super(503, "database_unavailable", "errors.databaseUnavailable");
  }
}

/** The process is still migrating its database: it serves nothing but its health checks yet. */
export class StartingError extends AppError {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor() {
    super(503, "starting", "errors.starting");
  }
}

/** The disk (or the quota) holding the uploads is full: the file was not kept. */
export class InsufficientStorageError extends AppError {
  constructor() {
    super(507, "insufficient_storage", "errors.insufficientStorage");
  }
}

/** A thrown or rejected value as an Error: an Error as it is, anything else wrapped and kept as the cause. */
export function asError(cause: unknown): Error {
  return cause instanceof Error
    ? cause
    : new Error(typeof cause === "string" ? cause : "a value that is not an Error was thrown", { cause });
}
