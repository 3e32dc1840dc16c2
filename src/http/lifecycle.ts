import type { Request, RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { AppError, RETRY_AFTER_SECONDS, StartingError } from "../lib/errors.js";
import { startErrorAnswer } from "./errors.js";
import { i18n } from "./i18n.js";
import { isMultipart } from "./upload.js";

/** starting: listening, the migrations not yet done; ready: serving; draining: from SIGTERM on. */
export type LifecycleState = "starting" | "ready" | "draining";

/** An upload cut off because the process is stopping: the client may send it again (to another process). */
export class ShuttingDownError extends AppError {
  readonly retryAfterSeconds = RETRY_AFTER_SECONDS;
  constructor() {
    super(503, "shutting_down", "errors.shuttingDown");
  }
}

/**
 * How long a request that reaches a starting process waits for the start to end before it is refused. A
 * balancer without active health checks (Debian's nginx) sends requests to a process as soon as it
 * listens, and never resends a POST: held a few seconds, the request is served instead of refused.
 */
export const STARTING_HOLD_MS = 20_000;

/**
 * The process's state as /readyz reports it, and the requests in flight, so a stop can let them finish
 * (their connections closed after the answer) while uploads still arriving are cut off at once: a 500 MB
 * video on a slow link would outlast any grace period, and its client can send it again elsewhere.
 */
export class Lifecycle {
  private current: LifecycleState;
  private readonly inFlight = new Set<{ req: Request; res: Response }>();
  /** Requests held while starting: each is told whether the start ended (true) or the process is stopping. */
  private readonly held = new Set<(started: boolean) => void>();
  private markStarted!: () => void;
  /** Resolves when the start is done (at once for an app made ready): the database is migrated by then. */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  /** An app built without one (tests, scripts) is ready: it is made after the migrations. */
  constructor(
    state: LifecycleState = "ready",
    private readonly startingHoldMs = STARTING_HOLD_MS,
  ) {
    this.current = state;
    if (state === "ready") this.markStarted();
  }

  get state(): LifecycleState {
    return this.current;
  }

  markReady(): void {
    if (this.current !== "starting") return;
    this.current = "ready";
    this.markStarted();
    this.release(true);
  }

  private release(started: boolean): void {
    for (const resume of this.held) resume(started);
    this.held.clear();
  }

  /** Middleware (first of all): knows each request until its response is done or its connection gone. */
  readonly track: RequestHandler = (req, res, next) => {
    const request = { req, res };
    this.inFlight.add(request);
    res.once("close", () => this.inFlight.delete(request));
    if (this.current === "draining") res.set("Connection", "close");
    next();
  };

  /**
   * Middleware after the health checks: while starting (the migrations running: the database is not yet
   * what the code expects) every other request waits for the start to end, up to the hold; then, or if
   * the process is stopped first, it gets 503 starting in the asker's language.
   */
  readonly holdWhileStarting: RequestHandler = (req, res, next) => {
    if (this.current !== "starting") return next();
    const resume = (started: boolean) => {
      clearTimeout(timer);
      this.held.delete(resume);
      if (started) next();
      else i18n()(req, res, () => next(new StartingError()));
    };
    const timer = setTimeout(() => resume(false), this.startingHoldMs);
    this.held.add(resume);
  };

  /**
   * Stops serving: /readyz answers 503, every answer from now on closes its connection, and each upload
   * whose body is still arriving gets 503 shutting_down and its connection closed (the upload's own
   * clean-up removes what it had written). Answers how many uploads were cut off.
   */
  drain(logger: Logger): number {
    this.current = "draining";
    this.release(false);
    let aborted = 0;
    for (const { req, res } of this.inFlight) {
      if (!res.headersSent) res.set("Connection", "close");
      if (isMultipart(req) && !req.complete) {
        aborted += 1;
        abortUpload(req, res, logger);
      }
    }
    return aborted;
  }

  /** The requests still running, for the log when the grace period runs out (paths only: queries may hold tokens). */
  pending(): string[] {
    return [...this.inFlight].map(({ req }) => `${req.method} ${pathOf(req)}`);
  }
}

/** The path as the client sent it (a router's `req.path` lacks its mount point), without the query. */
const pathOf = (req: Request): string => req.originalUrl.split("?")[0];

function abortUpload(req: Request, res: Response, logger: Logger): void {
  // The request itself, not only its socket: once answered, Node no longer ends a request whose
  // connection closes, and the upload's clean-up runs on the request's abort.
  const cut = () => {
    req.destroy();
  };
  if (res.headersSent) return cut();
  // The client stops sending on the answer; the socket is closed once the answer is out.
  res.once("finish", cut);
  // Not through the error handler: it would first wait for the rest of the body, which is what is cut off.
  res.json({ error: startErrorAnswer(req, res, new ShuttingDownError()) });
  logger.info({ reqId: req.id, path: pathOf(req) }, "upload cut off by the stop");
}
