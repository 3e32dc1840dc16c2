import { expect } from "chai";
import ExcelJS from "exceljs";
import request from "supertest";
import { CITIES } from "../../../src/accounts/cities.js";
import { ADMIN, createActor, startTestApp, type Actor, type TestApp } from "../../helpers/app.js";
import { CITY_ENTRIES, cityContest, type CityContest } from "../../helpers/city-contest.js";
import { pageSession, type PageAgent } from "../../helpers/pages.js";
import { expectNothingWritten, writtenState } from "../../helpers/unchanged.js";

/**
 * The hand count, from the seeded entries alone: withdrawn entries count nowhere; recommendations
 * count for the recommending city; the ranked (recommended, still submitted) entries take the
 * first, second and third prize by score.
 */
function handCount() {
  const ranked = CITY_ENTRIES.filter((e) => e.recommendedBy && !e.withdrawn && !e.disqualified).sort(
    (a, b) => b.score! - a.score!,
  );
  const prizeOf = new Map(ranked.slice(0, 3).map((e, i) => [e.label, (["first", "second", "third"] as const)[i]]));
  return CITIES.map(({ name }) => {
    const live = CITY_ENTRIES.filter((e) => !e.withdrawn);
    const prizes = { first: 0, second: 0, third: 0 };
    for (const e of live.filter((x) => x.city === name)) {
      const prize = prizeOf.get(e.label);
      if (prize) prizes[prize] += 1;
    }
    return {
      key: name,
      submitted: live.filter((e) => e.city === name).length,
      recommended: live.filter((e) => e.recommendedBy === name).length,
      quota: name === "保定" ? 2 : 3,
      failed: live.filter((e) => e.city === name && e.disqualified).length,
      prizes,
    };
  });
}

