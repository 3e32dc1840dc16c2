/**
 * The public 网络展厅 (DESIGN §3): each city's published news reports — published once the city's
 * package is submitted — with the unit, the activity, the text, images and video, and nothing about
 * the people who filed them. Files are served by report_files id only (report-files.service), and only a published report's.
 */
import { CITIES, normalizeCity } from "../accounts/cities.js";
import type { AppContext } from "../context.js";
import type { SendableFile } from "../http/send-file.js";
import { NotFoundError } from "../lib/errors.js";
import { judgeMayReadReportFile } from "./evaluation.service.js";
import * as q from "./public.queries.js";
import { publicMayRead, sendableReportFile, staffMayRead, type ReportFileOwnerFacts } from "./report-files.service.js";

export const REPORTS_PER_PAGE = 20;

/** Every city with how many news reports it has published (0 until its package is in). */
export async function publishedCities(ctx: AppContext): Promise<{ city: string; count: number }[]> {
  const counts = new Map((await q.publishedCountsByCity(ctx.db)).map((r) => [r.city, r.count]));
  return CITIES.map((c) => ({ city: c.name, count: counts.get(c.name) ?? 0 }));
}

export interface PublicNews extends q.PublishedNewsRow {
  images: string[];
  video: string | null;
}

export interface PublicCityPage {
  city: string;
  reports: PublicNews[];
  page: number;
  pages: number;
  total: number;
}

/** A page of the city's published news; the city as any alias normalizeCity accepts, else 404. */
export async function publicCity(ctx: AppContext, cityName: string, page: number): Promise<PublicCityPage> {
  const city = normalizeCity(cityName);
  if (!city) throw new NotFoundError();
  const total = await q.countPublished(ctx.db, city);
  const rows = await q.publishedNews(ctx.db, city, { limit: REPORTS_PER_PAGE, offset: (page - 1) * REPORTS_PER_PAGE });
  const files = await q.filesOfNews(
    ctx.db,
    rows.map((r) => r.id),
  );
  const reports = rows.map((r) => {
    const own = files.filter((f) => f.ownerId === r.id);
    return {
      ...r,
      images: own.filter((f) => f.role === "image").map((f) => f.id),
      video: own.find((f) => f.role === "video")?.id ?? null,
    };
  });
  return { city, reports, page, pages: Math.max(1, Math.ceil(total / REPORTS_PER_PAGE)), total };
}

export interface FileReader {
  id: string;
  role: string;
  city: string | null;
  unitId?: string | null;
}

/**
 * Who signed in may read a report file: the staff who may (report-files.service), and a judge assigned
 * the unit's entry in the week's evaluation (he reads the unit's material beside its score sheet).
 */
function signedInMayRead(ctx: AppContext, user: FileReader) {
  const staff = staffMayRead(user);
  return async (owner: ReportFileOwnerFacts): Promise<boolean> =>
    staff(owner) || (user.role === "judge" && (await judgeMayReadReportFile(ctx, user.id, owner)));
}

/** GET /api/v1/report-files/:id: a report file to whoever signed in may read it; else 404, its existence not told. */
export function reportFileFor(ctx: AppContext, user: FileReader, id: string): Promise<SendableFile> {
  return sendableReportFile(ctx, id, signedInMayRead(ctx, user));
}

/**
 * GET /reports/files/:id: a published news report's file to anyone, any other only to whoever signed
 * in may read it; else 404.
 */
export async function publicReportFile(ctx: AppContext, user: FileReader | null, id: string): Promise<SendableFile> {
  const reader = user ? signedInMayRead(ctx, user) : () => false;
  return sendableReportFile(
    ctx,
    id,
    async (owner) => (owner.ownerType === "news" && publicMayRead(owner)) || (await reader(owner)),
  );
}
