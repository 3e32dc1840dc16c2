import { recordAudit } from "../audit/audit.service.js";
import type { AppContext } from "../context.js";
import type { UploadedFile } from "../http/upload.js";
import { ValidationError, type MessageParams } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { readTableFile, type TableFormat } from "../media/table-file.js";
import * as q from "./accounts.queries.js";
import { generateInitialPassword } from "./accounts.passwords.service.js";
import type { SessionUser } from "./accounts.service.js";
import { hashPassword } from "./passwords.js";
import {
  checkRoster,
  detectHeader,
  MAX_ROSTER_ROWS,
  type CheckedRow,
  type RefusalCode,
  type RosterJudge,
  type RosterRecord,
} from "./roster.js";

/** The roster upload's multipart field and its limit. */
export const ROSTER_FIELD = "file";
export const ROSTER_MAX_BYTES = 5 * 1024 * 1024;

export type RosterFormat = TableFormat;

export interface ImportedRow {
  row: number;
  email: string;
  status: "imported";
  userId: string;
  /** Shown once, in this answer only: never stored in clear, logged or audited. */
  initialPassword: string;
}

export interface RefusedRow {
  row: number;
  email: string;
  status: "refused";
  reasonCode: RefusalCode;
  /** Message key `roster.reason.<code>` parameters, for the caller to put in the reader's language. */
  reasonParams: MessageParams;
}

export interface RosterReport {
  format: RosterFormat;
  imported: number;
  refused: number;
  rows: (ImportedRow | RefusedRow)[];
}

/** The records of an uploaded roster (a CSV or an XLSX, by its bytes), refused with the roster's messages. */
export async function readRoster(file: UploadedFile): Promise<{ format: RosterFormat; records: RosterRecord[] }> {
  return readTableFile(file.path, {
    kind: "roster",
    maxRows: MAX_ROSTER_ROWS,
    isHeader: (cells) => detectHeader(cells).missing.length === 0,
  });
}

/** Hashes run on libuv's thread pool (4 threads by default); more at once only queue. */
const HASH_CONCURRENCY = 4;

async function inBatches<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(work))));
  return out;
}

function refused(row: CheckedRow, reasonCode: RefusalCode, reasonParams: MessageParams): RefusedRow {
  return { row: row.row, email: row.email, status: "refused", reasonCode, reasonParams };
}

/**
 * Imports an uploaded roster: every good row becomes a judge with a random initial password, every bad
 * row is refused with its reason, all good rows in one transaction with one `user.import` audit record
 * (counts only: the passwords exist in clear in the answer and nowhere else). The uploaded files are
 * discarded whatever happens.
 */
export async function importRoster(ctx: AppContext, actor: SessionUser, files: UploadedFile[]): Promise<RosterReport> {
  try {
    const file = files.find((f) => f.role === ROSTER_FIELD);
    if (!file)
      throw new ValidationError("errors.rosterFileMissing", {}, { field: ROSTER_FIELD }, "roster_file_missing");
    return await importRosterFile(ctx, actor, file);
  } finally {
    await Promise.all(files.map((f) => ctx.storage.discard(f.path)));
  }
}

async function importRosterFile(ctx: AppContext, actor: SessionUser, file: UploadedFile): Promise<RosterReport> {
  const { format, records } = await readRoster(file);
  const { rows } = checkRoster(records);
  const report = new Map<number, ImportedRow | RefusedRow>();
  const candidates: { row: CheckedRow; judge: RosterJudge }[] = [];
  for (const row of rows) {
    if (row.refusal) report.set(row.row, refused(row, row.refusal.code, row.refusal.params));
    else if (await q.findUserByEmail(ctx.db, row.email))
      report.set(row.row, refused(row, "email_taken", { email: row.email }));
    else candidates.push({ row, judge: row.judge });
  }
  // Hashing (~25 ms each) happens before the transaction, so the database is never held while it runs.
  const prepared = await inBatches(candidates, HASH_CONCURRENCY, async (c) => {
    const password = generateInitialPassword(c.judge.email);
    return { ...c, password, passwordHash: await hashPassword(password) };
  });
  await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now().toISOString();
    for (const c of prepared) {
      // Registered meanwhile (another import, a registration): refused like any taken address.
      if (await q.findUserByEmail(trx, c.judge.email)) {
        report.set(c.row.row, refused(c.row, "email_taken", { email: c.judge.email }));
        continue;
      }
      const id = newId();
      await q.insertUser(trx, {
        id,
        ...c.judge,
        role: "judge",
        passwordHash: c.passwordHash,
        disabled: false,
        // The initial password is printed in the organizer's report: the judge replaces it at first login.
        mustChangePassword: true,
        createdAt: now,
        updatedAt: now,
      });
      report.set(c.row.row, {
        row: c.row.row,
        email: c.judge.email,
        status: "imported",
        userId: id,
        initialPassword: c.password,
      });
    }
    const all = [...report.values()];
    const imported = all.filter((r) => r.status === "imported").length;
    await recordAudit(trx, ctx.clock, {
      actorId: actor.id,
      action: "user.import",
      targetType: "user",
      targetId: null,
      details: {
        format,
        rows: all.length,
        imported,
        refused: all.length - imported,
        originalName: file.originalName.slice(0, 200),
      },
    });
  });
  const ordered = [...report.values()].sort((a, b) => a.row - b.row);
  const imported = ordered.filter((r) => r.status === "imported").length;
  return { format, imported, refused: ordered.length - imported, rows: ordered };
}
