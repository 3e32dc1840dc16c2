import type { SessionUser } from "../accounts/accounts.service.js";
import type { AppContext } from "../context.js";
import type { UploadedFile } from "../http/upload.js";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { isLate, newsDueAt, newsStatus, type NewsStatus } from "./due.js";
import * as q from "./news.queries.js";
import { parseEditNewsFields, parseFileNewsFields } from "./news.schemas.js";
import * as files from "./report-files.service.js";
import { currentWeek } from "./weeks.service.js";

/**
 * News reports (DESIGN §3): a unit's reporter files one per activity — text, up to 9 images, an optional
 * video — due by the end of the week's Nth Shanghai day after the activity; late ones are accepted and
 * marked; editable until the city's package is submitted.
 */

const MB = 1024 * 1024;

export const MAX_NEWS_IMAGES = 9;

export const NEWS_FILE_RULES: files.ReportFileRules = {
  images: { types: ["jpeg", "png", "webp"], maxBytes: 10 * MB, strip: true },
  // Published too: its title, artist, comment and location tags can name a person or a place.
  video: { types: ["mp4", "mov"], maxBytes: 100 * MB, maxSeconds: 5 * 60, strip: true },
};

/** receiveUpload's options for a news report's body. */
export const newsUpload = {
  limits: files.uploadLimits(NEWS_FILE_RULES),
  maxFiles: { images: MAX_NEWS_IMAGES },
};

type Upload = { fields: Record<string, unknown>; files: UploadedFile[] };

/** The stored rows of a report's files: the form's field `images` holds files of the role `image` (DESIGN §3). */
const newsFileRows = (newsId: string, stored: files.StoredReportFile[], now: string) =>
  files.fileRows(
    "news",
    newsId,
    stored.map((s) => (s.role === "images" ? { ...s, role: "image" } : s)),
    now,
  );

export interface NewsJson {
  id: string;
  activityId: string;
  text: string;
  dueAt: string;
  filedAt: string;
  late: boolean;
  updatedAt: string;
  images: files.ReportFileJson[];
  video: files.ReportFileJson | null;
}

/** The activity, when the user reports for its unit; 404 unknown, 403 another unit's (or not a reporter). */
async function activityToFile(ctx: AppContext, user: SessionUser, activityId: string): Promise<q.ActivityForNews> {
  const activity = await q.findActivity(ctx.db, activityId);
  if (!activity) throw new NotFoundError("errors.activityNotFound");
  if (user.role !== "reporter" || !user.unitId || user.unitId !== activity.unitId)
    throw new ForbiddenError("errors.otherUnitActivity");
  return activity;
}

/** The activity, when the user may read its report: the organizer, its city's coordinator, its unit's reporter. */
async function activityToRead(ctx: AppContext, user: SessionUser, activityId: string): Promise<q.ActivityForNews> {
  const activity = await q.findActivity(ctx.db, activityId);
  if (!activity) throw new NotFoundError("errors.activityNotFound");
  const may =
    user.role === "organizer" ||
    (user.role === "coordinator" && user.city === activity.city) ||
    (user.role === "reporter" && user.unitId === activity.unitId);
  if (!may) throw new ForbiddenError(user.role === "coordinator" ? "errors.otherCity" : "errors.otherUnitActivity");
  return activity;
}

function assertOpen(activity: q.ActivityForNews): void {
  if (activity.packageSubmitted) throw new ConflictError("package_submitted", "errors.packageSubmitted");
}

/** Before a byte of the body is read: the reporter's own activity, no report yet, the package not in. */
export async function assertMayFile(ctx: AppContext, user: SessionUser, activityId: string): Promise<void> {
  const activity = await activityToFile(ctx, user, activityId);
  if (await q.findNewsByActivity(ctx.db, activity.id)) throw new ConflictError("news_exists", "errors.newsExists");
  assertOpen(activity);
}

/** Before a byte of the body is read: the reporter's own activity, its report filed, the package not in. */
export async function assertMayEdit(ctx: AppContext, user: SessionUser, activityId: string): Promise<void> {
  const activity = await activityToFile(ctx, user, activityId);
  if (!(await q.findNewsByActivity(ctx.db, activity.id))) throw new NotFoundError("errors.newsNotFound");
  assertOpen(activity);
}

/** Removes the received files when `work` refuses before they were handed to storage. */
async function discardingOnRefusal<T>(ctx: AppContext, upload: Upload, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    await Promise.all(upload.files.map((f) => ctx.storage.discard(f.path)));
    throw err;
  }
}

/** Files the report: its files stored (images stripped) before its row commits; nothing kept on a refusal. */
export async function fileNews(
  ctx: AppContext,
  user: SessionUser,
  activityId: string,
  upload: Upload,
): Promise<{ id: string; late: boolean; dueAt: string }> {
  const fields = await discardingOnRefusal(ctx, upload, async () => {
    await assertMayFile(ctx, user, activityId);
    return parseFileNewsFields(upload.fields);
  });
  const stored = await files.storeReportFiles(ctx, upload.files, NEWS_FILE_RULES);
  try {
    return await ctx.db.transaction(async (trx) => {
      const activity = (await q.findActivity(trx, activityId))!;
      assertOpen(activity);
      const now = ctx.clock.now().toISOString();
      const dueAt = newsDueAt(activity.endsAt, activity.newsDueDays);
      const row: q.NewsRow = {
        id: newId(),
        activityId: activity.id,
        unitId: activity.unitId,
        authorId: user.id,
        text: fields.text.trim(),
        dueAt,
        filedAt: now,
        late: isLate(now, dueAt),
        updatedAt: now,
      };
      if (!(await q.insertNews(trx, row))) throw new ConflictError("news_exists", "errors.newsExists");
      await files.replaceFiles(trx, newsFileRows(row.id, stored, now));
      return { id: row.id, late: row.late, dueAt };
    });
  } catch (err) {
    await files.removeStoredFiles(
      ctx,
      stored.map((s) => s.key),
    );
    throw err;
  }
}

