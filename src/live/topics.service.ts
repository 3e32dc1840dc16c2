import type { SessionUser } from "../accounts/accounts.service.js";
import { recordAudit } from "../audit/audit.service.js";
import { getContest } from "../contests/contests.service.js";
import type { AppContext } from "../context.js";
import type { UploadedFile } from "../http/upload.js";
import { ForbiddenError, ValidationError } from "../lib/errors.js";
import { translate, type Locale } from "../lib/i18n.js";
import { newId } from "../lib/ids.js";
import { readTableFile } from "../media/table-file.js";
import { MAX_TOPICS, topicColumn, topicsOf } from "./topics.js";
import * as q from "./topics.queries.js";

/** The topic bank's multipart field and its limit (2,000 topics of 500 characters fit well within). */
export const TOPICS_FIELD = "file";
export const TOPICS_MAX_BYTES = 5 * 1024 * 1024;

export interface TopicBank {
  topics: { position: number; text: string; drawn: boolean }[];
  /** Topics still to draw. */
  available: number;
}

async function organizersContest(ctx: AppContext, user: SessionUser, contestId: string) {
  const contest = await getContest(ctx, user, contestId);
  if (user.role !== "organizer") throw new ForbiddenError();
  return contest;
}

export async function listTopics(ctx: AppContext, user: SessionUser, contestId: string): Promise<TopicBank> {
  const contest = await organizersContest(ctx, user, contestId);
  const rows = await q.listTopics(ctx.db, contest.id);
  return {
    topics: rows.map((r) => ({ position: r.position, text: r.text, drawn: r.drawn })),
    available: rows.filter((r) => !r.drawn).length,
  };
}

/**
 * Imports an uploaded topic bank (CSV or XLSX by its bytes): its topics replace the ones not drawn yet
 * (a drawn topic stays, as it was given to a finalist, and is not imported again), in one transaction
 * audited `live.topics`. A bad file is refused whole and nothing is written; the upload is discarded
 * whatever happens.
 */
export async function importTopics(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  files: UploadedFile[],
): Promise<{ imported: number; topics: number }> {
  try {
    const contest = await organizersContest(ctx, user, contestId);
    const file = files.find((f) => f.role === TOPICS_FIELD);
    if (!file)
      throw new ValidationError("errors.topicsFileMissing", {}, { field: TOPICS_FIELD }, "topics_file_missing");
    const { format, records } = await readTableFile(file.path, {
      kind: "topics",
      maxRows: MAX_TOPICS,
      isHeader: (cells) => topicColumn(cells) >= 0,
    });
    const read = topicsOf(records);
    return await ctx.db.transaction(async (trx) => {
      const replaced = await q.deleteUndrawnTopics(trx, contest.id);
      const drawn = await q.listTopics(trx, contest.id);
      const drawnTexts = new Set(drawn.map((t) => t.text));
      const fresh = read.filter((text) => !drawnTexts.has(text));
      const first = drawn.reduce((max, t) => Math.max(max, t.position), 0) + 1;
      await q.insertTopics(
        trx,
        fresh.map((text, i) => ({ id: newId(), contestId: contest.id, position: first + i, text })),
      );
      await recordAudit(trx, ctx.clock, {
        actorId: user.id,
        action: "live.topics",
        targetType: "contest",
        targetId: contest.id,
        details: { format, imported: fresh.length, replaced, originalName: file.originalName.slice(0, 200) },
      });
      return { imported: fresh.length, topics: fresh.length };
    });
  } finally {
    await Promise.all(files.map((f) => ctx.storage.discard(f.path)));
  }
}

/** The template to fill in: the header and two examples, as an XLSX workbook. */
export async function topicsTemplate(
  ctx: AppContext,
  user: SessionUser,
  contestId: string,
  locale: Locale,
): Promise<Buffer> {
  await organizersContest(ctx, user, contestId);
  // Loaded when first needed: exceljs costs the server ~30 MB of memory from start otherwise.
  const { default: ExcelJS } = await import("exceljs");
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(translate(locale, "live.topics.sheetName"));
  sheet.addRow([translate(locale, "live.topics.header")]).font = { bold: true };
  sheet.addRow([translate(locale, "live.topics.example1")]);
  sheet.addRow([translate(locale, "live.topics.example2")]);
  sheet.getColumn(1).width = 60;
  return Buffer.from(await book.xlsx.writeBuffer());
}
