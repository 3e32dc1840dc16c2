import { createHash } from "node:crypto";
import { createWriteStream, fdatasync } from "node:fs";
import { pipeline, Transform } from "node:stream";
import type { Request, Response } from "express";
import multer, { MulterError, type StorageEngine } from "multer";
import { AppError, asError, ValidationError } from "../lib/errors.js";
import type { Storage } from "../storage/storage.js";
import { multipartTextRefusal } from "./text-input.js";

/** A file received whole: on disk under an incoming path, with its size and SHA-256 taken while streaming. */
export interface UploadedFile {
  role: string;
  originalName: string;
  path: string;
  size: number;
  sha256: string;
}

export class FileTooLargeError extends AppError {
  constructor(role: string, maxBytes: number) {
    super(413, "file_too_large", "errors.fileTooLarge", { role, limit: maxBytes }, { role, maxBytes });
  }
}

/**
 * A multer storage engine that streams each file to an incoming path, hashing and counting as it goes,
 * and stops a file the moment it passes its role's size limit (never buffering a whole file in memory).
 */
class IncomingFileEngine implements StorageEngine {
  constructor(
    private readonly storage: Storage,
    private readonly maxBytesByRole: Record<string, number>,
  ) {}

  _handleFile(
    _req: Request,
    file: Express.Multer.File,
    done: (error?: unknown, info?: Partial<Express.Multer.File> & { sha256?: string }) => void,
  ): void {
    const target = this.storage.incomingPath();
    const limit = this.maxBytesByRole[file.fieldname] ?? 0;
    const hash = createHash("sha256");
    // flush: the file is on disk before the entry that points at it is committed and acknowledged.
    const out = createWriteStream(target, { highWaterMark: STREAM_BUFFER, flush: true });
    let size = 0;
    // The disk writes what has arrived while the rest is still arriving: a sync in the background every
    // SYNC_EVERY bytes leaves the final flush only the tail, instead of the whole file after the last byte.
    let syncedUpTo = 0;
    let syncing: Promise<void> | null = null;
    let fd: number | null = null;
    out.once("open", (opened: number) => (fd = opened));
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        size += chunk.length;
        if (size > limit) return next(new FileTooLargeError(file.fieldname, limit));
        hash.update(chunk);
        if (!syncing && fd !== null && size - syncedUpTo >= SYNC_EVERY) {
          const open = fd;
          syncedUpTo = size;
          syncing = new Promise((resolve) => fdatasync(open, () => resolve()));
          void syncing.then(() => (syncing = null));
        }
        next(null, chunk);
      },
      // The file is closed only after its last background sync: never a sync on a closed (or reused) descriptor.
      flush(done) {
        void (syncing ?? Promise.resolve()).then(() => done());
      },
    });
    // Known to multer at once, so an abort mid-file removes the partial file too.
    file.path = target;
    pipeline(file.stream, meter, out, (err) => {
      if (err) {
        void this.storage.discard(target).finally(() => done(err));
        return;
      }
      done(null, { path: target, size, sha256: hash.digest("hex") });
    });
  }

  _removeFile(_req: Request, file: Express.Multer.File, done: (error: Error | null) => void): void {
    this.storage.discard(file.path).then(() => done(null), done);
  }
}

const STREAM_BUFFER = 1024 * 1024;
const SYNC_EVERY = 32 * 1024 * 1024;

const FIELD_LIMITS = { fields: 30, fieldSize: 64 * 1024, fieldNameSize: 100, parts: 60 };

function uploadError(err: unknown, maxBytesByRole: Record<string, number>, maxFiles: (role: string) => number): Error {
  if (err instanceof MulterError) {
    // multer's own size limit (the largest role's) can fire before the engine's check of the same file.
    if (err.code === "LIMIT_FILE_SIZE" && err.field)
      return new FileTooLargeError(err.field, maxBytesByRole[err.field] ?? 0);
    // A known field past its count (a tenth image where nine are allowed).
    if (err.code === "LIMIT_UNEXPECTED_FILE" && err.field && err.field in maxBytesByRole)
      return new ValidationError(
        "errors.tooManyFiles",
        { role: err.field, max: maxFiles(err.field) },
        { field: err.field, max: maxFiles(err.field) },
        "too_many_files",
      );
    if (err.code === "LIMIT_UNEXPECTED_FILE")
      return new ValidationError(
        "errors.unknownFileField",
        { field: err.field ?? "" },
        { field: err.field },
        "unknown_file_field",
      );
    return new ValidationError("errors.uploadLimits", {}, { reason: err.code }, "upload_limits");
  }
  const message = err instanceof Error ? err.message : "";
  if (/Unexpected end of form|Malformed part header|Multipart: Boundary not found/i.test(message)) {
    return new ValidationError("errors.malformedUpload", {}, undefined, "malformed_upload");
  }
  return asError(err);
}

