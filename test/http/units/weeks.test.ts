import { expect } from "chai";
import request from "supertest";
import { currentWeek } from "../../../src/reports/weeks.service.js";
import { ADMIN, as, createActor, startTestApp, TestClock, tokenFor, type TestApp } from "../../helpers/app.js";
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/** Report weeks (DESIGN §3): the organizer opens one; the latest created is the current week. */
describe("report weeks", () => {
  // A still clock: two weeks made at the same instant must still have a latest.
  const clock = new TestClock(new Date("2026-09-01T02:00:00.000Z"));
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  it("with no week yet: the list is empty and the current week is 409 no_report_week", async () => {
    expect((await as(app, admin).get("/api/v1/report-weeks")).body).to.deep.equal({ weeks: [] });
    const refused = await currentWeek(app.ctx).then(
      () => null,
      (err: { status: number; code: string }) => err,
    );
    expect(refused).to.include({ status: 409, code: "no_report_week" });
  });

  it("the organizer opens weeks (201 {week}); the newest is listed first and is the current one", async () => {
    const first = await as(app, admin).post("/api/v1/report-weeks", {
      title: "2020 科技活动周",
      summaryDueAt: "2020-09-10T23:59:59+08:00",
    });
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect(first.body.week).to.include({
      title: "2020 科技活动周",
      newsDueDays: 3,
      summaryDueAt: "2020-09-10T15:59:59.000Z",
    });
    const second = await as(app, admin).post("/api/v1/report-weeks", {
      title: "2021 科技活动周",
      summaryDueAt: "2021-09-10T15:59:59Z",
    });
    expect(second.status).to.equal(201);
    const list = (await as(app, admin).get("/api/v1/report-weeks")).body.weeks;
    expect(list.map((w: { id: string }) => w.id)).to.deep.equal([second.body.week.id, first.body.week.id]);
    expect((await currentWeek(app.ctx)).id).to.equal(second.body.week.id);
    expect((await currentWeek(app.ctx, first.body.week.id)).title).to.equal("2020 科技活动周");
  });

  it("bad week input → 400, nothing written; other roles → 403", async () => {
    for (const body of [
      {},
      { title: "", summaryDueAt: "2020-09-10T15:59:59Z" },
      { title: "周", summaryDueAt: "2020-09-10" },
      { title: "周", summaryDueAt: "明天" },
      { title: "周", summaryDueAt: "2020-09-10T15:59:59Z", newsDueDays: 5 },
    ]) {
      const before = await writtenState(app);
      const res = await as(app, admin).post("/api/v1/report-weeks", body);
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(res.body.error.code).to.equal("validation_failed");
      await expectNothingWritten(app, before, JSON.stringify(body));
    }
    const coordinator = await createActor(app, "coordinator");
    const before = await writtenState(app);
    const res = await as(app, coordinator.token).post("/api/v1/report-weeks", {
      title: "周",
      summaryDueAt: "2020-09-10T15:59:59Z",
    });
    expect(res.status).to.equal(403);
    await expectNothingWritten(app, before);
    expect((await as(app, coordinator.token).get("/api/v1/report-weeks")).status).to.equal(403);
    expect((await request(app.server).get("/api/v1/report-weeks")).status).to.equal(401);
  });

  it("the week page takes the summary deadline in Shanghai time and refuses a malformed one", async () => {
    const page = await pageSession(app, ADMIN.email, ADMIN.password);
    const form = await page.get("/reports/weeks").set("Accept", "text/html");
    expect(form.status).to.equal(200);
    const bad = await page
      .post("/reports/weeks")
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrfOf(form.text), title: "2022 科技活动周", summaryDueAt: "2022-13-40T25:00" });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('value="2022 科技活动周"');
    const made = await page
      .post("/reports/weeks")
      .type("form")
      .send({ _csrf: csrfOf(form.text), title: "2022 科技活动周", summaryDueAt: "2022-09-10T23:59" });
    expect(made.status, made.text.slice(0, 300)).to.equal(303);
    const current = await currentWeek(app.ctx);
    expect(current).to.include({ title: "2022 科技活动周", summaryDueAt: "2022-09-10T15:59:00.000Z" });
    const shown = await page.get("/reports/weeks").set("Accept", "text/html");
    expect(shown.text).to.include("2022年09月10日 23:59").and.include('data-testid="current-week"');
  });
});
