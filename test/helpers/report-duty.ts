/**
 * The week's duty laid straight into the tables (activities, news reports, summaries), for the tests of
 * what is counted from them; the import and filing themselves are tested through their own API.
 */
import { randomUUID } from "node:crypto";
import type { TestApp } from "./app.js";

export async function insertActivity(
  app: TestApp,
  a: { weekId: string; unitId: string; city: string; title: string; startsAt: string; endsAt: string },
): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  await app.db("activities").insert({
    id,
    week_id: a.weekId,
    unit_id: a.unitId,
    city: a.city,
    title: a.title,
    theme: "科普行动",
    form: "现场活动",
    starts_at: a.startsAt,
    ends_at: a.endsAt,
    place: "",
    import_key: id,
    created_at: now,
    updated_at: now,
  });
  return id;
}

export async function insertNews(
  app: TestApp,
  n: { activityId: string; unitId: string; authorId: string; dueAt: string; filedAt: string },
): Promise<string> {
  const id = randomUUID();
  await app.db("news_reports").insert({
    id,
    activity_id: n.activityId,
    unit_id: n.unitId,
    author_id: n.authorId,
    text: "活动顺利举行。",
    due_at: n.dueAt,
    filed_at: n.filedAt,
    late: n.filedAt > n.dueAt,
    updated_at: n.filedAt,
  });
  return id;
}

export async function insertSummary(
  app: TestApp,
  s: { weekId: string; unitId: string; authorId: string; dueAt: string; filedAt: string },
): Promise<string> {
  const id = randomUUID();
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