describe("statistics by city and unit (issue 10, item 9)", () => {
  let app: TestApp;
  let c: CityContest;
  let organizer: PageAgent;
  let contestant: Actor;
  const api = (token: string, path: string) => request(app.server).get(path).set("Authorization", `Bearer ${token}`);
  const binary = (agent: PageAgent, path: string) =>
    agent
      .get(path)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (chunk: Buffer) => chunks.push(chunk));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp();
    c = await cityContest(app);
    organizer = await pageSession(app, ADMIN.email, ADMIN.password);
    contestant = await createActor(app, "contestant");
  });
  after(() => app.close());

  it("the city statistics of the seeded contest equal the hand count, prizes from the published notice", async () => {
    const res = await api(c.admin, `/api/v1/statistics?contest=${c.contestId}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const stats = res.body.statistics;
    const got = stats.cities.map((r: Record<string, unknown>) => ({
      key: r.key,
      submitted: r.submitted,
      recommended: r.recommended,
      quota: r.quota,
      failed: r.failed,
      prizes: r.prizes,
    }));
    expect(got).to.deep.equal(handCount());
    expect(stats.totals).to.include({ submitted: 7, recommended: 5, failed: 2 });
    expect(stats.prizeSources).to.have.length(1);
    expect(stats.prizeSources[0].snapshot).to.include({ kind: "notice", number: 1 });
  });

  it("units are counted by their normalized name: 保定市科技馆 and 保定 市科技馆 are one unit", async () => {
    const stats = (await api(c.admin, `/api/v1/statistics?contest=${c.contestId}`)).body.statistics;
    const museum = stats.units.filter((u: { name: string }) => u.name.replace(/\s/g, "") === "保定市科技馆");
    expect(museum).to.have.length(1);
    expect(museum[0]).to.deep.include({
      submitted: 2,
      recommended: 2,
      failed: 0,
      prizes: { first: 1, second: 1, third: 0 },
    });
    const tangshan = stats.units.find((u: { name: string }) => u.name === "唐山科技馆");
    expect(tangshan).to.deep.include({ submitted: 2, recommended: 1, failed: 1 });
    expect(stats.units.map((u: { name: string }) => u.name)).to.not.include("石家庄二中");
  });

  it("a coordinator sees his own city's rows only", async () => {
    const res = await api(c.coordinators["唐山"].token, `/api/v1/statistics?contest=${c.contestId}`);
    expect(res.status).to.equal(200);
    expect(res.body.statistics.cities.map((r: { key: string }) => r.key)).to.deep.equal(["唐山"]);
    expect(res.body.statistics.cities[0]).to.deep.include({ submitted: 2, recommended: 1, quota: 3, failed: 1 });
    expect(res.body.statistics.units.map((u: { name: string }) => u.name)).to.deep.equal(["唐山科技馆"]);
  });

  it("the contest page shows the table, the chart and which published list the prizes come from", async () => {
    const page = await organizer.get(`/contests/${c.contestId}/statistics`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include("分市统计").and.include("公示名单").and.include("<svg");
    expect(page.text).to.match(/data-city="保定"[\s\S]*?data-col="submitted">3<[\s\S]*?data-col="quota">2 \/ 2</);
    expect(page.text).to.include('data-series="prizes" data-count="2"');
    const show = await organizer.get(`/contests/${c.contestId}`);
    expect(show.text).to.include(`/contests/${c.contestId}/statistics`);
  });

  it("the week page counts every contest and says a contest not yet published has no prizes", async () => {
    const created = await request(app.server).post("/api/v1/contests").set("Authorization", `Bearer ${c.admin}`).send({
      kind: "report",
      title: "活动总结评选",
      opensAt: "2026-09-01T00:00:00Z",
      closesAt: "2026-09-10T00:00:00Z",
    });
    expect(created.status).to.equal(201);
    const page = await organizer.get("/statistics");
    expect(page.status).to.equal(200);
    expect(page.text).to.include("活动周统计").and.include("活动总结评选：尚未公示，不计获奖");
    expect(page.text).to.match(/data-testid="city-total"[\s\S]*?data-col="submitted">7</);
    const en = await organizer.get("/statistics?lang=en");
    expect(en.text).to.include("Week statistics by city and unit");
    await organizer.get("/statistics?lang=zh-CN");
  });

  it("exports the same figures as CSV and XLSX", async () => {
    const csv = await organizer.get(`/contests/${c.contestId}/statistics.csv`);
    expect(csv.status).to.equal(200);
    expect(csv.headers["content-type"]).to.include("text/csv");
    expect(csv.text).to.include("按城市,保定,3,2,2,0,1,1,0").and.include("按单位,河北大学,2,2,,1,0,0,1");
    const xlsx = await binary(organizer, "/statistics.xlsx");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body);
    const byCity = book.getWorksheet("按城市")!;
    expect(byCity.getRow(1).getCell(2).value).to.equal("提交作品");
    const baoding = byCity.getRow(1 + CITIES.findIndex((x) => x.name === "保定") + 1);
    expect(baoding.getCell(1).value).to.equal("保定");
    expect(baoding.getCell(2).value).to.equal(3);
    expect(book.getWorksheet("按单位")!.rowCount).to.be.greaterThan(1);
  });

  it("bad input is refused with the error shape and writes nothing; other roles are refused", async () => {
    const before = await writtenState(app);
    const unknown = await api(c.admin, "/api/v1/statistics?contest=x&city=保定");
    expect(unknown.status).to.equal(400);
    expect(unknown.body.error).to.have.keys("code", "message", "details");
    const missing = await api(c.admin, "/api/v1/statistics?contest=nope").set("Accept-Language", "en");
    expect(missing.status).to.equal(404);
    expect(missing.body.error.message).to.match(/[A-Za-z]/);
    expect((await api(contestant.token, "/api/v1/statistics")).status).to.equal(403);
    const coordinatorPage = await pageSession(app, c.coordinators["保定"].email, c.coordinators["保定"].password);
    expect((await coordinatorPage.get("/statistics")).status).to.equal(403);
    await expectNothingWritten(app, before);
  });
});
