/**
 * Report rows written straight into the tables, for tests that count or show them (the dashboard,
 * the public pages) without going through the import and filing forms.
 */
import { writeFileSync } from "node:fs";
import { newId } from "../../src/lib/ids.js";
import { ADMIN, type TestApp } from "./app.js";

const AT = "2026-05-01T00:00:00.000Z";

export async function seedWeek(app: TestApp, title = "2026 科技活动周"): Promise<string> {
  const id = newId();
  await app
    .db("report_weeks")
    .insert({ id, title, news_due_days: 3, summary_due_at: "2026-06-10T15:59:59.999Z", created_at: AT });
  return id;
}

export async function seedUnit(app: TestApp, name: string, city: string, kind: string): Promise<string> {
  const id = newId();
  await app.db("units").insert({ id, name, name_key: name, city, kind, created_at: AT, updated_at: AT });
  return id;
}

export interface SeedActivity {
  unitId: string;
  city: string;
  title: string;
  theme?: string;
  form?: string;
  startsAt: string;
  endsAt: string;
}

export async function seedActivity(app: TestApp, weekId: string, a: SeedActivity): Promise<string> {
  const id = newId();
  await app.db("activities").insert({
    id,
    week_id: weekId,
    unit_id: a.unitId,
    city: a.city,
    title: a.title,
    theme: a.theme ?? "科普行动",
    form: a.form ?? "现场活动",
    starts_at: a.startsAt,
    ends_at: a.endsAt,
    place: "线上",
    import_key: id,
    created_at: AT,
    updated_at: AT,
  });
  return id;
}

/** The first organizer: the author of seeded reports and the submitter of seeded packages. */
export async function adminId(app: TestApp): Promise<string> {
  return String((await app.db("users").where({ email: ADMIN.email }).first("id")).id);
}

export async function seedNews(
  app: TestApp,
  activityId: string,
  unitId: string,
  news: { authorId: string; text?: string; late?: boolean; dueAt?: string; filedAt?: string },
): Promise<string> {
  const id = newId();
  const dueAt = news.dueAt ?? "2026-05-23T15:59:59.999Z";
  const filedAt = news.filedAt ?? AT;
  await app.db("news_reports").insert({
    id,
    activity_id: activityId,
    unit_id: unitId,
    author_id: news.authorId,
    text: news.text ?? "活动顺利举行。",
    due_at: dueAt,
    filed_at: filedAt,
    late: news.late ?? filedAt > dueAt,
    updated_at: filedAt,
  });
  return id;
}

export async function seedSummary(
  app: TestApp,
  s: { weekId: string; unitId: string; authorId: string; dueAt: string; filedAt: string },
): Promise<string> {
  const id = newId();
  await app.db("unit_summaries").insert({
    id,
    week_id: s.weekId,
    unit_id: s.unitId,
    author_id: s.authorId,
    due_at: s.dueAt,
    filed_at: s.filedAt,
    late: s.filedAt > s.dueAt,
    updated_at: s.filedAt,
  });
  return id;
}

/** A stored file of a news report or a unit summary, its bytes through the real storage. */
export async function seedReportFile(
  app: TestApp,
  owner: { type: "news" | "summary"; id: string },
  file: { role: "image" | "video" | "document"; contentType: string; bytes: Buffer; originalName: string },
): Promise<string> {
  const incoming = app.ctx.storage.incomingPath();
  writeFileSync(incoming, file.bytes);
  const id = newId();
  await app.db("report_files").insert({
    id,
    owner_type: owner.type,
    owner_id: owner.id,
    role: file.role,
    position: 0,
    storage_key: await app.ctx.storage.adopt(incoming),
    original_name: file.originalName,
    content_type: file.contentType,
    size: file.bytes.length,
    sha256: "0".repeat(64),
    created_at: AT,
  });
  return id;
}

/** A stored file of a news report (most tests' kind). */
export function seedNewsFile(
  app: TestApp,
  newsId: string,
  file: { role: "image" | "video"; contentType: string; bytes: Buffer; originalName: string },
): Promise<string> {
  return seedReportFile(app, { type: "news", id: newsId }, file);
}

export async function seedPackage(app: TestApp, weekId: string, city: string): Promise<void> {
  await app.db("city_packages").insert({
    id: newId(),
    week_id: weekId,
    city,
    submitted_at: "2026-05-27T02:00:00.000Z",
    submitted_by: await adminId(app),
  });
}
