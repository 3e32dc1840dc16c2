import request from "supertest";
import { createActor, type Actor, type TestApp } from "./app.js";
import { seedActivity, seedNews, seedNewsFile, seedSummary } from "./reports.js";

/**
 * The week's duty that the role matrix and the bad-input table call the reports routes on, made through
 * the API (the week) and straight into the tables (the rest): the reporter's unit (石家庄, the coordinator's city) with an
 * activity to file for and one already filed (with an image and the unit's summary), and a unit of 唐山
 * with its own reporter and activity: another unit and another city for every caller.
 */
export interface ReportFixtures {
  weekId: string;
  /** The reporter's unit, in 石家庄 like the coordinator. */
  unitId: string;
  /** An activity of his unit without a news report. */
  openActivityId: string;
  /** An activity of his unit whose news report is filed, with an image. */
  filedActivityId: string;
  fileId: string;
  /** A unit of 唐山, its activity. */
  theirUnitId: string;
  theirActivityId: string;
}

export const OTHER_CITY = "唐山";

export async function makeReports(app: TestApp, admin: string, reporter: Actor): Promise<ReportFixtures> {
  const week = await request(app.server)
    .post("/api/v1/report-weeks")
    .set("Authorization", `Bearer ${admin}`)
    .send({ title: "矩阵活动周", summaryDueAt: "2026-09-10T23:59:59+08:00" });
  if (week.status !== 201) throw new Error(`week: ${week.status} ${JSON.stringify(week.body)}`);
  const weekId = week.body.week.id as string;
  const unitId = reporter.user.unitId!;
  const them = await createActor(app, "reporter", { city: OTHER_CITY, unit: "唐山矩阵单位" });
  const theirUnitId = them.user.unitId!;
  const activity = (unit: string, city: string, title: string) =>
    seedActivity(app, weekId, {
      unitId: unit,
      city,
      title,
      startsAt: "2026-05-20T01:00:00.000Z",
      endsAt: "2026-05-20T09:00:00.000Z",
    });
  const openActivityId = await activity(unitId, "石家庄", "待报送的活动");
  const filedActivityId = await activity(unitId, "石家庄", "已报送的活动");
  const theirActivityId = await activity(theirUnitId, OTHER_CITY, "别的单位的活动");
  const filed = { dueAt: "2026-05-23T15:59:59.999Z", filedAt: "2026-05-21T02:00:00.000Z" };
  const newsId = await seedNews(app, filedActivityId, unitId, { authorId: reporter.user.id, ...filed });
  await seedSummary(app, { weekId, unitId, authorId: reporter.user.id, ...filed });
  const fileId = await seedNewsFile(app, newsId, {
    role: "image",
    contentType: "png",
    bytes: Buffer.from("矩阵图片"),
    originalName: "a.png",
  });
  return { weekId, unitId, openActivityId, filedActivityId, fileId, theirUnitId, theirActivityId };
}
