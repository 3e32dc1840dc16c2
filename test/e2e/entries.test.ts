import { expect } from "chai";
import type { CDPSession, Page } from "playwright-core";
import { ADMIN, createActor, startTestApp, type Actor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  logOutThroughHeader,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { openContest } from "../helpers/entries.js";
import { testMedia, type TestMedia } from "../helpers/media.js";

/** What the test reads of a <video> element (the tests compile without the DOM library). */
interface VideoElement {
  muted: boolean;
  readyState: number;
  currentTime: number;
  videoWidth: number;
  play(): Promise<void>;
  pause(): void;
}

/** The page's globals, for functions run in the page (waitForFunction with a string would need eval, which the CSP forbids). */
interface PageGlobals {
  document: { querySelector(selector: string): unknown };
}

/**
 * A contestant submits a video entry through the page in headless Chromium, watching the upload's
 * progress bars; lands on the entry page, finds it under "我的作品", plays the video; on a phone too.
 * Then the coordinator of the same city recommends it within the city's quota.
 */
describe("browser: submitting an entry with upload progress, playing it, recommending it", function () {
  this.timeout(60_000);

  let app: TestApp;
  let media: TestMedia;
  let browser: TestBrowser;
  let page: Page;
  let contestId = "";
  let contestant: Actor;
  let coordinator: Actor;
  let entryUrl = "";
  let entryCode = "";
  const title = `病毒是怎样传播的 ${Date.now()}`;

  const header = () => page.locator("header.site-header");

  before(async function () {
    this.timeout(120_000);
    media = await testMedia();
    app = await startTestApp();
    ({ id: contestId } = await openContest(app, {
      title: "河北省科普微视频大赛（浏览器）",
      rules: { requiresRecommendation: true, recommendationQuota: 3 },
    }));
    contestant = await createActor(app, "contestant", { name: "李明", city: "保定", unit: "保定市科技馆" });
    coordinator = await createActor(app, "coordinator", { name: "保定市科技局", city: "保定", unit: "保定市科技局" });
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async function () {
    await browser?.close();
    await app?.close();
  });

  it("a contestant fills the submission form and sees each file's progress while it uploads", async function () {
    await logInThroughForm(page, app.url, contestant);
    await page.goto(`${app.url}/contests/${contestId}`);
    await Promise.all([page.waitForURL(/\/submit$/), page.getByTestId("submit-entry").click()]);
    expect(await page.locator("h1").innerText()).to.equal("提交作品");
    const form = page.getByTestId("submit-form");
    expect(await form.locator('[data-rule="video"]').innerText()).to.equal(
      "MP4，2–5 分钟，不超过 500MB，建议 1080p、16:9",
    );
    expect(await form.locator('select[name="city"]').inputValue()).to.equal("保定");

    await form.locator('input[name="title"]').fill(title);
    await form.locator('input[name="category"]').fill("科学防控");
    await form.locator('textarea[name="summary"]').fill("用动画讲解飞沫与接触传播，以及怎样做好个人防护。");
    // With the script, one author row and an "add" button instead of several empty rows.
    expect(await form.locator("[data-author-row]").count()).to.equal(1);
    await form.locator('input[name="authorName"]').first().fill("李明");
    await form.locator('input[name="authorRole"]').first().fill("编导");
    await form.locator("[data-add-author]").click();
    expect(await form.locator("[data-author-row]").count()).to.equal(2);
    await form.locator('input[name="authorName"]').nth(1).fill("王芳");
    await form.locator('input[name="video"]').setInputFiles(media.valid1080);
    await form.locator('input[name="form"]').setInputFiles(media.formPdf);
    await form.locator('input[name="cover"]').setInputFiles(media.coverPng);
    await form.locator('input[name="declaration"]').check();
    await screenshot(page, "entries-01-submit-filled");

    // Record every state of the bars from outside the page (it navigates away when done).
    const seen: { role: string; value: number; text: string }[] = [];
    await page.exposeFunction("recordProgress", (role: string, value: number, text: string) =>
      seen.push({ role, value, text }),
    );
    // A string, not a function: tsx would wrap a named function in a helper the page does not have.
    await page.evaluate(`
      new MutationObserver(() => {
        document.querySelectorAll("[data-progress]").forEach((box) => {
          window.recordProgress(box.dataset.progress, box.querySelector("progress").value, box.querySelector("[data-progress-text]").textContent || "");
        });
      }).observe(document.querySelector("[data-testid=submit-form]"), { subtree: true, attributes: true, childList: true, characterData: true });
    `);
    // A slow line, so the bars are seen moving (loopback would finish in a blink).
    const cdp: CDPSession = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 12 * 1024,
    });

    const submitButton = form.locator("[data-upload-submit]");
    await submitButton.click();
    await page.locator('[data-progress="video"]').waitFor({ state: "visible" });
    expect(await submitButton.isDisabled(), "the button is disabled while uploading").to.equal(true);
    await page.waitForFunction(() => {
      const bar = (globalThis as unknown as PageGlobals).document.querySelector('[data-progress="video"] progress') as {
        value: number;
      } | null;
      return bar !== null && bar.value > 0;
    });
    await screenshot(page, "entries-02-uploading");
    await page.waitForURL(/\/entries\/[^/]+$/, { timeout: 30_000 });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();

    const video = seen.filter((s) => s.role === "video");
    const between = video.filter((s) => s.value > 0 && s.value < 100);
    const completeWithSpeed = video.some((s) => s.value === 100 && /MB\/s/.test(s.text));
    expect(between.length > 0 || completeWithSpeed, `video bar states: ${JSON.stringify(video.slice(0, 20))}`).to.equal(
      true,
    );
    expect(
      video.some((s) => /\d+% · [\d.]+ MB\/s · 剩余/.test(s.text)),
      "percentage, speed and time left are shown",
    ).to.equal(true);
    for (const role of ["form", "cover"])
      expect(
        seen.some((s) => s.role === role && s.value === 100),
        `${role} reached 100`,
      ).to.equal(true);
  });

  it("lands on the entry page with its code and the video", async function () {
    entryUrl = page.url();
    expect(await page.locator("h1").innerText()).to.equal(title);
    entryCode = (await page.getByTestId("entry-code").innerText()).trim();
    expect(entryCode).to.match(/^SP-\d{4}-\d{4}$/);
    expect(await page.locator(".flash-success").innerText()).to.contain(`作品已提交，编号 ${entryCode}`);
    expect(await page.getByTestId("entry-status").innerText()).to.equal("已提交");
    expect(await page.locator("main").innerText()).to.contain("李明（编导）、王芳");
    expect(await page.getByTestId("entry-video").getAttribute("preload")).to.equal("metadata");
    await screenshot(page, "entries-03-entry-page");
  });

  it("finds it under 我的作品", async function () {
    await Promise.all([page.waitForURL(/\/my\/entries$/), header().getByRole("link", { name: "我的作品" }).click()]);
    const row = page.getByTestId("my-entries").locator("tr", { hasText: entryCode });
    expect(await row.innerText())
      .to.contain(title)
      .and.contain("已提交")
      .and.contain("待推荐");
    await screenshot(page, "entries-04-my-entries");
    await Promise.all([page.waitForURL(entryUrl), row.getByRole("link", { name: title }).click()]);
  });

  it("plays the video in the page", async function () {
    const video = page.getByTestId("entry-video");
    const played = await video.evaluate(async (el) => {
      const v = el as unknown as VideoElement;
      v.muted = true;
      try {
        await v.play();
      } catch (err) {
        return String(err);
      }
      return "playing";
    });
    expect(played).to.equal("playing");
    await page.waitForFunction(() => {
      const v = (globalThis as unknown as PageGlobals).document.querySelector(
        "[data-testid=entry-video]",
      ) as VideoElement | null;
      return v !== null && (v.readyState >= 2 || v.currentTime > 0);
    });
    const state = await video.evaluate((el) => {
      const v = el as unknown as VideoElement;
      return { readyState: v.readyState, currentTime: v.currentTime, width: v.videoWidth };
    });
    expect(state.readyState >= 2 || state.currentTime > 0, JSON.stringify(state)).to.equal(true);
    expect(state.width).to.equal(1920);
    await video.evaluate((el) => (el as unknown as VideoElement).pause());
    await screenshot(page, "entries-05-video-playing");
  });

  it("the entry page and 我的作品 work on a 375×812 phone", async function () {
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.goto(entryUrl);
      await expectNoSidewaysScroll(page);
      await screenshot(page, "entries-06-entry-phone-375x812");
      await page.goto(`${app.url}/my/entries`);
      await expectNoSidewaysScroll(page);
      // Table rows become cards: the header row is hidden.
      expect(await page.locator("[data-testid=my-entries] thead").isVisible()).to.equal(false);
      await screenshot(page, "entries-07-my-entries-phone-375x812");
      await page.goto(`${app.url}/contests/${contestId}/submit`);
      await expectNoSidewaysScroll(page);
      await screenshot(page, "entries-08-submit-phone-375x812");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("the coordinator of the same city recommends it within the quota", async function () {
    await logOutThroughHeader(page, app.url);
    await logInThroughForm(page, app.url, coordinator);
    await page.goto(`${app.url}/contests/${contestId}`);
    await Promise.all([page.waitForURL(/\/entries$/), page.getByTestId("city-entries").click()]);
    expect(await page.getByTestId("quota").innerText()).to.contain("已用 0 / 共 3");
    await screenshot(page, "entries-09-city-entries");
    await Promise.all([page.waitForURL(/\/entries$/), page.getByTestId(`recommend-${entryCode}`).click()]);
    expect(await page.locator(".flash-success").innerText()).to.contain(`已推荐作品 ${entryCode}`);
    expect(await page.getByTestId("quota").innerText()).to.contain("已用 1 / 共 3");
    expect(await page.locator(`tr[data-code="${entryCode}"]`).innerText()).to.contain("已推荐");
    expect(await page.getByTestId(`unrecommend-${entryCode}`).isVisible()).to.equal(true);
    const row = await app.db("entries").where({ code: entryCode }).first();
    expect(row.recommended_at).to.be.a("string");
    await screenshot(page, "entries-10-recommended");
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.reload();
      await expectNoSidewaysScroll(page);
      await screenshot(page, "entries-11-city-entries-phone-375x812");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it("the organizer finds it in the entry list and the format review, on a desktop and a phone", async function () {
    await logOutThroughHeader(page, app.url);
    await logInThroughForm(page, app.url, ADMIN);
    await page.goto(`${app.url}/contests/${contestId}`);
    await Promise.all([page.waitForURL(/\/entries$/), page.getByTestId("entry-list").click()]);
    expect(await page.locator(`tr[data-code="${entryCode}"]`).innerText())
      .to.contain(title)
      .and.contain("保定")
      .and.contain("已推荐");
    await screenshot(page, "entries-12-organizer-list");
    await page.goto(`${app.url}/contests/${contestId}/review`);
    expect(await page.locator(`tr[data-code="${entryCode}"]`).innerText()).to.contain("视频分辨率 1920×1080");
    await screenshot(page, "entries-13-format-review");
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.reload();
      await expectNoSidewaysScroll(page);
      await screenshot(page, "entries-14-format-review-phone-375x812");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
