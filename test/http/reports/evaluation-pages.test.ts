import { expect } from "chai";
import request from "supertest";
import {
  ADMIN,
  as,
  createActor,
  startTestApp,
  TestClock,
  tokenFor,
  type Actor,
  type TestApp,
} from "../../helpers/app.js";
import { check } from "../../helpers/entries.js";
import { csrfOf, pageSession, type PageAgent } from "../../helpers/pages.js";
import {
  seedActivity,
  seedNews,
  seedPackage,
  seedReportFile,
  seedSummary,
  seedUnit,
  seedWeek,
} from "../../helpers/reports.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * The unit evaluation through the pages (DESIGN §3 "Evaluation"): the organizer's button on the weeks
 * page, and the unit's material on its judges' sheets, its files served to those judges only. The rules
 * themselves (which cities, one per week, the contest made) are tested through the API in evaluation.test.ts.
 */
describe("reports: unit evaluation pages", () => {
  const clock = new TestClock(new Date("2026-05-25T02:00:00.000Z"));
  let app: TestApp;
  let organizer: PageAgent;
  let weekId: string;
  let reporter: Actor;
  /** The files of 河北大学's news report (published: 保定 submits) and of its summary (never public). */
  const files: Record<"image" | "video" | "document", string> = { image: "", video: "", document: "" };
  const NEWS_TEXT = "河北大学科普开放日吸引了三百名中学生参观实验室。";

  const activity = (unitId: string, city: string, title: string) =>
    seedActivity(app, weekId, {
      unitId,
      city,
      title,
      theme: "科普行动",
      form: "现场活动",
      startsAt: "2026-05-20T01:00:00.000Z",
      endsAt: "2026-05-20T09:00:00.000Z",
    });

  /** Presses the week's button (ticking these cities) and answers the weeks page it is sent back to. */
  async function pressCreate(cities: string[] = []): Promise<string> {
    const page = (await organizer.get("/reports/weeks").expect(200)).text;
    const res = await organizer
      .post(`/reports/weeks/${weekId}/evaluation`)
      .type("form")
      .send(
        new URLSearchParams([
          ["_csrf", csrfOf(page)],
          ...cities.map((c): [string, string] => ["cities", c]),
        ]).toString(),
      );
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.location).to.equal("/reports/weeks");
    return (await organizer.get("/reports/weeks").expect(200)).text;
  }

  before(async () => {
    app = await startTestApp({ clock });
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    weekId = await seedWeek(app);
    const hebei = await seedUnit(app, "河北大学", "保定", "高校");
    reporter = await createActor(app, "reporter", { unitId: hebei, name: "王报道员" });
    const news = await seedNews(app, await activity(hebei, "保定", "科普开放日"), hebei, {
      text: NEWS_TEXT,
      late: true,
      authorId: reporter.user.id,
    });
    const summary = await seedSummary(app, {
      weekId,
      unitId: hebei,
      authorId: reporter.user.id,
      dueAt: "2026-06-10T15:59:59.999Z",
      filedAt: "2026-06-01T02:00:00.000Z",
    });
    const bytes = Buffer.from("stored bytes");
    const stored = [
      { key: "image", owner: { type: "news", id: news }, contentType: "png", originalName: "王报道员.png" },
      { key: "video", owner: { type: "news", id: news }, contentType: "mp4", originalName: "v.mp4" },
      { key: "document", owner: { type: "summary", id: summary }, contentType: "pdf", originalName: "总结.pdf" },
    ] as const;
    for (const f of stored)
      files[f.key] = await seedReportFile(app, f.owner, {
        role: f.key,
        contentType: f.contentType,
        bytes,
        originalName: f.originalName,
      });
    await activity(await seedUnit(app, "唐山学院", "唐山", "高校"), "唐山", "科学讲座");
  });
  after(() => app.close());

  it("the weeks page's button refuses without the packages (flashed), then makes the evaluation once and links to it", async () => {
    let before = await writtenState(app);
    const none = await pressCreate();
    expect(none).to.contain("还没有城市提交材料包").and.contain('data-testid="no-packages"');
    const csrfLess = await organizer.post(`/reports/weeks/${weekId}/evaluation`).type("form").send({});
    expect(csrfLess.status).to.equal(403);
    await expectNothingWritten(app, before, "no package");

    await seedPackage(app, weekId, "保定");
    before = await writtenState(app);
    const missing = await pressCreate();
    expect(missing).to.contain("以下城市尚未提交材料包：唐山");
    expect(missing).to.contain(`value="保定" data-testid="evaluation-city"`);
    await expectNothingWritten(app, before, "唐山 missing");

    const made = await pressCreate(["保定"]);
    const row = await app.db("report_evaluations").where({ week_id: weekId }).first();
    expect(made).to.contain("优秀组织单位评选").and.contain(`href="/contests/${row.contest_id}"`);
    expect(made).not.to.contain('data-testid="evaluation-form"');
    const entries = await app.db("entries").where({ contest_id: row.contest_id }).pluck("title");
    expect(entries).to.deep.equal(["河北大学"]);

    before = await writtenState(app);
    // A second press (a stale page, another tab) is refused with the reason.
    const page = (await organizer.get("/reports/weeks")).text;
    const again = await organizer
      .post(`/reports/weeks/${weekId}/evaluation`)
      .type("form")
      .send({ _csrf: csrfOf(page) });
    expect(again.status).to.equal(303);
    expect((await organizer.get("/reports/weeks")).text).to.contain("本活动周已建立单位评选");
    await expectNothingWritten(app, before, "a second evaluation");
  });

  it("the judge of the unit's entry sees its material on his sheet and reads its files; another judge and the public get 404", async () => {
    const contestId = String((await app.db("report_evaluations").where({ week_id: weekId }).first()).contest_id);
    const entry = await app.db("entries").where({ contest_id: contestId }).first();
    const [judge, other] = [await createActor(app, "judge"), await createActor(app, "judge")];
    const admin = as(app, await tokenFor(app, ADMIN.email, ADMIN.password));
    check(
      await admin.put(`/api/v1/contests/${contestId}/judges`, { judgeIds: [judge.user.id, other.user.id] }),
      "pool",
    );
    const assignment = check(
      await admin.post(`/api/v1/contests/${contestId}/assignments`, { entryId: entry.id, judgeId: judge.user.id }),
      "assign",
    ).body.assignment.id as string;
    check(
      await as(app, judge.token).post(`/api/v1/contests/${contestId}/declaration`, { accept: true }),
      "declaration",
    );

    const judgePage = await pageSession(app, judge.email, judge.password);
    const html = (await judgePage.get(`/judge/assignments/${assignment}`).expect(200)).text;
    const links = (testId: string) =>
      [...html.matchAll(new RegExp(`href="([^"]+)" data-testid="${testId}"`, "g"))].map((m) => m[1]);
    expect(["news-image", "news-video", "summary-document", "summary-video"].map(links)).to.deep.equal([
      [`/reports/files/${files.image}`],
      [`/reports/files/${files.video}`],
      [`/reports/files/${files.document}`],
      [],
    ]);
    expect(html).to.contain("科普开放日").and.contain(NEWS_TEXT);
    // The entry is the unit: nothing names the reporter who filed for it.
    expect(html).not.to.contain(reporter.user.name).and.not.to.contain(reporter.email);

    const otherPage = await pageSession(app, other.email, other.password);
    for (const id of Object.values(files)) {
      expect((await judgePage.get(`/reports/files/${id}`)).status, id).to.equal(200);
      expect((await as(app, judge.token).get(`/api/v1/report-files/${id}`)).status, id).to.equal(200);
      expect((await as(app, other.token).get(`/api/v1/report-files/${id}`)).status, id).to.equal(404);
    }
    // The summary is never published; the news image is (保定 submitted), to anyone on the page route.
    expect((await otherPage.get(`/reports/files/${files.document}`)).status).to.equal(404);
    expect((await request(app.server).get(`/reports/files/${files.document}`)).status).to.equal(404);
    expect((await request(app.server).get(`/reports/files/${files.image}`)).status).to.equal(200);
  });
});
