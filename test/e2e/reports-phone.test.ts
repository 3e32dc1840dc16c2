import { expect } from "chai";
import { newId } from "../../src/lib/ids.js";
import { ADMIN, as, createActor, startTestApp, TestClock, tokenFor, type Actor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { testMedia } from "../helpers/media.js";

/**
 * The reporter's phone (375 px): his unit's activities with due dates and statuses, the filing form
 * with image previews and the upload's progress bar, and the list again with the report filed.
 */
describe("browser: the reporter files a news report on his phone", function () {
  this.timeout(60_000);

  const clock = new TestClock(new Date("2026-05-21T02:00:00.000Z"));
  let app: TestApp;
  let browser: TestBrowser;
  let reporter: Actor;
  let activityId: string;

  before(async () => {
    app = await startTestApp({ clock });
    const admin = await tokenFor(app, ADMIN.email, ADMIN.password);
    const week = await as(app, admin).post("/api/v1/report-weeks", {
      title: "2026 科技活动周",
      summaryDueAt: "2026-05-30T15:59:59Z",
    });
    reporter = await createActor(app, "reporter", { city: "保定", unit: "保定市科学技术馆" });
    const now = clock.now().toISOString();
    // Activities as the import leaves them (the import is tested with its own part).
    const row = (title: string, endsAt: string) => ({
      id: newId(),
      week_id: week.body.week.id,
      unit_id: reporter.user.unitId,
      city: "保定",
      title,
      theme: "科普行动",
      form: "现场活动",
      starts_at: new Date(Date.parse(endsAt) - 7_200_000).toISOString(),
      ends_at: endsAt,
      place: "科技馆",
      import_key: title,
      created_at: now,
      updated_at: now,
    });
    const rows = [row("科普进社区", "2026-05-20T10:00:00.000Z"), row("青少年科技节", "2026-05-10T10:00:00.000Z")];
    await app.db("activities").insert(rows);
    activityId = rows[0].id;
    browser = await launchBrowser({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it("lists, previews, uploads with progress and shows the report filed", async () => {
    const media = await testMedia();
    const { page } = browser;
    await logInThroughForm(page, app.url, reporter, "/reports/mine");
    await page.goto(`${app.url}/reports/mine`);
    const item = page.locator(`[data-activity="${activityId}"]`);
    expect(await item.getByTestId("news-status").textContent()).to.equal("待报送");
    expect(await page.locator('[data-testid="news-status"]', { hasText: "逾期未报" }).count()).to.equal(1);
    await expectNoSidewaysScroll(page);
    await screenshot(page, "reports-mine-phone");

    await item.locator("a.button").click();
    await page.getByTestId("news-form").waitFor();
    await page.locator('textarea[name="text"]').fill("保定市科学技术馆走进社区，开展科普讲座和实验展示。");
    await page.locator("input[data-images]").setInputFiles([media.coverJpeg, media.coverPng]);
    await page.locator("[data-previews] img[src^='data:image/']").nth(1).waitFor();
    await expectNoSidewaysScroll(page);
    await screenshot(page, "reports-news-form-phone");
    await Promise.all([page.waitForURL(`${app.url}/reports/mine`), page.locator("[data-upload-submit]").click()]);
    await page.locator(`[data-activity="${activityId}"] [data-testid="news-status"]`, { hasText: "已报送" }).waitFor();
    await screenshot(page, "reports-mine-filed-phone");
    const news = await as(app, reporter.token).get(`/api/v1/activities/${activityId}/news`);
    expect(news.body.news.images).to.have.length(2);
  });

  it("files the unit summary through the upload script, a bar per file, and shows it filed", async () => {
    const media = await testMedia();
    const { page } = browser;
    await page.goto(`${app.url}/reports/summary`);
    await page.locator('input[name="document"]').setInputFiles(media.formPdf);
    await page.locator('input[name="video"]').setInputFiles(media.underLength);
    // The script sends it (JSON asked for), not the plain form post.
    const [sent] = await Promise.all([
      page.waitForRequest((r) => r.method() === "POST" && r.url().includes("/reports/summary")),
      page.locator("[data-upload-submit]").click(),
    ]);
    expect(sent.headers()["accept"]).to.equal("application/json");
    await page.getByTestId("summary-filed").waitFor();
    expect(await page.locator('[data-testid="summary-files"] video').count()).to.equal(1);
    await expectNoSidewaysScroll(page);
    const summary = await as(app, reporter.token).get(`/api/v1/units/${reporter.user.unitId}/summary`);
    expect(summary.status, JSON.stringify(summary.body)).to.equal(200);
    expect(summary.body.summary.late).to.equal(false);
  });
});
