import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import { ADMIN, startTestApp, type TestApp } from "../helpers/app.js";
import { launchBrowser, screenshotBothWidths, logInThroughForm, type TestBrowser } from "../helpers/browser.js";
import { cityContest, type CityContest } from "../helpers/city-contest.js";

/**
 * In headless Chromium: the organizer opens the city statistics of a contest published for notice and
 * the week's statistics, then the audit log filtered to a rule change and a stage move; each page is
 * checked against the database, on a desktop and on a 375-px phone.
 */
describe("browser: statistics by city and unit, and the readable audit log", function () {
  this.timeout(60_000);

  let app: TestApp;
  let browser: TestBrowser;
  let page: Page;
  let c: CityContest;

  /** The text of a city's row cell, by column. */
  const cell = (city: string, col: string) =>
    page.locator(`[data-testid="city-row"][data-city="${city}"] td[data-col="${col}"]`).innerText();

  before(async function () {
    this.timeout(180_000);
    app = await startTestApp();
    c = await cityContest(app, "2026 河北省科普微视频大赛");
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("the contest's statistics by city match the database, with the chart and the published list named", async () => {
    await logInThroughForm(page, app.url, ADMIN, `/contests/${c.contestId}`);
    await Promise.all([page.waitForURL(/\/statistics$/), page.getByTestId("statistics-link").click()]);
    expect(await page.locator("h1").innerText()).to.contain("分市统计");
    expect(await page.getByTestId("prize-sources").innerText())
      .to.contain("2026 河北省科普微视频大赛：按")
      .and.contain("公示名单");

    const entries: { city: string; status: string; recommended_at: string | null; recommended_city: string | null }[] =
      await app
        .db("entries")
        .where({ contest_id: c.contestId })
        .select("city", "status", "recommended_at", "recommended_city");
    for (const city of ["保定", "石家庄", "唐山", "承德"]) {
      const live = entries.filter((e) => e.status !== "withdrawn");
      const submitted = live.filter((e) => e.city === city).length;
      const recommended = live.filter((e) => e.recommended_at && e.recommended_city === city).length;
      const failed = live.filter((e) => e.city === city && e.status === "disqualified").length;
      expect(await cell(city, "submitted"), city).to.equal(String(submitted));
      expect(await cell(city, "quota"), city).to.equal(`${recommended} / ${city === "保定" ? 2 : 3}`);
      expect(await cell(city, "failed"), city).to.equal(String(failed));
    }
    const snapshot = await app
      .db("result_snapshots")
      .where({ contest_id: c.contestId })
      .orderBy("number", "desc")
      .first();
    const winners = (
      JSON.parse(snapshot.canonical_json) as { results: { prize: string | null; city: string }[] }
    ).results.filter((r) => r.prize !== null);
    for (const level of ["first", "second", "third"])
      expect(await cell("保定", level), level).to.equal(
        String(winners.filter((w) => w.city === "保定" && w.prize === level).length),
      );

    const chart = page.getByTestId("city-chart").locator("svg");
    await chart.waitFor({ state: "visible" });
    expect(
      await chart.locator('rect.bar[data-city="保定"][data-series="submitted"]').getAttribute("data-count"),
    ).to.equal("3");
    expect((await chart.boundingBox())!.width).to.be.greaterThan(300);
    expect(await page.getByTestId("unit-stats").innerText()).to.match(/保定 ?市科技馆\t2\t2/);
    await screenshotBothWidths(page, "statistics-audit-contest-statistics");
  });

  it("the week's statistics are one click from the header and total every city", async () => {
    await Promise.all([
      page.waitForURL(/\/statistics$/),
      page.locator('header.site-header a[href="/statistics"]').click(),
    ]);
    expect(await page.locator("h1").innerText()).to.contain("活动周统计");
    const [{ n }] = await app.db("entries").whereNot({ status: "withdrawn" }).count({ n: "*" });
    expect(await page.locator('[data-testid="city-total"] td[data-col="submitted"]').innerText()).to.equal(String(n));
    expect(await page.getByTestId("statistics-xlsx").getAttribute("href")).to.equal("/statistics.xlsx");
    await screenshotBothWidths(page, "statistics-audit-week-statistics");
  });

  it("the audit log shows a rule change and a stage move in plain words, filtered by contest and action", async () => {
    const patched = await request(app.server)
      .patch(`/api/v1/contests/${c.contestId}`)
      .set("Authorization", `Bearer ${c.admin}`)
      .send({ title: "2026 河北省科普微视频大赛（终）" });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    await Promise.all([
      page.waitForURL(/\/admin\/audit$/),
      page.locator('header.site-header a[href="/admin/audit"]').click(),
    ]);
    const filters = page.getByTestId("audit-filters");
    await filters.locator('select[name="contestId"]').selectOption(c.contestId);
    await filters.locator('select[name="action"]').selectOption({ label: "修改赛事" });
    await Promise.all([page.waitForURL(/action=contest.update/), page.getByTestId("audit-filter").click()]);
    const rows = page.getByTestId("audit-row");
    expect(await rows.count()).to.equal(1);
    expect(await rows.first().innerText())
      .to.contain("修改赛事")
      .and.contain("名称：2026 河北省科普微视频大赛 → 2026 河北省科普微视频大赛（终）");
    const stored = await app.db("audit_log").where({ action: "contest.update", target_id: c.contestId }).first();
    expect(JSON.parse(stored.details).changes).to.deep.equal([
      { field: "title", from: "2026 河北省科普微视频大赛", to: "2026 河北省科普微视频大赛（终）" },
    ]);

    await filters.locator('select[name="action"]').selectOption({ label: "变更赛事阶段" });
    await Promise.all([page.waitForURL(/action=contest.stage/), page.getByTestId("audit-filter").click()]);
    const moves = await app.db("audit_log").where({ action: "contest.stage", target_id: c.contestId });
    expect(await rows.count()).to.equal(moves.length);
    const latest = await rows.first().innerText();
    expect(latest).to.contain("阶段：结果审核 → 公示中").and.contain("2026 河北省科普微视频大赛（终）");
    expect(latest).to.match(/\d{4}年\d{2}月\d{2}日 \d{2}:\d{2}/);
    expect(latest).to.not.match(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await screenshotBothWidths(page, "statistics-audit-audit-log");
  });
});
