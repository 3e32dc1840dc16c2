import { expect } from "chai";
import { isCityLocked } from "../../../src/reports/packages.service.js";
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
import { csrfOf, pageSession } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";
import { seedActivity, seedNews, seedSummary } from "../../helpers/reports.js";

/** The week's status per unit, the coordinator's city page and the city package (DESIGN §3 "Status", "City package"). */
describe("report status and city packages", () => {
  // 2026-05-25 10:00 in Shanghai: activities that ended on 5-20 were due 5-23 23:59:59.999 Shanghai.
  const clock = new TestClock(new Date("2026-05-25T02:00:00.000Z"));
  const DUE_0520 = "2026-05-23T15:59:59.999Z";
  let app: TestApp;
  let admin: string;
  let baoding: Actor;
  let tangshan: Actor;
  let reporterA: Actor;
  let weekId: string;
  const unit = { a: "", b: "", c: "" };
  const activity = { missingPastDue: "", missingLater: "", missingB: "" };

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    baoding = await createActor(app, "coordinator", { city: "保定" });
    tangshan = await createActor(app, "coordinator", { city: "唐山" });
    reporterA = await createActor(app, "reporter", { unit: "河北大学", city: "保定" });
    const reporterC = await createActor(app, "reporter", { unit: "唐山学院", city: "唐山" });
    unit.a = reporterA.user.unitId!;
    unit.c = reporterC.user.unitId!;
    // A unit with no reporter account: it owes material but cannot be reminded.
    unit.b = (
      await as(app, admin).post("/api/v1/units", { name: "保定市科技馆", city: "保定", kind: "科研院所" })
    ).body.unit.id;
    weekId = (
      await as(app, admin).post("/api/v1/report-weeks", {
        title: "2026 科技活动周",
        summaryDueAt: "2026-05-24T15:59:59Z",
      })
    ).body.week.id;

    const ending = (day: string) => ({ startsAt: `${day}T01:00:00.000Z`, endsAt: `${day}T03:00:00.000Z` });
    const filed = async (unitId: string, city: string, author: string, title: string, filedAt: string) => {
      const id = await seedActivity(app, weekId, { unitId, city, title, ...ending("2026-05-20") });
      await seedNews(app, id, unitId, { authorId: author, dueAt: DUE_0520, filedAt });
    };
    await filed(unit.a, "保定", reporterA.user.id, "校园科普日", "2026-05-23T15:30:00.000Z");
    // 00:30 on 5-24 in Shanghai: past midnight, so late.
    await filed(unit.a, "保定", reporterA.user.id, "院士报告会", "2026-05-23T16:30:00.000Z");
    activity.missingPastDue = await seedActivity(app, weekId, {
      unitId: unit.a,
      city: "保定",
      title: "实验室开放日",
      ...ending("2026-05-20"),
    });
    activity.missingLater = await seedActivity(app, weekId, {
      unitId: unit.a,
      city: "保定",
      title: "科普直播",
      ...ending("2026-05-24"),
    });
    activity.missingB = await seedActivity(app, weekId, {
      unitId: unit.b,
      city: "保定",
      title: "机器人展",
      ...ending("2026-05-21"),
    });
    await filed(unit.c, "唐山", reporterC.user.id, "唐山科普游", "2026-05-21T00:00:00.000Z");
    await seedSummary(app, {
      weekId,
      unitId: unit.a,
      authorId: reporterA.user.id,
      dueAt: "2026-05-24T15:59:59.000Z",
      filedAt: "2026-05-25T01:00:00.000Z",
    });
  });
  after(() => app.close());

  const figures = (units: { unitId: string }[]) =>
    Object.fromEntries(units.map(({ unitId, ...rest }) => [unitId, rest]));

  it("the coordinator sees exactly his city's units: activities, on time, late, missing and the summary", async () => {
    const res = await as(app, baoding.token).get("/api/v1/report-status");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(figures(res.body.units)).to.deep.equal({
      [unit.a]: {
        unit: "河北大学",
        city: "保定",
        kind: "其他",
        activities: 4,
        onTime: 1,
        late: 1,
        missing: 2,
        summary: "late",
      },
      [unit.b]: {
        unit: "保定市科技馆",
        city: "保定",
        kind: "科研院所",
        activities: 1,
        onTime: 0,
        late: 0,
        missing: 1,
        summary: "missing",
      },
    });
    expect(res.body.package).to.equal(null);
    // His own city by any alias is still his.
    expect((await as(app, baoding.token).get("/api/v1/report-status?city=Baoding")).status).to.equal(200);
  });

  it("another city's coordinator → 403; the organizer sees any city or all; others → 403", async () => {
    const refused = await as(app, tangshan.token).get(`/api/v1/report-status?city=${encodeURIComponent("保定")}`);
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal("forbidden");
    const all = await as(app, admin).get("/api/v1/report-status");
    expect(all.body.units.map((u: { unitId: string }) => u.unitId).sort()).to.deep.equal(
      [unit.a, unit.b, unit.c].sort(),
    );
    const tangshanOnly = await as(app, admin).get(`/api/v1/report-status?city=${encodeURIComponent("唐山市")}`);
    expect(figures(tangshanOnly.body.units)[unit.c]).to.include({ activities: 1, onTime: 1, missing: 0 });
    expect((await as(app, reporterA.token).get("/api/v1/report-status")).status).to.equal(403);
    expect((await as(app, admin).get("/api/v1/report-status?city=Atlantis")).status).to.equal(400);
    expect((await as(app, admin).get("/api/v1/report-status?week=nope")).status).to.equal(404);
  });

  it("a coordinator acting for another city (status, package, reminder) → 403 with the reason, in English on request; nothing written", async () => {
    const baodingPath = `/cities/${encodeURIComponent("保定")}`;
    const before = await writtenState(app);
    const status = await as(app, tangshan.token).get(`/api/v1/report-status?city=${encodeURIComponent("保定市")}`);
    expect(status.status).to.equal(403);
    expect(status.body.error).to.include({ code: "forbidden", message: "您只能查看和处理本市的单位与报送材料" });
    const pkg = await as(app, tangshan.token)
      .post(`/api/v1${baodingPath}/package`)
      .set("Accept-Language", "en")
      .send({});
    expect(pkg.status).to.equal(403);
    expect(pkg.body.error.message).to.equal("You may only see and act for your own city's units and reports");
    const page = await pageSession(app, tangshan.email, tangshan.password);
    const csrf = csrfOf((await page.get("/reports/cities/Tangshan/status").set("Accept", "text/html")).text);
    const remind = await page
      .post(`/reports${baodingPath}/remind`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, unitId: unit.a });
    expect(remind.status).to.equal(403);
    expect(remind.text).to.include("您只能查看和处理本市的单位与报送材料");
    await expectNothingWritten(app, before, "acting for another city");
  });

  it("the city page lists what is missing from whom with due dates; a reminder only where a reporter has an e-mail", async () => {
    const page = await pageSession(app, baoding.email, baoding.password);
    const html = (await page.get(`/reports/cities/${encodeURIComponent("保定")}/status`).set("Accept", "text/html"))
      .text;
    const owing = (unitId: string) => {
      const start = html.indexOf(`data-testid="owing" data-unit="${unitId}"`);
      return html.slice(start, html.indexOf("</div>", start));
    };
    const a = owing(unit.a);
    expect(a).to.contain("实验室开放日").and.contain("2026年05月23日 23:59").and.contain("科普直播");
    expect(a).to.contain("2026年05月27日 23:59").and.not.contain("校园科普日").and.not.contain("院士报告会");
    // Past due marked only on the activity whose due time has passed.
    expect(a.match(/已逾期/g)).to.have.length(1);
    expect(a).not.to.contain('data-testid="owed-summary"');
    expect(a).to.contain('data-testid="remind"');
    const b = owing(unit.b);
    expect(b).to.contain("机器人展").and.contain('data-testid="owed-summary"').and.contain('data-testid="no-email"');
    expect(b).not.to.contain('data-testid="remind"');

    const other = await pageSession(app, tangshan.email, tangshan.password);
    expect(
      (await other.get(`/reports/cities/${encodeURIComponent("保定")}/status`).set("Accept", "text/html")).status,
    ).to.equal(403);
  });

  it("a reminder is recorded (audited) and offers a mailto: link to the unit's reporters; none without an e-mail", async () => {
    const page = await pageSession(app, baoding.email, baoding.password);
    const path = `/reports/cities/${encodeURIComponent("保定")}`;
    const csrf = csrfOf((await page.get(`${path}/status`).set("Accept", "text/html")).text);
    const res = await page
      .post(`${path}/remind`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, unitId: unit.a });
    expect(res.status).to.equal(200);
    const reminder = res.text.slice(res.text.indexOf('data-testid="reminder"'));
    const mailto = /href="(mailto:[^"]+)" data-testid="mailto"/.exec(reminder)![1].replace(/&amp;/g, "&");
    expect(decodeURIComponent(mailto)).to.contain(reporterA.email).and.contain("实验室开放日");
    const audit = await app.db("audit_log").where({ action: "reports.remind" });
    expect(audit).to.have.length(1);
    expect(audit[0].target_id).to.equal(unit.a);

    const before = await writtenState(app);
    const refused = await page
      .post(`${path}/remind`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, unitId: unit.b });
    expect(refused.status).to.equal(409);
    await expectNothingWritten(app, before);
  });

  it("the package: another city's coordinator → 403; the city's → 201 and locked; a second → 409; nothing written when refused", async () => {
    let before = await writtenState(app);
    const refused = await as(app, tangshan.token).post(`/api/v1/cities/${encodeURIComponent("保定")}/package`);
    expect(refused.status).to.equal(403);
    await expectNothingWritten(app, before);

    const res = await as(app, baoding.token).post(`/api/v1/cities/${encodeURIComponent("保定市")}/package`);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.package).to.deep.equal({
      city: "保定",
      weekId,
      submittedAt: clock.now().toISOString(),
      submittedBy: baoding.user.id,
      units: 2,
      news: 2,
      summaries: 1,
    });
    expect(await isCityLocked(app.db, weekId, "保定")).to.equal(true);
    expect(await isCityLocked(app.db, weekId, "唐山")).to.equal(false);
    expect((await as(app, baoding.token).get("/api/v1/report-status")).body.package).to.deep.equal({
      submittedAt: clock.now().toISOString(),
    });
    expect(await app.db("audit_log").where({ action: "reports.package" })).to.have.length(1);

    before = await writtenState(app);
    const again = await as(app, admin).post(`/api/v1/cities/Baoding/package`);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal("package_submitted");
    await expectNothingWritten(app, before);
    expect((await as(app, reporterA.token).post(`/api/v1/cities/Tangshan/package`)).status).to.equal(403);
    expect((await as(app, admin).post(`/api/v1/cities/Atlantis/package`)).status).to.equal(400);
  });

  it("the page's 提交城市材料包 asks for confirmation first, then submits; the organizer's page shows every city", async () => {
    const page = await pageSession(app, tangshan.email, tangshan.password);
    const path = `/reports/cities/${encodeURIComponent("唐山")}`;
    const csrf = csrfOf((await page.get(`${path}/status`).set("Accept", "text/html")).text);
    const before = await writtenState(app);
    const asked = await page.post(`${path}/package`).type("form").set("Accept", "text/html").send({ _csrf: csrf });
    expect(asked.status).to.equal(200);
    expect(asked.text).to.contain('data-testid="confirmation"').and.contain("1 个单位、1 篇新闻报道、0 份单位总结");
    await expectNothingWritten(app, before);
    const done = await page
      .post(`${path}/package`)
      .type("form")
      .set("Accept", "text/html")
      .send({ _csrf: csrf, confirmed: "1" });
    expect(done.status).to.equal(303);
    expect(await isCityLocked(app.db, weekId, "唐山")).to.equal(true);

    const organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    const overview = (await organizer.get("/reports/status").set("Accept", "text/html")).text;
    const row = (city: string) => {
      const start = overview.indexOf(`data-city="${city}"`);
      return overview.slice(start, overview.indexOf("</tr>", start));
    };
    expect(row("保定"))
      .to.contain('data-testid="missing">3<')
      .and.contain("已于")
      .and.contain(`href="/reports/cities/${encodeURIComponent("保定")}/status"`);
    expect(row("唐山")).to.contain('data-testid="on-time">1<');
    const coordinatorPage = await pageSession(app, baoding.email, baoding.password);
    expect((await coordinatorPage.get("/reports/status").set("Accept", "text/html")).status).to.equal(403);
  });
});
