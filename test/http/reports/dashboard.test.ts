import { expect } from "chai";
import ExcelJS from "exceljs";
import request from "supertest";
import { ADMIN, as, createActor, startTestApp, TestClock, tokenFor, type TestApp } from "../../helpers/app.js";
import { pageSession } from "../../helpers/pages.js";
import { adminId, seedActivity, seedNews, seedPackage, seedUnit, seedWeek } from "../../helpers/reports.js";

const byKey = (rows: { key: string; count: number }[]) => Object.fromEntries(rows.map((r) => [r.key, r.count]));

/** The reporting dashboard (DESIGN §3): figures counted in SQL equal a hand count of the seeded rows. */
describe("reports dashboard", () => {
  // Shanghai 2026-05-26 12:00: news due 3 days after an activity ending on 05-22 is past, on 05-23 not yet.
  const clock = new TestClock(new Date("2026-05-26T04:00:00.000Z"));
  let app: TestApp;
  let admin: string;

  before(async () => {
    app = await startTestApp({ clock });
    admin = await tokenFor(app, ADMIN.email, ADMIN.password);
  });
  after(() => app.close());

  it("with no report week: 409 no_report_week", async () => {
    const res = await as(app, admin).get("/api/v1/reports/dashboard");
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal("no_report_week");
  });

  it("counts by theme, form, Shanghai day, city (on-time rate) and unit kind, as counted by hand", async () => {
    const week = await seedWeek(app);
    const author = await adminId(app);
    const uni = await seedUnit(app, "保定学院", "保定", "高校");
    const firm = await seedUnit(app, "保定科技公司", "保定", "企业");
    const ts = await seedUnit(app, "唐山学院", "唐山", "高校");
    const act = (unitId: string, city: string, theme: string, form: string, startsAt: string, endsAt: string) =>
      seedActivity(app, week, { unitId, city, title: `${theme}${form}`, theme, form, startsAt, endsAt });
    const onTime = await act(
      uni,
      "保定",
      "科普行动",
      "线上直播",
      "2026-05-20T01:00:00.000Z",
      "2026-05-20T03:00:00.000Z",
    );
    // 01:00 on 05-21 in Shanghai, still 05-20 in UTC: counted on the 21st.
    const late = await act(uni, "保定", "科普行动", "现场活动", "2026-05-20T17:00:00.000Z", "2026-05-20T18:00:00.000Z");
    // No news, ended 05-21: due 05-24, past.
    await act(firm, "保定", "科学防控", "短视频", "2026-05-21T02:00:00.000Z", "2026-05-21T03:00:00.000Z");
    // No news, ended 05-23: due 05-26 23:59 Shanghai, not yet past.
    await act(firm, "保定", "科学防控", "线上直播", "2026-05-23T02:00:00.000Z", "2026-05-23T03:00:00.000Z");
    const tangshan = await act(
      ts,
      "唐山",
      "科创惠民",
      "网络展厅",
      "2026-05-19T10:00:00.000Z",
      "2026-05-19T11:00:00.000Z",
    );
    await seedNews(app, onTime, uni, { text: "按时", late: false, authorId: author });
    await seedNews(app, late, uni, { text: "逾期", late: true, authorId: author });
    await seedNews(app, tangshan, ts, { text: "唐山", late: false, authorId: author });
    await seedPackage(app, week, "唐山");

    const res = await as(app, admin).get("/api/v1/reports/dashboard");
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const d = res.body.dashboard;
    expect(d.week.id).to.equal(week);
    expect(d.city).to.equal(null);
    expect(byKey(d.byTheme)).to.deep.equal({ 科普行动: 2, 科学防控: 2, 科创惠民: 1 });
    expect(byKey(d.byForm)).to.deep.equal({ 线上直播: 2, 现场活动: 1, 短视频: 1, 网络展厅: 1 });
    expect(byKey(d.byDay)).to.deep.equal({ "2026-05-19": 1, "2026-05-20": 1, "2026-05-21": 2, "2026-05-23": 1 });
    const cities = Object.fromEntries(d.cities.map((c: { city: string }) => [c.city, c]));
    expect(cities.保定).to.deep.include({ activities: 4, onTime: 1, late: 1, missing: 2, missingPastDue: 1 });
    expect(cities.保定.rate).to.be.closeTo(1 / 3, 1e-9);
    expect(cities.保定.packageSubmittedAt).to.equal(null);
    expect(cities.唐山).to.deep.include({ activities: 1, onTime: 1, late: 0, missing: 0, missingPastDue: 0, rate: 1 });
    expect(cities.唐山.packageSubmittedAt).to.be.a("string");
    expect(d.totals).to.deep.include({ activities: 5, onTime: 2, late: 1, missing: 2, missingPastDue: 1, rate: 0.5 });
    const kinds = Object.fromEntries(d.kinds.map((k: { kind: string }) => [k.kind, k]));
    expect(kinds).to.deep.equal({
      高校: { kind: "高校", units: 2, activities: 3 },
      企业: { kind: "企业", units: 1, activities: 2 },
    });
  });

  it("the page draws the charts as SVG with their numbers; a coordinator sees his own city only, without the export", async () => {
    const page = await pageSession(app, ADMIN.email, ADMIN.password);
    const res = await page.get("/reports/dashboard").set("Accept", "text/html");
    expect(res.status, res.text.slice(0, 3000)).to.equal(200);
    const html = res.text;
    expect(html).to.match(/<svg [^>]*role="img" aria-labelledby="chart-byDay"/);
    expect(html).to.include('<title id="chart-rateByCity">');
    expect(html).to.include('data-key="2026-05-21" data-series="activities" data-count="2"');
    expect(html).to.include('data-key="保定" data-series="rate" data-count="33.3"');
    expect(html).to.match(/data-city="保定"[\s\S]*?data-col="missingPastDue">1</);
    expect(html).to.include('data-testid="reports-xlsx"');

    const coordinator = await createActor(app, "coordinator", { city: "保定" });
    const mine = (await as(app, coordinator.token).get("/api/v1/reports/dashboard")).body.dashboard;
    expect(mine.city).to.equal("保定");
    expect(mine.cities.map((c: { city: string }) => c.city)).to.deep.equal(["保定"]);
    expect(byKey(mine.byTheme)).to.deep.equal({ 科普行动: 2, 科学防控: 2 });
    const own = (
      await (
        await pageSession(app, coordinator.email, coordinator.password)
      )
        .get("/reports/dashboard")
        .set("Accept", "text/html")
    ).text;
    expect(own).to.include('data-city="保定"');
    expect(own).not.to.include('data-city="唐山"');
    expect(own).not.to.include('data-testid="reports-xlsx"');
  });

  it("exports the week as XLSX with the four sheets and their rows (organizer only)", async () => {
    const res = await as(app, admin)
      .get("/api/v1/reports/export.xlsx")
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).to.equal(200);
    expect(res.headers["content-type"]).to.include("spreadsheetml");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.body as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).to.deep.equal(["活动", "新闻报道", "单位总结", "城市汇总"]);
    const rows = (name: string) =>
      book
        .getWorksheet(name)!
        .getSheetValues()
        .filter(Boolean)
        .map((r) => (r as unknown[]).slice(1));
    expect(rows("活动")).to.have.length(1 + 5);
    expect(rows("活动")[0]).to.include("单位");
    expect(
      rows("新闻报道")
        .slice(1)
        .map((r) => r.at(-1)),
    ).to.have.members(["按时", "逾期", "唐山"]);
    expect(
      rows("单位总结")
        .slice(1)
        .map((r) => [r[0], r[3]]),
    ).to.have.deep.members([
      ["保定学院", 2],
      ["保定科技公司", 2],
      ["唐山学院", 1],
    ]);
    expect(
      rows("城市汇总")
        .slice(1)
        .map((r) => r.slice(0, 7)),
    ).to.have.deep.members([
      ["保定", 4, 1, 1, 2, 1, "33.3%"],
      ["唐山", 1, 1, 0, 0, 0, "100%"],
    ]);
  });

  it("roles: a coordinator may not export, a reporter sees no dashboard, nobody unsigned", async () => {
    const coordinator = await createActor(app, "coordinator", { city: "保定" });
    const reporter = await createActor(app, "reporter");
    expect((await as(app, coordinator.token).get("/api/v1/reports/export.xlsx")).status).to.equal(403);
    expect((await as(app, reporter.token).get("/api/v1/reports/dashboard")).status).to.equal(403);
    expect((await request(app.server).get("/api/v1/reports/dashboard")).status).to.equal(401);
    const bad = await as(app, admin).get("/api/v1/reports/dashboard?colour=red");
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal("validation_failed");
  });
});
