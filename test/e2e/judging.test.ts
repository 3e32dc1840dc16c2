import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import { ADMIN, createActor, startTestApp, type Actor, type TestApp } from "../helpers/app.js";
import {
  expectNoSidewaysScroll,
  launchBrowser,
  logInThroughForm,
  openHeaderMenu,
  screenshot,
  type TestBrowser,
} from "../helpers/browser.js";
import { openContest, submit, videoSubmission } from "../helpers/entries.js";
import { testMedia } from "../helpers/media.js";

/**
 * Judging in headless Chromium: a judge on a 375×812 phone logs in, accepts the conflict-of-interest
 * declaration, opens an entry, plays its video, scores it (live total, a refused value named under
 * its field), saves a draft and submits; the organizer on a desktop sees the submitted count change
 * on the progress page. Screenshots of each step go to test-output/.
 */
describe("browser: a judge scores on a phone, the organizer watches progress", function () {
  this.timeout(60_000);

  let app: TestApp;
  let contestId = "";
  let judge: Actor;
  let phone: TestBrowser;
  let desktop: TestBrowser;
  let page: Page;
  let office: Page;
  const contestTitle = "河北省科普微视频大赛（浏览器评审）";

  before(async function () {
    const media = await testMedia();
    app = await startTestApp();
    const opened = await openContest(app, {
      title: contestTitle,
      judgesPerEntry: 1,
      rubric: {
        criteria: [
          { key: "science", label: "科学性", max: 40, step: 1, description: "内容科学准确，无知识性错误" },
          { key: "art", label: "艺术性", max: 30, step: 0.5 },
          { key: "fun", label: "趣味性", max: 30, step: 1 },
        ],
      },
    });
    contestId = opened.id;
    const admin = (path: string, body?: object) =>
      request(app.server).post(path).set("Authorization", `Bearer ${opened.admin}`).send(body);
    const contestant = await createActor(app, "contestant", { city: "承德" });
    for (const title of ["病毒是怎样传播的", "口罩里的科学"]) {
      const res = await submit(
        app,
        contestId,
        contestant.token,
        videoSubmission(media, {
          fields: { title, unit: "承德市避暑山庄科普馆", authors: JSON.stringify([{ name: "欧阳铁柱" }]) },
        }),
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    }
    judge = await createActor(app, "judge", { name: "王评委", unit: "河北大学", expertise: ["科学防控"] });
    expect(
      (
        await request(app.server)
          .put(`/api/v1/contests/${contestId}/judges`)
          .set("Authorization", `Bearer ${opened.admin}`)
          .send({ judgeIds: [judge.user.id] })
      ).status,
    ).to.equal(200);
    expect((await admin(`/api/v1/contests/${contestId}/assignments/auto`, { seed: 1 })).status).to.equal(200);
    expect((await admin(`/api/v1/contests/${contestId}/stage`, { to: "closed" })).status).to.equal(200);
    expect((await admin(`/api/v1/contests/${contestId}/stage`, { to: "judging" })).status).to.equal(200);
    // More judges join the pool later: a matrix wider than a phone.
    const more: string[] = [];
    for (const unit of ["河北省科学技术情报研究院", "河北工业大学", "石家庄铁道大学", "燕山大学", "河北医科大学"])
      more.push((await createActor(app, "judge", { unit })).user.id);
    expect(
      (
        await request(app.server)
          .put(`/api/v1/contests/${contestId}/judges`)
          .set("Authorization", `Bearer ${opened.admin}`)
          .send({ judgeIds: [judge.user.id, ...more] })
      ).status,
    ).to.equal(200);
    [phone, desktop] = await Promise.all([
      launchBrowser({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true }),
      launchBrowser(),
    ]);
    page = phone.page;
    office = desktop.page;
  });

  after(async function () {
    await phone?.close();
    await desktop?.close();
    await app?.close();
  });

  it("the organizer (desktop) sees nothing submitted yet", async function () {
    await logInThroughForm(office, app.url, ADMIN);
    await office.goto(`${app.url}/contests/${contestId}/progress`);
    expect(await office.getByTestId("total-submitted").innerText()).to.equal("0");
    expect(await office.getByTestId("late-judges").innerText()).to.contain("王评委");
    await screenshot(office, "judging-01-progress-before-desktop");
  });

  it("the judge logs in on his phone and accepts the declaration first", async function () {
    await logInThroughForm(page, app.url, judge);
    // On his phone the header's links are folded into the menu.
    await openHeaderMenu(page);
    await Promise.all([page.waitForURL(/\/judge$/), page.locator('header nav a[href="/judge"]').click()]);
    const declaration = page.getByTestId("declaration");
    expect(await declaration.innerText())
      .to.contain("回避声明")
      .and.contain("主动申请回避");
    expect(await page.getByTestId("queue-item").count()).to.equal(0);
    await expectNoSidewaysScroll(page);
    await screenshot(page, "judging-02-declaration-phone");
    await Promise.all([page.waitForURL(/\/judge$/), page.getByTestId("accept-declaration").click()]);
    expect(await page.locator(".flash").first().innerText()).to.contain("已接受回避声明");
    expect(await page.getByTestId("queue-item").count()).to.equal(2);
    const queue = await page.locator("main").innerText();
    expect(queue).to.contain("待评").and.contain(contestTitle).and.not.contain("欧阳铁柱").and.not.contain("避暑山庄");
    await expectNoSidewaysScroll(page);
    await screenshot(page, "judging-03-queue-phone");
  });

  it("opens an entry and plays its video", async function () {
    await Promise.all([page.waitForURL(/\/judge\/assignments\//), page.getByTestId("queue-item").first().click()]);
    const video = page.getByTestId("video-video");
    expect(await video.getAttribute("playsinline")).to.not.equal(null);
    const played = await video.evaluate(async (el) => {
      // The test's types have no DOM library: the few members of HTMLVideoElement used here.
      const v = el as unknown as {
        muted: boolean;
        currentTime: number;
        readyState: number;
        error: { code: number } | null;
        play(): Promise<void>;
        pause(): void;
      };
      v.muted = true;
      await v.play();
      const started = Date.now();
      while (!(v.currentTime > 0 || v.readyState >= 2) && Date.now() - started < 8000)
        await new Promise((r) => setTimeout(r, 100));
      v.pause();
      return { currentTime: v.currentTime, readyState: v.readyState, error: v.error?.code ?? null };
    });
    expect(played.error).to.equal(null);
    expect(played.currentTime > 0 || played.readyState >= 2, JSON.stringify(played)).to.equal(true);
    expect(await page.locator("main").innerText()).not.to.contain("欧阳铁柱");
    await expectNoSidewaysScroll(page);
    await screenshot(page, "judging-04-entry-phone");
  });

  it("scores with the live total; a score over its maximum is named under its field", async function () {
    const total = page.getByTestId("total");
    await page.getByTestId("score-science").fill("41");
    expect(await page.getByTestId("msg-science").innerText()).to.equal("分数须在 0–40 之间");
    await page.getByTestId("score-science").fill("35");
    expect(await page.getByTestId("msg-science").isVisible()).to.equal(false);
    // The slider (a thumb's control) and the number stay in step.
    const slider = page.locator('input[type="range"][data-range-for="score-art"]');
    expect(await slider.isVisible()).to.equal(true);
    await slider.fill("22.5");
    expect(await page.getByTestId("score-art").inputValue()).to.equal("22.5");
    expect(await total.innerText()).to.equal("57.5");
    await page.getByTestId("comment").fill("科学性强，讲解清楚");
    await expectNoSidewaysScroll(page);
    await screenshot(page, "judging-05-scoring-phone");
  });

  it("saves a draft with a field still empty, then submits", async function () {
    await Promise.all([page.waitForURL(/\/judge\/assignments\/[^/]+$/), page.getByTestId("save-draft").click()]);
    expect(await page.locator(".flash").first().innerText()).to.contain("草稿已保存");
    expect(await page.getByTestId("sheet-status").innerText()).to.equal("草稿");
    expect(await page.getByTestId("score-science").inputValue()).to.equal("35");
    await screenshot(page, "judging-06-draft-saved-phone");

    // Submitting needs every criterion: the empty one is named, nothing is sent.
    await page.getByTestId("submit-score").click();
    expect(await page.getByTestId("msg-fun").innerText()).to.equal("请填写此项分数");
    expect(await page.getByTestId("sheet-status").innerText()).to.equal("草稿");
    await page.getByTestId("score-fun").fill("18");
    expect(await page.getByTestId("total").innerText()).to.equal("75.5");
    await Promise.all([page.waitForURL(/\/judge\/assignments\/[^/]+$/), page.getByTestId("submit-score").click()]);
    expect(await page.locator(".flash").first().innerText()).to.contain("评分已提交，总分 75.5");
    expect(await page.getByTestId("sheet-status").innerText()).to.equal("已提交");
    await expectNoSidewaysScroll(page);
    await screenshot(page, "judging-07-submitted-phone");
    await page.goto(`${app.url}/judge`);
    expect(await page.getByTestId("round-progress").innerText()).to.contain("已提交 1 / 2 件");
    await screenshot(page, "judging-08-queue-after-phone");
  });

  it("the organizer (desktop) sees the submitted count change without reloading", async function () {
    // The page refreshes its figures by itself (every 15 s, and when the tab comes back into view).
    // The page still shows what it loaded before the judge submitted; the change itself is awaited, not the clock.
    expect(await office.getByTestId("total-submitted").innerText()).to.equal("0");
    await office.evaluate('document.dispatchEvent(new Event("visibilitychange"))');
    await office.getByTestId("total-submitted").filter({ hasText: /^1$/ }).waitFor();
    expect(
      await office.locator(`tr[data-judge="${judge.user.id}"] [data-testid="judge-submitted"]`).innerText(),
    ).to.equal("1");
    await screenshot(office, "judging-09-progress-after-desktop");
    await office.goto(`${app.url}/contests/${contestId}/judging`);
    expect(await office.getByTestId("matrix").isVisible()).to.equal(true);
    await screenshot(office, "judging-10-matrix-desktop");
    // On a phone the matrix scrolls inside its own box; the page itself does not scroll sideways.
    await office.setViewportSize({ width: 375, height: 812 });
    try {
      await office.reload();
      await expectNoSidewaysScroll(office);
      const box = await office
        .locator(".matrix-wrap")
        .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(box.scroll).to.be.greaterThan(box.client);
      await screenshot(office, "judging-11-matrix-phone");
      await office.goto(`${app.url}/contests/${contestId}/progress`);
      await expectNoSidewaysScroll(office);
      await screenshot(office, "judging-12-progress-phone");
    } finally {
      await office.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