export interface UploadOptions {
  /**
   * Checks the text fields received before the first file part (well-behaved clients send them first);
   * a refusal is answered before a byte of any file is read. Not called for a request without files.
   */
  beforeFiles?: (fields: Record<string, unknown>) => Promise<void>;
  /** How many files a field may carry (one unless said): a news report's `images`, say. */
  maxFiles?: Record<string, number>;
}

/**
 * Receives a multipart request whose file fields are exactly `roles` (one file each unless
 * `options.maxFiles` allows more, each file under its role's size limit). Answers the text fields and the files; on any error every received file is already removed.
 */
export function receiveUpload(
  req: Request,
  res: Response,
  storage: Storage,
  maxBytesByRole: Record<string, number>,
  options: UploadOptions = {},
): Promise<{ fields: Record<string, unknown>; files: UploadedFile[] }> {
  const roles = Object.keys(maxBytesByRole);
  const maxFiles = (role: string) => options.maxFiles?.[role] ?? 1;
  const fileCount = roles.reduce((sum, role) => sum + maxFiles(role), 0);
  // multer 2 passes these to busboy; @types/multer does not list them yet.
  let settled = false;
  let fieldsChecked: Promise<void> | null = null;
  let refuseEarly: (err: unknown) => void = () => undefined;
  const multerOptions: multer.Options & { highWaterMark: number; fileHwm: number } = {
    storage: new IncomingFileEngine(storage, maxBytesByRole),
    // Every file part waits here until the rules the text fields decide have been checked (DESIGN §4):
    // the first part starts the check on the fields received so far, later ones wait for the same answer.
    fileFilter: (_req, _file, accept) => {
      if (!options.beforeFiles) return accept(null, true);
      if (!fieldsChecked) {
        const fields = { ...(req.body as Record<string, unknown>) };
        const refused = multipartTextRefusal(fields);
        fieldsChecked = refused ? Promise.reject(refused) : options.beforeFiles(fields);
        // Answered now, while the client is still sending; multer drains the rest until the connection closes.
        fieldsChecked.catch(refuseEarly);
      }
      fieldsChecked.then(
        () => accept(null, true),
        (err: unknown) => accept(asError(err)),
      );
    },
    // Larger stream buffers: fewer, bigger writes for files of hundreds of megabytes (see bench/upload.ts).
    highWaterMark: STREAM_BUFFER,
    fileHwm: STREAM_BUFFER,
    // Browsers send UTF-8 file names (Chinese names are the norm here); busboy assumes latin1 otherwise.
    defParamCharset: "utf8",
    // One spare file slot, so an unknown file field is reported as such rather than as "too many files".
    limits: { ...FIELD_LIMITS, files: fileCount + 1, fileSize: Math.max(1, ...Object.values(maxBytesByRole)) },
  };
  const middleware = multer(multerOptions).fields(roles.map((name) => ({ name, maxCount: maxFiles(name) })));
  return new Promise((resolve, reject) => {
    refuseEarly = (err) => {
      settled = true;
      reject(asError(err));
    };
    middleware(req, res, (err?: unknown) => {
      if (settled) return;
      if (err) return reject(uploadError(err, maxBytesByRole, maxFiles));
      const byField = (req.files ?? {}) as Record<string, (Express.Multer.File & { sha256: string })[]>;
      const files = Object.entries(byField).flatMap(([role, list]) =>
        list.map((file) => ({
          role,
          originalName: file.originalname,
          path: file.path,
          size: file.size,
          sha256: file.sha256,
        })),
      );
      const fields = { ...(req.body as Record<string, unknown>) };
      // NUL and control characters in a text field: refused as in a JSON body, the received files removed.
      const refused = multipartTextRefusal(fields);
      if (refused) return void Promise.all(files.map((f) => storage.discard(f.path))).finally(() => reject(refused));
      resolve({ fields, files });
    });
  });
}

export function isMultipart(req: Request): boolean {
  return Boolean(req.is("multipart/form-data"));
}
