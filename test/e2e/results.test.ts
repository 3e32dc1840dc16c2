import { expect } from "chai";
import type { Page } from "playwright-core";
import { ADMIN, createActor, startTestApp, type Actor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  logOutThroughHeader,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { judgedContest, type JudgedContest } from "../helpers/judged.js";
import { testMedia, type TestMedia } from "../helpers/media.js";

const rubric = {
  criteria: [
    { key: "science", label: "科学性", max: 50, step: 1 },
    { key: "art", label: "艺术性", max: 50, step: 1 },
  ],
};
const s = (total: number) => ({ science: Math.ceil(total / 2), art: Math.floor(total / 2) });

/**
 * In headless Chromium: the organizer reviews the computed results (table, chart, judge statistics)
 * and publishes the notice; an anonymous visitor sees the winners, on a desktop and on a phone; a
 * contestant logs in and files an objection with an evidence file.
 */
describe("browser: results review, publication, public notice and an objection", function () {
  this.timeout(60_000);

  let app: TestApp;
  let media: TestMedia;
  let browser: TestBrowser;
  let page: Page;
  let c: JudgedContest;
  let citizen: Actor;

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    // Eight entries of quality 92 … 64; judge 5 is 12 points harsher than the others everywhere.
    const quality = [92, 88, 84, 80, 76, 72, 68, 64];
    c = await judgedContest(app, {
      contest: { title: "河北省科普微视频大赛", rubric, prizes: { mode: "count", first: 1, second: 2, third: 3 } },
      sheets: quality.map((q) => [q + 1, q - 1, q, q, q - 12].map(s)),
    });
    citizen = await createActor(app, "contestant", { name: "王公示", city: "唐山" });
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("the organizer reviews the results: table with explanations, chart with prize bands, judge statistics", async () => {
    await logInThroughForm(page, app.url, ADMIN, `/contests/${c.contestId}`);
    await Promise.all([page.waitForURL(/\/review\/results$/), page.getByTestId("results-review").click()]);
    expect(await page.locator("h1").innerText()).to.contain("成绩审核");
    await Promise.all([page.waitForURL(/\/review\/results$/), page.getByTestId("compute").click()]);
    expect(await page.locator(".flash-success").innerText()).to.contain("成绩已计算：8 件作品参与排名");
    const rows = page.getByTestId("results-table").locator("tbody tr");
    expect(await rows.count()).to.equal(8);
    expect(await rows.first().innerText())
      .to.contain(c.entries[0].code)
      .and.contain("一等奖")
      .and.contain("去掉最高分 93、最低分 80");
    const chart = page.getByTestId("chart").locator("svg");
    await chart.waitFor({ state: "visible" });
    const box = (await chart.boundingBox())!;
    expect(box.width).to.be.greaterThan(300);
    expect(await chart.locator("rect.band").count()).to.equal(3);
    expect(await chart.locator("rect.bar").count()).to.be.greaterThan(3);
    expect(await page.getByTestId("bias-flag").innerText()).to.equal("偏严");
    expect(await page.getByTestId("outlier-cell").count()).to.equal(8);
    await screenshot(page, "results-01-review");
  });

  it("the organizer moves to review and publishes the notice", async () => {
    // Each stage button asks first; confirming leads back to the review page.
    await Promise.all([page.waitForURL(/\/stage$/), page.getByTestId("stage-button").click()]);
    await Promise.all([page.waitForURL(/\/review\/results$/), page.getByTestId("confirm").click()]);
    expect(await page.locator(".flash-success").innerText()).to.contain("结果审核");
    expect(await page.getByTestId("stage-button").innerText()).to.equal("发布公示");
    await Promise.all([page.waitForURL(/\/stage$/), page.getByTestId("stage-button").click()]);
    await Promise.all([page.waitForURL(/\/review\/results$/), page.getByTestId("confirm").click()]);
    expect(await page.locator(".flash-success").innerText()).to.contain("公示");
    await page.goto(`${app.url}/contests/${c.contestId}`);
    expect(await page.getByTestId("public-results").isVisible()).to.equal(true);
    await screenshot(page, "results-02-published");
    await logOutThroughHeader(page, app.url);
  });

  it("an anonymous visitor sees the winners by prize level with the snapshot hash, on a desktop and a phone", async () => {
    await page.goto(`${app.url}/contests/${c.contestId}/results`);
    const winners = page.getByTestId("winners");
    expect(await winners.locator('[data-prize="first"] tbody tr').count()).to.equal(1);
    expect(await winners.locator('[data-prize="second"] tbody tr').count()).to.equal(2);
    expect(await winners.locator('[data-prize="third"] tbody tr').count()).to.equal(3);
    expect(await winners.locator('[data-prize="first"]').innerText())
      .to.contain("作品 1")
      .and.contain("作者 1")
      .and.contain("参赛单位 1");
    // The verification is folded under plain words: a tap opens it.
    await page.locator("details.verify > summary").click();
    expect(await page.getByTestId("snapshots").locator("code.hash").innerText()).to.match(/^[0-9a-f]{64}$/);
    expect(await page.getByTestId("verify-commands").innerText())
      .to.contain("sha256sum")
      .and.contain("certutil -hashfile");
    expect(await page.getByTestId("notice-window").innerText()).to.match(
      /公示期至 \d{4}年\d{2}月\d{2}日 \d{2}:\d{2}（北京时间）/,
    );
    await screenshot(page, "results-03-public");
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.reload();
      await expectNoSidewaysScroll(page);
      expect(await winners.locator('[data-prize="first"]').isVisible()).to.equal(true);
      await screenshot(page, "results-04-public-phone-375");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("a contestant logs in and files an objection with an evidence file, on a phone", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await logInThroughForm(page, app.url, citizen, `/contests/${c.contestId}/results`);
      const form = page.getByTestId("objection-form");
      expect(await page.getByTestId("objection-name").innerText()).to.equal("王公示");
      await form.locator('select[name="entryId"]').selectOption({ label: `${c.entries[2].code} 作品 3` });
      await form.locator('textarea[name="text"]').fill("该作品片尾使用的动画与已发表作品雷同，附对比截图。");
      await form.locator('input[name="evidence"]').setInputFiles(media.formPdf);
      await expectNoSidewaysScroll(page);
      await screenshot(page, "results-05-objection-filled-phone");
      await Promise.all([page.waitForURL(/\/results#my-objections$/), page.getByTestId("objection-submit").click()]);
      expect(await page.locator(".flash-success").innerText()).to.contain("异议已提交");
      const mine = page.getByTestId("my-objections");
      expect(await mine.innerText())
        .to.contain(c.entries[2].code)
        .and.contain("待处理")
        .and.contain("form.pdf");
      const row = await app.db("objections").where({ contest_id: c.contestId }).first();
      expect(row).to.include({
        user_id: citizen.user.id,
        entry_id: c.entries[2].id,
        evidence_type: "pdf",
        status: "open",
      });
      await expectNoSidewaysScroll(page);
      await screenshot(page, "results-06-objection-filed-phone");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