/** Edits the report: new text, and images or a video sent replace the stored ones; refused once the package is in. */
export async function editNews(
  ctx: AppContext,
  user: SessionUser,
  activityId: string,
  upload: Upload,
): Promise<NewsJson> {
  const fields = await discardingOnRefusal(ctx, upload, async () => {
    await assertMayEdit(ctx, user, activityId);
    const parsed = parseEditNewsFields(upload.fields);
    // An empty edit (no text, no file: e.g. a body the JSON parser did not read) is refused, not a silent touch.
    if (parsed.text === undefined && upload.files.length === 0)
      throw new ValidationError("errors.nothingToChange", {}, undefined, "validation_failed");
    return parsed;
  });
  const stored = await files.storeReportFiles(ctx, upload.files, NEWS_FILE_RULES);
  let replaced: string[];
  try {
    replaced = await ctx.db.transaction(async (trx) => {
      const activity = (await q.findActivity(trx, activityId))!;
      assertOpen(activity);
      const news = (await q.findNewsByActivity(trx, activityId))!;
      const now = ctx.clock.now().toISOString();
      await q.updateNewsText(trx, news.id, { text: fields.text?.trim(), updatedAt: now });
      return files.replaceFiles(trx, newsFileRows(news.id, stored, now));
    });
  } catch (err) {
    await files.removeStoredFiles(
      ctx,
      stored.map((s) => s.key),
    );
    throw err;
  }
  // The replaced files' rows are gone with the commit; their bytes follow.
  await files.removeStoredFiles(ctx, replaced);
  return getNews(ctx, user, activityId);
}

function newsJson(news: q.NewsRow, rows: files.ReportFileRow[]): NewsJson {
  const images = rows.filter((f) => f.role === "image").map(files.reportFileJson);
  const video = rows.find((f) => f.role === "video");
  return {
    id: news.id,
    activityId: news.activityId,
    text: news.text,
    dueAt: news.dueAt,
    filedAt: news.filedAt,
    late: news.late,
    updatedAt: news.updatedAt,
    images,
    video: video ? files.reportFileJson(video) : null,
  };
}

/** The activity's report with its files (organizer, its city's coordinator, its unit's reporters); 404 before it is filed. */
export async function getNews(ctx: AppContext, user: SessionUser, activityId: string): Promise<NewsJson> {
  const activity = await activityToRead(ctx, user, activityId);
  const news = await q.findNewsByActivity(ctx.db, activity.id);
  if (!news) throw new NotFoundError("errors.newsNotFound");
  return newsJson(news, await files.filesOf(ctx, "news", [news.id]));
}

export interface MyActivity {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  dueAt: string;
  status: NewsStatus;
  /** Its report may still be filed or edited: the city's package is not in. */
  open: boolean;
  news: { id: string; late: boolean; filedAt: string } | null;
}

/** The reporter's unit's activities of the current week, each with its due time and where its report stands. */
export async function myActivities(
  ctx: AppContext,
  user: SessionUser,
): Promise<{ unitName: string | null; noWeek: boolean; activities: MyActivity[] }> {
  if (user.role !== "reporter" || !user.unitId) throw new ForbiddenError();
  const week = await currentWeek(ctx).catch((err: unknown) => {
    // No week opened yet: nothing to report, which the page says.
    if (err instanceof ConflictError && err.code === "no_report_week") return null;
    throw err;
  });
  if (!week) return { unitName: null, noWeek: true, activities: [] };
  const now = ctx.clock.now();
  const rows = await q.unitActivities(ctx.db, week.id, user.unitId);
  return {
    unitName: rows[0]?.unitName ?? null,
    noWeek: false,
    activities: rows.map((a) => {
      const dueAt = a.news?.dueAt ?? newsDueAt(a.endsAt, a.newsDueDays);
      return {
        id: a.id,
        title: a.title,
        startsAt: a.startsAt,
        endsAt: a.endsAt,
        dueAt,
        status: newsStatus(a.news, dueAt, now),
        open: !a.packageSubmitted,
        news: a.news && { id: a.news.id, late: a.news.late, filedAt: a.news.filedAt },
      };
    }),
  };
}

/** An activity and its report (or null) for the reporter's filing page. */
export async function newsForFiling(
  ctx: AppContext,
  user: SessionUser,
  activityId: string,
): Promise<{ activity: q.ActivityForNews; dueAt: string; news: NewsJson | null }> {
  const activity = await activityToFile(ctx, user, activityId);
  const news = await q.findNewsByActivity(ctx.db, activity.id);
  return {
    activity,
    dueAt: news?.dueAt ?? newsDueAt(activity.endsAt, activity.newsDueDays),
    news: news && newsJson(news, await files.filesOf(ctx, "news", [news.id])),
  };
}
